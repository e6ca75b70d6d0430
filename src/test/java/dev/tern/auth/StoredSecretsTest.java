package dev.tern.auth;

import dev.tern.config.AuthSettings;
import dev.tern.directory.Credentials;
import dev.tern.directory.Directory;
import dev.tern.server.Services;
import dev.tern.testing.InProcessCli;
import dev.tern.testing.TestConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;

import static dev.tern.auth.Steps.bytes;
import static dev.tern.auth.Steps.challenge;
import static dev.tern.auth.Steps.failure;
import static dev.tern.auth.Steps.success;
import static org.assertj.core.api.Assertions.assertThat;

/** The secrets as the directory stores them in the embedded store, used by the real mechanisms. */
class StoredSecretsTest {

    @TempDir
    Path dir;

    @Test
    void scramKeysAlwaysCramMd5OnlyWhenAsked() {
        try (Services s = new Services(TestConfigs.write(dir), 2)) {
            Directory d = s.directory();
            d.addDomain("example.org");
            d.addUser("alice@example.org", "wonderland");
            d.addUser("carol@example.org", "pa55word", true);

            Credentials alice = d.credentials("Alice@example.org").orElseThrow();
            assertThat(alice.scram()).isNotNull();
            assertThat(alice.cramMd5()).isNull();
            assertThat(d.credentials("carol@example.org").orElseThrow().cramMd5()).isNotNull();
            assertThat(d.credentials("nobody@example.org")).isEmpty();
            assertThat(d.credentials("not an address")).isEmpty();

            Authenticator a = new Authenticator(d::credentials, AuthSettings.defaults().withCramMd5(true), Clock.systemUTC());
            AuthContext c = new AuthContext(InetAddress.getLoopbackAddress(), true, "smtp", "mx.tern.test");
            assertThat(cramMd5(a, c, "carol@example.org", "pa55word")).isInstanceOf(SaslStep.Success.class);
            assertThat(failure(cramMd5(a, c, "alice@example.org", "wonderland")))
                    .isEqualTo(SaslStep.FailureReason.MECHANISM_UNAVAILABLE);
            assertThat(success(scram(a, c, "alice@example.org", "wonderland")).additionalData()).startsWith(bytes("v="));

            d.setPassword("carol@example.org", "new-password");
            assertThat(d.credentials("carol@example.org").orElseThrow().cramMd5()).isNull();
            d.setPassword("alice@example.org", "new-password", true);
            assertThat(cramMd5(a, c, "alice@example.org", "new-password")).isInstanceOf(SaslStep.Success.class);
            assertThat(success(scram(a, c, "alice@example.org", "new-password")).user().address())
                    .isEqualTo("alice@example.org");
        }
    }

    @Test
    void cachedPasswordLoginsFollowTheDirectory() {
        try (Services s = new Services(TestConfigs.write(dir), 2)) {
            Directory d = s.directory();
            d.addDomain("example.org");
            d.addUser("erin@example.org", "first-password");
            Authenticator a = new Authenticator(d::credentials, AuthSettings.defaults().withCramMd5(true), Clock.systemUTC());
            AuthContext c = new AuthContext(InetAddress.getLoopbackAddress(), true, "imap", "mx.tern.test");
            assertThat(plain(a, c, "erin@example.org", "first-password")).isInstanceOf(SaslStep.Success.class);
            assertThat(plain(a, c, "erin@example.org", "first-password")).isInstanceOf(SaslStep.Success.class);
            // What `tern user passwd` does, from any process: the old password stops working at once.
            d.setPassword("erin@example.org", "second-password");
            assertThat(failure(plain(a, c, "erin@example.org", "first-password")))
                    .isEqualTo(SaslStep.FailureReason.BAD_CREDENTIALS);
            assertThat(plain(a, c, "erin@example.org", "second-password")).isInstanceOf(SaslStep.Success.class);
            d.setEnabled("erin@example.org", false);
            assertThat(failure(plain(a, c, "erin@example.org", "second-password")))
                    .isEqualTo(SaslStep.FailureReason.BAD_CREDENTIALS);
        }
    }

    private static SaslStep plain(Authenticator a, AuthContext c, String user, String password) {
        SaslExchange x = ((SaslStart.Started) a.start("PLAIN", c)).exchange();
        return x.step(bytes("\0" + user + "\0" + password));
    }

    @Test
    void commandLineFlag() {
        TestConfigs.write(dir);
        Path config = dir.resolve("tern.toml");
        assertThat(InProcessCli.runStdoutOnly(config, null, "domain", "add", "example.org").code()).isZero();
        assertThat(InProcessCli.runStdoutOnly(config, "pw-one\n", "user", "add", "dave@example.org", "--cram-md5",
                "--password-stdin").code()).isZero();
        try (Services s = new Services(TestConfigs.write(dir), 2)) {
            assertThat(s.directory().credentials("dave@example.org").orElseThrow().cramMd5()).isNotNull();
        }
        assertThat(InProcessCli.runStdoutOnly(config, "pw-two\n", "user", "passwd", "dave@example.org",
                "--password-stdin").code()).isZero();
        try (Services s = new Services(TestConfigs.write(dir), 2)) {
            Credentials dave = s.directory().credentials("dave@example.org").orElseThrow();
            assertThat(dave.cramMd5()).isNull();
            assertThat(dave.scram()).isNotNull();
        }
    }

    private static SaslStep cramMd5(Authenticator a, AuthContext c, String user, String password) {
        SaslExchange x = ((SaslStart.Started) a.start("CRAM-MD5", c)).exchange();
        String challenge = challenge(x.step(null));
        byte[] digest = dev.tern.directory.CramMd5Secret.create(password).hmac(bytes(challenge));
        return x.step(bytes(user + " " + java.util.HexFormat.of().formatHex(digest)));
    }

    private static SaslStep scram(Authenticator a, AuthContext c, String user, String password) {
        SaslExchange x = ((SaslStart.Started) a.start("SCRAM-SHA-256", c)).exchange();
        String bare = "n=" + user + ",r=client-nonce";
        String serverFirst = challenge(x.step(bytes("n,," + bare)));
        return x.step(bytes(ScramSha256ExchangeTest.clientFinal("n,,", bare, serverFirst, password)));
    }
}
