package dev.tern.delivery.remote;

import dev.tern.auth.client.ClientMechanisms;
import dev.tern.auth.client.SaslClientMechanism;
import dev.tern.config.DeliverySettings.Smarthost;
import dev.tern.config.DeliverySettings.SmarthostTls;
import dev.tern.config.DeliverySettings.TlsLevel;
import dev.tern.delivery.RecipientOutcome;
import dev.tern.delivery.dane.DaneHost;
import dev.tern.delivery.dane.DaneVerifier;
import dev.tern.delivery.tlsrpt.TlsResultType;
import dev.tern.mail.DsnRet;
import dev.tern.mail.IpAddresses;
import dev.tern.mail.MailAddress;
import dev.tern.routing.NextHop;
import dev.tern.smtp.client.Capabilities;
import dev.tern.smtp.client.EnvelopeResult;
import dev.tern.smtp.client.MailFrom;
import dev.tern.smtp.client.MessageContent;
import dev.tern.smtp.client.RcptTo;
import dev.tern.smtp.client.ServerReply;
import dev.tern.smtp.client.SmtpClient;
import dev.tern.smtp.client.SmtpClientException;
import dev.tern.smtp.client.SmtpConnection;
import dev.tern.smtp.client.TranscriptListener;
import dev.tern.smtp.client.TransactionResult;
import dev.tern.store.Rows;
import dev.tern.tracking.Relay;

import javax.net.ssl.SSLPeerUnverifiedException;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One attempt to hand one message to one next hop: its targets are tried in order until one
 * takes responsibility for the message or refuses it, as RFC 5321 §5.1 asks. A failure to
 * connect, a refusing greeting, a failed TLS handshake or AUTH move on to the next target; what
 * a server answers inside the transaction decides per recipient (2xx delivered, 4xx deferred, 5xx
 * failed). When every target fails, the recipients are deferred with the last reason.
 *
 * <p>TLS per level: {@code may} uses STARTTLS when offered without checking the certificate and,
 * when the handshake fails, tries the same address again in plaintext (as Postfix does);
 * {@code encrypt} and {@code verify} never send mail in plaintext.
 */
final class SmtpDeliveryAttempt {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger("dev.tern.delivery");

    /** Which clients to connect with: certificates checked, or not. */
    record Clients(SmtpClient verifying, SmtpClient unverified) {
    }

    /**
     * Told how each new session's TLS negotiation went, for the TLS reports: {@code resultType}
     * null when it went encrypted, else an RFC 8460 result type.
     */
    interface TlsSessions {
        TlsSessions NONE = (target, local, resultType) -> { };

        void negotiated(Target target, InetSocketAddress local, String resultType);
    }

    /** An open session ready for MAIL, and how it came to be. */
    private record Session(SmtpConnection connection, int uses, String cacheKey, Target target) {
    }

    private final Clients clients;
    private final ConnectionCache cache;
    private final NextHop hop;
    private final List<Target> targets;
    private final Rows.QueuedMessage message;
    private final List<Rows.QueueRecipient> recipients;
    private final MessageContent content;
    private final long contentSize;
    /** What the content needs from the server, whatever the sender declared. */
    private final ContentFacts facts;
    private final TranscriptListener transcript;
    private final TlsSessions tlsSessions;
    /** Set when the message went over TLS, for the delivery log. */
    private volatile String tlsUsed;
    private volatile String relay;
    private volatile Target reached;
    /** Hosts reached over verified TLS that did not offer REQUIRETLS, for a REQUIRETLS message. */
    private int withoutRequireTls;

    SmtpDeliveryAttempt(Clients clients, ConnectionCache cache, NextHop hop, List<Target> targets,
                        Rows.QueuedMessage message, List<Rows.QueueRecipient> recipients, MessageContent content,
                        long contentSize, ContentFacts facts, TranscriptListener transcript, TlsSessions tlsSessions) {
        this.clients = clients;
        this.cache = cache;
        this.hop = hop;
        this.targets = targets;
        this.message = message;
        this.recipients = recipients;
        this.content = content;
        this.contentSize = contentSize;
        this.facts = facts;
        this.transcript = transcript;
        this.tlsSessions = tlsSessions;
    }

