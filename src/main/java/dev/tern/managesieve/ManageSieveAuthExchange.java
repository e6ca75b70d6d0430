package dev.tern.managesieve;

import dev.tern.auth.AuthContext;
import dev.tern.auth.AuthenticatedUser;
import dev.tern.auth.SaslConversation;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One AUTHENTICATE of a ManageSieve session (RFC 5804 §2.1): challenges go out as strings on
 * lines of their own, the client answers each with a string ({@code "*"} cancels). The
 * mechanisms, their checks, the failure throttling and the log are the authenticator's, shared
 * with SMTP, IMAP and POP3 (see {@link SaslConversation}). Data a mechanism sends with its
 * success (SCRAM's server signature) goes out in the {@code OK}, as {@code OK (SASL "...")}
 * (RFC 5804 §2.1), as Cyrus timsieved and clients expect.
 *
 * <p>While the mechanism runs the session reads no input. Responses are never logged: they carry
 * passwords.
 */
final class ManageSieveAuthExchange extends SaslConversation {

    private final ManageSieveIo io;
    private final AuthContext auth;
    private final String listener;
    private final Consumer<ManageSieveReply> failed;
    private final java.util.function.BiConsumer<AuthenticatedUser, String> succeeded;

    /**
     * @param failed    sends the reply that ends a failed exchange
     * @param succeeded told of the user and the mechanism's final data (base64, or null); the
     *                  session then replies
     */
    ManageSieveAuthExchange(ManageSieveContext context, ManageSieveIo io, AuthContext auth,
                            Consumer<ManageSieveReply> failed,
                            java.util.function.BiConsumer<AuthenticatedUser, String> succeeded) {
        super(context.authenticator(), context.authExecutor());
        this.io = io;
        this.auth = auth;
        this.listener = context.listener();
        this.failed = failed;
        this.succeeded = succeeded;
    }

    /** AUTHENTICATE mechanism [initial-response]; the initial response is already decoded, or null. */
    void start(String mechanism, byte[] initial) {
        begin(mechanism, initial, auth);
    }

    /** A response line that is not a string: the exchange ends, as cancelled, with {@code reason}. */
    void refuse(String reason) {
        abandon();
        failed.accept(ManageSieveReply.no(reason));
    }

    @Override
    protected void challenge(String base64) {
        io.send(ManageSieveReply.challenge(base64));
    }

    @Override
    protected <T> void await(CompletableFuture<T> f, BiConsumer<T, Throwable> then) {
        io.await(f, then);
    }

    @Override
    protected boolean successCarriesData() {
        return true;
    }

    @Override
    protected void succeeded(AuthenticatedUser user, String finalData) {
        succeeded.accept(user, finalData);
    }

    @Override
    protected void succeeded(AuthenticatedUser user) {
        succeeded.accept(user, null);
    }

    @Override
    protected void internalError(Throwable error) {
        ManageSieveSession.LOG.warn("{}: authentication failed with an internal error", listener, error);
    }

    @Override
    protected void ended(Ending ending, String detail, Duration delay) {
        switch (ending) {
            case CANCELLED -> failed.accept(ManageSieveReply.no("authentication cancelled"));
            case NOT_BASE64 -> failed.accept(ManageSieveReply.no("response is not base64"));
            case NOT_EMPTY -> failed.accept(ManageSieveReply.no("expected an empty response"));
            case MALFORMED -> failed.accept(ManageSieveReply.no("malformed authentication response"));
            case TEMPORARY, INTERNAL_ERROR -> failed.accept(ManageSieveReply.no("TRYLATER",
                    "authentication is not available now; try again later"));
            case UNKNOWN_MECHANISM -> failed.accept(ManageSieveReply.no("unknown authentication mechanism"));
            case ENCRYPTION_REQUIRED -> failed.accept(ManageSieveReply.no("ENCRYPT-NEEDED",
                    "use STARTTLS first: passwords need an encrypted connection"));
            case LOCKED_OUT -> failed.accept(ManageSieveReply.no("TRYLATER", "too many failed logins; try again later"));
            case FAILED -> io.await(io.delay(delay), (v, e) -> failed.accept(ManageSieveReply.no("authentication failed")));
        }
    }
}
