package dev.tern.auth;

import dev.tern.directory.Credentials;
import dev.tern.store.StoreException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * CRAM-MD5 (RFC 2195): the server sends {@code <random.timestamp@serverName>}; the client answers
 * {@code user SP hex(HMAC-MD5(password, challenge))}.
 *
 * <p>Security: the password does not cross the connection, but the server must keep a
 * password-equivalent secret (the HMAC-MD5 states, see {@link dev.tern.directory.CramMd5Secret}),
 * so only accounts where an operator enabled it can use it; for the others the exchange fails
 * MECHANISM_UNAVAILABLE, which the protocol answers exactly like a wrong password, so the answer
 * does not tell which accounts exist. No initial response is allowed: the server speaks first.
 */
final class CramMd5Exchange implements SaslExchange {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final CredentialLookup lookup;
    private final byte[] challenge;
    private boolean challenged;
    private boolean done;
    private String username;

    CramMd5Exchange(CredentialLookup lookup, String serverName, Clock clock) {
        this(lookup, "<" + (RANDOM.nextLong() & Long.MAX_VALUE) + "." + clock.millis() + "@" + serverName + ">");
    }

    /** With a given challenge (tests: RFC 2195's example). */
    CramMd5Exchange(CredentialLookup lookup, String challenge) {
        this.lookup = lookup;
        this.challenge = challenge.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public String mechanism() {
        return "CRAM-MD5";
    }

    @Override
    public String authenticationId() {
        return username;
    }

    @Override
    public SaslStep step(byte[] response) {
        if (done) {
            return failure(SaslStep.FailureReason.MALFORMED, "the exchange is over");
        }
        if (!challenged) {
            challenged = true;
            if (response != null && response.length > 0) {
                done = true;
                return failure(SaslStep.FailureReason.MALFORMED, "CRAM-MD5 takes no initial response");
            }
            return new SaslStep.Challenge(challenge.clone());
        }
        done = true;
        String text = response == null ? null : SaslText.utf8(response);
        int space = text == null ? -1 : text.lastIndexOf(' ');
        if (space <= 0 || !text.substring(space + 1).matches("[0-9a-fA-F]{32}")) {
            return failure(SaslStep.FailureReason.MALFORMED, "expected user name, space, 32 hex digits");
        }
        username = text.substring(0, space);
        byte[] digest = HexFormat.of().parseHex(text.substring(space + 1).toLowerCase(Locale.ROOT));
        return verify(digest);
    }

    private SaslStep verify(byte[] digest) {
        Optional<Credentials> found;
        try {
            found = lookup.find(username);
        } catch (StoreException e) {
            return failure(SaslStep.FailureReason.TEMPORARY, "account store unavailable");
        }
        if (found.isEmpty() || !found.get().enabled()) {
            return failure(SaslStep.FailureReason.BAD_CREDENTIALS, "unknown user or account disabled");
        }
        Credentials c = found.get();
        if (c.cramMd5() == null) {
            return failure(SaslStep.FailureReason.MECHANISM_UNAVAILABLE, "CRAM-MD5 is not enabled for the account");
        }
        if (!MessageDigest.isEqual(c.cramMd5().hmac(challenge), digest)) {
            return failure(SaslStep.FailureReason.BAD_CREDENTIALS, "wrong digest");
        }
        return new SaslStep.Success(new AuthenticatedUser(c.accountId(), c.address(), c.senderScope()), null);
    }

    private static SaslStep.Failure failure(SaslStep.FailureReason reason, String detail) {
        return new SaslStep.Failure(reason, detail);
    }
}