    /** Whether the session may carry a REQUIRETLS message: TLS, and the server announced REQUIRETLS. */
    private static boolean offersRequireTls(SmtpConnection c) {
        return c.isTls() && c.capabilities().has("REQUIRETLS");
    }

    /** The host that answered, for the log ("mx.example.org[192.0.2.1]:25"), or null. */
    String relay() {
        return relay;
    }

    /** For the delivery log: the TLS protocol and cipher the message travelled with (null for plaintext), and whether the certificate matched the host's TLSA records. */
    String tlsLogged() {
        Target t = reached;
        return tlsUsed == null ? null
                : t != null && t.dane() instanceof DaneHost.Authenticated ? tlsUsed + " (DANE)" : tlsUsed;
    }

    /** The server the transaction ran with, for the delivery events; {@link Relay#none()} when none was reached. */
    Relay reached() {
        Target t = reached;
        return t == null ? Relay.none() : new Relay(t.hostName(), IpAddresses.format(t.address().getAddress()), tlsUsed);
    }

    CompletableFuture<List<RecipientOutcome>> run() {
        return tryTarget(0, null);
    }

    private CompletableFuture<List<RecipientOutcome>> tryTarget(int index, Throwable lastFailure) {
        if (index >= targets.size()) {
            if (withoutRequireTls == targets.size() && !targets.isEmpty()) {
                // RFC 8689: every host was reached over verified TLS, and none takes REQUIRETLS.
                return CompletableFuture.completedFuture(all(RecipientOutcome.Kind.FAILED, "5.7.30",
                        lastFailure.getMessage().replaceFirst("^5\\.7\\.30 ", ""), targets.get(index - 1).hostName()));
            }
            return CompletableFuture.completedFuture(deferAll(lastFailure));
        }
        Target target = targets.get(index);
        return openSession(target, false)
                .handle((session, failure) -> {
                    if (failure == null) {
                        if (message.requireTls() && !offersRequireTls(session.connection())) {
                            // Still a good connection for other mail; this message tries the next host.
                            cache.offer(session.cacheKey(), session.connection(), session.uses());
                            withoutRequireTls++;
                            relay = target.toString();
                            log.info("{}: not sent to {}: REQUIRETLS is required, and it does not offer it",
                                    message.id(), target);
                            return tryTarget(index + 1, new SmtpClientException(SmtpClientException.Kind.UNSUPPORTED,
                                    "5.7.30 REQUIRETLS is required, and " + target.hostName() + " does not offer it"));
                        }
                        return transact(session);
                    }
                    Throwable cause = unwrap(failure);
                    if (levelOf(target) == TlsLevel.MAY && !message.requireTls() && cause instanceof SmtpClientException e
                            && e.kind() == SmtpClientException.Kind.TLS) {
                        // Opportunistic TLS that fails is no reason to keep mail back: plaintext, as Postfix does.
                        return openSession(target, true).handle((plain, again) -> again == null ? transact(plain)
                                : tryTarget(index + 1, unwrap(again))).thenCompose(f -> f);
                    }
                    return tryTarget(index + 1, cause);
                })
                .thenCompose(f -> f);
    }

    // ---- the session ---------------------------------------------------------------------------

    /**
     * The TLS level of a target: the hop's, except for a host with DANE records, which requires
     * STARTTLS and has its certificate checked against them rather than against the CAs; a host
     * without them under a {@code dane} policy gets opportunistic TLS.
     */
    private TlsLevel levelOf(Target target) {
        if (target.dane() != null) {
            return TlsLevel.ENCRYPT;
        }
        return hop.tls().dane() ? TlsLevel.MAY : hop.tls();
    }

