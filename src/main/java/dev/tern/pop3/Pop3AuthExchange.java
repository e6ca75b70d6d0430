package dev.tern.pop3;

import dev.tern.auth.AuthContext;
import dev.tern.auth.AuthenticatedUser;
import dev.tern.auth.SaslExchange;
import dev.tern.auth.SaslStart;
import dev.tern.auth.SaslStep;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One login of a POP3 session: AUTH (RFC 5034) over {@code +} challenges and base64 response
 * lines, or USER/PASS (RFC 1939 §7), which runs as a PLAIN exchange so that both share the
 * authenticator's checks, throttling and log.
 *
 * <p>Calls into the mechanism run on the auth executor; meanwhile the session reads no input. A
 * failure is answered only after the authenticator's failure delay, waited with a timer.
 * Responses are never logged: they carry passwords.
 */
final class Pop3AuthExchange {

    private record Outcome(SaslExchange exchange, SaslStep step, SaslStart.Reason refused, Duration failureDelay) {
    }

    private final Pop3Context context;
    private final Pop3Io io;
    private final AuthContext auth;
    private final Consumer<Pop3Reply> failed;
    private final Consumer<AuthenticatedUser> succeeded;
    private SaslExchange exchange;
    private AuthenticatedUser pendingUser;
    private boolean running;
    private boolean closed;

    /**
     * @param failed    sends the reply that ends a failed exchange
     * @param succeeded told of the user; the session then opens the maildrop and replies
     */
    Pop3AuthExchange(Pop3Context context, Pop3Io io, AuthContext auth, Consumer<Pop3Reply> failed,
                     Consumer<AuthenticatedUser> succeeded) {
        this.context = context;
        this.io = io;
        this.auth = auth;
        this.failed = failed;
        this.succeeded = succeeded;
    }

    /** True while a challenge is out and the next client line is a response, not a command. */
    boolean expectsResponse() {
        return exchange != null && !running;
    }

    /** USER/PASS: PLAIN with an empty authorization identity. */
    void userPass(String user, String password) {
        byte[] response = ("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8);
        start("PLAIN", response);
    }

    /** AUTH mechanism [initial-response]; the initial response is already decoded, or null. */
    void start(String mechanism, byte[] initial) {
        run(() -> {
            SaslStart start = context.authenticator().start(mechanism, auth);
            if (start instanceof SaslStart.Refused r) {
                return new Outcome(null, null, r.reason(), null);
            }
            return stepOf(((SaslStart.Started) start).exchange(), initial);
        });
    }

    /** A client line while {@link #expectsResponse()}. */
    void response(byte[] line) {
        String text = new String(line, StandardCharsets.US_ASCII);
        if (text.equals("*")) {
            finish(Pop3Reply.err("authentication cancelled"));
            return;
        }
        byte[] data = decode(text);
        if (data == null) {
            finish(Pop3Reply.err("response is not base64"));
        } else if (pendingUser != null) {
            if (data.length == 0) {
                succeed(pendingUser);
            } else {
                finish(Pop3Reply.err("expected an empty response"));
            }
        } else {
            SaslExchange ex = exchange;
            run(() -> stepOf(ex, data));
        }
    }

    /** The connection is gone. */
    void close() {
        closed = true;
        if (!running) {
            end();
        }
    }

    private Outcome stepOf(SaslExchange ex, byte[] response) {
        SaslStep step;
        try {
            step = ex.step(response);
        } catch (RuntimeException e) {
            ex.dispose();
            throw e;
        }
        Duration delay = step instanceof SaslStep.Failure f && (f.reason() == SaslStep.FailureReason.BAD_CREDENTIALS
                || f.reason() == SaslStep.FailureReason.MECHANISM_UNAVAILABLE)
                ? context.authenticator().failureDelay(auth) : null;
        return new Outcome(ex, step, null, delay);
    }

    private void run(Supplier<Outcome> work) {
        CompletableFuture<Outcome> f;
        try {
            f = CompletableFuture.supplyAsync(work, context.authExecutor());
        } catch (RejectedExecutionException e) {
            f = CompletableFuture.failedFuture(e);
        }
        running = true;
        io.await(f, this::outcome);
    }

    private void outcome(Outcome o, Throwable error) {
        running = false;
        if (o != null) {
            exchange = o.exchange();
        }
        if (closed) {
            end();
            return;
        }
        if (error != null) {
            Pop3Session.LOG.warn("{}: authentication failed with an internal error", context.listener(), error);
            finish(Pop3Reply.err("SYS/TEMP", "authentication is not available now; try again later"));
        } else if (o.refused() != null) {
            finish(switch (o.refused()) {
                case UNKNOWN_MECHANISM -> Pop3Reply.err("unknown authentication mechanism");
                case ENCRYPTION_REQUIRED -> Pop3Reply.err("AUTH", "use STLS first: passwords need an encrypted connection");
                case LOCKED_OUT -> Pop3Reply.err("SYS/TEMP", "too many failed logins; try again later");
            });
        } else {
            step(o.step(), o.failureDelay());
        }
    }

    private void step(SaslStep step, Duration failureDelay) {
        if (step instanceof SaslStep.Challenge c) {
            io.send(Pop3Reply.challenge(encode(c.data())));
        } else if (step instanceof SaslStep.Success s && s.additionalData() != null) {
            // RFC 5034 has no success with data: send it as a last challenge, expect an empty answer.
            pendingUser = s.user();
            io.send(Pop3Reply.challenge(encode(s.additionalData())));
        } else if (step instanceof SaslStep.Success s) {
            succeed(s.user());
        } else {
            SaslStep.Failure f = (SaslStep.Failure) step;
            end();
            switch (f.reason()) {
                case MALFORMED -> failed.accept(Pop3Reply.err("malformed authentication response"));
                case CANCELLED -> failed.accept(Pop3Reply.err("authentication cancelled"));
                case TEMPORARY -> failed.accept(Pop3Reply.err("SYS/TEMP", "authentication is not available now; try again later"));
                default -> io.await(io.delay(failureDelay == null ? Duration.ZERO : failureDelay),
                        (v, e) -> failed.accept(Pop3Reply.err("AUTH", "authentication failed")));
            }
        }
    }

    private void succeed(AuthenticatedUser user) {
        end();
        succeeded.accept(user);
    }

    private void finish(Pop3Reply reply) {
        end();
        failed.accept(reply);
    }

    private void end() {
        if (exchange != null) {
            exchange.dispose();
        }
        exchange = null;
        pendingUser = null;
    }

    /** Base64 as RFC 5034 wants it; "=" alone is the empty response. Null when malformed. */
    static byte[] decode(String text) {
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
