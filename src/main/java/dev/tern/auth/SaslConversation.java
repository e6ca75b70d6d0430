package dev.tern.auth;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * One SASL conversation of a protocol session (SMTP AUTH, IMAP AUTHENTICATE and LOGIN, POP3 AUTH
 * and USER/PASS), with what they all do alike: the mechanism runs on the authentication executor,
 * never on the session's event loop; challenges and responses travel in base64 ("=" alone is an
 * empty response, "*" cancels); data that comes with success goes out as a last challenge that the
 * client answers empty (none of the three protocols carries it in the success reply); a wrong
 * password is answered after the authenticator's failure delay; and the exchange is disposed of
 * however it ends, the connection closing under it included.
 *
 * <p>A protocol says how a challenge goes out, how a result comes back to the session's thread,
 * and how each ending is answered. All methods run on the session's thread.
 */
public abstract class SaslConversation {

    /** Why a conversation ended without an authenticated user. */
    public enum Ending {
        /** The client sent "*", or the mechanism read its response as a cancellation. */
        CANCELLED,
        /** A response that is not base64. */
        NOT_BASE64,
        /** Something other than the empty answer to the server's last data. */
        NOT_EMPTY,
        /** The mechanism could not make sense of a response. */
        MALFORMED,
        /** The mechanism cannot check credentials now (a lookup failed). */
        TEMPORARY,
        /** The authenticator failed unexpectedly; logged with its stack. */
        INTERNAL_ERROR,
        /** No such mechanism here. */
        UNKNOWN_MECHANISM,
        /** The mechanism needs an encrypted connection. */
        ENCRYPTION_REQUIRED,
        /** Too many failures from this client or for this user. */
        LOCKED_OUT,
        /** Wrong credentials, or a mechanism the user cannot use: answered after the failure delay. */
        FAILED
    }

    /** What one call into the mechanism gave. */
    private record Outcome(SaslExchange exchange, SaslStep step, SaslStart.Reason refused, Duration failureDelay) {
    }

    private final SaslAuthenticator authenticator;
    private final Executor executor;
    private AuthContext context;
    private SaslExchange exchange;
    private AuthenticatedUser pendingUser;
    /**
     * The exchange runs USER/PASS or LOGIN, whose user name and password came as command
     * arguments: a response PLAIN finds malformed (an empty name or password, which the commands'
     * syntax allows and PLAIN's does not) is the client's wrong login, not a SASL message it wrote.
     */
    private boolean argumentLogin;
    private boolean running;
    private boolean closed;

    protected SaslConversation(SaslAuthenticator authenticator, Executor executor) {
        this.authenticator = authenticator;
        this.executor = executor;
    }

    /** Sends a challenge (base64, possibly empty) and waits for the client's next line. */
    protected abstract void challenge(String base64);

    /** Calls {@code then} on the session's thread once {@code f} completes. */
    protected abstract <T> void await(CompletableFuture<T> f, BiConsumer<T, Throwable> then);

    /** The client is authenticated as {@code user}; the exchange is already over. */
    protected abstract void succeeded(AuthenticatedUser user);

    /**
     * The conversation ended without a user; the exchange is already over. For {@link Ending#FAILED}
     * the answer must wait for {@code delay} (brute-force throttling), without blocking the session's thread.
     *
     * @param detail what the log may say of it: the refusal or failure reason, in lower case
     * @param delay  how long the answer to a failure waits; zero for the other endings
     */
    protected abstract void ended(Ending ending, String detail, Duration delay);

    /** The authenticator failed unexpectedly; called before {@link Ending#INTERNAL_ERROR}, to log it. */
    protected abstract void internalError(Throwable error);

    /**
     * Whether data a mechanism sends with its success (SCRAM's server-final message) goes out with
     * the success reply ({@link #succeeded(AuthenticatedUser, String)}), as ManageSieve's
     * {@code OK (SASL "...")} (RFC 5804 §2.1), rather than in a last challenge that the client
     * answers with an empty response (SMTP, IMAP and POP3 without a way to carry it).
     */
    protected boolean successCarriesData() {
        return false;
    }

    /** The client is authenticated, and the mechanism's final data (base64) goes with the success reply. */
    protected void succeeded(AuthenticatedUser user, String finalData) {
        succeeded(user);
    }

    /** After the exchange is disposed of, however it ended; nothing by default. */
    protected void released() {
    }

    /** True while a challenge is out and the next client line is a response, not a command. */
    public final boolean expectsResponse() {
        return exchange != null && !running;
    }

    /** Starts a mechanism, with its initial response already decoded (or null when there is none). */
    protected final void begin(String mechanism, byte[] initial, AuthContext ctx) {
        context = ctx;
        run(() -> {
            SaslStart start = authenticator.start(mechanism, ctx);
            if (start instanceof SaslStart.Refused r) {
                return new Outcome(null, null, r.reason(), null);
            }
            return stepOf(((SaslStart.Started) start).exchange(), initial);
        });
    }

