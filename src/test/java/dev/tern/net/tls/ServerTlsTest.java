package dev.tern.net.tls;

import dev.tern.config.ConfigException;
import dev.tern.testing.TestCertificates;
import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerTlsTest {

    @TempDir
    Path dir;

    private Path cert() {
        return dir.resolve("cert.pem");
    }

    private Path key() {
        return dir.resolve("key.pem");
    }

    private ServerTls open(Duration interval) {
        return ServerTls.open(cert(), key(), dir, "mx.tern.test", interval);
    }

    @Test
    void pemKeysInEveryCommonForm() throws Exception {
        for (boolean pkcs8 : new boolean[]{true, false}) {
            for (TestCertificates.Issued issued : List.of(TestCertificates.rsa(), TestCertificates.ec())) {
                issued.write(cert(), key(), pkcs8);
                String header = Files.readString(key()).lines().findFirst().orElseThrow();
                assertThat(header).isEqualTo(pkcs8 ? "-----BEGIN PRIVATE KEY-----"
                        : "-----BEGIN " + issued.keys().getPrivate().getAlgorithm() + " PRIVATE KEY-----");
                try (ServerTls tls = open(Duration.ofHours(1))) {
                    assertThat(tls.certificate()).isEqualTo(issued.certificate());
                    var engine = tls.newHandler(ByteBufAllocator.DEFAULT).engine();
                    assertThat(engine.getEnabledProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
                    assertThat(engine.getEnabledCipherSuites()).allMatch(ServerTls.CIPHER_SUITES::contains);
                }
            }
        }
    }

    @Test
    void ecKeyAfterEcParametersAndAChainWithTwoCertificates() throws Exception {
        TestCertificates.Issued leaf = TestCertificates.ec().write(cert(), key(), false);
        TestCertificates.Issued other = TestCertificates.rsa().write(dir.resolve("other.pem"), dir.resolve("other-key.pem"), true);
        Files.writeString(cert(), Files.readString(cert()) + Files.readString(dir.resolve("other.pem")));
        Files.writeString(key(), "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
                + Files.readString(key()));
        try (ServerTls tls = open(Duration.ofHours(1))) {
            assertThat(tls.certificate()).isEqualTo(leaf.certificate());
        }
        assertThat(other.certificate()).isNotEqualTo(leaf.certificate());
    }

    @Test
    void errorsNameTheKey() throws Exception {
        assertThatThrownBy(() -> open(Duration.ofHours(1))).isInstanceOf(ConfigException.class)
                .hasMessage("tls.cert: no such file " + cert());
        TestCertificates.ec().write(cert(), key(), true);
        TestCertificates.ec().write(dir.resolve("other.pem"), key(), true);
        assertThatThrownBy(() -> open(Duration.ofHours(1))).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("tls.key: does not match the certificate");
        Files.writeString(key(), "not a key\n");
        assertThatThrownBy(() -> open(Duration.ofHours(1))).hasMessageStartingWith("tls.key: no private key");
        Files.writeString(cert(), "");
        assertThatThrownBy(() -> open(Duration.ofHours(1))).hasMessageStartingWith("tls.cert: no certificate");
    }

    @Test
    void renewedFilesAreLoadedAndBrokenOnesKeepTheOldCertificate() throws Exception {
        TestCertificates.Issued first = TestCertificates.ec().write(cert(), key(), true);
        try (ServerTls tls = open(Duration.ZERO)) {
            assertThat(tls.reloadIfChanged()).isFalse();

            TestCertificates.Issued second = TestCertificates.rsa().write(cert(), key(), false);
            assertThat(tls.reloadIfChanged()).isTrue();
            assertThat(tls.certificate()).isEqualTo(second.certificate());

            // Half-way through a renewal: the new certificate is there, its key not yet.
            TestCertificates.Issued third = TestCertificates.ec();
            third.write(cert(), dir.resolve("unused-key.pem"), true);
            assertThat(tls.reloadIfChanged()).isFalse();
            assertThat(tls.certificate()).isEqualTo(second.certificate());
            third.write(cert(), key(), true);
            assertThat(tls.reloadIfChanged()).isTrue();
            assertThat(tls.certificate()).isEqualTo(third.certificate());
            assertThat(tls.certificate()).isNotEqualTo(first.certificate());
        }
    }

    @Test
    void selfSignedCertificateIsMadeOnceAndKept() throws Exception {
        X509Certificate made;
        try (ServerTls tls = ServerTls.open(null, null, dir, "mx.tern.test", Duration.ofHours(1))) {
            made = tls.certificate();
        }
        assertThat(made.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(made.getSubjectAlternativeNames()).containsExactly(List.of(2, "mx.tern.test"));
        Path keyFile = dir.resolve("tls").resolve(SelfSignedCredentials.KEY_FILE);
        assertThat(Files.getPosixFilePermissions(keyFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        try (ServerTls again = ServerTls.open(null, null, dir, "mx.tern.test", Duration.ofHours(1))) {
            assertThat(again.certificate()).isEqualTo(made);
        }
        try (ServerTls renamed = ServerTls.open(null, null, dir, "mail.tern.test", Duration.ofHours(1))) {
            assertThat(renamed.certificate()).isNotEqualTo(made);
            assertThat(renamed.certificate().getSubjectAlternativeNames()).containsExactly(List.of(2, "mail.tern.test"));
        }
    }
}
