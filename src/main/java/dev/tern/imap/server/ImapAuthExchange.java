package dev.tern.imap.server;

import dev.tern.auth.AuthContext;
import dev.tern.auth.AuthenticatedUser;
import dev.tern.auth.SaslExchange;
import dev.tern.auth.SaslStart;
import dev.tern.auth.SaslStep;
import dev.tern.imap.protocol.ResponseCode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One login of an IMAP session: AUTHENTICATE (RFC 9051 §6.2.2, SASL-IR of RFC 4959) over
 * {@code +} challenges and base64 response lines, or LOGIN, which runs as a PLAIN exchange so
 * that both share the authenticator's checks, throttling and log (the same as SMTP's and POP3's).
 *
 * <p>Calls into the mechanism run on the auth executor; meanwhile the session reads no input. A
 * failure is answered only after the authenticator's failure delay, waited with a timer.
 * Responses are never logged: they carry passwords.
 */
final class ImapAuthExchange {

    private record Outcome(SaslExchange exchange, SaslStep step, SaslStart.Reason refused, Duration failureDelay) {
    }

    private final ImapSession session;
    private final String tag;
    private final AuthContext auth;
    private final Consumer<AuthenticatedUser> succeeded;
    private final Runnable ended;
    private SaslExchange exchange;
    private AuthenticatedUser pendingUser;
    private boolean running;
    private boolean closed;

    ImapAuthExchange(ImapSession session, String tag, Consumer<AuthenticatedUser> succeeded, Runnable ended) {
        this.session = session;
        this.tag = tag;
        this.auth = session.authContext();
        this.succeeded = succeeded;
        this.ended = ended;
    }

    /** True while a challenge is out and the next client line is a response, not a command. */
    boolean expectsResponse() {
        return exchange != null && !running;
    }

    void login(String user, String password) {
        start("PLAIN", ("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** AUTHENTICATE mechanism [initial-response]; the initial response is already decoded, or null. */
    void start(String mechanism, byte[] initial) {
        run(() -> {
            SaslStart start = session.context().authenticator().start(mechanism, auth);
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
            end();
            session.bad(tag, "authentication cancelled");
            return;
        }
        byte[] data = decode(text);
        if (data == null) {
            end();
            session.bad(tag, "response is not base64");
        } else if (pendingUser != null) {
            if (data.length == 0) {
                succeed(pendingUser);
            } else {
                end();
                session.no(tag, ResponseCode.authenticationFailed(), "expected an empty response");
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
                ? session.context().authenticator().failureDelay(auth) : null;
        return new Outcome(ex, step, null, delay);
    }

    private void run(Supplier<Outcome> work) {
        CompletableFuture<Outcome> f;
        try {
            f = CompletableFuture.supplyAsync(work, session.context().authExecutor());
        } catch (RejectedExecutionException e) {
            f = CompletableFuture.failedFuture(e);
        }
        running = true;
        session.io().await(f, this::outcome);
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
            ImapSession.LOG.warn("{}: authentication failed with an internal error", session.id(), error);
            end();
            session.no(tag, ResponseCode.unavailable(), "authentication is not available now; try again later");
        } else if (o.refused() != null) {
            end();
            switch (o.refused()) {
                case UNKNOWN_MECHANISM -> session.no(tag, ResponseCode.cannot(), "unknown authentication mechanism");
                case ENCRYPTION_REQUIRED -> session.no(tag, ResponseCode.privacyRequired(),
                        "use STARTTLS first: passwords need an encrypted connection");
                case LOCKED_OUT -> session.no(tag, ResponseCode.unavailable(), "too many failed logins; try again later");
            }
        } else {
            step(o.step(), o.failureDelay());
        }
    }

    private void step(SaslStep step, Duration failureDelay) {
        if (step instanceof SaslStep.Challenge c) {
            session.writer().continuation().atom(encode(c.data())).end();
        } else if (step instanceof SaslStep.Success s && s.additionalData() != null) {
            // IMAP has no success with data: it goes as a last challenge, answered empty.
            pendingUser = s.user();
            session.writer().continuation().atom(encode(s.additionalData())).end();
        } else if (step instanceof SaslStep.Success s) {
            succeed(s.user());
        } else {
            SaslStep.Failure f = (SaslStep.Failure) step;
            end();
            switch (f.reason()) {
                case MALFORMED -> session.bad(tag, "malformed authentication response");
                case CANCELLED -> session.bad(tag, "authentication cancelled");
                case TEMPORARY -> session.no(tag, ResponseCode.unavailable(),
                        "authentication is not available now; try again later");
                default -> {
                    CompletableFuture<Void> delayed = new CompletableFuture<>();
                    long nanos = failureDelay == null ? 0 : failureDelay.toNanos();
                    CompletableFuture.delayedExecutor(nanos, TimeUnit.NANOSECONDS).execute(() -> delayed.complete(null));
                    session.io().await(delayed, (v, e) ->
                            session.no(tag, ResponseCode.authenticationFailed(), "authentication failed"));
                }
            }
        }
    }

    private void succeed(AuthenticatedUser user) {
        end();
        succeeded.accept(user);
    }

    private void end() {
        if (exchange != null) {
            exchange.dispose();
        }
        exchange = null;
        pendingUser = null;
        ended.run();
    }

    /** Base64 of a response; "=" alone is the empty one (RFC 4959). Null when malformed. */
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
