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

    MtaStsDao mtaSts();

    TlsReportDao tlsReports();

    DmarcReportDao dmarcReports();

    AcmeDao acme();

    SieveDao sieve();

    SecretDao secrets();

    DomainOwnershipDao domainOwnership();

    SmtpCredentialDao smtpCredentials();

    AdminDao admin();

    TrackingDao tracking();

    WebhookDao webhooks();

    SuppressionDao suppressions();

    AclDao acls();

    AnnotationDao annotations();

    AccessRuleDao accessRules();

    /** Runs after the transaction is durably committed (for example: delete a blob nobody uses). */
    void afterCommit(Runnable action);

    /**
     * Tells the other nodes that share this store, once the transaction commits (never if it rolls
     * back), by calling their {@link MetadataStore#subscribe} listeners of {@code channel}. The
     * payload is short text (at most {@link MetadataStore#MAX_SIGNAL} characters). Nothing is sent
     * where no other node can share the store.
     */
    void signal(String channel, String payload);
}
