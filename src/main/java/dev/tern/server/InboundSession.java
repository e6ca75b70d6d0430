package dev.tern.server;

import dev.tern.mail.ClientInfo;
import dev.tern.mail.IpNetwork;
import dev.tern.mail.MailAddress;
import dev.tern.mail.MailException;
import dev.tern.mail.Recipient;
import dev.tern.security.access.AccessRule;
import dev.tern.security.spam.SpamScan;
import dev.tern.security.client.HeloVerdict;
import dev.tern.security.client.IprevResult;
import dev.tern.security.dnsbl.DnsblVerdict;
import dev.tern.security.greylist.GreylistVerdict;
import dev.tern.security.spf.SpfOutcome;
import dev.tern.security.spf.SpfResult;
import dev.tern.config.CheckSettings;
import dev.tern.mail.IpAddresses;
import dev.tern.smtp.server.ClientPolicy;
import dev.tern.smtp.server.ContentFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The receiving checks of one port-25 connection from a client that is not exempt. What is
 * learnt about the client (reverse DNS, block-list verdict) is asked once, when it connects; the
 * SPF check of a transaction starts at MAIL and is finished at the end of its data, where
 * {@link MessageAuthentication} puts all results together.
 *
 * <p>Order at each stage: the operator's access rules first, then rate limits (cheap, and they
 * protect what follows), then what needs DNS. Nothing here blocks: every DNS question is a
 * future, and the access rules are decided from memory.
 */
final class InboundSession implements ClientPolicy {

    private static final Logger log = LoggerFactory.getLogger(InboundSession.class);

    private final InboundChecks checks;
    private final InetAddress client;
    private final IpNetwork rateKey;
    private CompletableFuture<IprevResult> iprev;
    private CompletableFuture<DnsblVerdict> listed;
    /** The listing was logged once for this session (it answers each of its recipients). */
    private boolean listingLogged;
    /** An access rule allows the client: no block lists, greylisting or per-address rate limits. */
    private boolean clientAllowed;
    /** An access rule allows the sender of the current transaction: no greylisting. */
    private boolean senderAllowed;
    private volatile String verifiedName;
    private volatile String helo;
    /** The SPF check of the current transaction, started at MAIL; null when SPF is off. */
    private CompletableFuture<SpfOutcome> spf;

    InboundSession(InboundChecks checks, InetAddress client) {
        this.checks = checks;
        this.client = client;
        this.rateKey = InboundChecks.rateKey(client);
    }

    @Override
    public Duration greetingDelay() {
        return checks.settings.greetingDelay();
    }

    /**
     * An access rule for the client decides first; then the connection rate limit decides at once;
     * reverse DNS and the block lists are asked now, and the greeting waits for reverse DNS (its
     * name goes into the Received header), as Postfix's does.
     */
    @Override
    public CompletableFuture<Void> connected() {
        AccessRule rule = checks.access == null ? null : checks.access.client(client);
        if (rule != null && rule.action() == AccessRule.Action.REJECT) {
            log.info("client {} refused by the access rule {}", IpAddresses.format(client), rule.pattern());
            return fail(554, "5.7.1", "Access denied", InboundChecks.ACCESS);
        }
        clientAllowed = rule != null;
        if (!clientAllowed && checks.connectionsPerIp != null && !checks.connectionsPerIp.tryAcquire(rateKey)) {
            return CompletableFuture.failedFuture(new MailException(421, "4.7.0",
                    "Too many connections from your address, try again later", InboundChecks.RATE_LIMIT));
        }
        listed = clientAllowed ? CompletableFuture.completedFuture(new DnsblVerdict.Allowed("access rule", List.of()))
                : checks.dnsbl == null ? CompletableFuture.completedFuture(new DnsblVerdict.Clean())
                : checks.dnsbl.check(client);
        iprev = checks.reverseDns.check(client);
        return iprev.handle((result, error) -> {
            if (result != null && result.passed()) {
                verifiedName = result.confirmedName();
            }
            return null;
        });
    }

    @Override
    public String verifiedName() {
        return verifiedName;
    }

    @Override
    public CompletableFuture<Void> helo(String name) {
        return checks.helo.check(name, client).thenCompose(v -> {
            if (v.accepted()) {
                helo = name;
                return CompletableFuture.completedFuture(null);
            }
            return refused(v);
        });
    }

    private static CompletableFuture<Void> refused(HeloVerdict v) {
        return CompletableFuture.failedFuture(new MailException(v.code(), v.enhancedCode(), v.text(),
                InboundChecks.HELO));
    }

