package dev.tern.imap.server;

import dev.tern.auth.AuthenticatedUser;
import dev.tern.auth.SaslConversation;
import dev.tern.imap.protocol.ResponseCode;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One login of an IMAP session: AUTHENTICATE (RFC 9051 §6.2.2, SASL-IR of RFC 4959) over
 * {@code +} challenges and base64 response lines, or LOGIN, which runs as a PLAIN exchange so
 * that both share the authenticator's checks, throttling and log (the same as SMTP's and POP3's,
 * see {@link SaslConversation}).
 *
 * <p>While the mechanism runs the session reads no input. Responses are never logged: they carry
 * passwords.
 */
final class ImapAuthExchange extends SaslConversation {

    private final ImapSession session;
    private final String tag;
    private final Consumer<AuthenticatedUser> succeeded;
    private final Runnable ended;

    ImapAuthExchange(ImapSession session, String tag, Consumer<AuthenticatedUser> succeeded, Runnable ended) {
        super(session.context().authenticator(), session.context().authExecutor());
        this.session = session;
        this.tag = tag;
        this.succeeded = succeeded;
        this.ended = ended;
    }

    void login(String user, String password) {
        beginPlain(user, password, session.authContext());
    }

    /** AUTHENTICATE mechanism [initial-response]; the initial response is already decoded, or null. */
    void start(String mechanism, byte[] initial) {
        begin(mechanism, initial, session.authContext());
    }

    @Override
    protected void challenge(String base64) {
        session.writer().continuation().atom(base64).end();
    }

    @Override
    protected <T> void await(CompletableFuture<T> f, BiConsumer<T, Throwable> then) {
        session.io().await(f, then);
    }

    @Override
    protected void succeeded(AuthenticatedUser user) {
        succeeded.accept(user);
    }

    @Override
    protected void internalError(Throwable error) {
        ImapSession.LOG.warn("{}: authentication failed with an internal error", session.id(), error);
    }

    @Override
    protected void ended(Ending ending, String detail, Duration delay) {
        switch (ending) {
            case CANCELLED -> session.bad(tag, "authentication cancelled");
            case NOT_BASE64 -> session.bad(tag, "response is not base64");
            case MALFORMED -> session.bad(tag, "malformed authentication response");
            case NOT_EMPTY -> session.no(tag, ResponseCode.authenticationFailed(), "expected an empty response");
            case TEMPORARY, INTERNAL_ERROR -> session.no(tag, ResponseCode.unavailable(),
                    "authentication is not available now; try again later");
            case UNKNOWN_MECHANISM -> session.no(tag, ResponseCode.cannot(), "unknown authentication mechanism");
            case ENCRYPTION_REQUIRED -> session.no(tag, ResponseCode.privacyRequired(),
                    "use STARTTLS first: passwords need an encrypted connection");
            case LOCKED_OUT -> session.no(tag, ResponseCode.unavailable(), "too many failed logins; try again later");
            case FAILED -> {
                CompletableFuture<Void> delayed = new CompletableFuture<>();
                CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS).execute(() -> delayed.complete(null));
                session.io().await(delayed, (v, e) -> session.no(tag, ResponseCode.authenticationFailed(),
                        "authentication failed"));
            }
        }
    }

    @Override
    protected void released() {
        ended.run();
    }
}
