package dev.tern.delivery.dane;

import dev.tern.testing.TestPki;
import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class DaneVerifierTest {

    private final TestPki pki = new TestPki();
    private final TestPki.Issued server = pki.issue("mx.b.test");
    private final List<X509Certificate> chain = List.of(server.certificate(), pki.caCertificate());

    private static byte[] sha256(byte[] bytes) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }

    private static byte[] sha512(byte[] bytes) throws Exception {
        return MessageDigest.getInstance("SHA-512").digest(bytes);
    }

    private static DaneHost.Authenticated host(Tlsa... records) {
        return new DaneHost.Authenticated("mx.b.test", List.of(records), Set.of("mx.b.test"));
    }

    private static String check(List<X509Certificate> chain, DaneHost.Authenticated host, Instant now) {
        return DaneVerifier.check(chain, host, now).map(DaneVerifier.Mismatch::resultType).orElse("ok");
    }

    @Test
    void daneEeMatchesTheServersOwnCertificateOrKeyInEveryForm() throws Exception {
        byte[] cert = server.certificate().getEncoded();
        byte[] key = server.certificate().getPublicKey().getEncoded();
        Instant now = Instant.now();
        assertThat(check(chain, host(new Tlsa(3, 1, 1, sha256(key))), now)).isEqualTo("ok");
        assertThat(check(chain, host(new Tlsa(3, 0, 1, sha256(cert))), now)).isEqualTo("ok");
        assertThat(check(chain, host(new Tlsa(3, 0, 0, cert)), now)).isEqualTo("ok");
        assertThat(check(chain, host(new Tlsa(3, 1, 2, sha512(key))), now)).isEqualTo("ok");
        // The CA's key is not the server's: a DANE-EE record for it matches nothing.
        byte[] caKey = pki.caCertificate().getPublicKey().getEncoded();
        assertThat(check(chain, host(new Tlsa(3, 1, 1, sha256(caKey))), now)).isEqualTo("tlsa-invalid");
    }

    @Test
    void daneEeIgnoresNamesAndDates() throws Exception {
        byte[] key = server.certificate().getPublicKey().getEncoded();
        DaneHost.Authenticated other = new DaneHost.Authenticated("mx.elsewhere.test",
                List.of(new Tlsa(3, 1, 1, sha256(key))), Set.of("mx.elsewhere.test"));
        // Named for another host, and checked long after it expired: still the key published.
        assertThat(check(chain, other, Instant.now().plus(Duration.ofDays(400)))).isEqualTo("ok");
        // The server's certificate alone, without its issuer.
        assertThat(check(List.of(server.certificate()), other, Instant.now())).isEqualTo("ok");
    }

    @Test
    void daneTaNeedsTheChainToTheAnchorAndTheHostsName() throws Exception {
        Tlsa anchor = new Tlsa(2, 0, 1, sha256(pki.caCertificate().getEncoded()));
        Instant now = Instant.now();
        assertThat(check(chain, host(anchor), now)).isEqualTo("ok");
        assertThat(check(chain, host(new Tlsa(2, 1, 1, sha256(pki.caCertificate().getPublicKey().getEncoded()))), now))
                .isEqualTo("ok");

        TestPki.Issued wrongName = pki.issue("other.test");
        assertThat(check(List.of(wrongName.certificate(), pki.caCertificate()), host(anchor), now))
                .isEqualTo("certificate-host-mismatch");

        // Dates count under DANE-TA: the test certificates live 30 days.
        assertThat(check(chain, host(anchor), now.plus(Duration.ofDays(60)))).isEqualTo("certificate-expired");

        // A certificate another CA signed, sent with this CA's certificate, does not chain to it.
        TestPki stranger = new TestPki();
        assertThat(check(List.of(stranger.issue("mx.b.test").certificate(), pki.caCertificate()), host(anchor), now))
                .isEqualTo("tlsa-invalid");

        // The anchor must be sent by the server: its certificate alone matches nothing.
        assertThat(check(List.of(server.certificate()), host(anchor), now)).isEqualTo("tlsa-invalid");
    }

    @Test
    void oneMatchingRecordOfSeveralIsEnough() throws Exception {
        byte[] key = server.certificate().getPublicKey().getEncoded();
        Tlsa stale = new Tlsa(3, 1, 1, sha256(new byte[] {1, 2, 3}));
        assertThat(check(chain, host(stale, new Tlsa(3, 1, 1, sha256(key))), Instant.now())).isEqualTo("ok");
        assertThat(check(chain, host(stale), Instant.now())).isEqualTo("tlsa-invalid");
        assertThat(check(List.of(), host(stale), Instant.now())).isEqualTo("tlsa-invalid");
    }

    @Test
    void wildcardsStandForOneLeftMostLabel() {
        assertThat(DaneVerifier.nameMatches("*.b.test", "mx.b.test")).isTrue();
        assertThat(DaneVerifier.nameMatches("MX.B.TEST.", "mx.b.test")).isTrue();
        assertThat(DaneVerifier.nameMatches("*.b.test", "a.mx.b.test")).isFalse();
        assertThat(DaneVerifier.nameMatches("*.b.test", "b.test")).isFalse();
        assertThat(DaneVerifier.nameMatches("*.test", "b.test")).isFalse();
        assertThat(DaneVerifier.nameMatches("mx*.b.test", "mx1.b.test")).isFalse();
    }

    @Test
    void onlyDaneUsagesWithKnownSelectorsAndDigestLengthsAreUsable() {
        assertThat(new Tlsa(3, 1, 1, new byte[32]).usable()).isTrue();
        assertThat(new Tlsa(2, 0, 2, new byte[64]).usable()).isTrue();
        assertThat(new Tlsa(3, 0, 0, new byte[300]).usable()).isTrue();
        assertThat(new Tlsa(0, 0, 1, new byte[32]).usable()).as("PKIX-TA").isFalse();
        assertThat(new Tlsa(1, 1, 1, new byte[32]).usable()).as("PKIX-EE").isFalse();
        assertThat(new Tlsa(3, 2, 1, new byte[32]).usable()).as("selector").isFalse();
        assertThat(new Tlsa(3, 1, 3, new byte[32]).usable()).as("matching type").isFalse();
        assertThat(new Tlsa(3, 1, 1, new byte[31]).usable()).as("SHA-256 length").isFalse();
        assertThat(new Tlsa(3, 1, 2, new byte[32]).usable()).as("SHA-512 length").isFalse();
        assertThat(new Tlsa(3, 1, 1, new byte[] {(byte) 0xab, 0x01}).toString()).isEqualTo("3 1 1 AB01");
    }
}