    /**
     * An access rule for the sender, then the message rate limit, then SPF, which runs on while
     * the client sends its recipients unless an SPF fail is to be refused here. A client on a
     * block list is refused at each RCPT instead ({@link #recipient}), as Postfix refuses with
     * {@code reject_rbl_client} among its recipient restrictions: so that an access rule for a
     * recipient (postmaster, abuse) can spare it.
     */
    @Override
    public CompletableFuture<Void> mail(ClientInfo info, MailAddress sender) {
        AccessRule rule = checks.access == null ? null : checks.access.sender(sender);
        if (rule != null && rule.action() == AccessRule.Action.REJECT) {
            log.info("sender <{}> from {} refused by the access rule {}", sender, IpAddresses.format(client),
                    rule.pattern());
            return fail(550, "5.7.1", "<" + sender + ">: Sender address rejected: Access denied", InboundChecks.ACCESS);
        }
        senderAllowed = rule != null;
        CompletableFuture<Void> limited = clientAllowed ? CompletableFuture.completedFuture(null)
                : InboundChecks.take(checks.messagesPerIp, rateKey,
                "Too many messages from your address, slow down and try again later");
        if (limited.isCompletedExceptionally()) {
            return limited;
        }
        spf = checks.spf == null ? null : checks.spf.check(client, helo, sender == null ? null : sender.toString());
        return listed.thenCompose(verdict -> {
            if (verdict instanceof DnsblVerdict.Listed || verdict instanceof DnsblVerdict.Unknown) {
                return CompletableFuture.completedFuture(null);   // refused at RCPT, or spared there
            }
            if (spf == null || checks.settings.spfFail() != CheckSettings.Action.REJECT) {
                return CompletableFuture.completedFuture(null);
            }
            return spf.thenCompose(outcome -> {
                if (outcome.result() == SpfResult.FAIL) {
                    String why = outcome.explanation() != null ? outcome.explanation() : outcome.reason();
                    return fail(550, "5.7.23", "SPF check failed for " + outcome.domain() + ": " + why,
                            InboundChecks.SPF);
                }
                if (outcome.result() == SpfResult.TEMPERROR) {
                    return fail(451, "4.7.24", "Temporary SPF lookup failure for " + outcome.domain()
                            + ", try again later", InboundChecks.SPF);
                }
                return CompletableFuture.completedFuture(null);
            });
        });
    }

    /**
     * An access rule for the recipient, then the block lists (a listed client gets 554 for every
     * recipient but those an access rule allows), then the recipient rate limit, then greylisting
     * (skipped for clients on an allow list, and for clients, senders and recipients an access
     * rule allows). The backend has already accepted the recipient.
     */
    @Override
    public CompletableFuture<Void> recipient(ClientInfo info, MailAddress sender, MailAddress recipient) {
        AccessRule rule = checks.access == null ? null : checks.access.recipient(recipient);
        if (rule != null && rule.action() == AccessRule.Action.REJECT) {
            log.info("recipient <{}> from {} refused by the access rule {}", recipient, IpAddresses.format(client),
                    rule.pattern());
            return fail(550, "5.7.1", "<" + recipient + ">: Recipient address rejected: Access denied",
                    InboundChecks.ACCESS);
        }
        return listed.thenCompose(verdict -> {
            if (rule == null && verdict instanceof DnsblVerdict.Listed l) {
                if (!listingLogged) {
                    listingLogged = true;
                    log.info("client {} is listed by {}: {}", IpAddresses.format(client), l.zone(), l.codes());
                }
                return fail(DnsblVerdict.Listed.REPLY_CODE, DnsblVerdict.Listed.ENHANCED_CODE, l.replyText(),
                        InboundChecks.DNSBL);
            }
            if (rule == null && verdict instanceof DnsblVerdict.Unknown u) {
                return fail(DnsblVerdict.Unknown.REPLY_CODE, DnsblVerdict.Unknown.ENHANCED_CODE, u.replyText(),
                        InboundChecks.DNSBL);
            }
            CompletableFuture<Void> limited = clientAllowed ? CompletableFuture.completedFuture(null)
                    : InboundChecks.take(checks.recipientsPerIp, rateKey,
                    "Too many recipients from your address, slow down and try again later");
            if (limited.isCompletedExceptionally() || checks.greylist == null || senderAllowed || rule != null
                    || verdict instanceof DnsblVerdict.Allowed) {
                return limited;
            }
            return checks.greylist.check(client, sender == null ? null : sender.toString(), recipient.toString())
                    .thenCompose(g -> g.passed() ? CompletableFuture.<Void>completedFuture(null)
                            : fail(GreylistVerdict.REPLY_CODE, GreylistVerdict.ENHANCED_CODE, g.replyText(),
                            InboundChecks.GREYLIST));
        });
    }

    @Override
    public ContentFilter contentFilter(ClientInfo info, MailAddress sender) {
        return new MessageAuthentication(checks, client, helo, sender, iprev, spf);
    }

    /** The message's origin checked first (it may refuse it already), then its content scanned by rspamd. */
    @Override
    public ContentFilter contentFilter(ClientInfo info, MailAddress sender, List<Recipient> recipients,
                                       String queueId) {
        ContentFilter authentication = contentFilter(info, sender);
        SpamScan scan = checks.spamScan(IpAddresses.format(client), helo, verifiedName, sender, recipients, queueId, null);
        return scan == null ? authentication : ContentFilter.chain(authentication, scan);
    }

    private static CompletableFuture<Void> fail(int code, String enhanced, String text, String component) {
        return CompletableFuture.failedFuture(new MailException(code, enhanced, text, component));
    }
}
