package dev.tern.server;

import dev.tern.admin.AdminApi;
import dev.tern.admin.PublicListener;
import dev.tern.acme.AcmeCertificates;
import dev.tern.acme.AcmeChallenges;
import dev.tern.acme.DomainNames;
import dev.tern.admin.api.AutoconfigRoutes;
import dev.tern.admin.api.SuppressionRoutes;
import dev.tern.autoconfig.Autodiscover;
import dev.tern.config.ClientPorts;
import dev.tern.config.ClientService;
import dev.tern.security.ratelimit.Rate;
import dev.tern.security.ratelimit.RateLimiter;
import dev.tern.admin.http.RouteGroup;
import dev.tern.auth.SaslAuthenticator;
import dev.tern.config.ConfigException;
import dev.tern.auth.AuthFailureListener;
import dev.tern.auth.Authenticator;
import dev.tern.config.ListenAddress;
import dev.tern.config.TernConfig;
import dev.tern.config.DeliverySettings;
import dev.tern.delivery.LocalDeliveryAgent;
import dev.tern.delivery.SieveDelivery;
import dev.tern.forwarding.Forwarding;
import dev.tern.mailbox.MailboxRetention;
import dev.tern.mailbox.QuotaWarnings;
import dev.tern.security.spam.SpamLearning;
import dev.tern.delivery.OutcomeRecorder;
import dev.tern.delivery.remote.MessageSigner;
import dev.tern.delivery.remote.RemoteDeliveryAgent;
import dev.tern.delivery.tlsrpt.TlsReportSender;
import dev.tern.delivery.tlsrpt.TlsSessionCounts;
import dev.tern.security.dmarc.reports.DmarcReportSender;
import dev.tern.dns.DnsResolver;
import dev.tern.net.tls.PemCredentials;
import dev.tern.smtp.client.SmtpTimeouts;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.net.InetSocketAddress;
import java.time.Instant;
import dev.tern.delivery.QueueRunner;
import dev.tern.net.BoundListener;
import dev.tern.net.ListenException;
import dev.tern.net.ServerTransport;
import dev.tern.net.tls.ServerTls;
import dev.tern.net.tls.TlsMode;
import dev.tern.config.ImapSettings;
import dev.tern.config.Pop3Settings;
import dev.tern.imap.server.ImapContext;
import dev.tern.imap.server.ImapServer;
import dev.tern.imap.server.LiteralBudget;
import dev.tern.imap.server.MailboxSummaries;
import dev.tern.imap.server.SearchFieldCache;
import dev.tern.metrics.TernMetrics;
import dev.tern.pop3.Pop3Context;
import dev.tern.pop3.Pop3Server;
import dev.tern.managesieve.ManageSieveContext;
import dev.tern.managesieve.ManageSieveServer;
import dev.tern.queue.RetryPolicy;
import dev.tern.routing.Router;
import dev.tern.smtp.server.SmtpSecurity;
import dev.tern.smtp.server.SmtpServer;
import dev.tern.store.StoreException;
import dev.tern.webhooks.RetrySchedule;
import dev.tern.webhooks.WebhookDispatcher;
import dev.tern.webhooks.WebhookRoutes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One running Tern: the store, the queue runner and every configured listener. Start order makes
 * the server safe to receive mail the moment a port opens: store first, then delivery, then TLS,
 * then listeners. Stop order is the reverse.
 *
 * <p>Listeners: {@code smtp} (port 25: STARTTLS, AUTH offered, relaying only when authenticated),
 * {@code submission} (587: STARTTLS, AUTH required) and {@code submissions} (465: implicit TLS,
 * AUTH required); {@code pop3} (110: STLS) and {@code pop3s} (995: implicit TLS); {@code imap}
 * (143: STARTTLS) and {@code imaps} (993: implicit TLS); {@code managesieve} (4190: STARTTLS, the
 * accounts' Sieve scripts). All share one TLS context and one bounded
 * pool for SASL steps. {@code admin} serves the HTTP API, the web console and metrics
 * ({@link AdminApi}); other packages add routes to it with {@link #withAdminRoutes} and give it the
 * metrics text with {@link #withMetrics} (by default the server's own {@link TernMetrics}).
 */
public final class TernServer implements AutoCloseable {

    /** The version of Tern, as `tern --version` and {@code /api/health} show it. */
    public static final String VERSION = "0.1";

    private static final Logger log = LoggerFactory.getLogger(TernServer.class);
    /** Seals forwarded copies; made with the DNS resolver, before delivery starts. */
    private volatile dev.tern.security.dkim.ArcSealer arcSealer;
    /** Requests one client address may make of the autoconfig listeners: a mail client makes a few. */
    static final Rate AUTOCONFIG_RATE = Rate.of(60, Duration.ofMinutes(1));
    /** Threads for blocking storage work: they bound the fsyncs and lookups in progress at once. */
    private static final int STORAGE_THREADS = 64;
    /** Threads for SASL steps (password hashing is CPU-bound), and how many may wait for one. */
    private static final int AUTH_THREADS = 4;
    private static final int AUTH_QUEUE = 256;
    /** How often the use of SMTP credentials (messages, last use) is written to the store. */
    private static final Duration USAGE_FLUSH = Duration.ofSeconds(10);

    private final TernConfig config;
    private final Duration queueScanInterval;
    private final Function<Services, SaslAuthenticator> authenticators;
    private Services services;
    private ServerTls tls;
    /** The answers to the ACME CA's challenges, served by the autoconfig listener; null without [acme]. */
    private AcmeChallenges acmeChallenges;
    private AcmeCertificates acme;
    private ThreadPoolExecutor authExecutor;
    private QueueRunner runner;
    /** Mailbox changes made by the other nodes sharing the store, for this node's IMAP sessions. */
    private AutoCloseable mailboxEventsFromOtherNodes;
    private RemoteDeliveryAgent remote;
    private DnsResolver dns;
    private InboundChecks inbound;
    private TernMetrics metrics;
    private java.util.concurrent.ScheduledExecutorService housekeeping;
    private MailboxRetention retention;
    private QuotaWarnings quotaWarnings;
    /** Null when TLS reports are off. */
    private TlsSessionCounts tlsCounts;
    /** The daily TLS and DMARC reports; null when both are off. */
    private AggregateReports reports;
    private SmtpTimeouts timeouts = SmtpTimeouts.rfc5321();
    private ServerTransport transport;
    /** The milters of {@code [milter]}; null when none is configured. */
    private dev.tern.milter.MilterClient milters;
    private FileChannel lockChannel;
    private FileLock lock;
    private final List<BoundListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Pop3Server> pop3Servers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<ImapServer> imapServers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<ManageSieveServer> manageSieveServers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<PublicListener> publicListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Function<Services, RouteGroup>> adminRoutes = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** What {@code /metrics} serves instead of the server's own metrics, or null. */
    private volatile java.util.function.Supplier<String> metricsText;
    /** How often the queue's size is recorded for the console's chart. */
    private static final Duration QUEUE_SAMPLE = Duration.ofMinutes(5);
    private AdminApi admin;
    private WebhookDispatcher webhookDispatcher;
    private RetrySchedule webhookRetries = RetrySchedule.DEFAULT;

    /**
     * Scans the queue every 5 seconds: `tern queue flush`, `retry` and `release` run in another
     * process and only change rows, so the scan is what delivers their mail; it is one indexed query.
     */
    public TernServer(TernConfig config) {
        this(config, Duration.ofSeconds(5));
    }

    /** @param queueScanInterval how often deferred mail is looked for (tests shorten it) */
    public TernServer(TernConfig config, Duration queueScanInterval) {
        this.config = config;
        this.queueScanInterval = queueScanInterval;
        // Failed logins are counted in the metrics of the running server.
        this.authenticators = services -> authenticator(services,
                (protocol, mechanism, reason) -> metrics.authFailed(protocol, mechanism, reason));
    }

    /**
     * @param authenticators makes the SASL authenticator over the started services (tests may
     *                       pass another); null when AUTH is not offered (then the submission
     *                       listeners cannot be used)
     */
    public TernServer(TernConfig config, Duration queueScanInterval,
                      Function<Services, SaslAuthenticator> authenticators) {
        this.config = config;
        this.queueScanInterval = queueScanInterval;
        this.authenticators = authenticators;
    }

    /**
     * The SASL mechanisms over the directory's accounts; on SMTP listeners also over the SMTP
     * credentials of applications (an account's address wins over a credential's name).
     */
    public static SaslAuthenticator authenticator(Services services) {
        return authenticator(services, AuthFailureListener.NONE);
    }

    private static SaslAuthenticator authenticator(Services services, AuthFailureListener failures) {
        return new Authenticator(services.directory()::credentials,
                login -> services.directory().credentials(login).or(() -> services.smtpCredentials().find(login)),
                services.config().auth(), Clock.systemUTC(), failures, (credentials, password) ->
                        replaceForeignHash(services, credentials, password));
    }

    /**
     * Keeps an account's password Tern's way once a hash brought over from another server accepted
     * it (docs/migration.md): hashed off the login's thread, so the login is answered first.
     */
    private static void replaceForeignHash(Services services, dev.tern.directory.Credentials credentials,
                                           String password) {
        if (credentials.accountId() <= 0) {
            return;   // an SMTP credential: always Tern's own hash
        }
        java.util.concurrent.CompletableFuture.runAsync(() -> {
            if (services.directory().replaceForeignHash(credentials.accountId(), credentials.passwordHash(), password)) {
                log.info("{}: password hash from another server replaced by Tern's own at login", credentials.address());
            }
        }, services.storageExecutor()).exceptionally(e -> {
            log.warn("{}: password hash from another server not replaced: {}", credentials.address(), e.toString());
            return null;
        });
    }

    /** Shorter SMTP client timeouts for outbound delivery (tests); call before {@link #start()}. */
    public TernServer withOutboundTimeouts(SmtpTimeouts t) {
        this.timeouts = t;
        return this;
    }

    /** Another retry schedule for webhook deliveries (tests use milliseconds); call before {@link #start()}. */
    public TernServer withWebhookRetries(RetrySchedule retries) {
        this.webhookRetries = retries;
        return this;
    }

    /**
     * Adds routes to the admin API, made over the started services; call before {@link #start()}.
     * The groups are made only when the admin listener is configured.
     */
    public TernServer withAdminRoutes(Function<Services, RouteGroup> group) {
        adminRoutes.add(group);
        return this;
    }

    /**
     * What {@code /metrics} of the admin listener serves (Prometheus' text format) instead of the
     * server's own metrics; asked at each request.
     */
    public TernServer withMetrics(java.util.function.Supplier<String> text) {
        this.metricsText = text;
        return this;
    }

    /** True when {@code address} reaches this server's smtp listener (an MX pointing back here). */
    private boolean receivesOn(InetSocketAddress address) {
        for (BoundListener l : listeners) {
            if (!l.name().equals("smtp")) {
                continue;
            }
            for (InetSocketAddress bound : l.tcpAddresses()) {
                if (bound.getPort() != address.getPort()) {
                    continue;
                }
                if (bound.getAddress().equals(address.getAddress())) {
                    return true;
                }
                if (bound.getAddress().isAnyLocalAddress() && isLocalInterface(address.getAddress())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isLocalInterface(java.net.InetAddress a) {
        try {
            return a.isLoopbackAddress() || java.net.NetworkInterface.getByInetAddress(a) != null;
        } catch (java.net.SocketException e) {
            return false;
        }
    }

    /**
     * What signs outgoing mail: DKIM with the keys of the From: domain, for mail this server
     * vouches for — submitted by an authenticated user, or written by Tern itself (bounces).
     * Mail that arrived from elsewhere and leaves again (an alias to another domain) is not
     * signed with a local key.
     */
    private MessageSigner signer() {
        return (message, content) -> {
            if (Forwarding.LISTENER.equals(message.listener())) {
                return arcSet(message, content);
            }
            // Submitted mail, and what Tern writes itself (bounces; TLS and DMARC reports, which
            // RFC 8460 §5.3 asks to be signed); never mail that came from elsewhere.
            if (message.authUser() == null && !OutcomeRecorder.LISTENER.equals(message.listener())
                    && !TlsReportSender.LISTENER.equals(message.listener())
                    && !DmarcReportSender.LISTENER.equals(message.listener())) {
                return new byte[0];
            }
            String domain;
            try (java.io.InputStream in = content.open()) {
                domain = fromDomain(dev.tern.message.HeaderSummary.read(in).get("from"));
            }
            if (domain == null) {
                return new byte[0];
            }
            try (java.io.InputStream in = content.open()) {
                return services.dkimSigning().signatureHeaders(domain, in).orElse(new byte[0]);
            }
        };
    }

    /**
     * A forwarded copy is not DKIM-signed (its author's domain is not ours), but sealed with ARC
     * (RFC 8617) with a key of the domain it is forwarded from, the domain of its (SRS) envelope
     * sender, so that the next receiver can trust what Tern found on arrival.
     */
    private byte[] arcSet(dev.tern.store.Rows.QueuedMessage message, dev.tern.smtp.client.MessageContent content)
            throws java.io.IOException {
        if (message.sender() == null) {
            return new byte[0];
        }
        String domain = dev.tern.mail.MailAddress.parse(message.sender()).asciiDomain();
        java.util.Optional<dev.tern.security.dkim.DkimSigner> keys = services.dkimSigning().signer(domain);
        if (keys.isEmpty()) {
            return new byte[0];
        }
        try (java.io.InputStream in = content.open()) {
            dev.tern.security.dkim.ArcSealer.Sealed sealed = arcSealer.seal(in, message.traceFields(), keys.get());
            if (sealed == null) {
                return new byte[0];
            }
            log.info("{}: ARC-sealed for {} (cv={})", message.id(), domain, sealed.chainValidation());
            return sealed.fields();
        }
    }

    /** The A-label domain of the first address of a From: field, or null when it has none. */
    static String fromDomain(String from) {
        List<dev.tern.message.HeaderMailbox> mailboxes = dev.tern.message.SubmissionHeaderFilter.mailboxes(from);
        return mailboxes.isEmpty() ? null : mailboxes.get(0).address().asciiDomain();
    }

    public synchronized TernServer start() {
        long startedAt = System.currentTimeMillis();
        try {
            services = new Services(config, STORAGE_THREADS);
            lockDataDir(config.dataDir());
            metrics = new TernMetrics();
            services.tracker().addListener(metrics.deliveryEvents());
            Services started = services;
            metrics.watchQueue(() -> started.metadata().read(tx -> tx.queue().stats()));
            metrics.watchSuppressions(services.suppressions()::size);

            Router router = new Router(services.directory()::isLocalDomain);
            DeliverySettings delivery = config.delivery();
            RetryPolicy retry = new RetryPolicy(delivery.retryFirst(), delivery.retryMax(), delivery.maxLifetime());
            OutcomeRecorder recorder = new OutcomeRecorder(services.metadata(), services.queue(), services.mailboxes(),
                    retry, delivery.delayWarning(), delivery.bounceSizeLimit(), config.hostname(),
                    services.storageExecutor(), Clock.systemUTC(), services.suppressions());
            Forwarding forwarding = new Forwarding(services.mailboxes(), services.queue(), services.senderRewriting(),
                    services.directory()::isLocalDomain, config.hostname(), Clock.systemUTC());
            SieveDelivery sieve = new SieveDelivery(services.metadata(), services.mailboxes(), services.queue(),
                    services.sieveScripts().engine(), forwarding, config.hostname(), Clock.systemUTC())
                    .usingRecipientDelimiter(config.recipientDelimiter())
                    .usingGlobalScripts(config.sieve().globalDir());
            sieve.observeActions(metrics::sieveAction);
            LocalDeliveryAgent local = new LocalDeliveryAgent(services.metadata(), services.directory(),
                    services.mailboxes(), retry, services.storageExecutor(), recorder, sieve, forwarding);
            if (delivery.saveToDetailMailbox()) {
                local.savingToDetailMailboxes(config.recipientDelimiter());
            }
            dns = new DnsResolver(config.dns());
            arcSealer = new dev.tern.security.dkim.ArcSealer(config.checks().authservId(), dns::txt, Clock.systemUTC());
            List<X509Certificate> trust = delivery.caFile() == null ? List.of()
                    : PemCredentials.readCertificates(delivery.caFile(), "delivery.ca_file");
            tlsCounts = delivery.tlsReports().enabled() ? new TlsSessionCounts(Clock.systemUTC()) : null;
            remote = new RemoteDeliveryAgent(delivery, config.hostname(), dns, services.mailboxes(),
                    services.metadata(), signer(), recorder, this::receivesOn, trust, timeouts, tlsCounts,
                    services.suppressions());
            if (!services.metadata().shared()) {
                // The only process that delivers from this store: what was in flight was interrupted.
                // A shared store's leases belong to nodes that may still be running; they expire.
                int released = services.metadata().writeAndWait(tx -> tx.queue().releaseLeases(Instant.now()));
                if (released > 0) {
                    log.info("{} recipients whose delivery was interrupted are due again", released);
                }
            }
            runner = new QueueRunner(services.metadata(), router, local, remote, queueScanInterval,
                    config.store().lease());
            services.queue().addListener(runner);
            services.queue().setImmediateDelivery(local);
            runner.start();
            mailboxEventsFromOtherNodes = services.mailboxes().receiveEventsFromOtherNodes();
            webhookDispatcher = new WebhookDispatcher(services.metadata(), services.webhooks(), config.webhooks(),
                    webhookRetries, Clock.systemUTC(), WebhookDispatcher.DEFAULT_POLL).start();

            transport = new ServerTransport(0, metrics.connections(), config.proxyProtocol(),
                    ServerTransport.PROXY_HEADER_TIMEOUT);
            inbound = new InboundChecks(config.checks(), config.rateLimits(), config.greylisting(), config.relayFrom(),
                    config.hostname(), dns, services.metadata(), services.storageExecutor(), Clock.systemUTC(),
                    services.access().load());
            inbound.observeSpamScans(metrics::spamScan);
            housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "tern-housekeeping");
                t.setDaemon(true);
                return t;
            });
            housekeeping.scheduleWithFixedDelay(this::inboundHousekeeping, 10, 10, TimeUnit.MINUTES);
            OrphanSweep sweep = new OrphanSweep(services.metadata(), services.blobs(), startedAt);
            housekeeping.scheduleWithFixedDelay(() -> sweep.run(System.currentTimeMillis()), 0,
                    OrphanSweep.INTERVAL.toMinutes(), TimeUnit.MINUTES);
            housekeeping.scheduleWithFixedDelay(this::purgeTracking, 1, 60, TimeUnit.MINUTES);
            housekeeping.scheduleWithFixedDelay(this::trimExpunged, 2, 60, TimeUnit.MINUTES);
            housekeeping.scheduleWithFixedDelay(this::purgeMtaStsPolicies, 3, 60, TimeUnit.MINUTES);
            housekeeping.scheduleWithFixedDelay(this::purgeReportCounts, 5, 60, TimeUnit.MINUTES);
            housekeeping.scheduleWithFixedDelay(this::purgeVacationReplies, 7, 60, TimeUnit.MINUTES);
            housekeeping.scheduleWithFixedDelay(this::purgeSuppressions, 11, 60, TimeUnit.MINUTES);
            quotaWarnings = new QuotaWarnings(services.metadata(), services.mailboxes(), config.quota().warnAt(),
                    config.hostname(), Clock.systemUTC()).start();
            retention = new MailboxRetention(services.metadata(), services.mailboxes().messageService(),
                    config.retention(), Clock.systemUTC());
            housekeeping.scheduleWithFixedDelay(this::emptyTrashAndJunk, 13, 60, TimeUnit.MINUTES);
            AggregateReports daily = new AggregateReports(services.metadata(), tlsCounts, inbound.dmarcReports);
            if (daily.any()) {
                dev.tern.smtp.client.TlsSettings reportTrust = trust.isEmpty() ? dev.tern.smtp.client.TlsSettings.verifying()
                        : dev.tern.smtp.client.TlsSettings.trustingAlso(trust);
                daily.senders(tlsCounts == null ? null : new TlsReportSender(delivery.tlsReports(), config.hostname(),
                                dns, services.metadata(), services.queue(), daily.work(), Clock.systemUTC(),
                                reportTrust.jdkContext()),
                        inbound.dmarcReports == null ? null : new DmarcReportSender(config.checks().dmarcReports(),
                                config.hostname(), dns, services.metadata(), services.queue(), daily.work(),
                                Clock.systemUTC()));
                daily.schedule(housekeeping);
                reports = daily;
            } else {
                daily.close();
            }
            housekeeping.scheduleWithFixedDelay(this::sampleQueue, 0, QUEUE_SAMPLE.toSeconds(), TimeUnit.SECONDS);
            housekeeping.scheduleWithFixedDelay(this::flushCredentialUsage, USAGE_FLUSH.toMillis(),
                    USAGE_FLUSH.toMillis(), TimeUnit.MILLISECONDS);
            TernSmtpBackend backend = new TernSmtpBackend(services.directory(), services.mailboxes(), services.queue(),
                    SubmissionChecks.of(services), config.relayFrom(), config.lmtp().allowFrom(),
                    services.storageExecutor(), inbound, metrics,
                    new FreeSpaceProbe(FreeSpaceProbe.messageDirs(config.dataDir()), config.smtp().minFreeSpace()));
            if (config.milter().enabled()) {
                Path milterSpool = config.dataDir().resolve("spool").resolve("milter");
                dev.tern.milter.MilterClient.sweep(milterSpool);
                milters = new dev.tern.milter.MilterClient(config.milter(), config.hostname(), milterSpool,
                        metrics::milterFailed);
                backend.milters(milters);
                log.info("mail filters (milter) for the {} listeners: {}", String.join(", ", config.milter().listeners()),
                        config.milter().servers());
            }
            startListeners(backend);
            if (tls != null) {
                metrics.watchCertificate(() -> {
                    ServerTls current = tls;
                    return current == null ? null : current.certificate();
                });
            }
            if (acmeChallenges != null) {
                startAcme();   // after the listeners: the CA's checks arrive on the autoconfig listener
            }
            for (BoundListener l : listeners) {
                log.info("listening for {} on {}", l.name(), l.describedAddresses());
            }
            log.info("Tern started: hostname {}, data in {}", config.hostname(), config.dataDir());
            return this;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void startListeners(TernSmtpBackend backend) {
        if (TernConfig.LISTENER_NAMES.stream().allMatch(name -> config.listener(name).isEmpty())) {
            return;
        }
        if (config.acme() == null) {
            tls = ServerTls.open(config.tls().cert(), config.tls().key(), config.dataDir(), config.hostname(),
                    ServerTls.DEFAULT_CHECK_INTERVAL);
        } else {
            // A certificate another node (or this one, before a restore) stored is served from the start.
            AcmeCertificates.installFromStore(services.metadata(), config.dataDir());
            tls = ServerTls.openManaged(AcmeCertificates.certFile(config.dataDir()),
                    AcmeCertificates.keyFile(config.dataDir()), config.dataDir(), config.hostname(),
                    ServerTls.DEFAULT_CHECK_INTERVAL);
            acmeChallenges = new AcmeChallenges(services.metadata(), Clock.systemUTC());
        }
        SaslAuthenticator authenticator = authenticators == null ? null : authenticators.apply(services);
        if (authenticator != null) {
            authExecutor = boundedPool("tern-auth", AUTH_THREADS, AUTH_QUEUE);
        }
        for (String name : TernConfig.SMTP_LISTENERS) {
            if (config.listener(name).isEmpty()) {
                continue;
            }
            SmtpSecurity security = switch (name) {
                case "smtp" -> SmtpSecurity.relay(tls, authenticator, authExecutor);
                case "submission" -> submission(name, TlsMode.STARTTLS, authenticator);
                default -> submission(name, TlsMode.IMPLICIT, authenticator);
            };
            SmtpServer server = new SmtpServer(name, config.hostname(), config.smtp(), config.protocolTrace(),
                    backend, security, transport);
            listeners.add(server.start(config.listener(name)));
        }
        startLmtpListener(backend);
        startPop3Listeners(authenticator);
        startImapListeners(authenticator);
        startManageSieveListener(authenticator);
        startAdminListener(backend, authenticator);
        startAutoconfigListeners();
    }

    /**
     * LMTP ({@code [listeners] lmtp}, RFC 2033): final delivery for an MTA in front of Tern, on the
     * same backend as SMTP; the backend admits only {@code [lmtp] allow_from} and local recipients.
     */
    private void startLmtpListener(TernSmtpBackend backend) {
        if (config.listener(TernConfig.LMTP_LISTENER).isEmpty()) {
            return;
        }
        SmtpServer server = SmtpServer.lmtp(TernConfig.LMTP_LISTENER, config.hostname(), config.smtp(),
                config.protocolTrace(), backend, transport);
        BoundListener bound = server.start(config.listener(TernConfig.LMTP_LISTENER));
        listeners.add(bound);
        for (ListenAddress address : config.listener(TernConfig.LMTP_LISTENER)) {
            if (address.isUnix()) {
                socketMode(bound, address);
            }
        }
    }

    /**
     * Gives a Unix socket the permissions of {@code [lmtp] socket_mode}: until then it has those
     * the umask left, which let no one else connect (connecting takes write permission).
     */
    private void socketMode(BoundListener bound, ListenAddress address) {
        try {
            java.nio.file.Files.setPosixFilePermissions(address.socket(), config.lmtp().socketMode());
        } catch (java.io.IOException | UnsupportedOperationException e) {
            bound.close();
            throw new ListenException("cannot listen on " + address + " for " + bound.name()
                    + ": its permissions cannot be set (" + e.getMessage() + ")", e);
        }
    }

    /**
     * The HTTP API, web console and metrics ({@code [listeners] admin}), with the send API over the
     * SMTP backend when logins are possible.
     */
    private void startAdminListener(TernSmtpBackend backend, SaslAuthenticator authenticator) {
        if (config.listener(TernConfig.ADMIN_LISTENER).isEmpty()) {
            return;
        }
        admin = new AdminApi(new AdminApi.Context(config, services.metadata(), services.directory(),
                services.mailboxes(), services.queue(), services.dkimKeys(),
                () -> metricsText != null ? metricsText.get() : metrics.scrape(), Clock.systemUTC(),
                services.trace(), () -> List.copyOf(listeners), () -> tls == null ? null : tls.certificate(),
                VERSION, services.onboarding(), services.smtpCredentials(), this::clientPorts));
        admin.register(new WebhookRoutes(services.webhooks()));
        admin.register(new dev.tern.admin.api.SieveRoutes(services.directory(), services.sieveScripts()));
        admin.register(new dev.tern.admin.api.MailboxRoutes(services.directory(), services.mailboxes()));
        admin.register(new SuppressionRoutes(services.suppressions()));
        admin.register(new dev.tern.admin.api.AccessRoutes(services.access()));
        if (authenticator != null) {
            admin.register(new dev.tern.admin.api.SendRoutes(new HttpSubmission(authenticator,
                    new dev.tern.smtp.server.DirectSubmission(backend, HttpSubmission.LISTENER, config.hostname(),
                            config.smtp(), config.submission().hideClientIp()), config.hostname()),
                    config.hostname()));
        }
        for (Function<Services, RouteGroup> group : adminRoutes) {
            admin.register(group.apply(services));
        }
        listeners.add(admin.start(transport, config.listener(TernConfig.ADMIN_LISTENER), tls));
    }

    /**
     * Mail client autoconfiguration for the Internet: {@code autoconfig} (plain HTTP) and
     * {@code autoconfigs} (HTTPS with the certificate of {@code [tls]}), on listeners of their own
     * that serve nothing else, so that the admin listener never needs a public address.
     */
    private void startAutoconfigListeners() {
        for (String name : TernConfig.AUTOCONFIG_LISTENERS) {
            if (config.listener(name).isEmpty()) {
                continue;
            }
            AutoconfigRoutes routes = new AutoconfigRoutes(services.directory(), config.hostname(), this::clientPorts,
                    Clock.systemUTC(), new RateLimiter<>(AUTOCONFIG_RATE), config.mtaStsPolicy(),
                    name.equals("autoconfig") ? acmeChallenges : null);
            PublicListener listener = new PublicListener(name, routes, Autodiscover.MAX_REQUEST_BYTES);
            publicListeners.add(listener);
            listeners.add(listener.start(transport, config.listener(name), name.equals("autoconfigs") ? tls : null));
        }
    }

    /**
     * Where mail clients reach the client listeners: the port each one accepts connections on (the
     * configured one, or the port the system gave for port 0).
     */
    private ClientPorts clientPorts() {
        Map<ClientService, Integer> ports = new EnumMap<>(ClientService.class);
        for (ClientService s : ClientService.values()) {
            listeners.stream().filter(l -> l.name().equals(s.listener())).findFirst()
                    .ifPresent(l -> ports.put(s, l.port()));
        }
        int sieve = listeners.stream().filter(l -> l.name().equals(TernConfig.MANAGESIEVE_LISTENER)).findFirst()
                .map(l -> l.port()).orElse(0);
        return new ClientPorts(ports, sieve);
    }

    /** imap (STARTTLS offered) and imaps (implicit TLS), each with its own connection limits. */
    private void startImapListeners(SaslAuthenticator authenticator) {
        ImapSettings settings = config.imap();
        LiteralBudget literalBudget = LiteralBudget.ofHeap();
        SearchFieldCache searchFields = new SearchFieldCache(SearchFieldCache.DEFAULT_MAX_BYTES);
        MailboxSummaries summaries = new MailboxSummaries(MailboxSummaries.DEFAULT_MAX_BYTES);
        summaries.listenTo(services.mailboxes().events());    // for as long as the server runs
        SpamLearning spamLearning = config.checks().rspamd().learns()
                ? new SpamLearning(config.checks().rspamd(), services.storageExecutor()) : null;
        if (spamLearning != null) {
            spamLearning.observe(metrics::spamLearned);
        }
        for (String name : TernConfig.IMAP_LISTENERS) {
            if (config.listener(name).isEmpty()) {
                continue;
            }
            if (authenticator == null) {
                throw new ConfigException("listeners." + name + ": IMAP needs authentication, and no SASL "
                        + "authenticator is available in this server");
            }
            boolean implicit = name.equals("imaps");
            ImapContext context = new ImapContext(name, config.hostname(), implicit ? TlsMode.IMPLICIT : TlsMode.STARTTLS,
                    tls, authenticator, authExecutor, settings.allowPlaintextAuth(), services.mailboxes(),
                    services.storageExecutor(), settings.idleTimeout(), ImapContext.limits(settings),
                    literalBudget, searchFields, summaries, spamLearning);
            ImapServer server = new ImapServer(context, transport,
                    ImapServer.limiter(settings.maxConnections(), settings.maxConnectionsPerIp(), implicit));
            imapServers.add(server);
            listeners.add(server.start(config.listener(name)));
        }
    }

    /** pop3 (STLS offered) and pop3s (implicit TLS), each with its own connection limits. */
    private void startPop3Listeners(SaslAuthenticator authenticator) {
        Pop3Settings settings = config.pop3();
        for (String name : TernConfig.POP3_LISTENERS) {
            if (config.listener(name).isEmpty()) {
                continue;
            }
            if (authenticator == null) {
                throw new ConfigException("listeners." + name + ": POP3 needs authentication, and no SASL "
                        + "authenticator is available in this server");
            }
            boolean implicit = name.equals("pop3s");
            Pop3Context context = new Pop3Context(name, config.hostname(), implicit ? TlsMode.IMPLICIT : TlsMode.STARTTLS,
                    tls, authenticator, authExecutor, settings.allowPlaintextAuth(), services.mailboxes(),
                    services.storageExecutor(), Pop3Context.AUTOLOGOUT);
            Pop3Server server = new Pop3Server(context, transport,
                    Pop3Server.limiter(settings.maxConnections(), settings.maxConnectionsPerIp(), implicit));
            pop3Servers.add(server);
            listeners.add(server.start(config.listener(name)));
        }
    }

    /** managesieve (RFC 5804, STARTTLS offered): the accounts' Sieve scripts, with its own connection limits. */
    private void startManageSieveListener(SaslAuthenticator authenticator) {
        String name = TernConfig.MANAGESIEVE_LISTENER;
        if (config.listener(name).isEmpty()) {
            return;
        }
        if (authenticator == null) {
            throw new ConfigException("listeners." + name + ": ManageSieve needs authentication, and no SASL "
                    + "authenticator is available in this server");
        }
        ManageSieveContext context = new ManageSieveContext(name, config.hostname(), TlsMode.STARTTLS, tls,
                authenticator, authExecutor, services.sieveScripts(), services.storageExecutor(),
                ManageSieveContext.IDLE_TIMEOUT);
        ManageSieveServer server = new ManageSieveServer(context, transport, ManageSieveServer.limiter(
                config.managesieve().maxConnections(), config.managesieve().maxConnectionsPerIp()));
        manageSieveServers.add(server);
        listeners.add(server.start(config.listener(name)));
    }

    private SmtpSecurity submission(String name, TlsMode mode, SaslAuthenticator authenticator) {
        if (authenticator == null) {
            throw new ConfigException("listeners." + name + ": submission needs authentication, and no SASL "
                    + "authenticator is available in this server");
        }
        return SmtpSecurity.submission(mode, tls, authenticator, authExecutor, config.submission().hideClientIp());
    }

    /** A fixed pool with a bounded queue: when full, new work is refused (AUTH then answers 454). */
    private static ThreadPoolExecutor boundedPool(String name, int threads, int queue) {
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue), r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    }

    private void lockDataDir(Path dataDir) {
        Path lockFile = dataDir.resolve("tern.lock");
        try {
            lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock = lockChannel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            lock = null;   // held by another server in this same JVM
        } catch (IOException e) {
            throw new StoreException("cannot lock " + lockFile + ": " + e.getMessage(), e);
        }
        if (lock == null) {
            throw new StoreException("another Tern server is already running on " + dataDir);
        }
    }

    /** The port a listener actually bound (its first address): useful when the config asks for port 0. */
    /**
     * Keeps the certificate from the ACME CA current ({@code [acme]}), with the HTTPS names of the
     * local domains when {@code domain_names} is on.
     */
    private void startAcme() {
        java.util.function.Supplier<List<String>> domainNames = List::of;
        if (config.acme().domainNames()) {
            domainNames = new DomainNames(
                    () -> services.directory().domains().stream().map(dev.tern.store.Rows.Domain::name).toList(),
                    dns, config.hostname(), config.mtaStsPolicy() != null, !config.listener("autoconfigs").isEmpty());
        }
        acme = new AcmeCertificates(config.acme(), services.metadata(), config.dataDir(), acmeChallenges,
                domainNames, tls, Clock.systemUTC());
        acme.start();
    }

    /** The keeper of the ACME certificate, or null without {@code [acme]} or before the start. */
    public AcmeCertificates acme() {
        return acme;
    }

    public int port(String listener) {
        return listeners.stream().filter(l -> l.name().equals(listener)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no listener " + listener)).port();
    }

    /** The TLS context of the listeners, or null when none is running. */
    public ServerTls tls() {
        return tls;
    }

    /** The warnings of accounts filling their quota ({@code [quota] warn_at}); null before start. */
    public QuotaWarnings quotaWarnings() {
        return quotaWarnings;
    }

    public Services services() {
        return services;
    }

    /** The admin API, or null when the admin listener is not configured (or the server is not started). */
    public AdminApi adminApi() {
        return admin;
    }

    public QueueRunner queueRunner() {
        return runner;
    }

    /** What sends webhook deliveries; null before {@link #start()}. */
    public WebhookDispatcher webhookDispatcher() {
        return webhookDispatcher;
    }

    /** The server's metrics (what the admin server scrapes); null before {@link #start()}. */
    public TernMetrics metrics() {
        return metrics;
    }

    /** Records the queue's size for the console's chart of it over time ({@code /api/stats}). */
    void sampleQueue() {
        try {
            services.trace().sampleQueue(services.queue().stats(java.util.Set.of()));
        } catch (RuntimeException e) {
            log.warn("sampling the size of the queue failed: {}", e.toString());
        }
    }

    /** Forgets delivery records older than {@code [tracking] retention}, every hour. */
    private void purgeTracking() {
        try {
            int purged = services.trace().purge(config.tracking().retention());
            if (purged > 0) {
                log.info("delivery tracking: forgot {} message(s) older than {}", purged, config.tracking().retention());
            }
        } catch (RuntimeException e) {
            log.warn("purging old delivery records failed: {}", e.toString());
        }
    }

    /**
     * Forgets expunged UIDs beyond the most recent of each mailbox, every hour. On a store nodes
     * share every node runs it; the trim is idempotent, so running twice costs one empty query.
     */
    private void trimExpunged() {
        try {
            int dropped = services.mailboxes().messageService().trimExpunged();
            if (dropped > 0) {
                log.info("mailboxes: forgot {} old expunged UID(s)", dropped);
            }
        } catch (RuntimeException e) {
            log.warn("trimming old expunged UIDs failed: {}", e.toString());
        }
    }

    /** Report counts older than this are dropped, reported or not (a kind of report switched off leaves its counts). */
    static final int REPORT_COUNTS_KEPT_DAYS = 7;

    /** Drops the report counts of days long over, every hour. */
    private void purgeReportCounts() {
        try {
            String before = java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(REPORT_COUNTS_KEPT_DAYS).toString();
            int purged = services.metadata().writeAndWait(tx -> tx.tlsReports().purge(before, 10_000)
                    + tx.dmarcReports().purge(before, 10_000));
            if (purged > 0) {
                log.info("reports: dropped {} count(s) from before {} that were never reported", purged, before);
            }
        } catch (RuntimeException e) {
            log.warn("dropping old report counts failed: {}", e.toString());
        }
    }

    /**
     * Forgets, every hour, the vacation replies whose period is over (their senders may be answered
     * again) and the message ids Sieve's duplicate test no longer remembers.
     */
    private void purgeVacationReplies() {
        try {
            services.metadata().writeAndWait(tx -> tx.sieve().purgeVacationReplies(Instant.now(), 10_000));
            services.metadata().writeAndWait(tx -> tx.sieve().purgeDuplicates(Instant.now(), 10_000));
        } catch (RuntimeException e) {
            log.warn("dropping expired vacation replies and duplicate ids failed: {}", e.toString());
        }
    }

    /**
     * Removes from every account's Trash and Junk the messages put there longer ago than
     * {@code [retention]} says, every hour; returns how many went.
     */
    public int emptyTrashAndJunk() {
        try {
            int removed = retention.sweep();
            if (removed > 0) {
                log.info("mailboxes: removed {} message(s) kept in Trash or Junk longer than [retention] says", removed);
            }
            return removed;
        } catch (RuntimeException e) {
            log.warn("emptying Trash and Junk of old messages failed: {}", e.toString());
            return 0;
        }
    }

    /** Forgets the suppression list's entries whose time has passed, every hour. */
    private void purgeSuppressions() {
        try {
            int purged = services.suppressions().purgeExpired();
            if (purged > 0) {
                log.info("delivery: {} address(es) left the suppression list, their time passed", purged);
            }
        } catch (RuntimeException e) {
            log.warn("dropping expired suppressions failed: {}", e.toString());
        }
    }

    /** Forgets recipient domains' MTA-STS policies that expired, every hour. */
    private void purgeMtaStsPolicies() {
        try {
            int purged = services.metadata().writeAndWait(tx -> tx.mtaSts().purge(Instant.now(), 10_000));
            if (purged > 0) {
                log.info("delivery: forgot {} expired MTA-STS polic{}", purged, purged == 1 ? "y" : "ies");
            }
        } catch (RuntimeException e) {
            log.warn("purging expired MTA-STS policies failed: {}", e.toString());
        }
    }

    /**
     * Stores the TLS sessions counted so far and queues the TLS reports of the days before
     * {@code today} (UTC); returns how many were queued, 0 when TLS reports are off.
     */
    public int queueTlsReports(java.time.LocalDate today) throws Exception {
        return reports == null ? 0 : reports.queueTlsReports(today);
    }

    /**
     * Stores the messages counted so far and queues the DMARC aggregate reports of the days before
     * {@code today} (UTC); returns how many were queued, 0 when DMARC reports are off.
     */
    public int queueDmarcReports(java.time.LocalDate today) throws Exception {
        return reports == null ? 0 : reports.queueDmarcReports(today);
    }

    /** Writes the messages counted for SMTP credentials to the store. */
    private void flushCredentialUsage() {
        try {
            services.smtpCredentials().flushUsage();
        } catch (RuntimeException e) {
            log.warn("recording the use of SMTP credentials failed (kept for the next try): {}", e.toString());
        }
    }

    /** Forgets idle rate-limit keys and expired greylisting rows, now and then. */
    private void inboundHousekeeping() {
        try {
            inbound.housekeeping();
        } catch (RuntimeException e) {
            log.warn("housekeeping of the receiving checks failed: {}", e.toString());
        }
        try {
            services.access().purgeExpired();
        } catch (RuntimeException e) {
            log.warn("removing expired access rules failed: {}", e.toString());
        }
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close();
            admin = null;
        }
        if (acme != null) {
            acme.close();
            acme = null;
        }
        for (PublicListener p : publicListeners) {
            p.close();
        }
        publicListeners.clear();
        for (Pop3Server p : pop3Servers) {
            p.close();
        }
        pop3Servers.clear();
        for (ImapServer i : imapServers) {
            i.close();
        }
        imapServers.clear();
        for (ManageSieveServer m : manageSieveServers) {
            m.close();
        }
        manageSieveServers.clear();
        for (BoundListener l : listeners) {
            l.close();
        }
        listeners.clear();
        if (transport != null) {
            transport.close();
            transport = null;
        }
        if (milters != null) {
            milters.close();
            milters = null;
        }
        if (authExecutor != null) {
            authExecutor.shutdownNow();
            authExecutor = null;
        }
        if (housekeeping != null) {
            housekeeping.shutdownNow();
            housekeeping = null;
        }
        if (quotaWarnings != null) {
            quotaWarnings.close();
            quotaWarnings = null;
        }
        if (reports != null) {
            reports.close();
        }
        if (tls != null) {
            tls.close();
            tls = null;
        }
        if (webhookDispatcher != null) {
            webhookDispatcher.close();
            webhookDispatcher = null;
        }
        if (mailboxEventsFromOtherNodes != null) {
            try {
                mailboxEventsFromOtherNodes.close();
            } catch (Exception e) {
                log.debug("closing the mailbox event subscription: {}", e.toString());
            }
            mailboxEventsFromOtherNodes = null;
        }
        if (runner != null) {
            runner.close();
            runner = null;
        }
        if (remote != null) {
            remote.close();
            remote = null;
        }
        if (dns != null) {
            dns.close();
            dns = null;
        }
        if (services != null) {
            if (reports != null) {
                reports.flush();
                reports = null;
            }
            flushCredentialUsage();
            services.close();
            services = null;
        }
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            log.debug("releasing the data directory lock: {}", e.getMessage());
        }
        lock = null;
        lockChannel = null;
    }
}
