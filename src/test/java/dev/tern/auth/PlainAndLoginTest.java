package dev.tern.auth;

import dev.tern.directory.Credentials;
import dev.tern.store.StoreException;
import org.junit.jupiter.api.Test;

import static dev.tern.auth.Steps.bytes;
import static dev.tern.auth.Steps.challenge;
import static dev.tern.auth.Steps.failure;
import static dev.tern.auth.Steps.success;
import static org.assertj.core.api.Assertions.assertThat;

class PlainAndLoginTest {

    /** The exchanges alone, every password hashed. */
    private static final PasswordCheck UNCACHED = new PasswordCheck(
            new PasswordCache(java.time.Duration.ZERO, 1, java.time.Clock.systemUTC()),
            dev.tern.directory.PasswordHasher::verify);


    private final TestAccounts accounts = new TestAccounts().add("alice@example.org", "wonderland", false);

    private SaslStep plain(String message) {
        return new PlainExchange(accounts, UNCACHED).step(bytes(message));
    }

    @Test
    void plainGoodPassword() {
        SaslStep.Success ok = success(plain("\0alice@example.org\0wonderland"));
        assertThat(ok.user().address()).isEqualTo("alice@example.org");
        assertThat(success(plain("alice@example.org\0Alice@Example.org\0wonderland")).user().accountId())
                .isEqualTo(ok.user().accountId());
    }

    @Test
    void plainWithoutInitialResponseGetsAnEmptyChallenge() {
        PlainExchange x = new PlainExchange(accounts, UNCACHED);
        assertThat(challenge(x.step(null))).isEmpty();
        success(x.step(bytes("\0alice@example.org\0wonderland")));
        assertThat(failure(x.step(bytes("\0alice@example.org\0wonderland")))).isEqualTo(SaslStep.FailureReason.MALFORMED);
    }

    @Test
    void plainBadCredentials() {
        assertThat(failure(plain("\0alice@example.org\0wrong"))).isEqualTo(SaslStep.FailureReason.BAD_CREDENTIALS);
        assertThat(failure(plain("\0nobody@example.org\0wonderland"))).isEqualTo(SaslStep.FailureReason.BAD_CREDENTIALS);
        assertThat(failure(plain("bob@example.org\0alice@example.org\0wonderland")))
                .isEqualTo(SaslStep.FailureReason.BAD_CREDENTIALS);
        Credentials a = accounts.get("alice@example.org");
        accounts.put(new Credentials(a.accountId(), a.address(), false, a.passwordHash(), a.scram(), a.cramMd5()));
        assertThat(failure(plain("\0alice@example.org\0wonderland"))).isEqualTo(SaslStep.FailureReason.BAD_CREDENTIALS);
    }

    @Test
    void plainMalformed() {
        for (String bad : new String[]{"alice@example.org wonderland", "\0alice@example.org", "\0\0wonderland",
                "\0alice@example.org\0", "\0alice@example.org\0wonder\0land", ""}) {
            assertThat(failure(plain(bad))).as(bad.replace('\0', '|')).isEqualTo(SaslStep.FailureReason.MALFORMED);
        }
        byte[] notUtf8 = {0, 'a', 0, (byte) 0xc3, (byte) 0x28};
        assertThat(failure(new PlainExchange(accounts, UNCACHED).step(notUtf8))).isEqualTo(SaslStep.FailureReason.MALFORMED);
    }

    @Test
    void storeOutageIsTemporary() {
        CredentialLookup down = login -> {
            throw new StoreException("database is locked");
        };
        assertThat(failure(new PlainExchange(down, UNCACHED).step(bytes("\0alice@example.org\0x"))))
                .isEqualTo(SaslStep.FailureReason.TEMPORARY);
    }

    @Test
    void loginAsksForUserNameThenPassword() {
        LoginExchange x = new LoginExchange(accounts, UNCACHED);
        assertThat(challenge(x.step(null))).isEqualTo("Username:");
        assertThat(challenge(x.step(bytes("alice@example.org")))).isEqualTo("Password:");
        assertThat(x.authenticationId()).isEqualTo("alice@example.org");
        assertThat(success(x.step(bytes("wonderland"))).user().address()).isEqualTo("alice@example.org");
    }

    @Test
    void loginTakesTheUserNameAsInitialResponse() {
        LoginExchange x = new LoginExchange(accounts, UNCACHED);
        assertThat(challenge(x.step(bytes("alice@example.org")))).isEqualTo("Password:");
        assertThat(failure(x.step(bytes("wrong")))).isEqualTo(SaslStep.FailureReason.BAD_CREDENTIALS);
    }

    @Test
    void loginMalformed() {
        assertThat(failure(new LoginExchange(accounts, UNCACHED).step(new byte[0]))).isEqualTo(SaslStep.FailureReason.MALFORMED);
        LoginExchange x = new LoginExchange(accounts, UNCACHED);
        x.step(bytes("alice@example.org"));
        assertThat(failure(x.step(new byte[]{(byte) 0xff}))).isEqualTo(SaslStep.FailureReason.MALFORMED);
    }
}
