package dev.tern.smtp.server;

import dev.tern.mail.ClientInfo;
import dev.tern.mail.MailAddress;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The checks one connection goes through on top of the backend's sender and recipient policy:
 * who the client is (rate limits, address reputation, reverse DNS), what its HELO claims, and
 * what its messages prove about their origin (SPF, DKIM, DMARC). The backend makes one per
 * connection ({@link SmtpBackend#clientPolicy}); the session calls it only while the client has
 * not authenticated. Every method returns at once; a future completes later on any thread,
 * normally to accept or exceptionally with a {@link dev.tern.mail.MailException} carrying the
 * refusal.
 */
public interface ClientPolicy {

    /** No checks at all: trusted clients and listeners without inbound checks. */
    ClientPolicy NONE = new ClientPolicy() {
    };

    /**
     * How long the greeting is held back. A client that sends anything before it is an early
     * talker (it does not wait for the server as RFC 5321 §3.1 wants, as spam engines often do)
     * and is refused.
     */
    default Duration greetingDelay() {
        return Duration.ZERO;
    }

    /**
     * The connection is open. A refusal is sent instead of the greeting and the connection closes
     * (421 for too many connections, say). The greeting waits for this future.
     */
    default CompletableFuture<Void> connected() {
        return CompletableFuture.completedFuture(null);
    }

    /** The client's host name as confirmed by reverse and forward DNS, for the Received header; null when unknown. */
    default String verifiedName() {
        return null;
    }

    /** HELO or EHLO with this name; a refusal is the command's reply and the client stays where it was. */
    default CompletableFuture<Void> helo(String name) {
        return CompletableFuture.completedFuture(null);
    }

    /** Before a transaction starts (MAIL); {@code sender} is null for the null reverse path. */
    default CompletableFuture<Void> mail(ClientInfo client, MailAddress sender) {
        return CompletableFuture.completedFuture(null);
    }

    /** After the backend accepted a recipient of the current transaction. */
    default CompletableFuture<Void> recipient(ClientInfo client, MailAddress sender, MailAddress recipient) {
        return CompletableFuture.completedFuture(null);
    }

    /** A filter that checks the content of a message of the current transaction, or null for none. */
    default ContentFilter contentFilter(ClientInfo client, MailAddress sender) {
        return null;
    }

    /**
     * The same, knowing the transaction's recipients and the queue id its message will have (a
     * content scanner passes them on). By default, {@link #contentFilter(ClientInfo, MailAddress)}.
     */
    default ContentFilter contentFilter(ClientInfo client, MailAddress sender,
                                        java.util.List<dev.tern.mail.Recipient> recipients, String queueId) {
        return contentFilter(client, sender);
    }
}
