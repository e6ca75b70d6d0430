package dev.tern.delivery.tlsrpt;

import dev.tern.smtp.client.SmtpClientException;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;

import static org.assertj.core.api.Assertions.assertThat;

/** The failures are built as the JDK's TLS client reports them: the reason a few causes down. */
class TlsResultTypeTest {

    private static SmtpClientException tls(Throwable cause) {
        SSLHandshakeException h = new SSLHandshakeException("PKIX path validation failed: " + cause);
        h.initCause(cause);
        return new SmtpClientException(SmtpClientException.Kind.TLS, "TLS with mx.example.com failed", null, h);
    }

    @Test
    void eachCertificateProblemHasItsResultType() {
        CertPathValidatorException expired = new CertPathValidatorException("validity check failed",
                new CertificateExpiredException("NotAfter: Mon Jan 01 00:00:00 UTC 2024"));
        assertThat(TlsResultType.of(tls(expired))).isEqualTo("certificate-expired");
        assertThat(TlsResultType.of(tls(new CertificateException("No subject alternative DNS name matching mx.example.com found."))))
                .isEqualTo("certificate-host-mismatch");
        assertThat(TlsResultType.of(tls(new CertPathValidatorException("Path does not chain with any of the trust anchors"))))
                .isEqualTo("certificate-not-trusted");
        assertThat(TlsResultType.of(tls(new javax.net.ssl.SSLException("Received fatal alert: protocol_version"))))
                .isEqualTo("validation-failure");
    }

    @Test
    void starttlsNotOfferedWhereRequiredIsItsOwnType() {
        assertThat(TlsResultType.of(new SmtpClientException(SmtpClientException.Kind.UNSUPPORTED,
                "4.7.4 TLS is required, but was not offered by mx.example.com"))).isEqualTo("starttls-not-supported");
    }

    @Test
    void failuresThatAreNotAboutTlsAreNotCounted() {
        assertThat(TlsResultType.of(new SmtpClientException(SmtpClientException.Kind.TIMEOUT, "no greeting"))).isNull();
        assertThat(TlsResultType.of(new SmtpClientException(SmtpClientException.Kind.CONNECT, "refused"))).isNull();
        assertThat(TlsResultType.of(new IllegalStateException("x"))).isNull();
    }
}
