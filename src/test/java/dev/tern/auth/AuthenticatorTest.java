package dev.tern.auth;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tern.config.AuthSettings;
import dev.tern.config.KerberosSettings;
import dev.tern.testing.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.tern.auth.Steps.bytes;
import static dev.tern.auth.Steps.challenge;
import static dev.tern.auth.Steps.failure;
import static dev.tern.auth.Steps.success;
import static org.assertj.core.api.Assertions.assertThat;

class AuthenticatorTest {

    private static final AuthSettings DEFAULTS = AuthSettings.defaults();
    private static final KerberosSettings KERBEROS = new KerberosSettings(Path.of("/nonexistent.keytab"), "EXAMPLE.ORG",
            Map.of("EXAMPLE.ORG", "example.org"));

    private final TestAccounts accounts = new TestAccounts().add("alice@example.org", "wonderland", true);
    private final TestClock clock = new TestClock("2026-12-01T10:00:00Z");
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger authLogger = (Logger) LoggerFactory.getLogger("dev.tern.auth");

    @BeforeEach
    void captureLog() {
        log.start();
        authLogger.addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        authLogger.detachAppender(log);
    }

    private static AuthContext context(String ip, boolean tls) throws Exception {
        return new AuthContext(InetAddress.getByName(ip), tls, "smtp", "mx.example.org");
    }

    private Authenticator authenticator(AuthSettings settings) {
        return new Authenticator(accounts, settings, clock);
    }

    private static AuthSettings withLoopbackPlaintext(boolean allowed, KerberosSettings kerberos) {
        AuthSettings d = DEFAULTS;
        return new AuthSettings(allowed, d.lockoutFailures(), d.lockoutWindow(), d.lockoutTime(), d.maxFailureDelay(), kerberos)
                .withCramMd5(true);
    }

