package dev.tern.store;

/**
 * One transaction on the metadata store. Everything done through one {@code StoreTx} commits or
 * rolls back together: a local delivery inserts the mailbox message and marks the queue recipient
 * delivered atomically, so a crash never delivers twice or loses a recipient.
 */
public interface StoreTx {

    DirectoryDao directory();

    QueueDao queue();

    MailboxDao mailboxes();

    BlobRefDao blobs();

    DkimKeyDao dkimKeys();

    GreylistDao greylist();

    DomainOwnershipDao domainOwnership();

    SmtpCredentialDao smtpCredentials();

    AdminDao admin();

    TrackingDao tracking();

    WebhookDao webhooks();

    /** Runs after the transaction is durably committed (for example: delete a blob nobody uses). */
    void afterCommit(Runnable action);
}
