package dev.tern.testing;

import dev.tern.auth.AuthContext;
import dev.tern.auth.AuthenticatedUser;
import dev.tern.auth.SaslAuthenticator;
import dev.tern.auth.SaslExchange;
import dev.tern.auth.SaslStart;
import dev.tern.auth.SaslStep;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SASL for tests over a map of users to passwords: PLAIN (RFC 4616), LOGIN, and X-FINAL, a
 * made-up mechanism that succeeds with additional data (as SCRAM does) after a PLAIN-style
 * response. Password mechanisms need TLS unless {@code allowPlaintext}; users in {@code lockedOut}
 * are refused before the exchange starts.
 */
public final class FakeSaslAuthenticator implements SaslAuthenticator {

    private final Map<String, String> passwords;
    private final boolean allowPlaintext;
    private final Duration failureDelay;
    public final Set<String> lockedOutClients = ConcurrentHashMap.newKeySet();
    public final AtomicInteger failureDelaysAsked = new AtomicInteger();
    /** Names of the threads that ran steps: never an event loop. */
    public final Set<String> stepThreads = ConcurrentHashMap.newKeySet();

    public FakeSaslAuthenticator(Map<String, String> passwords, boolean allowPlaintext, Duration failureDelay) {
        this.passwords = Map.copyOf(passwords);
        this.allowPlaintext = allowPlaintext;
        this.failureDelay = failureDelay;
    }

    @Override
    public List<String> mechanisms(AuthContext context) {
        return passwordsAllowed(context) ? List.of("PLAIN", "LOGIN", "X-FINAL") : List.of();
    }

    @Override
    public boolean passwordsAllowed(AuthContext context) {
        return context.tls() || allowPlaintext;
    }

    @Override
    public SaslStart start(String mechanism, AuthContext context) {
        if (!Set.of("PLAIN", "LOGIN", "X-FINAL").contains(mechanism)) {
            return new SaslStart.Refused(SaslStart.Reason.UNKNOWN_MECHANISM);
        }
        if (!passwordsAllowed(context)) {
            return new SaslStart.Refused(SaslStart.Reason.ENCRYPTION_REQUIRED);
        }
        if (context.client() != null && lockedOutClients.contains(context.client().getHostAddress())) {
            return new SaslStart.Refused(SaslStart.Reason.LOCKED_OUT);
        }
        return new SaslStart.Started(mechanism.equals("LOGIN") ? new Login() : new Plain(mechanism));
    }

    @Override
    public Duration failureDelay(AuthContext context) {
        failureDelaysAsked.incrementAndGet();
        return failureDelay;
    }

    private SaslStep check(String user, String password, byte[] additional) {
        stepThreads.add(Thread.currentThread().getName());
        if (password.equals(passwords.get(user))) {
            return new SaslStep.Success(new AuthenticatedUser(user.hashCode(), user), additional);
        }
        return new SaslStep.Failure(SaslStep.FailureReason.BAD_CREDENTIALS, "user " + user);
    }

    /** RFC 4616: authzid NUL authcid NUL password. */
    private final class Plain implements SaslExchange {
        private final String mechanism;

        Plain(String mechanism) {
            this.mechanism = mechanism;
        }

        @Override
        public String mechanism() {
            return mechanism;
        }

        @Override
        public SaslStep step(byte[] response) {
            if (response == null) {
                return new SaslStep.Challenge(new byte[0]);
            }
            String[] parts = new String(response, StandardCharsets.UTF_8).split("\0", -1);
            if (parts.length != 3) {
                return new SaslStep.Failure(SaslStep.FailureReason.MALFORMED, "not authzid NUL authcid NUL password");
            }
            byte[] additional = mechanism.equals("X-FINAL") ? "v=ok".getBytes(StandardCharsets.US_ASCII) : null;
            return check(parts[1], parts[2], additional);
        }
    }

    /** The LOGIN mechanism: "Username:", then "Password:". */
    private final class Login implements SaslExchange {
        private String user;

        @Override
        public String mechanism() {
            return "LOGIN";
        }

        @Override
        public SaslStep step(byte[] response) {
            if (user == null && response == null) {
                return new SaslStep.Challenge("Username:".getBytes(StandardCharsets.US_ASCII));
            }
            if (user == null) {
                user = new String(response, StandardCharsets.UTF_8);
                return new SaslStep.Challenge("Password:".getBytes(StandardCharsets.US_ASCII));
            }
            return check(user, new String(response, StandardCharsets.UTF_8), null);
        }
    }
}
