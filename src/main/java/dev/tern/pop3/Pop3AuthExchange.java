package dev.tern.pop3;

import dev.tern.auth.AuthContext;
import dev.tern.auth.AuthenticatedUser;
import dev.tern.auth.SaslConversation;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One login of a POP3 session: AUTH (RFC 5034) over {@code +} challenges and base64 response
 * lines, or USER/PASS (RFC 1939 §7), which runs as a PLAIN exchange so that both share the
 * authenticator's checks, throttling and log (see {@link SaslConversation}).
 *
 * <p>While the mechanism runs the session reads no input. Responses are never logged: they carry
 * passwords.
 */
final class Pop3AuthExchange extends SaslConversation {

    private final Pop3Context context;
    private final Pop3Io io;
    private final AuthContext auth;
    private final Consumer<Pop3Reply> failed;
    private final Consumer<AuthenticatedUser> succeeded;

    /**
     * @param failed    sends the reply that ends a failed exchange
     * @param succeeded told of the user; the session then opens the maildrop and replies
     */
    Pop3AuthExchange(Pop3Context context, Pop3Io io, AuthContext auth, Consumer<Pop3Reply> failed,
                     Consumer<AuthenticatedUser> succeeded) {
        super(context.authenticator(), context.authExecutor());
        this.context = context;
        this.io = io;
        this.auth = auth;
        this.failed = failed;
        this.succeeded = succeeded;
    }

    /** USER/PASS: PLAIN with an empty authorization identity. */
    void userPass(String user, String password) {
        beginPlain(user, password, auth);
    }

    /** AUTH mechanism [initial-response]; the initial response is already decoded, or null. */
    void start(String mechanism, byte[] initial) {
        begin(mechanism, initial, auth);
    }

    @Override
    protected void challenge(String base64) {
        io.send(Pop3Reply.challenge(base64));
    }

    @Override
    protected <T> void await(CompletableFuture<T> f, BiConsumer<T, Throwable> then) {
        io.await(f, then);
    }

    @Override
    protected void succeeded(AuthenticatedUser user) {
        succeeded.accept(user);
    }

    @Override
    protected void internalError(Throwable error) {
        Pop3Session.LOG.warn("{}: authentication failed with an internal error", context.listener(), error);
    }

    @Override
    protected void ended(Ending ending, String detail, Duration delay) {
        switch (ending) {
            case CANCELLED -> failed.accept(Pop3Reply.err("authentication cancelled"));
            case NOT_BASE64 -> failed.accept(Pop3Reply.err("response is not base64"));
            case NOT_EMPTY -> failed.accept(Pop3Reply.err("expected an empty response"));
            case MALFORMED -> failed.accept(Pop3Reply.err("malformed authentication response"));
            case TEMPORARY, INTERNAL_ERROR -> failed.accept(Pop3Reply.err("SYS/TEMP",
                    "authentication is not available now; try again later"));
            case UNKNOWN_MECHANISM -> failed.accept(Pop3Reply.err("unknown authentication mechanism"));
            case ENCRYPTION_REQUIRED -> failed.accept(Pop3Reply.err("AUTH",
                    "use STLS first: passwords need an encrypted connection"));
            case LOCKED_OUT -> failed.accept(Pop3Reply.err("SYS/TEMP", "too many failed logins; try again later"));
            case FAILED -> io.await(io.delay(delay), (v, e) -> failed.accept(Pop3Reply.err("AUTH", "authentication failed")));
        }
    }
}
