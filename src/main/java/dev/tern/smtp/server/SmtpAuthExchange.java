package dev.tern.smtp.server;

import dev.tern.auth.AuthContext;
import dev.tern.auth.AuthenticatedUser;
import dev.tern.auth.SaslConversation;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The AUTH command of one SMTP session (RFC 4954 §4): runs the SASL exchange over {@code 334}
 * challenges and base64 response lines (see {@link SaslConversation}), maps its end to one reply,
 * and logs each attempt's outcome in the transaction log.
 *
 * <p>While the mechanism runs the session reads no input. Responses are never logged or traced:
 * they carry passwords.
 */
final class SmtpAuthExchange extends SaslConversation {

    /** Mechanisms that carry no reusable secret and may run without TLS; every other one needs it. */
    private static final Set<String> NO_SECRET = Set.of("GSSAPI", "GS2-KRB5", "EXTERNAL", "ANONYMOUS");

    private final SmtpSettings settings;
    private final SessionIo io;
    private final Consumer<SmtpReply> reply;
    /** Told the user and the mechanism that authenticated them. */
    private final BiConsumer<AuthenticatedUser, String> authenticated;
    private final String client;
    private String mechanism;

    /**
     * @param reply         sends a reply that ends the exchange (counted by the session's error limit)
     * @param authenticated told of the authenticated user and the mechanism before the 235 reply is sent
     */
    SmtpAuthExchange(SmtpSettings settings, SessionIo io, String client, Consumer<SmtpReply> reply,
                     BiConsumer<AuthenticatedUser, String> authenticated) {
        super(settings.security().authenticator(), settings.security().authExecutor());
        this.settings = settings;
        this.io = io;
        this.client = client;
        this.reply = reply;
        this.authenticated = authenticated;
    }

    /** True when a mechanism must not be used on a connection without TLS. */
    static boolean needsTls(String mechanism) {
        return !NO_SECRET.contains(mechanism);
    }

    void start(SmtpCommand.Auth c, AuthContext ctx) {
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
        begin(mechanism, initial, ctx);
    }

    /** The response line was too long or ended in a bare LF: the exchange is over. */
    void abort(SmtpReply why) {
        abandon();
        finish(why, "bad response line");
    }

    @Override
    protected void challenge(String base64) {
        io.send(Replies.challenge(base64));
    }

    @Override
    protected <T> void await(CompletableFuture<T> f, BiConsumer<T, Throwable> then) {
        io.await(f, then);
    }

    @Override
    protected void succeeded(AuthenticatedUser user) {
        TransactionLog.LOG.info("client={} sasl_method={} sasl_username={}", client, mechanism, user.address());
        authenticated.accept(user, mechanism);
        reply.accept(Replies.AUTH_SUCCESS);
    }

    @Override
    protected void internalError(Throwable error) {
        TransactionLog.LOG.warn("AUTH {} for client {} failed", mechanism, client, error);
    }

    @Override
    protected void ended(Ending ending, String detail, Duration delay) {
        switch (ending) {
            case CANCELLED -> finish(Replies.AUTH_CANCELLED, detail);
            case NOT_BASE64 -> finish(Replies.AUTH_BAD_BASE64, detail);
            case NOT_EMPTY, MALFORMED -> finish(Replies.AUTH_MALFORMED, detail);
            case TEMPORARY, INTERNAL_ERROR -> finish(Replies.AUTH_TEMPORARY, detail);
            case UNKNOWN_MECHANISM -> finish(Replies.AUTH_UNKNOWN_MECHANISM, detail);
            case ENCRYPTION_REQUIRED -> finish(Replies.AUTH_NEEDS_TLS, detail);
            case LOCKED_OUT -> finish(Replies.AUTH_LOCKED_OUT, detail);
            case FAILED -> {
                log(detail);
                // Brute-force throttling: the reply waits, the event loop does not.
                io.await(io.delay(delay), (v, e) -> reply.accept(Replies.AUTH_FAILED));
            }
        }
    }

    private void finish(SmtpReply r, String why) {
        log(why);
        reply.accept(r);
    }

    private void log(String why) {
        TransactionLog.LOG.info("client={} sasl_method={} result=failed reason=\"{}\"", client, mechanism,
                SmtpReply.printable(why).replace('"', '\''));
    }
}