    private CompletableFuture<Session> openSession(Target target, boolean plaintext) {
        TlsLevel level = plaintext ? TlsLevel.NONE : levelOf(target);
        Smarthost relayHost = hop instanceof NextHop.Relay r ? r.smarthost() : null;
        boolean implicitTls = relayHost != null && relayHost.tls() == SmarthostTls.TLS;
        // A session checked against TLSA records is kept apart from one that was not.
        String key = target.address() + "|" + level + (target.dane() instanceof DaneHost.Authenticated ? "+dane" : "")
                + "|" + (relayHost == null ? "" : relayHost.username());
        ConnectionCache.Cached cached = cache.take(key);
        if (cached != null) {
            return CompletableFuture.completedFuture(new Session(cached.connection(), cached.uses(), key, target));
        }
        SmtpClient client = level == TlsLevel.VERIFY ? clients.verifying() : clients.unverified();
        // RFC 7672 §8.1: under DANE the name sent in SNI is the TLSA base domain (the end of the MX
        // host's CNAME chain), which the server's certificate is chosen for.
        String serverName = target.dane() instanceof DaneHost.Authenticated a ? a.baseDomain() : target.hostName();
        return client.connect(serverName, target.address(), implicitTls, transcript).thenCompose(c ->
                c.ehlo().thenCompose(caps -> startTls(c, caps, level, implicitTls))
                        .thenCompose(caps -> daneCheck(c, target, caps))
                        .whenComplete((caps, e) -> countTls(target, c, level, implicitTls, e))
                        .thenCompose(caps -> authenticate(c, caps, relayHost))
                        .thenApply(v -> new Session(c, 0, key, target))
                        .whenComplete((s, e) -> {
                            if (e != null) {
                                c.close();
                            }
                        }));
    }

    /**
     * Reports how a new session's STARTTLS went: encrypted, not offered, or failed and why. Not
     * counted: sessions that never try TLS (level none, the plaintext retry after a failed
     * handshake, implicit TLS to a smarthost) and failures before STARTTLS.
     */
    private void countTls(Target target, SmtpConnection c, TlsLevel level, boolean implicitTls, Throwable failure) {
        if (implicitTls || level == TlsLevel.NONE) {
            return;
        }
        String type = failure == null ? (c.isTls() ? null : TlsResultType.STARTTLS_NOT_SUPPORTED)
                : TlsResultType.of(unwrap(failure));
        if (failure != null && type == null) {
            return;
        }
        try {
            tlsSessions.negotiated(target, c.localAddress(), type);
        } catch (RuntimeException e) {
            // Counting is never a reason for a delivery to fail.
            log.warn("TLS session with {} not counted: {}", target, e.toString());
        }
    }

    private CompletableFuture<Capabilities> startTls(SmtpConnection c, Capabilities caps, TlsLevel level, boolean implicitTls) {
        if (implicitTls || level == TlsLevel.NONE) {
            return CompletableFuture.completedFuture(caps);
        }
        if (!caps.startTls()) {
            if (level == TlsLevel.MAY) {
                return CompletableFuture.completedFuture(caps);
            }
            return CompletableFuture.failedFuture(new SmtpClientException(SmtpClientException.Kind.UNSUPPORTED,
                    "4.7.4 TLS is required, but was not offered by " + c.serverName()));
        }
        return c.startTls();
    }

    /**
     * For a host with usable TLSA records, the certificate chain it presented must match one
     * (RFC 7672 §3); a mismatch fails the session like a failed handshake, so the next host is
     * tried and the mail never goes in plaintext.
     */
    private CompletableFuture<Capabilities> daneCheck(SmtpConnection c, Target target, Capabilities caps) {
        if (!(target.dane() instanceof DaneHost.Authenticated dane)) {
            return CompletableFuture.completedFuture(caps);
        }
        List<X509Certificate> chain = new ArrayList<>();
        try {
            for (java.security.cert.Certificate cert : c.tlsSession().getPeerCertificates()) {
                if (cert instanceof X509Certificate x) {
                    chain.add(x);
                }
            }
        } catch (SSLPeerUnverifiedException e) {
            // No chain: reported as a mismatch below.
        }
        Optional<DaneVerifier.Mismatch> mismatch = DaneVerifier.check(chain, dane, Instant.now());
        if (mismatch.isEmpty()) {
            return CompletableFuture.completedFuture(caps);
        }
        DaneVerifier.Mismatch m = mismatch.get();
        return CompletableFuture.failedFuture(new SmtpClientException(SmtpClientException.Kind.TLS,
                "4.7.5 TLS with " + target + " failed DANE authentication: " + m.reason(), null,
                new TlsResultType.Known(m.resultType(), m.reason())));
    }

