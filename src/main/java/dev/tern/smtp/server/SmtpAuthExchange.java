package dev.tern.smtp.server;

import dev.tern.auth.AuthContext;
import dev.tern.auth.AuthenticatedUser;
import dev.tern.auth.SaslAuthenticator;
import dev.tern.auth.SaslExchange;
import dev.tern.auth.SaslStart;
import dev.tern.auth.SaslStep;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The AUTH command of one SMTP session (RFC 4954 §4): runs the SASL exchange over {@code 334}
 * challenges and base64 response lines, and maps its end to one reply.
 *
 * <p>Every call into the SASL mechanism runs on the listener's auth executor (steps may hash a
 * password or ask the store); meanwhile the session reads no input. A failed authentication is
 * answered only after the authenticator's failure delay, waited with a timer. Responses are never
 * logged or traced: they carry passwords.
 */
final class SmtpAuthExchange {

    /** Mechanisms that carry no reusable secret and may run without TLS; every other one needs it. */
    private static final Set<String> NO_SECRET = Set.of("GSSAPI", "GS2-KRB5", "EXTERNAL", "ANONYMOUS");

    /** What one call into the mechanism gave. */
    private record Outcome(SaslExchange exchange, SaslStep step, SaslStart.Reason refused, Duration failureDelay) {
    }

    private final SmtpSettings settings;
    private final SessionIo io;
    private final Consumer<SmtpReply> reply;
    private final Consumer<AuthenticatedUser> authenticated;
    private final String client;
    private AuthContext context;
    private String mechanism;
    private SaslExchange exchange;
    private AuthenticatedUser pendingUser;
    private boolean running;
    private boolean closed;

    /**
     * @param reply         sends a reply that ends the exchange (counted by the session's error limit)
     * @param authenticated told of the authenticated user before the 235 reply is sent
     */
    SmtpAuthExchange(SmtpSettings settings, SessionIo io, String client, Consumer<SmtpReply> reply,
                     Consumer<AuthenticatedUser> authenticated) {
        this.settings = settings;
        this.io = io;
        this.client = client;
        this.reply = reply;
        this.authenticated = authenticated;
    }

    /** True while a challenge is out and the next client line is a response, not a command. */
    boolean expectsResponse() {
        return exchange != null && !running;
    }

    /** True when a mechanism must not be used on a connection without TLS. */
    static boolean needsTls(String mechanism) {
        return !NO_SECRET.contains(mechanism);
    }

    void start(SmtpCommand.Auth c, AuthContext ctx) {
        context = ctx;
        mechanism = c.mechanism();
        if (settings.security().passwordsNeedTls() && !ctx.tls() && needsTls(mechanism)) {
            finish(Replies.AUTH_NEEDS_TLS, "encryption required");
            return;
        }
        byte[] initial = null;
        if (c.initialResponse() != null) {
            initial = decode(c.initialResponse());
            if (initial == null) {
                finish(Replies.AUTH_BAD_BASE64, "bad base64");
                return;
            }
        }
        byte[] first = initial;
        SaslAuthenticator authenticator = settings.security().authenticator();
        run(() -> {
            SaslStart start = authenticator.start(mechanism, ctx);
            if (start instanceof SaslStart.Refused r) {
                return new Outcome(null, null, r.reason(), null);
            }
            return stepOf(((SaslStart.Started) start).exchange(), first);
        });
    }

    /** A line from the client while {@link #expectsResponse()}. */
    void response(byte[] line) {
        String text = new String(line, StandardCharsets.US_ASCII);
        if (text.equals("*")) {
            finish(Replies.AUTH_CANCELLED, "cancelled");
            return;
        }
        byte[] data = decode(text);
        if (data == null) {
            finish(Replies.AUTH_BAD_BASE64, "bad base64");
        } else if (pendingUser != null) {
            // The client's empty answer to the server's last data (RFC 4954 §4).
            if (data.length == 0) {
                succeed(pendingUser);
            } else {
                finish(Replies.AUTH_MALFORMED, "non-empty final response");
            }
        } else {
            SaslExchange ex = exchange;
            run(() -> stepOf(ex, data));
        }
    }

