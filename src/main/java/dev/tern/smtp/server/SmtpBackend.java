package dev.tern.smtp.server;

import dev.tern.mail.ClientInfo;
import dev.tern.mail.Envelope;
import dev.tern.mail.MailAddress;
import dev.tern.mail.Recipient;
import dev.tern.store.BlobSink;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What an SMTP session needs from the rest of Tern: sender and recipient policy, and the queue.
 * The session never blocks on these calls; their futures complete on other threads.
 */
public interface SmtpBackend {

    /**
     * Decides whether an authenticated client may use this envelope sender; called at MAIL in a
     * session that has authenticated ({@code client.authUser()} is set), before the transaction
     * starts. Completes normally to accept, or exceptionally with a
     * {@link dev.tern.mail.MailException} that carries the reply (553 5.7.1 when the address is
     * not the user's).
     *
     * @param sender the reverse path, or null for the null path {@code <>}
     */
    CompletableFuture<Void> checkSender(String listener, ClientInfo client, MailAddress sender);

    /**
     * Decides whether a recipient is accepted on this listener; {@code client.authUser()} says
     * whether the client authenticated (authenticated clients may relay). Completes normally to
     * accept, or exceptionally with a {@link dev.tern.mail.MailException} that carries the reply
     * (550 5.1.1 unknown user, 550 5.7.1 relay denied, 451 4.3.0 on a storage error…).
     */
    CompletableFuture<Void> checkRecipient(String listener, ClientInfo client, MailAddress recipient);

    /**
     * The same at RCPT, knowing the transaction's envelope sender (null for {@code <>}): a policy
     * may depend on both. By default, {@link #checkRecipient(String, ClientInfo, MailAddress)}.
     */
    default CompletableFuture<Void> checkRecipient(String listener, ClientInfo client, MailAddress sender,
                                                   MailAddress recipient) {
        return checkRecipient(listener, client, recipient);
    }

    /**
     * Accepts or refuses a recipient at RCPT as {@link #checkRecipient(String, ClientInfo, MailAddress, MailAddress)}
     * does, completing with the recipient to keep in the transaction: the given one, or the same
     * with what the check learnt of it (its local accounts) for the queue to use. By default, the
     * check alone.
     */
    default CompletableFuture<Recipient> acceptRecipient(String listener, ClientInfo client, MailAddress sender,
                                                         Recipient recipient) {
        return checkRecipient(listener, client, sender, recipient.address()).thenApply(ok -> recipient);
    }

    /**
     * The checks for a new connection on this listener from this address; {@link ClientPolicy#NONE}
     * (the default) for none.
     */
    default ClientPolicy clientPolicy(String listener, java.net.InetAddress client) {
        return ClientPolicy.NONE;
    }

    /**
     * The filters outside Tern (milters) that follow a new connection on this listener from this
     * address, whether or not it authenticates; {@link SessionFilter#NONE} (the default) for none.
     */
    default SessionFilter sessionFilter(String listener, java.net.InetAddress client) {
        return SessionFilter.NONE;
    }

    /**
     * The session refused something with this reply: a connection, HELO, a sender, a recipient or
     * a message. For counting (metrics) only; called on the event loop, so it must return at once.
     *
     * @param stage     connect, helo, mail, rcpt or data
     * @param component what raised the refusal: a {@link dev.tern.mail.MailException}'s component,
     *                  or {@code smtp} for the session's own rules (size, recipient count, AUTH
     *                  required, bare line endings, too many connections)
     */
    default void refused(String listener, String stage, int code, String enhancedCode, String component) {
    }

    /** A fresh queue id, allocated when the message content starts (it appears in the Received header). */
    String newQueueId();

    /**
     * A filter for the content of a message from this client, or null for none (the default).
     * Asked once per message, when its content starts.
     */
    default ContentFilter contentFilter(String listener, ClientInfo client) {
        return null;
    }

    /**
     * The same, knowing the transaction's envelope: sender (null for {@code <>}) and accepted
     * recipients. By default, {@link #contentFilter(String, ClientInfo)}.
     */
    default ContentFilter contentFilter(String listener, ClientInfo client, MailAddress sender,
                                        List<Recipient> recipients) {
        return contentFilter(listener, client);
    }

    /**
     * Bytes the storage can still take: the free space of the local file systems it writes messages
     * to, for whoever may write there. MAIL is refused with 452 4.3.1 when a message of the size it
     * declares would leave less than {@code [smtp] min_free_space}. Called at every MAIL on the
     * session's event loop, so it must not block (a value read at most once a second will do). By
     * default, unlimited.
     */
    default long freeSpace() {
        return Long.MAX_VALUE;
    }

    /** Where the content of a new message is written; the id of the sink is the queue id. */
    BlobSink newBody(String queueId);

    /**
     * Makes the message durable in the queue: content and envelope on stable storage. Completes
     * only then (the session answers 250), or exceptionally with a {@link dev.tern.mail.MailException}
     * (the session answers with its code). On failure the body has been aborted.
     */
    CompletableFuture<Void> enqueue(String queueId, Envelope envelope, BlobSink body);
}
