package dev.tern.delivery.remote;

import dev.tern.config.DeliverySettings;
import dev.tern.delivery.OutcomeRecorder;
import dev.tern.delivery.RecipientOutcome;
import dev.tern.delivery.dane.DaneHost;
import dev.tern.delivery.dane.Tlsa;
import dev.tern.delivery.dane.TlsaLookup;
import dev.tern.delivery.mtasts.MtaStsPolicies;
import dev.tern.delivery.mtasts.PolicyFailure;
import dev.tern.delivery.mtasts.StsPolicy;
import dev.tern.delivery.tlsrpt.TlsReportSender;
import dev.tern.delivery.tlsrpt.TlsResultType;
import dev.tern.delivery.tlsrpt.TlsSessionCounts;
import dev.tern.dns.DnsResolver;
import dev.tern.dns.MxResolver;
import dev.tern.mail.MailAddress;
import dev.tern.mailbox.MailboxService;
import dev.tern.message.HeaderSummary;
import dev.tern.message.LongLineFolder;
import dev.tern.message.NonAscii;
import dev.tern.routing.NextHop;
import dev.tern.routing.NextHops;
import dev.tern.smtp.client.MessageContent;
import dev.tern.smtp.client.SmtpClient;
import dev.tern.smtp.client.SmtpClientSettings;
import dev.tern.smtp.client.SmtpTimeouts;
import dev.tern.smtp.client.TlsSettings;
import dev.tern.smtp.client.TranscriptListener;
import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import dev.tern.suppression.SuppressionList;
import dev.tern.tracking.Relay;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.SequenceInputStream;
import java.net.InetSocketAddress;
import java.util.function.Predicate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Delivers queued messages to other servers over SMTP: groups a message's recipients by next hop
 * (one transaction per destination carries all of them), resolves the hop's hosts, waits for a
 * connection slot (global and per destination), runs a {@link SmtpDeliveryAttempt}, and hands the
 * outcomes to the {@link OutcomeRecorder}.
 *
 * <p>Nothing here blocks an I/O thread: DNS and SMTP are asynchronous; reading and signing the
 * message runs on a small pool of its own. A slow destination only ties up its own slots.
 */
