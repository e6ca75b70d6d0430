package dev.tern.smtp.server;

import dev.tern.mail.ClientInfo;
import dev.tern.mail.MailAddress;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Filters outside Tern that follow a whole SMTP session, authenticated or not (milters), or the
 * session a message of the send API stands for ({@link DirectSubmission}): they hear
 * of the connection, HELO, each transaction's sender and recipients, and get the message at its
 * end, where they may refuse it or change it. The backend makes one per connection
 * ({@link SmtpBackend#sessionFilter}); unlike a {@link ClientPolicy}, it also sees authenticated
 * clients. Every method returns at once; a future completes later on any thread, normally to go on
 * or exceptionally with a {@link dev.tern.mail.MailException} carrying the refusal. The session
 * calls one method at a time, in the order of the SMTP dialogue.
 */
public interface SessionFilter {

    /** No filters. */
    SessionFilter NONE = new SessionFilter() {
    };

    /**
     * The connection is open and its client known. A refusal here is not the greeting's: it is
     * kept, and answers each MAIL of the session (as Postfix answers a milter's refusal at connect).
     */
    default CompletableFuture<Void> connected(ClientInfo client) {
        return CompletableFuture.completedFuture(null);
    }

    /** HELO or EHLO with this name; a refusal is the command's reply. */
    default CompletableFuture<Void> helo(ClientInfo client, String name) {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * The client authenticated (RFC 4954) as {@code user} with the SASL {@code mechanism}; until
     * STARTTLS, which forgets it, later MAIL commands carry the user in {@link ClientInfo#authUser()}.
     */
    default void authenticated(String user, String mechanism) {
    }

    /**
     * MAIL, after Tern's own checks accepted it; {@code sender} is null for {@code <>} and
     * {@code parameters} are its ESMTP parameters as sent ({@code SIZE=1000}).
     */
    default CompletableFuture<Void> mail(ClientInfo client, MailAddress sender, List<String> parameters) {
        return CompletableFuture.completedFuture(null);
    }

    /** RCPT, after Tern accepted the recipient; a refusal refuses this recipient only. */
    default CompletableFuture<Void> recipient(MailAddress recipient, boolean local, List<String> parameters) {
        return CompletableFuture.completedFuture(null);
    }

    /** DATA, before the 354 (BDAT has none: then at the message's end); a refusal is DATA's reply. */
    default CompletableFuture<Void> data() {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * The filter of the content of the current transaction's message, or null for none. It comes
     * last in the chain of content filters and may hold the content until its verdict.
     */
    default ContentFilter contentFilter(String queueId) {
        return null;
    }

    /** The current transaction is over (a message queued or refused, RSET, a new HELO, STARTTLS). */
    default void reset() {
    }

    /** The connection is closed. */
    default void close() {
    }
}