    private List<String> lines() {
        return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void cramMd5IsOfferedOnlyWhenSwitchedOn() throws Exception {
        Authenticator byDefault = authenticator(DEFAULTS);
        assertThat(byDefault.mechanisms(context("192.0.2.1", true))).containsExactly("SCRAM-SHA-256", "PLAIN", "LOGIN");
        assertThat(byDefault.start("CRAM-MD5", context("192.0.2.1", true)))
                .isEqualTo(new SaslStart.Refused(SaslStart.Reason.UNKNOWN_MECHANISM));
        assertThat(authenticator(DEFAULTS.withCramMd5(true)).mechanisms(context("192.0.2.1", true)))
                .containsExactly("SCRAM-SHA-256", "CRAM-MD5", "PLAIN", "LOGIN");
    }

    @Test
    void passwordMechanismsOnlyWithTlsOrFromLoopbackWhenAllowed() throws Exception {
        Authenticator plain = authenticator(DEFAULTS.withCramMd5(true));
        assertThat(plain.mechanisms(context("192.0.2.1", true))).containsExactly("SCRAM-SHA-256", "CRAM-MD5", "PLAIN", "LOGIN");
        assertThat(plain.mechanisms(context("192.0.2.1", false))).isEmpty();
        assertThat(plain.mechanisms(context("127.0.0.1", false))).isEmpty();

        Authenticator loopback = authenticator(withLoopbackPlaintext(true, null));
        assertThat(loopback.mechanisms(context("127.0.0.1", false))).containsExactly("SCRAM-SHA-256", "CRAM-MD5", "PLAIN", "LOGIN");
        assertThat(loopback.mechanisms(context("::1", false))).hasSize(4);
        assertThat(loopback.mechanisms(context("192.0.2.1", false))).isEmpty();

        Authenticator kerberos = authenticator(withLoopbackPlaintext(false, KERBEROS));
        assertThat(kerberos.mechanisms(context("192.0.2.1", true)))
                .containsExactly("GSSAPI", "SCRAM-SHA-256", "CRAM-MD5", "PLAIN", "LOGIN");
        assertThat(kerberos.mechanisms(context("192.0.2.1", false))).containsExactly("GSSAPI");
    }

    @Test
    void startRefusesUnknownMechanismsAndPasswordsInTheClear() throws Exception {
        Authenticator a = authenticator(DEFAULTS);
        assertThat(a.start("DIGEST-MD5", context("192.0.2.1", true)))
                .isEqualTo(new SaslStart.Refused(SaslStart.Reason.UNKNOWN_MECHANISM));
        assertThat(a.start("GSSAPI", context("192.0.2.1", true)))
                .isEqualTo(new SaslStart.Refused(SaslStart.Reason.UNKNOWN_MECHANISM));
        assertThat(a.start("PLAIN", context("192.0.2.1", false)))
                .isEqualTo(new SaslStart.Refused(SaslStart.Reason.ENCRYPTION_REQUIRED));
        assertThat(a.start("plain", context("192.0.2.1", true))).isInstanceOf(SaslStart.Started.class);
    }

    @Test
    void everyOutcomeIsOneLogLineWithoutThePassword() throws Exception {
        Authenticator a = authenticator(DEFAULTS);
        AuthContext c = context("192.0.2.1", true);
        success(start(a, "PLAIN", c).step(bytes("\0alice@example.org\0wonderland")));
        failure(start(a, "PLAIN", c).step(bytes("\0alice@example.org\0guess1")));
        failure(start(a, "PLAIN", c).step(bytes("\0evil user=x\0guess2")));
        assertThat(lines()).containsExactly(
                "auth ok: client=192.0.2.1 user=alice@example.org mechanism=PLAIN protocol=smtp",
                "auth failed: client=192.0.2.1 user=alice@example.org mechanism=PLAIN protocol=smtp reason=bad-credentials",
                "auth failed: client=192.0.2.1 user=evil?user?x mechanism=PLAIN protocol=smtp reason=bad-credentials");
        assertThat(String.join("\n", lines())).doesNotContain("wonderland").doesNotContain("guess");
        assertThat(a.failureDelay(c)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void repeatedFailuresLockTheClientOutUntilTheLockoutEnds() throws Exception {
        Authenticator a = authenticator(DEFAULTS.withCramMd5(true));
        AuthContext c = context("192.0.2.7", true);
        for (int i = 0; i < 10; i++) {
            cramMd5Failure(a, c, "user" + i + "@example.org");
        }
        assertThat(a.start("PLAIN", c)).isEqualTo(new SaslStart.Refused(SaslStart.Reason.LOCKED_OUT));
        assertThat(a.failureDelay(c)).isEqualTo(Duration.ofSeconds(8));
        assertThat(lines()).last().isEqualTo("auth failed: client=192.0.2.7 user=- mechanism=PLAIN protocol=smtp reason=locked-out");
        assertThat(a.start("PLAIN", context("192.0.2.8", true))).isInstanceOf(SaslStart.Started.class);
        clock.advance(Duration.ofMinutes(15));
        assertThat(a.start("PLAIN", c)).isInstanceOf(SaslStart.Started.class);
    }

    @Test
    void aLockedAccountCannotLogInEvenWithTheRightPassword() throws Exception {
        Authenticator a = authenticator(DEFAULTS.withCramMd5(true));
        for (int i = 0; i < 10; i++) {
            cramMd5Failure(a, context("198.51.100." + i, true), "alice@example.org");
        }
        SaslStep locked = start(a, "PLAIN", context("203.0.113.1", true)).step(bytes("\0alice@example.org\0wonderland"));
        assertThat(failure(locked)).isEqualTo(SaslStep.FailureReason.TEMPORARY);
        SaslStep wrong = start(a, "PLAIN", context("203.0.113.1", true)).step(bytes("\0alice@example.org\0wrong"));
        assertThat(failure(wrong)).isEqualTo(SaslStep.FailureReason.TEMPORARY);
        assertThat(lines()).last().asString().endsWith("reason=locked-out");
        clock.advance(Duration.ofMinutes(15));
        success(start(a, "PLAIN", context("203.0.113.1", true)).step(bytes("\0alice@example.org\0wonderland")));
    }

    @Test
    void aScramFailureCountsAtTheProof() throws Exception {
        Authenticator a = authenticator(DEFAULTS);
        AuthContext c = context("192.0.2.9", true);
        SaslExchange x = start(a, "SCRAM-SHA-256", c);
        String serverFirst = challenge(x.step(bytes("n,,n=alice@example.org,r=abc")));
        String clientFinal = ScramSha256ExchangeTest.clientFinal("n,,", "n=alice@example.org,r=abc", serverFirst, "wrong");
        assertThat(failure(x.step(bytes(clientFinal)))).isEqualTo(SaslStep.FailureReason.BAD_CREDENTIALS);
        assertThat(lines()).containsExactly(
                "auth failed: client=192.0.2.9 user=alice@example.org mechanism=SCRAM-SHA-256 protocol=smtp reason=bad-credentials");
        SaslExchange y = start(a, "PLAIN", c);
        failure(y.step(bytes("\0alice@example.org\0wrong")));
        assertThat(a.failureDelay(c)).isEqualTo(Duration.ofSeconds(1));
    }

    private static void cramMd5Failure(Authenticator a, AuthContext c, String user) {
        SaslExchange x = start(a, "CRAM-MD5", c);
        assertThat(challenge(x.step(null))).endsWith("@mx.example.org>");
        assertThat(failure(x.step(bytes(user + " 00000000000000000000000000000000"))))
                .isEqualTo(SaslStep.FailureReason.BAD_CREDENTIALS);
    }

    private static SaslExchange start(Authenticator a, String mechanism, AuthContext c) {
        SaslStart s = a.start(mechanism, c);
        assertThat(s).isInstanceOf(SaslStart.Started.class);
        return ((SaslStart.Started) s).exchange();
    }
}
