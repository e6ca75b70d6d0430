package dev.tern.smtp.server;

import dev.tern.net.tls.ServerTls;
import dev.tern.net.tls.TlsMode;
import dev.tern.testing.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A renewed certificate reaches new connections while the server runs. */
class TlsRenewalTest extends SmtpServerTestSupport {

    @TempDir
    Path dir;

    private X509Certificate served(SSLContext client) throws Exception {
        try (SmtpTestClient c = SmtpTestClient.implicitTls(server.port(), client)) {
            return c.peerCertificate();
        }
    }

    @Test
    void newConnectionsGetTheRenewedCertificate() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        TestCertificates.Issued first = TestCertificates.ec().write(cert, key, true);
        TestCertificates.Issued second = TestCertificates.ec();
        SSLContext client = TestCertificates.trusting(first.certificate(), second.certificate());
        try (ServerTls tls = ServerTls.open(cert, key, dir, HOSTNAME, Duration.ZERO)) {
            start("submissions", limits(), false, SmtpSecurity.submission(TlsMode.IMPLICIT, tls,
                    TlsFixture.authenticator(false), TlsFixture.AUTH_EXECUTOR, false));
            assertThat(served(client)).isEqualTo(first.certificate());

            second.write(cert, key, false);
            // The files are looked at when a connection arrives, without holding it up.
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> served(client).equals(second.certificate()));
            assertThat(served(client)).isEqualTo(second.certificate());
        }
    }
}
