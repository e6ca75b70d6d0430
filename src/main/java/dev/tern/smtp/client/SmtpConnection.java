package dev.tern.smtp.client;

import dev.tern.auth.client.SaslClientMechanism;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * One SMTP session from the client side (RFC 5321), made by {@link SmtpClient#connect}. Each
 * step is a method returning a future; steps are meant to be chained, one after the other (the
 * session is a conversation, not a queue: start a step when the previous one has completed).
 *
 * <pre>
 * conn.ehlo()                                   // EHLO, or HELO when the server refuses EHLO
 *     .thenCompose(c -&gt; conn.startTls())        // STARTTLS, handshake, EHLO again
 *     .thenCompose(c -&gt; conn.authenticate(mech))
 *     .thenCompose(r -&gt; conn.transaction(from, recipients, content))
 *     .thenCompose(t -&gt; conn.quit());
 * </pre>
 *
 * <p>Failures: a step fails with {@link SmtpClientException} when the session cannot go on as
 * asked (connection lost, timeout, TLS failure, malformed reply, a refused EHLO/STARTTLS/AUTH).
 * Refusals that belong to one transaction (MAIL, RCPT, DATA) are returned as replies, not
 * thrown, and the session stays usable ({@link #reset()}). A timeout or protocol error closes
 * the connection: a late reply would put client and server out of step.
 *
 * <p>Threads: Netty's I/O thread reads and writes; futures complete on the client's
 * blocking-work executor, so dependent stages never run on (or block) the I/O thread. SASL steps
 * and content reading run on that executor as well.
 *
 * <p>Security: after the server's 220 to STARTTLS, any input already received in plaintext is a
 * command-injection attempt (CVE-2011-0411 style) and ends the session. Capabilities learned
 * before TLS are forgotten once it starts. SASL responses never reach the transcript.
 */
public final class SmtpConnection implements AutoCloseable {

    /** RFC 5321 §4.5.3.1.4: a command line is at most 512 octets with its CRLF; RFC 4954 holds AUTH to it. */
    static final int MAX_COMMAND_LINE = 510;
    /** What the transcript shows instead of a SASL response. */
    static final String REDACTED = "<redacted>";

    private final CommandPipeline pipe;
    private final String serverName;
    private final SmtpClientSettings settings;
    private volatile Capabilities capabilities = Capabilities.NONE;
    private volatile SSLSession tlsSession;

    SmtpConnection(Channel channel, String serverName, SmtpClientSettings settings, Executor executor,
                   TranscriptListener transcript) {
        this.pipe = new CommandPipeline(channel, serverName, executor, transcript, settings.timeouts().greeting());
        this.serverName = serverName;
        this.settings = settings;
    }

    // ---- state ---------------------------------------------------------------------------------

    /** The server's 220 greeting. */
    public ServerReply greeting() {
        return pipe.greetingNow();
    }

    /** What the last EHLO announced ({@link Capabilities#NONE} before EHLO, after HELO, and right after STARTTLS). */
    public Capabilities capabilities() {
        return capabilities;
    }

    /** The name the server is known by: the host name given to connect, checked against its certificate. */
    public String serverName() {
        return serverName;
    }

    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) pipe.channel().remoteAddress();
    }

    /** This side's address: the one the server sees. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) pipe.channel().localAddress();
    }

    /** True once TLS is established (implicit TLS, or STARTTLS done). */
    public boolean isTls() {
        return tlsSession != null;
    }

    /** The TLS session (protocol, cipher suite, peer certificates), or null without TLS. */
    public SSLSession tlsSession() {
        return tlsSession;
    }

    /** True while the session can take another step. */
    public boolean isOpen() {
        return pipe.channel().isActive() && pipe.failure() == null;
    }

    // ---- steps ---------------------------------------------------------------------------------

    /**
     * EHLO with the configured name; when the server refuses it with a 5xx (an old server without
     * ESMTP), HELO instead, and the capabilities are {@link Capabilities#NONE}.
     */
    public CompletableFuture<Capabilities> ehlo() {
        String name = settings.ehloName();
        return send("EHLO " + name, settings.timeouts().command()).thenCompose(r -> {
            if (r.isPositive()) {
                capabilities = Capabilities.fromEhlo(r);
                return CompletableFuture.completedFuture(capabilities);
            }
            if (!r.isPermanent()) {
                throw rejected("EHLO", r);
            }
            return send("HELO " + name, settings.timeouts().command()).thenApply(h -> {
                if (!h.isPositive()) {
                    throw rejected("HELO", h);
                }
                capabilities = Capabilities.NONE;
                return capabilities;
            });
        });
    }

    /**
     * STARTTLS (RFC 3207), the TLS handshake with the client's {@link TlsSettings}, then EHLO again
     * (RFC 3207 §4.2: what the server announced before TLS no longer counts).
     */
    public CompletableFuture<Capabilities> startTls() {
        if (isTls()) {
            return CompletableFuture.failedFuture(new IllegalStateException("TLS is already active"));
        }
        if (!capabilities.startTls()) {
            return CompletableFuture.failedFuture(new SmtpClientException(SmtpClientException.Kind.UNSUPPORTED,
                    serverName + " does not offer STARTTLS"));
        }
        CompletableFuture<SSLSession> handshake = new CompletableFuture<>();
        return pipe.send(List.of(CommandPipeline.Command.of("STARTTLS", settings.timeouts().command())), r -> {
            if (r.code() == 220) {
                beginTls(handshake);
            }
        }).get(0).thenCompose(r -> {
            if (r.code() != 220) {
                throw rejected("STARTTLS", r);
            }
            return pipe.offIoThread(handshake);
        }).thenCompose(session -> ehlo());
    }

    /** What {@link #envelope} says a server lacks when a REQUIRETLS message cannot go to it. */
    public static final String REQUIRETLS_MISSING = "REQUIRETLS (RFC 8689) over TLS";

    /**
     * AUTH (RFC 4954) with one SASL mechanism. The initial response goes on the AUTH line when the
     * mechanism has one and the line stays within 512 octets; otherwise after the first empty 334.
     * A mechanism that fails on the client's side (a forged SCRAM server signature) cancels the
     * exchange with "*".
     *
     * @return the 235 reply
     * @throws SmtpClientException (in the future) of kind AUTH when the server refuses, or the server did not prove itself
     */
    public CompletableFuture<ServerReply> authenticate(SaslClientMechanism mechanism) {
        return new AuthExchange(this, mechanism).run().whenComplete((r, e) -> mechanism.dispose());
    }

    /**
     * MAIL and one RCPT per recipient. With PIPELINING (RFC 2920) they go out together and the
     * replies are read in order; without it, one at a time, stopping after a refused MAIL.
     * Parameters the server did not announce are left out (SIZE, DSN's); those the message cannot
     * do without (SMTPUTF8, 8BITMIME, BINARYMIME, REQUIRETLS over TLS) fail the step with kind UNSUPPORTED before anything is sent.
     */
    public CompletableFuture<EnvelopeResult> envelope(MailFrom from, List<RcptTo> recipients) {
        if (recipients.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("a transaction needs at least one recipient"));
        }
        boolean utf8 = from.smtpUtf8() || (from.sender() != null && from.sender().needsUtf8())
                || recipients.stream().anyMatch(r -> r.recipient().needsUtf8());
        Capabilities caps = capabilities;
        String missing = utf8 && !caps.smtpUtf8() ? "SMTPUTF8 (RFC 6531), needed for UTF-8 addresses or headers"
                : "8BITMIME".equals(from.body()) && !caps.eightBitMime() ? "8BITMIME (RFC 6152), needed for 8-bit content"
                : "BINARYMIME".equals(from.body()) && !(caps.binaryMime() && caps.chunking()) ? "BINARYMIME and CHUNKING (RFC 3030)"
                : from.requireTls() && !(isTls() && caps.has("REQUIRETLS")) ? REQUIRETLS_MISSING
                : null;
        if (missing != null) {
            return CompletableFuture.failedFuture(new SmtpClientException(SmtpClientException.Kind.UNSUPPORTED,
                    serverName + " does not offer " + missing));
        }
        List<CommandPipeline.Command> commands = new ArrayList<>();
        commands.add(CommandPipeline.Command.of(mailLine(from.withSmtpUtf8(utf8), caps), settings.timeouts().mail()));
        for (RcptTo r : recipients) {
            commands.add(CommandPipeline.Command.of(rcptLine(r, caps), settings.timeouts().rcpt()));
        }
        if (caps.pipelining()) {
            List<CompletableFuture<ServerReply>> replies = pipe.send(commands, null);
            return CompletableFuture.allOf(replies.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
                List<EnvelopeResult.RecipientReply> rr = new ArrayList<>();
                for (int i = 0; i < recipients.size(); i++) {
                    rr.add(new EnvelopeResult.RecipientReply(recipients.get(i), replies.get(i + 1).join()));
                }
                return new EnvelopeResult(replies.get(0).join(), rr);
            });
        }
        return pipe.send(commands.subList(0, 1), null).get(0).thenCompose(mail -> {
            List<EnvelopeResult.RecipientReply> rr = new ArrayList<>();
            if (!mail.isPositive()) {
                recipients.forEach(r -> rr.add(new EnvelopeResult.RecipientReply(r, null)));
                return CompletableFuture.completedFuture(new EnvelopeResult(mail, rr));
            }
            return rcptOneByOne(commands, recipients, 0, rr).thenApply(v -> new EnvelopeResult(mail, rr));
        });
    }

    /**
     * DATA, the content (line endings repaired, dot-stuffed, streamed in blocks), the final ".".
     *
     * @return the reply that decides the message: the one after the final "." (2xx: the server
     *         took responsibility), or the refusal of DATA itself when it was not 354
     */
    public CompletableFuture<ServerReply> data(MessageContent content) {
        return send("DATA", settings.timeouts().dataInitiation()).thenCompose(r ->
                r.code() != 354 ? CompletableFuture.completedFuture(r) : new ContentSender(pipe, settings.timeouts()).data(content));
    }

    /**
     * The content in BDAT chunks (RFC 3030), each answered before the next is sent; the last is
     * {@code BDAT n LAST}. Needs CHUNKING. Text content gets its line endings repaired;
     * {@code binary} content (BODY=BINARYMIME) goes unchanged.
     *
     * @return the reply to the last chunk, or the first refusal of a chunk
     */
    public CompletableFuture<ServerReply> bdat(MessageContent content, boolean binary) {
        if (!capabilities.chunking()) {
            return CompletableFuture.failedFuture(new SmtpClientException(SmtpClientException.Kind.UNSUPPORTED,
                    serverName + " does not offer CHUNKING (RFC 3030)"));
        }
        return new ContentSender(pipe, settings.timeouts()).chunks(content, binary);
    }

    /**
     * One whole transaction: {@link #envelope}, then the content to the accepted recipients
     * ({@link #data}, or {@link #bdat} for BODY=BINARYMIME), or RSET when none was accepted.
     */
    public CompletableFuture<TransactionResult> transaction(MailFrom from, List<RcptTo> recipients, MessageContent content) {
        return envelope(from, recipients).thenCompose(env -> {
            if (env.accepted().isEmpty()) {
                return reset().thenApply(r -> new TransactionResult(env, null));
            }
            CompletableFuture<ServerReply> sent = "BINARYMIME".equals(from.body()) ? bdat(content, true) : data(content);
            return sent.thenApply(r -> new TransactionResult(env, r));
        });
    }

    /** RSET: abandons the current transaction. */
    public CompletableFuture<ServerReply> reset() {
        return send("RSET", settings.timeouts().command()).thenApply(r -> {
            if (!r.isPositive()) {
                throw rejected("RSET", r);
            }
            return r;
        });
    }

    /** NOOP: checks that the session is alive (before reusing a cached connection). */
    public CompletableFuture<ServerReply> noop() {
        return send("NOOP", settings.timeouts().command());
    }

    /** QUIT, then closes the connection whatever the reply. */
    public CompletableFuture<ServerReply> quit() {
        pipe.quitting();
        return send("QUIT", settings.timeouts().command()).whenComplete((r, e) -> pipe.channel().close());
    }

    /** Closes the connection at once, without QUIT. */
    @Override
    public void close() {
        pipe.quitting();
        pipe.channel().close();
    }

    // ---- what the steps share ---------------------------------------------------------------------

    CompletableFuture<ServerReply> send(String line, Duration timeout) {
        return pipe.send(line, line, timeout);
    }

    CompletableFuture<ServerReply> send(String line, String shown, Duration timeout) {
        return pipe.send(line, shown, timeout);
    }

    SmtpClientSettings settings() {
        return settings;
    }

    Executor executor() {
        return pipe.executor();
    }

    CommandPipeline pipeline() {
        return pipe;
    }

    private CompletableFuture<Void> rcptOneByOne(List<CommandPipeline.Command> commands, List<RcptTo> recipients, int i,
                                                 List<EnvelopeResult.RecipientReply> out) {
        if (i == recipients.size()) {
            return CompletableFuture.completedFuture(null);
        }
        return pipe.send(commands.subList(i + 1, i + 2), null).get(0).thenCompose(r -> {
            out.add(new EnvelopeResult.RecipientReply(recipients.get(i), r));
            return rcptOneByOne(commands, recipients, i + 1, out);
        });
    }

    static String mailLine(MailFrom from, Capabilities caps) {
        StringBuilder sb = new StringBuilder("MAIL FROM:").append(from.reversePath());
        if (from.size() > 0 && caps.size()) {
            sb.append(" SIZE=").append(from.size());
        }
        if (from.body() != null && (caps.eightBitMime() || !from.body().equals("7BIT"))) {
            sb.append(" BODY=").append(from.body());
        }
        if (from.smtpUtf8()) {
            sb.append(" SMTPUTF8");
        }
        if (caps.dsn()) {
            if (from.ret() != null) {
                sb.append(" RET=").append(from.ret().name());
            }
            if (from.envId() != null) {
                sb.append(" ENVID=").append(from.envId());
            }
        }
        if (from.requireTls()) {
            sb.append(" REQUIRETLS");
        }
        return sb.toString();
    }

    static String rcptLine(RcptTo rcpt, Capabilities caps) {
        StringBuilder sb = new StringBuilder("RCPT TO:<").append(rcpt.recipient()).append('>');
        if (caps.dsn()) {
            if (!rcpt.notifyOn().isEmpty()) {
                sb.append(" NOTIFY=").append(String.join(",", sorted(rcpt.notifyOn())));
            }
            if (rcpt.orcpt() != null) {
                sb.append(" ORCPT=").append(rcpt.orcpt());
            }
        }
        return sb.toString();
    }

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }

    SmtpClientException rejected(String command, ServerReply reply) {
        return new SmtpClientException(SmtpClientException.Kind.REJECTED, serverName + " refused " + command + ": " + reply, reply);
    }

    // ---- TLS -------------------------------------------------------------------------------------

    /** Installs TLS in front of the reply reader, on the I/O thread, right after the 220 to STARTTLS. */
    private void beginTls(CompletableFuture<SSLSession> handshake) {
        if (pipe.hasBufferedInput()) {
            throw new SmtpClientException(SmtpClientException.Kind.PROTOCOL, serverName
                    + " sent more data after its reply to STARTTLS, before TLS started (a command injection attempt?)");
        }
        capabilities = Capabilities.NONE;
        SslHandler tls = newSslHandler();
        pipe.channel().pipeline().addBefore("smtp", "tls", tls);
        tls.handshakeFuture().addListener(f -> {
            if (f.isSuccess()) {
                tlsEstablished(tls);
                handshake.complete(tlsSession);
            } else {
                pipe.fail(Failures.classify(serverName, f.cause()));
                handshake.completeExceptionally(pipe.failure());
            }
        });
    }

    /** A TLS handler for this server: its name is checked against the certificate and sent as SNI. */
    SslHandler newSslHandler() {
        try {
            InetSocketAddress remote = (InetSocketAddress) pipe.channel().remoteAddress();
            int port = remote == null ? 0 : remote.getPort();
            SslHandler h = settings.tls().sslContext().newHandler(pipe.channel().alloc(), serverName, port, pipe.executor());
            h.setHandshakeTimeoutMillis(settings.timeouts().command().toMillis());
            return h;
        } catch (SSLException e) {
            throw new SmtpClientException(SmtpClientException.Kind.TLS, "cannot set up TLS: " + e.getMessage(), null, e);
        }
    }

    void tlsEstablished(SslHandler tls) {
        tlsSession = tls.engine().getSession();
        pipe.transcript().note("TLS started: " + tlsSession.getProtocol() + ", " + tlsSession.getCipherSuite() + "; "
                + (settings.tls().isInsecure() ? "certificate NOT verified (insecure)"
                : "certificate verified for " + serverName));
    }
}