public final class RemoteDeliveryAgent implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("dev.tern.delivery");
    /** Messages waiting for one destination before the runner stops handing it more (they stay in the store). */
    static final int MAX_WAITING_PER_DESTINATION = 200;

    private final NextHops nextHops;
    private final HostResolver hosts;
    private final DestinationLimiter limiter;
    private final ConnectionCache cache;
    private final SmtpDeliveryAttempt.Clients clients;
    private final MailboxService mailboxes;
    private final MessageSigner signer;
    private final OutcomeRecorder recorder;
    private final EventLoopGroup group;
    private final ExecutorService blockingWork;
    private final ScheduledExecutorService housekeeping;
    private final DeliverySettings settings;
    /** Null when {@code mta_sts} is off. */
    private final MtaStsPolicies mtaSts;
    /** Null when TLS reports are off. */
    private final TlsSessionCounts tlsCounts;
    private final TlsaLookup tlsa;
    private final DnsResolver dns;
    /** Addresses not sent to; null: none. */
    private final SuppressionList suppressions;

    /**
     * @param store      where MTA-STS policies are kept between restarts
     * @param isSelf     true for an address where this server receives mail (MX loop detection)
     * @param extraTrust CA certificates trusted besides the JDK's, for TLS level verify
     */
    public RemoteDeliveryAgent(DeliverySettings settings, String hostname, DnsResolver dns, MailboxService mailboxes,
                               MetadataStore store, MessageSigner signer, OutcomeRecorder recorder,
                               Predicate<InetSocketAddress> isSelf, List<X509Certificate> extraTrust,
                               SmtpTimeouts timeouts, TlsSessionCounts tlsCounts, SuppressionList suppressions) {
        this.settings = settings;
        this.suppressions = suppressions;
        this.tlsCounts = tlsCounts;
        this.nextHops = new NextHops(settings);
        this.hosts = new HostResolver(dns, new MxResolver(dns), isSelf);
        this.tlsa = new TlsaLookup(dns);
        this.dns = dns;
        this.limiter = new DestinationLimiter(settings.maxConnections(), settings.maxConnectionsPerDestination());
        this.cache = new ConnectionCache(settings.connectionReuse());
        this.mailboxes = mailboxes;
        this.signer = signer;
        this.recorder = recorder;
        boolean epoll = Epoll.isAvailable();
        this.group = new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.blockingWork = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "tern-outbound");
            t.setDaemon(true);
            return t;
        });
        SmtpClientSettings base = SmtpClientSettings.defaults(hostname).withTimeouts(timeouts);
        TlsSettings verifying = extraTrust.isEmpty() ? TlsSettings.verifying() : TlsSettings.trustingAlso(extraTrust);
        this.clients = new SmtpDeliveryAttempt.Clients(
                new SmtpClient(base.withTls(verifying), group, epoll, blockingWork),
                new SmtpClient(base.withTls(TlsSettings.insecure()), group, epoll, blockingWork));
        try {
            this.mtaSts = settings.mtaSts() ? new MtaStsPolicies(dns, group, epoll, verifying.sslContext(),
                    settings.mtaStsPort(), store, blockingWork, java.time.Clock.systemUTC()) : null;
        } catch (javax.net.ssl.SSLException e) {
            throw new IllegalStateException("cannot set up TLS for MTA-STS: " + e.getMessage(), e);
        }
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tern-outbound-cache");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1000, settings.connectionReuse().toMillis() / 2);
        housekeeping.scheduleWithFixedDelay(cache::expire, every, every, TimeUnit.MILLISECONDS);
    }

    /** The next hop of a remote recipient. */
    public NextHop nextHop(String recipient) {
        return nextHops.forDomain(MailAddress.parse(recipient).asciiDomain());
    }

    /** False when the destination already has enough waiting: leave the recipient in the store for now. */
    public boolean accepts(NextHop hop) {
        return limiter.waiting(hop.destination()) < MAX_WAITING_PER_DESTINATION;
    }

    /**
     * Delivers remote recipients of one message; completes when the outcomes are stored. A
     * recipient on the suppression list bounces at once, without a connection.
     */
    public CompletableFuture<Void> deliver(Rows.QueuedMessage message, List<Rows.QueueRecipient> recipients) {
        if (suppressions == null) {
            return send(message, recipients, List.of());
        }
        return CompletableFuture.supplyAsync(() -> suppressions.listed(recipients.stream()
                .map(Rows.QueueRecipient::address).toList()), blockingWork).thenCompose(listed -> {
            if (listed.isEmpty()) {
                return send(message, recipients, List.of());
            }
            List<Rows.QueueRecipient> sending = new ArrayList<>();
            List<RecipientOutcome> refused = new ArrayList<>();
            for (Rows.QueueRecipient r : recipients) {
                Rows.Suppression s = listed.get(r.address());
                if (s == null) {
                    sending.add(r);
                } else {
                    RecipientOutcome o = new RecipientOutcome(r, RecipientOutcome.Kind.FAILED, SuppressionList.status(s),
                            SuppressionList.explanation(s), null, false, Relay.none());
                    logOutcome(message, o, "none", null);
                    refused.add(o);
                }
            }
            return send(message, sending, refused);
        });
    }

    /** Sends to {@code recipients}, and stores their outcomes with those already decided. */
    private CompletableFuture<Void> send(Rows.QueuedMessage message, List<Rows.QueueRecipient> recipients,
                                         List<RecipientOutcome> decided) {
        if (recipients.isEmpty()) {
            return recorder.record(message, decided);
        }
        Map<NextHop, List<Rows.QueueRecipient>> byHop = new LinkedHashMap<>();
        for (Rows.QueueRecipient r : recipients) {
            byHop.computeIfAbsent(nextHop(r.address()), k -> new ArrayList<>()).add(r);
        }
        MessageContent stored = storedContent(message);
        CompletableFuture<Prepared> prepared = CompletableFuture.supplyAsync(() -> prepare(message, stored), blockingWork);
        List<CompletableFuture<List<RecipientOutcome>>> parts = new ArrayList<>();
        for (Map.Entry<NextHop, List<Rows.QueueRecipient>> e : byHop.entrySet()) {
            parts.add(prepared.thenCompose(p -> deliverTo(e.getKey(), message, stored, e.getValue(), p)));
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])).thenCompose(v -> {
            List<RecipientOutcome> all = new ArrayList<>(decided);
            parts.forEach(p -> all.addAll(p.join()));
            return recorder.record(message, all);
        });
    }

    /** What is read from a message's content once before its copies go out. */
    private record Prepared(byte[] signature, ContentFacts facts) {
    }

    private Prepared prepare(Rows.QueuedMessage message, MessageContent stored) {
        byte[] signature = sign(message, stored);
        boolean utf8Headers = false;
        if (message.smtpUtf8()) {
            try (java.io.InputStream in = stored.open()) {
                utf8Headers = NonAscii.inHeaderSection(in);
            } catch (java.io.IOException e) {
                utf8Headers = true;   // unknown: keep what the sender asked for
            }
        }
        return new Prepared(signature, new ContentFacts(utf8Headers, () -> CompletableFuture.supplyAsync(() -> {
            try (java.io.InputStream in = stored.open()) {
                return NonAscii.anywhere(in);
            } catch (java.io.IOException e) {
                return true;
            }
        }, blockingWork), () -> CompletableFuture.supplyAsync(() -> sevenBit(message), blockingWork),
                () -> CompletableFuture.supplyAsync(() -> tlsOptional(message, stored), blockingWork)));
    }

    /**
     * Whether the header section says {@code TLS-Required: No} (RFC 8689 §5; the value compared
     * without regard to case). A message with REQUIRETLS ignores the field (§4.1), so it is not read.
     */
    private static boolean tlsOptional(Rows.QueuedMessage message, MessageContent stored) {
        try (java.io.InputStream in = stored.open()) {
            return HeaderSummary.read(in).get("TLS-Required").equalsIgnoreCase("No");
        } catch (java.io.IOException e) {
            log.warn("{}: header section unreadable, TLS-Required not looked for: {}", message.id(), e.toString());
            return false;
        }
    }

    /** The DKIM-Signature fields for the content as it leaves; none when it cannot be signed. */
    private byte[] sign(Rows.QueuedMessage message, MessageContent content) {
        try {
            return signer.headersFor(message, content);
        } catch (Exception e) {
            log.warn("{}: not signed: {}", message.id(), e.toString());
            return new byte[0];
        }
    }

    /**
     * The message converted to 7-bit for a server without 8BITMIME, its long lines broken after
     * the conversion and signed as it will leave; null when it cannot be converted. The
     * conversion is made in memory: the message is at most the size limit, and such servers are
     * rare.
     */
    private ContentFacts.SevenBitContent sevenBit(Rows.QueuedMessage message) {
        byte[] converted;
        try (java.io.InputStream in = mailboxes.openContent(message.blobId())) {
            converted = SevenBitDowngrade.convert(in.readAllBytes());
            if (converted == null) {
                return null;
            }
            try (LongLineFolder folded = new LongLineFolder(new ByteArrayInputStream(converted))) {
                converted = folded.readAllBytes();
            }
        } catch (java.io.IOException e) {
            log.warn("{}: not converted to 7-bit: {}", message.id(), e.toString());
            return null;
        }
        byte[] body = converted;
        byte[] signature = sign(message, () -> new ByteArrayInputStream(body));
        log.info("{}: 8-bit content converted to quoted-printable for a server without 8BITMIME", message.id());
        return new ContentFacts.SevenBitContent(
                () -> new SequenceInputStream(new ByteArrayInputStream(signature), new ByteArrayInputStream(body)),
                (long) signature.length + body.length);
    }

    /**
     * The message as it leaves, before the signature fields: lines over 998 octets broken
     * (RFC 5321 §4.5.3.1.6), except in binary content (RFC 3030), which has no lines.
     */
    private MessageContent storedContent(Rows.QueuedMessage message) {
        if ("BINARYMIME".equals(message.bodyType())) {
            return () -> mailboxes.openContent(message.blobId());
        }
        return () -> new LongLineFolder(mailboxes.openContent(message.blobId()));
    }

    private CompletableFuture<List<RecipientOutcome>> deliverTo(NextHop hop, Rows.QueuedMessage message,
                                                                MessageContent stored,
                                                                List<Rows.QueueRecipient> recipients, Prepared prepared) {
        byte[] signature = prepared.signature();
        // RFC 8460 §5.3: a TLS report goes whatever TLS failures it may be reporting, and its own
        // session is not counted in the next one: opportunistic TLS, no MTA-STS policy.
        boolean tlsReport = TlsReportSender.LISTENER.equals(message.listener());
        NextHop hopAsSent = tlsReport && hop instanceof NextHop.Mx mx
                ? new NextHop.Mx(mx.domain(), mx.port(), DeliverySettings.TlsLevel.MAY) : hop;
        // The policy lookups run beside the MX lookup, not after it.
        CompletableFuture<StsPolicy> sts = tlsReport ? CompletableFuture.completedFuture(null) : policyFor(hop);
        CompletableFuture<Boolean> mxSecure = mxValidated(hop, message);
        return hosts.resolve(hop).thenCompose(resolved -> sts.thenCompose(found -> mxSecure.thenCompose(secureMx ->
                daneFor(hop, resolved, tlsReport).thenCompose(foundDane -> waived(message, prepared.facts(), found, foundDane)
                .thenCompose(waived -> {
            // RFC 8689 §5: TLS-Required: No sets aside what the recipient domain publishes (MTA-STS,
            // DANE); what the operator set for the domain in [delivery.tls_policy] still holds.
            StsPolicy policy = waived ? null : found;
            Map<String, DaneHost> dane = waived && !hop.tls().dane() ? Map.of() : foundDane;
            if (resolved instanceof HostResolver.Failed f) {
                RecipientOutcome.Kind kind = f.permanent() ? RecipientOutcome.Kind.FAILED : RecipientOutcome.Kind.DEFERRED;
                List<RecipientOutcome> out = recipients.stream()
                        .map(r -> new RecipientOutcome(r, kind, f.status(), f.reason(), null, false, Relay.none()))
                        .toList();
                out.forEach(o -> logOutcome(message, o, "none", null));
                return CompletableFuture.completedFuture(out);
            }
            List<Target> targets = ((HostResolver.Targets) resolved).targets();
            if (hop.tls() == DeliverySettings.TlsLevel.DANE_ONLY) {
                targets = withDane(message, (NextHop.Mx) hop, targets, dane, true);
                if (targets.isEmpty()) {
                    // RFC 7672 §6: mandatory DANE, and no MX host that has it.
                    return deferredBeforeConnecting(message, recipients, "4.7.5", "DANE is required for "
                            + hop.destination() + " ([delivery.tls_policy]), and none of its MX hosts has usable "
                            + "DNSSEC-validated TLSA records");
                }
            } else if (!dane.isEmpty()) {
                targets = withDane(message, (NextHop.Mx) hop, targets, dane, false);
                if (targets.isEmpty()) {
                    // RFC 7672 §2.2: TLSA records that may exist but could not be had leave no host to try.
                    String why = dane.values().stream().filter(h -> h instanceof DaneHost.Unavailable)
                            .map(h -> ((DaneHost.Unavailable) h).reason()).findFirst().orElse("no usable MX host");
                    return deferredBeforeConnecting(message, recipients, "4.7.5", "DANE: the TLSA records of the MX "
                            + "hosts of " + hop.destination() + " could not be looked up: " + why);
                }
            }
            NextHop effective = hopAsSent;
            if (message.requireTls()) {
                RequiredTls required = RequiredTls.of(hop, targets, policy, mtaSts != null && hop instanceof NextHop.Mx m
                        && !settings.hasTlsPolicy(m.domain()) && mtaSts.failureOf(m.domain()) != null, secureMx);
                if (required.refusal() != null) {
                    return beforeConnecting(message, recipients, required.kind(), required.status(), required.refusal());
                }
                targets = required.targets();
                effective = required.hop();
            } else if (policy != null) {
                // MX hosts with DANE records answer to them, not to the MTA-STS policy (RFC 8461 §2).
                List<Target> named = targets.stream().filter(t -> t.dane() != null || policy.permits(t.hostName())).toList();
                if (policy.mode() == StsPolicy.Mode.TESTING) {
                    if (named.size() < targets.size()) {
                        log.info("{}: MTA-STS policy of {} (testing) does not name every MX host: {}; delivering anyway",
                                message.id(), hop.destination(), policy.mx());
                    }
                } else if (named.isEmpty()) {
                    // RFC 8461 §5: no MX host the policy names means no delivery, for now.
                    return deferredBeforeConnecting(message, recipients, "4.7.5", "MTA-STS policy of "
                            + hop.destination() + " names none of its MX hosts (mx: " + String.join(", ", policy.mx()) + ")");
                } else {
                    // Enforced: only the named hosts, over TLS with a certificate valid for the MX name.
                    targets = named;
                    effective = new NextHop.Mx(hop.destination(), ((NextHop.Mx) hop).port(), DeliverySettings.TlsLevel.VERIFY);
                }
            }
            List<Target> tried = targets;
            NextHop asHop = effective;
            MessageContent content = () -> new SequenceInputStream(new ByteArrayInputStream(signature), stored.open());
            long size = signature.length + message.size();
            return limiter.acquire(hop.destination()).thenCompose(permit -> {
                SmtpDeliveryAttempt attempt = new SmtpDeliveryAttempt(clients, cache, asHop, tried, message,
                        recipients, content, size, prepared.facts(), TranscriptListener.NONE,
                        tlsReport || waived ? SmtpDeliveryAttempt.TlsSessions.NONE : tlsSessions(hop, policy));
                return attempt.run().whenComplete((out, e) -> {
                    permit.close();
                    if (out != null) {
                        out.forEach(o -> logOutcome(message, o, attempt.relay() == null ? "none" : attempt.relay(),
                                attempt.tlsLogged()));
                    }
                }).thenApply(out -> out.stream().map(o -> o.withRelay(attempt.reached())).toList());
            });
        }))))).exceptionally(e -> {
            log.error("{}: delivery to {} failed locally: {}", message.id(), hop.destination(), e.toString());
            return recipients.stream().map(r -> RecipientOutcome.deferred(r, "4.3.0", "local error while delivering", null)
                    .withRelay(Relay.none())).toList();
        });
    }

    /**
     * Where the TLS negotiations of a hop are counted for the TLS reports: MX delivery only, since a
     * report is about the recipient domain's MX hosts (a route or a smarthost is not one of them).
     */
    private SmtpDeliveryAttempt.TlsSessions tlsSessions(NextHop hop, StsPolicy policy) {
        if (tlsCounts == null || !(hop instanceof NextHop.Mx m)) {
            return SmtpDeliveryAttempt.TlsSessions.NONE;
        }
        StsPolicy reported = policy != null && policy.mode() != StsPolicy.Mode.NONE ? policy : null;
        PolicyFailure failure = reported == null && mtaSts != null && !settings.hasTlsPolicy(m.domain())
                ? mtaSts.failureOf(m.domain()) : null;
        return (target, local, resultType) -> {
            if (target.dane() != null) {
                tlsCounts.countTlsa(m.domain(), target.hostName(), daneRecords(target.dane()), resultType, local,
                        target.address());
            } else if (failure != null) {
                tlsCounts.countPolicyFailure(m.domain(), failure.resultType(), local, target.hostName(), target.address());
            } else {
                tlsCounts.count(m.domain(), reported, resultType, local, target.hostName(), target.address());
            }
        };
    }

    /** Every recipient deferred, with no server reached: a policy leaves no MX host to try. */
    private static CompletableFuture<List<RecipientOutcome>> deferredBeforeConnecting(
            Rows.QueuedMessage message, List<Rows.QueueRecipient> recipients, String status, String reason) {
        return beforeConnecting(message, recipients, RecipientOutcome.Kind.DEFERRED, status, reason);
    }

    /** Every recipient deferred or failed, with no server reached. */
    private static CompletableFuture<List<RecipientOutcome>> beforeConnecting(Rows.QueuedMessage message,
            List<Rows.QueueRecipient> recipients, RecipientOutcome.Kind kind, String status, String reason) {
        List<RecipientOutcome> out = recipients.stream()
                .map(r -> new RecipientOutcome(r, kind, status, reason, null, false, Relay.none()))
                .toList();
        out.forEach(o -> logOutcome(message, o, "none", null));
        return CompletableFuture.completedFuture(out);
    }

    /** The host's TLSA records as in a zone file; none for a host without (null) or whose lookup failed. */
    private static List<String> daneRecords(DaneHost host) {
        List<Tlsa> records = host instanceof DaneHost.Authenticated a ? a.records()
                : host instanceof DaneHost.EncryptOnly e ? e.records() : List.of();
        return records.stream().map(Tlsa::toString).toList();
    }

    /**
     * The DANE policies of a hop's MX hosts: MX delivery only, when {@code dane} is on and the
     * operator's {@code [delivery.tls_policy]} says nothing for the domain and TLS is not off, or
     * when that entry says {@code dane} or {@code dane-only}; never for a TLS report, which must
     * get through whatever it reports (RFC 8460 §5.3).
     */
    private CompletableFuture<Map<String, DaneHost>> daneFor(NextHop hop, HostResolver.Resolved resolved, boolean tlsReport) {
        if (tlsReport || !(hop instanceof NextHop.Mx m) || !(resolved instanceof HostResolver.Targets t)) {
            return CompletableFuture.completedFuture(Map.of());
        }
        boolean wanted = m.tls().dane() || (settings.dane() && !settings.hasTlsPolicy(m.domain())
                && m.tls() != DeliverySettings.TlsLevel.NONE);
        if (!wanted) {
            return CompletableFuture.completedFuture(Map.of());
        }
        List<String> names = t.targets().stream().map(Target::hostName).distinct().toList();
        return tlsa.forHosts(m.domain(), names, m.port());
    }

    /**
     * Each target with its host's DANE policy. Left out, and counted once per host for the TLS
     * reports: a host whose TLSA records could not be looked up ({@code dnssec-invalid}), and,
     * when DANE is {@code required} ({@code dane-only}), a host without usable validated records
     * ({@code dane-required}).
     */
    private List<Target> withDane(Rows.QueuedMessage message, NextHop.Mx hop, List<Target> targets,
                                  Map<String, DaneHost> dane, boolean required) {
        List<Target> kept = new ArrayList<>();
        java.util.Set<String> leftOut = new java.util.HashSet<>();
        for (Target t : targets) {
            DaneHost policy = dane.get(t.hostName());
            boolean unavailable = policy instanceof DaneHost.Unavailable;
            if (!unavailable && (!required || policy instanceof DaneHost.Authenticated)) {
                kept.add(policy == null ? t : t.withDane(policy));
                continue;
            }
            String why = policy instanceof DaneHost.Unavailable u ? u.reason() : "no usable DNSSEC-validated TLSA records";
            log.info("{}: not trying {}: DANE{}: {}", message.id(), t, required ? " is required" : "", why);
            if (tlsCounts != null && leftOut.add(t.hostName())) {
                tlsCounts.countTlsa(hop.domain(), t.hostName(), daneRecords(policy),
                        unavailable ? TlsResultType.DNSSEC_INVALID : TlsResultType.DANE_REQUIRED, null, t.address());
            }
        }
        return kept;
    }

    /**
     * Whether the recipient domain's policies are set aside for this message: it says
     * {@code TLS-Required: No} (RFC 8689 §5), has no REQUIRETLS (which ignores the field, §4.1),
     * and there is a policy to set aside; the header section is read only then.
     */
    private static CompletableFuture<Boolean> waived(Rows.QueuedMessage message, ContentFacts facts, StsPolicy policy,
                                                     Map<String, DaneHost> dane) {
        if (message.requireTls() || (policy == null && dane.isEmpty())) {
            return CompletableFuture.completedFuture(false);
        }
        return facts.tlsOptional();
    }

    /**
     * For a REQUIRETLS message to MX hosts: whether the domain's MX records are DNSSEC-validated
     * (RFC 8689 §2: how an MX host may be trusted besides an MTA-STS policy that names it).
     */
    private CompletableFuture<Boolean> mxValidated(NextHop hop, Rows.QueuedMessage message) {
        if (!message.requireTls() || !(hop instanceof NextHop.Mx m)) {
            return CompletableFuture.completedFuture(false);
        }
        return dns.validated(m.domain(), org.xbill.DNS.Type.MX).thenApply(a -> a.secure()).exceptionally(e -> false);
    }

    /**
     * The MTA-STS policy that applies to a hop: only to MX delivery, when {@code mta_sts} is on
     * and the operator's {@code [delivery.tls_policy]} says nothing for the domain; else null.
     */
    private CompletableFuture<StsPolicy> policyFor(NextHop hop) {
        if (mtaSts == null || !(hop instanceof NextHop.Mx m) || settings.hasTlsPolicy(m.domain())) {
            return CompletableFuture.completedFuture(null);
        }
        return mtaSts.policyFor(m.domain());
    }

    private static void logOutcome(Rows.QueuedMessage message, RecipientOutcome o, String relay, String tls) {
        double delay = Duration.between(message.receivedAt(), Instant.now()).toMillis() / 1000.0;
        String status = switch (o.kind()) {
            case DELIVERED -> "sent";
            case DEFERRED -> "deferred";
            case FAILED -> "bounced";
        };
        log.info("{}: to=<{}>, relay={}, delay={}, tls={}, dsn={}, status={} ({})", message.id(), o.recipient().address(),
                relay, String.format("%.2f", delay), tls == null ? "none" : tls, o.status(), status, o.detail());
    }

    /** Idle cached connections, for tests. */
    int cachedConnections() {
        return cache.size();
    }

    @Override
    public void close() {
        housekeeping.shutdownNow();
        cache.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        blockingWork.shutdown();
    }
}
