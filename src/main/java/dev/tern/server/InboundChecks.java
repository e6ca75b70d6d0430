package dev.tern.server;

import dev.tern.security.access.AccessList;

import dev.tern.config.CheckSettings;
import dev.tern.config.ClientNetworks;
import dev.tern.config.ConfigException;
import dev.tern.config.GreylistSettings;
import dev.tern.config.RateLimitSettings;
import dev.tern.dns.DnsResolver;
import dev.tern.mail.IpNetwork;
import dev.tern.security.spam.RspamdClient;
import dev.tern.security.spam.SpamScan;
import dev.tern.mail.MailException;
import dev.tern.security.client.HeloCheck;
import dev.tern.security.client.ReverseDns;
import dev.tern.security.dkim.DkimVerifier;
import dev.tern.security.dmarc.DmarcVerifier;
import dev.tern.security.dnsbl.DnsblChecker;
import dev.tern.security.greylist.Greylist;
import dev.tern.security.ratelimit.Rate;
import dev.tern.security.ratelimit.RateLimiter;
import dev.tern.security.spf.SpfVerifier;
import dev.tern.smtp.server.ClientPolicy;
import dev.tern.store.MetadataStore;

import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;

/**
 * The receiving checks of the {@code smtp} listener, and the rate limits, built once from the
 * configuration: SPF, DKIM and DMARC verification, DNS block and allow lists, reverse DNS, HELO
 * checks, greylisting, and per-address and per-user rate limits. {@link #policyFor} gives each
 * connection its {@link InboundSession}, or no checks for clients that are exempt, trusted to
 * relay, or on a submission listener.
 */
final class InboundChecks {

    // The components named by refusals, so that logs and metrics can tell the checks apart.
    static final String RATE_LIMIT = "rate-limit";
    static final String GREYLIST = "greylist";
    static final String DNSBL = "dnsbl";
    static final String SPF = "spf";
    static final String DMARC = "dmarc";
    static final String HELO = "helo";
    static final String ACCESS = "access";

    final CheckSettings settings;
    private final ClientNetworks relayFrom;
    final DnsResolver dns;
    final ReverseDns reverseDns;
    final HeloCheck helo;
    final DnsblChecker dnsbl;
    final SpfVerifier spf;
    final DkimVerifier dkim;
    final DmarcVerifier dmarc;
    /** Null when DMARC aggregate reports are off. */
    final dev.tern.security.dmarc.reports.DmarcReportCounts dmarcReports;
    final Greylist greylist;
    /** The operator's access rules (client networks, senders). */
    final AccessList access;
    final RateLimiter<IpNetwork> connectionsPerIp;
    final RateLimiter<IpNetwork> messagesPerIp;
    final RateLimiter<IpNetwork> recipientsPerIp;
    private final RateLimiter<String> messagesPerUser;
    private final RateLimiter<String> recipientsPerUser;
    /** Null when no rspamd is configured. */
    final RspamdClient rspamd;
    private volatile java.util.function.Consumer<String> spamScans = result -> { };

    InboundChecks(CheckSettings settings, RateLimitSettings limits, GreylistSettings greylisting, ClientNetworks relayFrom,
                  String hostname, DnsResolver dns, MetadataStore store, Executor storageExecutor, Clock clock,
                  AccessList access) {
        this.settings = settings;
        this.access = access;
        this.relayFrom = relayFrom;
        this.dns = dns;
        this.reverseDns = new ReverseDns(dns);
        this.helo = new HeloCheck(HeloCheck.Strictness.valueOf(settings.helo().name()), hostname, List.of(), dns);
        this.dnsbl = settings.dnsbl().isEmpty() && settings.dnswl().isEmpty() ? null
                : new DnsblChecker(dns, settings.dnsbl(), settings.dnswl());
        this.spf = settings.spf() ? new SpfVerifier(dns, hostname, clock) : null;
        this.dkim = settings.dkim() ? new DkimVerifier(dns::txt, clock) : null;
        this.dmarc = settings.dmarc() ? new DmarcVerifier(dns::txt, RandomGenerator.getDefault()) : null;
        this.dmarcReports = this.dmarc != null && settings.dmarcReports().enabled()
                ? new dev.tern.security.dmarc.reports.DmarcReportCounts(clock) : null;
        this.greylist = greylisting.enabled() ? greylist(greylisting, store, storageExecutor, clock) : null;
        this.connectionsPerIp = limiter(limits.connectionsPerIp());
        this.messagesPerIp = limiter(limits.messagesPerIp());
        this.recipientsPerIp = limiter(limits.recipientsPerIp());
        this.messagesPerUser = limiter(limits.messagesPerUser());
        this.recipientsPerUser = limiter(limits.recipientsPerUser());
        this.rspamd = settings.rspamd().enabled() ? new RspamdClient(settings.rspamd()) : null;
    }