    /** The response line was too long or ended in a bare LF: the exchange is over. */
    void abort(SmtpReply why) {
        finish(why, "bad response line");
    }

    /** The connection is gone. */
    void close() {
        closed = true;
        if (!running) {
            end();
        }
    }

    // ---- steps ------------------------------------------------------------------------------

    /** Runs on the auth executor. */
    private Outcome stepOf(SaslExchange ex, byte[] response) {
        SaslStep step;
        try {
            step = ex.step(response);
        } catch (RuntimeException e) {
            ex.dispose();
            throw e;
        }
        Duration delay = step instanceof SaslStep.Failure f && isCredentialFailure(f)
                ? settings.security().authenticator().failureDelay(context) : null;
        return new Outcome(ex, step, null, delay);
    }

    private void run(Supplier<Outcome> work) {
        CompletableFuture<Outcome> f;
        try {
            f = CompletableFuture.supplyAsync(work, settings.security().authExecutor());
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
            TransactionLog.LOG.warn("AUTH {} for client {} failed", mechanism, client, error);
            finish(Replies.AUTH_TEMPORARY, "internal error");
        } else if (o.refused() != null) {
            finish(switch (o.refused()) {
                case UNKNOWN_MECHANISM -> Replies.AUTH_UNKNOWN_MECHANISM;
                case ENCRYPTION_REQUIRED -> Replies.AUTH_NEEDS_TLS;
                case LOCKED_OUT -> Replies.AUTH_LOCKED_OUT;
            }, o.refused().name().toLowerCase(java.util.Locale.ROOT));
        } else {
            step(o.step(), o.failureDelay());
        }
    }

    private void step(SaslStep step, Duration failureDelay) {
        if (step instanceof SaslStep.Challenge c) {
            io.send(Replies.challenge(encode(c.data())));
        } else if (step instanceof SaslStep.Success s && s.additionalData() != null) {
            pendingUser = s.user();
            io.send(Replies.challenge(encode(s.additionalData())));
        } else if (step instanceof SaslStep.Success s) {
            succeed(s.user());
        } else {
            failed((SaslStep.Failure) step, failureDelay);
        }
    }

    private void failed(SaslStep.Failure f, Duration delay) {
        String why = f.reason().name().toLowerCase(java.util.Locale.ROOT) + (f.detail() == null ? "" : " (" + f.detail() + ")");
        switch (f.reason()) {
            case MALFORMED -> finish(Replies.AUTH_MALFORMED, why);
            case CANCELLED -> finish(Replies.AUTH_CANCELLED, why);
            case TEMPORARY -> finish(Replies.AUTH_TEMPORARY, why);
            default -> {
                end();
                log(why);
                // Brute-force throttling: the reply waits, the event loop does not.
                io.await(io.delay(delay == null ? Duration.ZERO : delay), (v, e) -> reply.accept(Replies.AUTH_FAILED));
            }
        }
    }

    private void succeed(AuthenticatedUser user) {
        end();
        TransactionLog.LOG.info("client={} sasl_method={} sasl_username={}", client, mechanism, user.address());
        authenticated.accept(user);
        reply.accept(Replies.AUTH_SUCCESS);
    }

    private void finish(SmtpReply r, String why) {
        end();
        log(why);
        reply.accept(r);
    }

    private void log(String why) {
        TransactionLog.LOG.info("client={} sasl_method={} result=failed reason=\"{}\"", client, mechanism,
                SmtpReply.printable(why).replace('"', '\''));
    }

    private void end() {
        if (exchange != null) {
            exchange.dispose();
        }
        exchange = null;
        pendingUser = null;
    }

    private static boolean isCredentialFailure(SaslStep.Failure f) {
        return f.reason() == SaslStep.FailureReason.BAD_CREDENTIALS
                || f.reason() == SaslStep.FailureReason.MECHANISM_UNAVAILABLE;
    }

    /** Base64 (RFC 4648) as RFC 4954 wants it; "=" alone is the empty response. Null when malformed. */
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