    private CompletableFuture<Void> authenticate(SmtpConnection c, Capabilities caps, Smarthost relayHost) {
        if (relayHost == null || relayHost.username() == null) {
            return CompletableFuture.completedFuture(null);
        }
        if (!c.isTls()) {
            return CompletableFuture.failedFuture(new SmtpClientException(SmtpClientException.Kind.UNSUPPORTED,
                    "4.7.0 not sending the smarthost password without TLS"));
        }
        String mechanism = caps.authMechanisms().contains("PLAIN") ? "PLAIN"
                : caps.authMechanisms().contains("LOGIN") ? "LOGIN" : null;
        if (mechanism == null) {
            return CompletableFuture.failedFuture(new SmtpClientException(SmtpClientException.Kind.UNSUPPORTED,
                    "4.7.0 " + c.serverName() + " offers neither AUTH PLAIN nor LOGIN"));
        }
        SaslClientMechanism m = ClientMechanisms.forPassword(mechanism, relayHost.username(), relayHost.password());
        return c.authenticate(m).thenApply(r -> null);
    }

    // ---- the transaction -----------------------------------------------------------------------

    private CompletableFuture<List<RecipientOutcome>> transact(Session s) {
        SmtpConnection c = s.connection();
        Capabilities caps = c.capabilities();
        String remote = s.target().hostName();
        relay = s.target().toString();
        reached = s.target();
        tlsUsed = c.isTls() && c.tlsSession() != null ? c.tlsSession().getProtocol() + " " + c.tlsSession().getCipherSuite() : null;
        if (!caps.eightBitMime() && !"BINARYMIME".equals(message.bodyType())) {
            // A server without 8BITMIME: content that is all 7-bit goes as such, whatever was
            // declared; 8-bit content is converted to 7-bit when it can be (RFC 6152 §3). What
            // cannot be converted bounces when it was declared 8-bit (the client refuses to send
            // it), and goes as its sender sent it when it was declared 7-bit, as Postfix sends it.
            boolean declared8Bit = "8BITMIME".equals(message.bodyType());
            return facts.eightBit().thenCompose(eightBit -> !eightBit
                    ? transact(s, caps, declared8Bit ? "7BIT" : message.bodyType(), content, contentSize)
                    : facts.sevenBit().thenCompose(converted -> converted == null
                            ? transact(s, caps, message.bodyType(), content, contentSize)
                            : transact(s, caps, "7BIT", converted.content(), converted.size())));
        }
        return transact(s, caps, message.bodyType(), content, contentSize);
    }

    private CompletableFuture<List<RecipientOutcome>> transact(Session s, Capabilities caps, String body,
                                                               MessageContent content, long size) {
        SmtpConnection c = s.connection();
        String remote = s.target().hostName();
        if (caps.maxSize().isPresent() && caps.maxSize().getAsLong() > 0 && size > caps.maxSize().getAsLong()) {
            cache.offer(s.cacheKey(), c, s.uses());
            return CompletableFuture.completedFuture(all(RecipientOutcome.Kind.FAILED, "5.3.4",
                    "message size " + size + " exceeds the limit of " + caps.maxSize().getAsLong()
                            + " bytes announced by " + remote, remote));
        }
        MailFrom from = new MailFrom(message.sender() == null ? null : MailAddress.parse(message.sender()),
                size, body, message.smtpUtf8() && (caps.smtpUtf8() || facts.utf8Headers()),
                message.dsnRet() == null ? null : DsnRet.valueOf(message.dsnRet()), message.dsnEnvId(),
                message.requireTls());
        List<RcptTo> rcpts = new ArrayList<>();
        for (Rows.QueueRecipient r : recipients) {
            rcpts.add(new RcptTo(MailAddress.parse(r.address()), notifySet(r.dsnNotify()), r.dsnOrcpt()));
        }
        boolean remoteDsn = caps.dsn();
        return send(c, caps, from, rcpts, content).handle((result, failure) -> {
            if (failure != null) {
                c.close();
                Throwable cause = unwrap(failure);
                if (cause instanceof SmtpClientException e && e.kind() == SmtpClientException.Kind.UNSUPPORTED) {
                    // RFC 6531 §3.2, RFC 6152: what the message needs, the server cannot take.
                    String status = e.getMessage().contains(SmtpConnection.REQUIRETLS_MISSING) ? "5.7.30"
                            : e.getMessage().contains("SMTPUTF8") ? "5.6.7" : "5.6.3";
                    return all(RecipientOutcome.Kind.FAILED, status, e.getMessage(), remote);
                }
                return deferAll(cause);
            }
            cache.offer(s.cacheKey(), c, s.uses() + 1);
            return outcomes(result, remote, remoteDsn);
        });
    }