    /**
     * USER/PASS and LOGIN: a PLAIN exchange with an empty authorization identity. What PLAIN finds
     * malformed ends as {@link Ending#FAILED}, after the failure delay, as a wrong password does.
     */
    protected final void beginPlain(String user, String password, AuthContext ctx) {
        argumentLogin = true;
        begin("PLAIN", ("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8), ctx);
    }

    /** A client line while {@link #expectsResponse()}. */
    public final void response(byte[] line) {
        String text = new String(line, StandardCharsets.US_ASCII);
        if (text.equals("*")) {
            end(Ending.CANCELLED, "cancelled");
            return;
        }
        byte[] data = decode(text);
        if (data == null) {
            end(Ending.NOT_BASE64, "bad base64");
        } else if (pendingUser != null) {
            if (data.length == 0) {
                succeed(pendingUser);
            } else {
                end(Ending.NOT_EMPTY, "non-empty final response");
            }
        } else {
            SaslExchange ex = exchange;
            run(() -> stepOf(ex, data));
        }
    }

    /** The connection is gone: the exchange is disposed of now, or when the mechanism returns. */
    public final void close() {
        closed = true;
        if (!running) {
            release();
        }
    }

    /** Ends the conversation on the protocol's own grounds (a bad response line, say). */
    protected final void abandon() {
        release();
    }

    /** Runs on the authentication executor. */
    private Outcome stepOf(SaslExchange ex, byte[] response) {
        SaslStep step;
        try {
            step = ex.step(response);
        } catch (RuntimeException e) {
            ex.dispose();
            throw e;
        }
        boolean failedLogin = step instanceof SaslStep.Failure f
                && (isCredentialFailure(f) || isArgumentLoginFailure(f));
        Duration delay = failedLogin ? authenticator.failureDelay(context) : null;
        return new Outcome(ex, step, null, delay);
    }

    private void run(Supplier<Outcome> work) {
        CompletableFuture<Outcome> f;
        try {
            f = CompletableFuture.supplyAsync(work, executor);
        } catch (RejectedExecutionException e) {
            f = CompletableFuture.failedFuture(e);
        }
        running = true;
        await(f, this::outcome);
    }

    private void outcome(Outcome o, Throwable error) {
        running = false;
        if (o != null) {
            exchange = o.exchange();
        }
        if (closed) {
            release();
            return;
        }
        if (error != null) {
            internalError(error);
            end(Ending.INTERNAL_ERROR, "internal error");
        } else if (o.refused() != null) {
            Ending why = switch (o.refused()) {
                case UNKNOWN_MECHANISM -> Ending.UNKNOWN_MECHANISM;
                case ENCRYPTION_REQUIRED -> Ending.ENCRYPTION_REQUIRED;
                case LOCKED_OUT -> Ending.LOCKED_OUT;
            };
            end(why, o.refused().name().toLowerCase(Locale.ROOT));
        } else {
            step(o.step(), o.failureDelay());
        }
    }

    private void step(SaslStep step, Duration failureDelay) {
        if (step instanceof SaslStep.Challenge c) {
            challenge(encode(c.data()));
        } else if (step instanceof SaslStep.Success s && s.additionalData() != null && !successCarriesData()) {
            pendingUser = s.user();
            challenge(encode(s.additionalData()));
        } else if (step instanceof SaslStep.Success s && s.additionalData() != null) {
            release();
            succeeded(s.user(), encode(s.additionalData()));
        } else if (step instanceof SaslStep.Success s) {
            succeed(s.user());
        } else {
            SaslStep.Failure f = (SaslStep.Failure) step;
            String why = f.reason().name().toLowerCase(Locale.ROOT) + (f.detail() == null ? "" : " (" + f.detail() + ")");
            release();
            switch (f.reason()) {
                case MALFORMED -> {
                    if (argumentLogin) {
                        ended(Ending.FAILED, why, failureDelay == null ? Duration.ZERO : failureDelay);
                    } else {
                        ended(Ending.MALFORMED, why, Duration.ZERO);
                    }
                }
                case CANCELLED -> ended(Ending.CANCELLED, why, Duration.ZERO);
                case TEMPORARY -> ended(Ending.TEMPORARY, why, Duration.ZERO);
                default -> ended(Ending.FAILED, why, failureDelay == null ? Duration.ZERO : failureDelay);
            }
        }
    }

    private void succeed(AuthenticatedUser user) {
        release();
        succeeded(user);
    }

    private void end(Ending why, String detail) {
        release();
        ended(why, detail, Duration.ZERO);
    }

    private void release() {
        if (exchange != null) {
            exchange.dispose();
        }
        exchange = null;
        pendingUser = null;
        released();
    }

    private boolean isArgumentLoginFailure(SaslStep.Failure f) {
        return argumentLogin && f.reason() == SaslStep.FailureReason.MALFORMED;
    }

    private static boolean isCredentialFailure(SaslStep.Failure f) {
        return f.reason() == SaslStep.FailureReason.BAD_CREDENTIALS
                || f.reason() == SaslStep.FailureReason.MECHANISM_UNAVAILABLE;
    }

    /** Base64 (RFC 4648) of a response; "=" alone is the empty one (RFC 4954, RFC 4959). Null when malformed. */
    public static byte[] decode(String text) {
        if (text.equals("=")) {
            return new byte[0];
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String encode(byte[] data) {
        return data == null ? "" : Base64.getEncoder().encodeToString(data);
    }
}
