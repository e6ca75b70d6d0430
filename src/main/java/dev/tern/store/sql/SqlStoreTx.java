package dev.tern.store.sql;

import dev.tern.store.AccessRuleDao;
import dev.tern.store.AdminDao;
import dev.tern.store.BlobRefDao;
import dev.tern.store.DkimKeyDao;
import dev.tern.store.DirectoryDao;
import dev.tern.store.DomainOwnershipDao;
import dev.tern.store.GreylistDao;
import dev.tern.store.MtaStsDao;
import dev.tern.store.SecretDao;
import dev.tern.store.SuppressionDao;
import dev.tern.store.AclDao;
import dev.tern.store.AnnotationDao;
import dev.tern.store.SieveDao;
import dev.tern.store.TlsReportDao;
import dev.tern.store.DmarcReportDao;
import dev.tern.store.MailboxDao;
import dev.tern.store.QueueDao;
import dev.tern.store.SmtpCredentialDao;
import dev.tern.store.StoreTx;
import dev.tern.store.TrackingDao;
import dev.tern.store.WebhookDao;

import java.sql.Connection;
import java.util.List;

/**
 * A {@link StoreTx} on one JDBC connection. The SQL of the DAOs runs on SQLite and PostgreSQL alike;
 * who opens, batches and commits the transaction is the backend's business.
 */
public final class SqlStoreTx implements StoreTx {

    private final SqlDirectoryDao directory;
    private final SqlQueueDao queue;
    private final SqlMailboxDao mailboxes;
    private final SqlBlobRefDao blobs;
    private final SqlDkimKeyDao dkimKeys;
    private final SqlGreylistDao greylist;
    private final SqlMtaStsDao mtaSts;
    private final SqlTlsReportDao tlsReports;
    private final SqlDmarcReportDao dmarcReports;
    private final SqlAcmeDao acme;
    private final SqlSieveDao sieve;
    private final SqlSecretDao secrets;
    private final SqlSuppressionDao suppressions;
    private final SqlAclDao acls;
    private final SqlAnnotationDao annotations;
    private final SqlAccessRuleDao accessRules;
    private final SqlDomainOwnershipDao domainOwnership;
    private final SqlSmtpCredentialDao smtpCredentials;
    private final SqlAdminDao admin;
    private final SqlTrackingDao tracking;
    private final SqlWebhookDao webhooks;
    private final List<Runnable> afterCommit;
    private final Connection connection;
    private final Signals signals;

    /**
     * @param afterCommit where actions registered with {@link #afterCommit(Runnable)} are collected;
     *                    the backend runs them once the transaction is durable
     */
    public SqlStoreTx(Connection connection, List<Runnable> afterCommit) {
        this(connection, afterCommit, Signals.NONE);
    }

    /** @param signals how {@link #signal} reaches the other nodes sharing the database */
    public SqlStoreTx(Connection connection, List<Runnable> afterCommit, Signals signals) {
        this(connection, afterCommit, signals, SqlDialect.SQLITE);
    }

    /** @param dialect the database behind the connection */
    public SqlStoreTx(Connection connection, List<Runnable> afterCommit, Signals signals, SqlDialect dialect) {
        this(connection, afterCommit, signals, dialect, null, null, null);
    }