    /** Hears how each rspamd scan ended ({@link SpamScan}'s results), for the metrics. */
    void observeSpamScans(java.util.function.Consumer<String> observer) {
        this.spamScans = observer;
    }

    void spamScanned(String result) {
        spamScans.accept(result);
    }

    /**
     * The rspamd scan of a message an authenticated user submits, or null when submissions are
     * not scanned ({@code [checks.rspamd] scan_submission}).
     */
    dev.tern.smtp.server.ContentFilter submissionScan(dev.tern.mail.ClientInfo client, dev.tern.mail.MailAddress sender,
                                                      List<dev.tern.mail.Recipient> recipients) {
        if (!settings.rspamd().scanSubmission() || client.authUser() == null) {
            return null;
        }
        return spamScan(client.address(), client.helo(), null, sender, recipients, null, client.authUser());
    }

    /**
     * rspamd's scan of one message, told what rspamd wants to know of it, or null when no rspamd is
     * configured.
     *
     * @param user the authenticated user who submits it; null for mail from another server
     */
    SpamScan spamScan(String ip, String helo, String hostname, dev.tern.mail.MailAddress sender,
                      List<dev.tern.mail.Recipient> recipients, String queueId, String user) {
        if (rspamd == null) {
            return null;
        }
        RspamdClient.Envelope envelope = new RspamdClient.Envelope(ip, helo, hostname,
                sender == null ? null : sender.toString(), recipients.stream().map(r -> r.address().toString()).toList(),
                queueId, user);
        return new SpamScan(rspamd, settings.rspamd(), envelope, this::spamScanned);
    }

    private static Greylist greylist(GreylistSettings g, MetadataStore store, Executor storageExecutor, Clock clock) {
        try {
            return new Greylist(store, g.delay(), g.retryWindow(), g.passedLifetime(), g.whitelist(), clock,
                    storageExecutor);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("greylisting.whitelist: " + e.getMessage());
        }
    }

    private static <K> RateLimiter<K> limiter(RateLimitSettings.Rate rate) {
        return rate == null ? null : new RateLimiter<>(Rate.of(rate.count(), rate.window()));
    }

    /** The checks for a new connection; none off port 25 and for exempt or trusted clients. */
    ClientPolicy policyFor(String listener, InetAddress client) {
        if (!"smtp".equals(listener) || client == null || settings.exempt().contains(client)
                || relayFrom.contains(client)) {
            return ClientPolicy.NONE;
        }
        return new InboundSession(this, client);
    }

    /** The key of a client address in the per-address limits: an IPv4 address, an IPv6 /64 (one site). */
    static IpNetwork rateKey(InetAddress client) {
        return IpNetwork.around(client, 32, 64);
    }

    /** Counts a transaction of an authenticated user against {@code [rate_limits] messages_per_user}. */
    CompletableFuture<Void> userMessage(String user) {
        return take(messagesPerUser, user, "Too many messages from " + user + ", slow down and try again later");
    }

    /** Counts a recipient of an authenticated user against {@code [rate_limits] recipients_per_user}. */
    CompletableFuture<Void> userRecipient(String user) {
        return take(recipientsPerUser, user, "Too many recipients from " + user + ", slow down and try again later");
    }

    static <K> CompletableFuture<Void> take(RateLimiter<K> limiter, K key, String refusal) {
        if (limiter == null || limiter.tryAcquire(key)) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.failedFuture(new MailException(451, "4.7.1", refusal, RATE_LIMIT));
    }

    /** Forgets rate-limit keys that have been idle; the greylist's expired rows go too. */
    void housekeeping() {
        for (RateLimiter<?> l : new RateLimiter<?>[]{connectionsPerIp, messagesPerIp, recipientsPerIp,
                messagesPerUser, recipientsPerUser}) {
            if (l != null) {
                l.removeIdle();
            }
        }
        if (greylist != null) {
            greylist.purge();
        }
    }
}
