package dev.tern.smtp.client;

import dev.tern.testing.TestPki;
import org.junit.jupiter.api.Test;

import java.security.cert.X509Certificate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TlsSettingsTest {

    @Test
    void extraCertificatesAreTrustedBesidesTheJdksOwn() {
        X509Certificate privateCa = new TestPki().caCertificate();
        List<X509Certificate> jdk = TlsSettings.verifying().trustAnchors();
        assertThat(jdk).isNotEmpty().doesNotContain(privateCa);
        // [delivery] ca_file adds a private CA; public MX hosts must still verify.
        assertThat(TlsSettings.trustingAlso(List.of(privateCa)).trustAnchors())
                .contains(privateCa).containsAll(jdk).hasSize(jdk.size() + 1);
        // trusting() is exactly the given set (the send command's --ca-file).
        assertThat(TlsSettings.trusting(List.of(privateCa)).trustAnchors()).containsExactly(privateCa);
    }
}