    /**
     * @param webhookCache  the enabled webhooks as this connection last read them, kept across
     *                      transactions; null to read them once per transaction
     * @param webhooksStamp what the backend knows of commits by other connections since
     *                      ({@link EnabledWebhooksCache}); read at most once, when the webhooks are
     * @param directoryChanged run after the commit of a transaction that changed domains, accounts or
     *                         aliases (once per transaction); null for none
     */
    public SqlStoreTx(Connection connection, List<Runnable> afterCommit, Signals signals, SqlDialect dialect,
                      EnabledWebhooksCache webhookCache, java.util.function.LongSupplier webhooksStamp,
                      Runnable directoryChanged) {
        this.connection = connection;
        this.signals = signals;
        Jdbc db = new Jdbc(connection, dialect);
        this.directory = new SqlDirectoryDao(db, directoryChanged == null ? null : () -> afterCommit.add(directoryChanged));
        this.queue = new SqlQueueDao(db);
        this.mailboxes = new SqlMailboxDao(db);
        this.blobs = new SqlBlobRefDao(db);
        this.dkimKeys = new SqlDkimKeyDao(db);
        this.greylist = new SqlGreylistDao(db);
        this.mtaSts = new SqlMtaStsDao(db);
        this.tlsReports = new SqlTlsReportDao(db);
        this.dmarcReports = new SqlDmarcReportDao(db);
        this.acme = new SqlAcmeDao(db);
        this.sieve = new SqlSieveDao(db, directory);
        this.secrets = new SqlSecretDao(db);
        this.suppressions = new SqlSuppressionDao(db);
        this.acls = new SqlAclDao(db);
        this.annotations = new SqlAnnotationDao(db);
        this.accessRules = new SqlAccessRuleDao(db);
        this.domainOwnership = new SqlDomainOwnershipDao(db);
        this.smtpCredentials = new SqlSmtpCredentialDao(db);
        this.admin = new SqlAdminDao(db);
        this.tracking = new SqlTrackingDao(db);
        this.webhooks = new SqlWebhookDao(db, webhookCache, webhooksStamp, afterCommit::add);
        this.afterCommit = afterCommit;
    }

    /**
     * Runs work in this transaction, then writes what the DAOs held back until its end (tracking
     * rows, the reference counts of contents inserted here). Backends run every work through here, before they release its savepoint or commit.
     */
    public <T> T run(dev.tern.store.StoreWork<T> work) throws Exception {
        T result = work.run(this);
        tracking.flush();
        blobs.flush();
        return result;
    }

    @Override
    public DirectoryDao directory() {
        return directory;
    }

    @Override
    public QueueDao queue() {
        return queue;
    }

    @Override
    public MailboxDao mailboxes() {
        return mailboxes;
    }

    @Override
    public BlobRefDao blobs() {
        return blobs;
    }

    @Override
    public DkimKeyDao dkimKeys() {
        return dkimKeys;
    }

    @Override
    public GreylistDao greylist() {
        return greylist;
    }

    @Override
    public MtaStsDao mtaSts() {
        return mtaSts;
    }

    @Override
    public TlsReportDao tlsReports() {
        return tlsReports;
    }

    @Override
    public DmarcReportDao dmarcReports() {
        return dmarcReports;
    }

    @Override
    public dev.tern.store.AcmeDao acme() {
        return acme;
    }

    @Override
    public SieveDao sieve() {
        return sieve;
    }

    @Override
    public SecretDao secrets() {
        return secrets;
    }

    @Override
    public SuppressionDao suppressions() {
        return suppressions;
    }

    @Override
    public AclDao acls() {
        return acls;
    }

    @Override
    public AnnotationDao annotations() {
        return annotations;
    }

    @Override
    public AccessRuleDao accessRules() {
        return accessRules;
    }

    @Override
    public DomainOwnershipDao domainOwnership() {
        return domainOwnership;
    }

    @Override
    public SmtpCredentialDao smtpCredentials() {
        return smtpCredentials;
    }

    @Override
    public AdminDao admin() {
        return admin;
    }

    @Override
    public TrackingDao tracking() {
        return tracking;
    }

    @Override
    public WebhookDao webhooks() {
        return webhooks;
    }

    @Override
    public void afterCommit(Runnable action) {
        afterCommit.add(action);
    }

    @Override
    public void signal(String channel, String payload) {
        if (payload.length() > dev.tern.store.MetadataStore.MAX_SIGNAL) {
            throw new IllegalArgumentException("signal payload of " + payload.length() + " characters");
        }
        try {
            signals.send(connection, channel, payload);
        } catch (java.sql.SQLException e) {
            throw new dev.tern.store.StoreException("could not signal on " + channel, e);
        }
    }
}
