package dev.tern.auth;

import dev.tern.directory.Credentials;
import dev.tern.testing.TestClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The password check with its cache of recent successes: a repeated login skips the hash (seen
 * through a counting hasher), and whatever changes in the store counts at once.
 */
class PasswordCheckTest {

    /** Stands in for Argon2id: a "hash" is "h:" + the password, and every comparison is counted. */
    private int hashed;
    private final PasswordCheck.Hasher hasher = (password, stored) -> {
        hashed++;
        return stored.equals("h:" + password);
    };
    private final Map<String, Credentials> accounts = new HashMap<>();
    private final CredentialLookup lookup = login -> Optional.ofNullable(accounts.get(login));
    private final TestClock clock = new TestClock("2026-01-01T00:00:00Z");

    private void account(long id, String login, String password, boolean enabled) {
        accounts.put(login, new Credentials(id, login, enabled, "h:" + password, null, null));
    }

    private PasswordCheck check(Duration ttl, int size) {
        return new PasswordCheck(new PasswordCache(ttl, size, clock), hasher);
    }

    private static boolean ok(SaslStep step) {
        return step instanceof SaslStep.Success;
    }

    @Test
    void aRepeatedLoginSkipsTheHash() {
        account(1, "alice@example.org", "wonderland", true);
        PasswordCheck check = check(Duration.ofHours(1), 100);
        assertThat(ok(check.verify(lookup, "alice@example.org", "wonderland"))).isTrue();
        assertThat(hashed).isEqualTo(1);
        for (int i = 0; i < 5; i++) {
            SaslStep again = check.verify(lookup, "alice@example.org", "wonderland");
            assertThat(((SaslStep.Success) again).user().accountId()).isEqualTo(1);
        }
        assertThat(hashed).isEqualTo(1);
    }

    @Test
    void aChangedPasswordCountsAtOnce() {
        account(1, "alice@example.org", "old-password", true);
        PasswordCheck check = check(Duration.ofHours(1), 100);
        assertThat(ok(check.verify(lookup, "alice@example.org", "old-password"))).isTrue();
        // Changed elsewhere (the command line, another node): the store holds a new hash.
        account(1, "alice@example.org", "new-password", true);
        assertThat(ok(check.verify(lookup, "alice@example.org", "old-password"))).isFalse();
        assertThat(hashed).isEqualTo(2);
        assertThat(ok(check.verify(lookup, "alice@example.org", "new-password"))).isTrue();
        assertThat(ok(check.verify(lookup, "alice@example.org", "new-password"))).isTrue();
        assertThat(hashed).isEqualTo(3);
    }

    @Test
    void aDisabledOrRemovedAccountIsRefusedThoughCached() {
        account(1, "alice@example.org", "wonderland", true);
        PasswordCheck check = check(Duration.ofHours(1), 100);
        assertThat(ok(check.verify(lookup, "alice@example.org", "wonderland"))).isTrue();
        account(1, "alice@example.org", "wonderland", false);
        SaslStep refused = check.verify(lookup, "alice@example.org", "wonderland");
        assertThat(refused).isEqualTo(new SaslStep.Failure(SaslStep.FailureReason.BAD_CREDENTIALS, "account disabled"));
        accounts.clear();
        assertThat(check.verify(lookup, "alice@example.org", "wonderland"))
                .isEqualTo(new SaslStep.Failure(SaslStep.FailureReason.BAD_CREDENTIALS, "unknown user"));
    }

    @Test
    void wrongPasswordsAreNeverCachedAndAlwaysHashed() {
        account(1, "alice@example.org", "wonderland", true);
        PasswordCheck check = check(Duration.ofHours(1), 100);
        assertThat(ok(check.verify(lookup, "alice@example.org", "guess"))).isFalse();
        assertThat(ok(check.verify(lookup, "alice@example.org", "guess"))).isFalse();
        assertThat(hashed).isEqualTo(2);
        assertThat(ok(check.verify(lookup, "alice@example.org", "wonderland"))).isTrue();
        // A cached success does not make another password pass, nor spare it the hash.
        assertThat(ok(check.verify(lookup, "alice@example.org", "guess"))).isFalse();
        assertThat(ok(check.verify(lookup, "alice@example.org", "wonderland "))).isFalse();
        assertThat(hashed).isEqualTo(5);
    }

    @Test
    void zeroTtlTurnsTheCacheOff() {
        account(1, "alice@example.org", "wonderland", true);
        PasswordCheck check = check(Duration.ZERO, 100);
        for (int i = 0; i < 3; i++) {
            assertThat(ok(check.verify(lookup, "alice@example.org", "wonderland"))).isTrue();
        }
        assertThat(hashed).isEqualTo(3);
    }

    @Test
    void entriesExpireAndTheLeastRecentlyUsedGoFirst() {
        account(1, "a@example.org", "pa", true);
        account(2, "b@example.org", "pb", true);
        account(3, "c@example.org", "pc", true);
        PasswordCache cache = new PasswordCache(Duration.ofMinutes(10), 2, clock);
        PasswordCheck check = new PasswordCheck(cache, hasher);
        check.verify(lookup, "a@example.org", "pa");
        check.verify(lookup, "b@example.org", "pb");
        check.verify(lookup, "a@example.org", "pa");   // a is now the most recent
        check.verify(lookup, "c@example.org", "pc");   // b goes
        assertThat(cache.size()).isEqualTo(2);
        assertThat(hashed).isEqualTo(3);
        check.verify(lookup, "a@example.org", "pa");
        assertThat(hashed).isEqualTo(3);
        check.verify(lookup, "b@example.org", "pb");
        assertThat(hashed).isEqualTo(4);

        clock.advance(Duration.ofMinutes(11));
        check.verify(lookup, "a@example.org", "pa");
        assertThat(hashed).isEqualTo(5);
    }

    @Test
    void theRealAuthenticatorChecksPlainThroughIt() {
        TestAccounts real = new TestAccounts().add("alice@example.org", "wonderland", false);
        Authenticator authenticator = new Authenticator(real, AuthSettings());
        AuthContext tls = new AuthContext(java.net.InetAddress.getLoopbackAddress(), true, "imap", "mx.example.org");
        for (int i = 0; i < 2; i++) {
            SaslExchange plain = ((SaslStart.Started) authenticator.start("PLAIN", tls)).exchange();
            SaslStep step = plain.step("\0alice@example.org\0wonderland".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(step).isInstanceOf(SaslStep.Success.class);
        }
    }

    private static dev.tern.config.AuthSettings AuthSettings() {
        return dev.tern.config.AuthSettings.defaults();
    }
}
