package dev.tern.server;

import dev.tern.config.ClientPorts;
import dev.tern.config.TernConfig;
import dev.tern.credentials.SmtpCredentials;
import dev.tern.directory.Directory;
import dev.tern.dns.DnsResolver;
import dev.tern.mailbox.MailboxService;
import dev.tern.onboarding.DomainOnboarding;
import dev.tern.onboarding.DomainOwnership;
import dev.tern.queue.MailQueue;
import dev.tern.security.dkim.DkimKeys;
import dev.tern.security.dkim.DkimSigning;
import dev.tern.sieve.SieveEngine;
import dev.tern.sieve.SieveScripts;
import dev.tern.forwarding.SenderRewriting;
import dev.tern.store.BlobStore;
import dev.tern.store.MetadataStore;
import dev.tern.suppression.SuppressionList;
import dev.tern.security.access.AccessList;
import dev.tern.tracking.DeliveryTracker;
import dev.tern.tracking.MessageTrace;
import dev.tern.webhooks.Webhooks;

import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The domain services over the configured store, shared by the server and the command-line tools
 * so that both act through the same code paths.
 */
public final class Services implements AutoCloseable {

    /** The store's name for the key of rewritten sender addresses. */
    private static final String SRS_SECRET = "srs";

    private final TernConfig config;
    private final MetadataStore metadata;
    private final BlobStore blobs;
    private final ExecutorService storageExecutor;
    private final Directory directory;
    private final MailboxService mailboxes;
    private final MailQueue queue;
    private final DkimSigning dkimSigning;
    private final DkimKeys dkimKeys;
    private final DeliveryTracker tracker;
    private final MessageTrace trace;
    private final Webhooks webhooks;
    private final DomainOwnership domainOwnership;
    private final DomainOnboarding onboarding;
    private final SmtpCredentials smtpCredentials;
    private final SieveScripts sieveScripts;
    private final SuppressionList suppressions;
    private final AccessList access;
    private final SenderRewriting senderRewriting;
    /** For the checks of published records: made at the first check, without a cache. */
    private DnsResolver checkResolver;

    /**
     * @param storageThreads threads for blocking storage work (fsyncs, reads, lookups): they bound
     *                       how many such operations run at once
     */
    public Services(TernConfig config, int storageThreads) {
        this.config = config;
        this.metadata = StoreOpener.metadata(config, Math.max(2, Math.min(storageThreads, 16)));
        try {
            this.blobs = StoreOpener.blobs(config);
        } catch (RuntimeException e) {
            metadata.close();
            throw e;
        }
        AtomicInteger n = new AtomicInteger();
        this.storageExecutor = Executors.newFixedThreadPool(storageThreads, r -> {
            Thread t = new Thread(r, "tern-storage-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.mailboxes = new MailboxService(metadata, blobs);
        this.senderRewriting = new SenderRewriting(srsSecret(metadata), SenderRewriting.DEFAULT_MAX_AGE_DAYS,
                Clock.systemUTC());
        this.directory = new Directory(metadata, config.recipientDelimiter(), config.hostname(),
                config.postmaster(), senderRewriting);
        this.tracker = new DeliveryTracker(Clock.systemUTC());
        this.trace = new MessageTrace(metadata, Clock.systemUTC());
        this.webhooks = new Webhooks(metadata, Clock.systemUTC(), config.webhooks().allowPrivate());
        tracker.addRecorder(webhooks);
        this.queue = new MailQueue(metadata, blobs, mailboxes, storageExecutor, tracker);
        this.dkimSigning = new DkimSigning(metadata, Clock.systemUTC(), DkimSigning.DEFAULT_TTL);
        this.dkimKeys = new DkimKeys(metadata, Clock.systemUTC(), dkimSigning::invalidate);
        this.domainOwnership = new DomainOwnership(metadata, Clock.systemUTC());
        this.onboarding = new DomainOnboarding(directory, dkimKeys, domainOwnership, config.hostname(),
                ClientPorts.of(config), config.mtaStsPolicy(), this::checkResolver, storageExecutor);
        this.smtpCredentials = new SmtpCredentials(metadata, config.recipientDelimiter(), Clock.systemUTC());
        this.sieveScripts = new SieveScripts(metadata, new SieveEngine(), Clock.systemUTC());
        this.suppressions = new SuppressionList(metadata, config.suppression(), directory::isLocalDomain,
                Clock.systemUTC());
        this.access = new AccessList(metadata, storageExecutor, Clock.systemUTC());
    }

    /** A resolver without a cache, for checks of what is published now; closed with these services. */
    public synchronized DnsResolver checkResolver() {
        if (checkResolver == null) {
            checkResolver = new DnsResolver(config.dns(), false);
        }
        return checkResolver;
    }

    public TernConfig config() {
        return config;
    }

    public MetadataStore metadata() {
        return metadata;
    }

    public BlobStore blobs() {
        return blobs;
    }

    public ExecutorService storageExecutor() {
        return storageExecutor;
    }

    public Directory directory() {
        return directory;
    }

    public MailboxService mailboxes() {
        return mailboxes;
    }

    public MailQueue queue() {
        return queue;
    }

    /** Records delivery events; listeners added here hear of every event after its commit. */
    public DeliveryTracker tracker() {
        return tracker;
    }

    /** Searches the delivery records and purges old ones. */
    public MessageTrace trace() {
        return trace;
    }

    /** The webhooks; their outbox is written in the transaction of each delivery event. */
    public Webhooks webhooks() {
        return webhooks;
    }

    /** Signs outbound mail with the sender domain's DKIM keys. */
    public DkimSigning dkimSigning() {
        return dkimSigning;
    }

    /** The DKIM keys of existing domains (list, add, delete). */
    public DkimKeys dkimKeys() {
        return dkimKeys;
    }

    /** Domain onboarding: add a domain, the DNS records to publish, their check in live DNS. */
    public DomainOnboarding onboarding() {
        return onboarding;
    }

    /** The domains' ownership tokens and whether each is verified. */
    public DomainOwnership domainOwnership() {
        return domainOwnership;
    }

    /** SMTP credentials of applications: create, list, revoke; their checks at submission. */
    public SmtpCredentials smtpCredentials() {
        return smtpCredentials;
    }

    /** The accounts' Sieve scripts (ManageSieve, the command line, local delivery). */
    public SieveScripts sieveScripts() {
        return sieveScripts;
    }

    /** Signs and reads the rewritten sender addresses of forwarded mail (docs/forwarding.md). */
    public SenderRewriting senderRewriting() {
        return senderRewriting;
    }

    public SuppressionList suppressions() {
        return suppressions;
    }

    /** The operator's access rules for mail from other servers. */
    public AccessList access() {
        return access;
    }

    /**
     * The key of rewritten sender addresses: made by the first process that needs it and kept in
     * the store, so that every node (and every restart) reads the addresses the others made.
     */
    private static byte[] srsSecret(MetadataStore metadata) {
        String kept = metadata.read(tx -> tx.secrets().secret(SRS_SECRET)).orElse(null);
        if (kept == null) {
            byte[] fresh = new byte[32];
            new java.security.SecureRandom().nextBytes(fresh);
            String made = java.util.Base64.getEncoder().encodeToString(fresh);
            kept = metadata.writeAndWait(tx -> tx.secrets().keep(SRS_SECRET, made, java.time.Instant.now()));
        }
        return java.util.Base64.getDecoder().decode(kept);
    }

    @Override
    public void close() {
        storageExecutor.shutdown();
        try {
            storageExecutor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (checkResolver != null) {
                checkResolver.close();
            }
        }
        metadata.close();
        blobs.close();
    }
}