    /**
     * MAIL, RCPT (pipelined when offered), then the content to the accepted recipients: in BDAT
     * chunks when the server offers CHUNKING (RFC 3030: no dot-stuffing, no scanning for the end),
     * else DATA; RSET when nobody was accepted.
     */
    private CompletableFuture<TransactionResult> send(SmtpConnection c, Capabilities caps, MailFrom from,
                                                      List<RcptTo> rcpts, MessageContent content) {
        return c.envelope(from, rcpts).thenCompose(env -> {
            if (env.accepted().isEmpty()) {
                return c.reset().thenApply(r -> new TransactionResult(env, null));
            }
            boolean binary = "BINARYMIME".equals(message.bodyType());
            CompletableFuture<ServerReply> sent = caps.chunking() || binary ? c.bdat(content, binary) : c.data(content);
            return sent.thenApply(r -> new TransactionResult(env, r));
        });
    }

    private List<RecipientOutcome> outcomes(TransactionResult result, String remote, boolean remoteDsn) {
        EnvelopeResult env = result.envelope();
        List<RecipientOutcome> out = new ArrayList<>();
        for (int i = 0; i < recipients.size(); i++) {
            Rows.QueueRecipient r = recipients.get(i);
            ServerReply rcpt = env.recipients().get(i).reply();
            ServerReply decisive = !env.mailAccepted() ? env.mail()
                    : rcpt == null || !rcpt.isPositive() ? rcpt
                    : result.content();
            if (decisive == null) {
                out.add(RecipientOutcome.deferred(r, "4.4.2", "no reply from " + remote, remote));
            } else if (decisive.isPositive()) {
                out.add(new RecipientOutcome(r, RecipientOutcome.Kind.DELIVERED, status(decisive, "2.0.0"),
                        decisive.toString(), remote, remoteDsn));
            } else if (decisive.isPermanent()) {
                out.add(RecipientOutcome.failed(r, status(decisive, "5.0.0"), decisive.toString(), remote));
            } else {
                out.add(RecipientOutcome.deferred(r, status(decisive, "4.0.0"), decisive.toString(), remote));
            }
        }
        return out;
    }

    // ---- outcomes ------------------------------------------------------------------------------

    private List<RecipientOutcome> deferAll(Throwable failure) {
        String status = "4.4.1";
        String why = "no server to try";
        String remote = null;
        if (failure instanceof SmtpClientException e) {
            if (e.reply() != null) {
                status = e.reply().isPermanent() ? "4.0.0" : status(e.reply(), "4.0.0");
                why = e.reply().toString();
            } else {
                why = e.getMessage();
                status = switch (e.kind()) {
                    case CONNECT -> "4.4.1";
                    case TIMEOUT, CLOSED -> "4.4.2";
                    case TLS -> "4.7.5";
                    case UNSUPPORTED -> why.startsWith("4.7.4") ? "4.7.4" : "4.7.0";
                    default -> "4.4.0";
                };
                why = why.replaceFirst("^4\\.\\d\\.\\d+ ", "");
            }
        } else if (failure != null) {
            why = "local error while delivering";
            status = "4.3.0";
        }
        return all(RecipientOutcome.Kind.DEFERRED, status, why, remote);
    }

    private List<RecipientOutcome> all(RecipientOutcome.Kind kind, String status, String why, String remote) {
        return recipients.stream().map(r -> new RecipientOutcome(r, kind, status, why, remote, false)).toList();
    }

    private static String status(ServerReply reply, String fallback) {
        if (reply.enhancedCode() != null) {
            return reply.enhancedCode();
        }
        return (reply.code() / 100) + fallback.substring(1);
    }

    private static Set<String> notifySet(String stored) {
        return stored == null ? Set.of() : new LinkedHashSet<>(Arrays.asList(stored.split(",")));
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
