package dev.tern.smtp.client;

import dev.tern.auth.client.SaslClientMechanism;
import dev.tern.mail.MailAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import javax.net.ssl.SSLSession;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

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

    /** Longest reply line accepted. RFC 5321 §4.5.3.1.5 says 512; real servers exceed it, so allow more, but not without bound. */
    static final int MAX_REPLY_LINE = 8192;
    /** RFC 5321 §4.5.3.1.4: a command line is at most 512 octets with its CRLF (RFC 4954 holds AUTH to it). */
    static final int MAX_COMMAND_LINE = 510;
    /** A guard against building nonsense: extensions (RFC 1870, 3461) let MAIL and RCPT grow past 512. */
    private static final int MAX_ANY_COMMAND = 4000;
    private static final int BLOCK = 64 * 1024;
    private static final int MAX_AUTH_ROUNDS = 16;
    static final String REDACTED = "<redacted>";

    private final Channel channel;
    private final String serverName;
    private final SmtpClientSettings settings;
    private final Executor executor;
    private final TranscriptListener transcript;
    private final CompletableFuture<ServerReply> greeting = new CompletableFuture<>();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();   // I/O thread only
    private final ReplyReader reader = new ReplyReader();
    private volatile Capabilities capabilities = Capabilities.NONE;
    private volatile SSLSession tlsSession;
    private volatile SmtpClientException failure;
    private volatile boolean quitting;

    /** A reply the session waits for. */
    private static final class Pending {
        final String what;
        final CompletableFuture<ServerReply> future;
        final Consumer<ServerReply> onIoThread;
        ScheduledFuture<?> timer;

        Pending(String what, CompletableFuture<ServerReply> future, Consumer<ServerReply> onIoThread) {
            this.what = what;
            this.future = future;
            this.onIoThread = onIoThread;
        }
    }

    /** A command line as sent, as shown in the transcript, and how long to wait for its reply. */
    private record Command(String line, String shown, Duration timeout) {
    }

    SmtpConnection(Channel channel, String serverName, SmtpClientSettings settings, Executor executor,
                   TranscriptListener transcript) {
        this.channel = channel;
        this.serverName = serverName;
        this.settings = settings;
        this.executor = executor;
        this.transcript = transcript;
    }

    // ---- state ---------------------------------------------------------------------------------

    /** The server's 220 greeting. */
    public ServerReply greeting() {
        return greeting.getNow(null);
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
        return (InetSocketAddress) channel.remoteAddress();
    }

    /** True once TLS is established (implicit TLS, or STARTTLS done). */
    public boolean isTls() {
        return tlsSession != null;
    }

    /** The TLS session (protocol, cipher suite, peer certificates), or null without TLS. */
    public SSLSession tlsSession() {
        return tlsSession;
    }

    public boolean isOpen() {
        return channel.isActive() && failure == null;
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
        return send(List.of(new Command("STARTTLS", "STARTTLS", settings.timeouts().command())), r -> {
            if (r.code() == 220) {
                beginTls(handshake);
            }
        }).get(0).thenCompose(r -> {
            if (r.code() != 220) {
                throw rejected("STARTTLS", r);
            }
            return handshake;
        }).thenCompose(session -> ehlo());
    }

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
     * do without (SMTPUTF8, 8BITMIME, BINARYMIME) fail the step with kind UNSUPPORTED before anything is sent.
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
                : null;
        if (missing != null) {
            return CompletableFuture.failedFuture(new SmtpClientException(SmtpClientException.Kind.UNSUPPORTED,
                    serverName + " does not offer " + missing));
        }
        List<Command> commands = new ArrayList<>();
        commands.add(command(mailLine(from.withSmtpUtf8(utf8), caps), settings.timeouts().mail()));
        for (RcptTo r : recipients) {
            commands.add(command(rcptLine(r, caps), settings.timeouts().rcpt()));
        }
        if (caps.pipelining()) {
            List<CompletableFuture<ServerReply>> replies = send(commands, null);
            return CompletableFuture.allOf(replies.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
                List<EnvelopeResult.RecipientReply> rr = new ArrayList<>();
                for (int i = 0; i < recipients.size(); i++) {
                    rr.add(new EnvelopeResult.RecipientReply(recipients.get(i), replies.get(i + 1).join()));
                }
                return new EnvelopeResult(replies.get(0).join(), rr);
            });
        }
        return send(commands.subList(0, 1), null).get(0).thenCompose(mail -> {
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
        return send("DATA", settings.timeouts().dataInitiation()).thenCompose(r -> {
            if (r.code() != 354) {
                return CompletableFuture.completedFuture(r);
            }
            ContentEncoder encoder = new ContentEncoder(ContentEncoder.Mode.DATA);
            return stream(content, encoder, this::write).thenCompose(v -> {
                byte[] end = encoder.finish();
                long octets = encoder.octets();
                return sendRaw(end, "end of data", settings.timeouts().dataTermination(), () -> {
                    transcript.contentSent(octets);
                    transcript.sent(".");
                });
            });
        });
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
        ContentEncoder encoder = new ContentEncoder(binary ? ContentEncoder.Mode.BINARY : ContentEncoder.Mode.CHUNKS);
        ServerReply[] refusal = new ServerReply[1];
        return stream(content, encoder, block -> chunk(block, false).thenAccept(r -> {
            if (!r.isPositive()) {
                refusal[0] = r;
                throw new CompletionException(new ChunkRefused());
            }
        })).handle((v, e) -> {
            if (e != null && !(unwrap(e) instanceof ChunkRefused)) {
                throw new CompletionException(unwrap(e));
            }
            return refusal[0];
        }).thenCompose(refused -> refused != null ? CompletableFuture.completedFuture(refused) : chunk(encoder.finish(), true));
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
        quitting = true;
        return send("QUIT", settings.timeouts().command()).whenComplete((r, e) -> channel.close());
    }

    /** Closes the connection at once, without QUIT. */
    @Override
    public void close() {
        quitting = true;
        channel.close();
    }

    // ---- commands and replies --------------------------------------------------------------------

    CompletableFuture<ServerReply> send(String line, Duration timeout) {
        return send(List.of(command(line, timeout)), null).get(0);
    }

    CompletableFuture<ServerReply> send(String line, String shown, Duration timeout) {
        return send(List.of(new Command(line, shown, timeout)), null).get(0);
    }

    SmtpClientSettings settings() {
        return settings;
    }

    Executor executor() {
        return executor;
    }

    private static Command command(String line, Duration timeout) {
        return new Command(line, line, timeout);
    }

    /** Writes the commands in one flush and returns one future per reply, in order. */
    private List<CompletableFuture<ServerReply>> send(List<Command> commands, Consumer<ServerReply> onIoThread) {
        List<CompletableFuture<ServerReply>> futures = new ArrayList<>();
        for (Command c : commands) {
            futures.add(new CompletableFuture<>());
        }
        for (Command c : commands) {
            if (c.line().length() > MAX_ANY_COMMAND || c.line().indexOf('\r') >= 0 || c.line().indexOf('\n') >= 0) {
                IllegalArgumentException e = new IllegalArgumentException("not a valid command line: " + c.shown());
                futures.forEach(f -> f.completeExceptionally(e));
                return futures;
            }
        }
        onIoThread(() -> {
            for (int i = 0; i < commands.size(); i++) {
                Command c = commands.get(i);
                String what = c.shown().equals(REDACTED) ? "an AUTH response" : c.shown().split(" ", 2)[0];
                if (!expect(what, futures.get(i), c.timeout(), i == 0 ? onIoThread : null)) {
                    continue;
                }
                channel.write(Unpooled.copiedBuffer(c.line() + "\r\n", StandardCharsets.UTF_8));
                transcript.sent(c.shown());
            }
            channel.flush();
        }, futures);
        return futures.stream().map(this::completeOffIoThread).toList();
    }

    /** Writes raw bytes and waits for one reply (the end of DATA, a BDAT chunk); {@code shown} tells the transcript. */
    private CompletableFuture<ServerReply> sendRaw(byte[] bytes, String what, Duration timeout, Runnable shown) {
        CompletableFuture<ServerReply> f = new CompletableFuture<>();
        onIoThread(() -> {
            if (expect(what, f, timeout, null)) {
                channel.writeAndFlush(Unpooled.wrappedBuffer(bytes));
                shown.run();
            }
        }, List.of(f));
        return completeOffIoThread(f);
    }

    private CompletableFuture<ServerReply> chunk(byte[] block, boolean last) {
        String line = "BDAT " + block.length + (last ? " LAST" : "");
        byte[] head = (line + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + block.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(block, 0, all, head.length, block.length);
        return sendRaw(all, "BDAT", last ? settings.timeouts().dataTermination() : settings.timeouts().dataBlock(), () -> {
            transcript.sent(line);
            transcript.contentSent(block.length);
        });
    }

    /** Registers a reply to wait for; false (and the future failed) when the session is already over. */
    private boolean expect(String what, CompletableFuture<ServerReply> future, Duration timeout, Consumer<ServerReply> onIoThread) {
        if (failure != null) {
            future.completeExceptionally(failure);
            return false;
        }
        Pending p = new Pending(what, future, onIoThread);
        p.timer = channel.eventLoop().schedule(() -> {
            if (pending.contains(p)) {
                fail(new SmtpClientException(SmtpClientException.Kind.TIMEOUT,
                        "no reply from " + serverName + " to " + what + " within " + human(timeout)));
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        pending.add(p);
        return true;
    }

    private void onReply(ServerReply reply) {
        Pending p = pending.poll();
        if (p == null) {
            if (reply.code() == 421) {
                fail(new SmtpClientException(SmtpClientException.Kind.CLOSED,
                        serverName + " is closing the connection: " + reply, reply));
            } else {
                fail(new SmtpClientException(SmtpClientException.Kind.PROTOCOL,
                        serverName + " sent a reply no command asked for: " + reply, reply));
            }
            return;
        }
        p.timer.cancel(false);
        if (p.onIoThread != null) {
            try {
                p.onIoThread.accept(reply);
            } catch (SmtpClientException e) {
                p.future.completeExceptionally(e);
                fail(e);
                return;
            }
        }
        p.future.complete(reply);
    }

    /** Ends the session with this failure: every reply waited for fails with it, and the connection closes. */
    void fail(SmtpClientException e) {
        if (!channel.eventLoop().inEventLoop()) {
            channel.eventLoop().execute(() -> fail(e));
            return;
        }
        if (failure == null) {
            failure = e;
        }
        failPending();
        channel.close();
    }

    private void failPending() {
        Pending p;
        while ((p = pending.poll()) != null) {
            p.timer.cancel(false);
            p.future.completeExceptionally(failure);
        }
    }

    private void onIoThread(Runnable task, List<CompletableFuture<ServerReply>> failOnReject) {
        try {
            channel.eventLoop().execute(task);
        } catch (RejectedExecutionException e) {
            SmtpClientException closed = new SmtpClientException(SmtpClientException.Kind.CLOSED, "the SMTP client is shut down");
            failOnReject.forEach(f -> f.completeExceptionally(closed));
        }
    }

    /** The same outcome, delivered on the executor so that callers' stages never run on the I/O thread. */
    private <T> CompletableFuture<T> completeOffIoThread(CompletableFuture<T> f) {
        CompletableFuture<T> out = new CompletableFuture<>();
        f.whenComplete((v, e) -> {
            Runnable r = () -> {
                if (e != null) {
                    out.completeExceptionally(unwrap(e));
                } else {
                    out.complete(v);
                }
            };
            try {
                executor.execute(r);
            } catch (RejectedExecutionException x) {
                r.run();
            }
        });
        return out;
    }

    // ---- content ---------------------------------------------------------------------------------

    private interface BlockSink {
        CompletableFuture<?> accept(byte[] block);
    }

    private static final class ChunkRefused extends RuntimeException {
        ChunkRefused() {
            super(null, null, false, false);
        }
    }

    /** Reads the content on the executor a block at a time; the next block is read once the previous one was taken. */
    private CompletableFuture<Void> stream(MessageContent content, ContentEncoder encoder, BlockSink sink) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        executor.execute(() -> {
            InputStream in;
            try {
                in = content.open();
            } catch (IOException | RuntimeException e) {
                done.completeExceptionally(contentFailure(e));
                return;
            }
            done.whenComplete((v, e) -> closeQuietly(in));
            pump(in, encoder, sink, done);
        });
        return done;
    }

    private void pump(InputStream in, ContentEncoder encoder, BlockSink sink, CompletableFuture<Void> done) {
        byte[] buf = new byte[BLOCK];
        int n;
        try {
            n = in.readNBytes(buf, 0, BLOCK);
        } catch (IOException | RuntimeException e) {
            done.completeExceptionally(contentFailure(e));
            return;
        }
        if (n == 0) {
            done.complete(null);
            return;
        }
        byte[] block = encoder.encode(buf, 0, n);
        sink.accept(block).whenComplete((v, e) -> {
            if (e != null) {
                done.completeExceptionally(unwrap(e));
            } else {
                try {
                    executor.execute(() -> pump(in, encoder, sink, done));
                } catch (RejectedExecutionException x) {
                    done.completeExceptionally(x);
                }
            }
        });
    }

    /** A half-sent message must never look complete to the server: the connection is closed without the final ".". */
    private SmtpClientException contentFailure(Exception e) {
        SmtpClientException x = new SmtpClientException(SmtpClientException.Kind.CLOSED,
                "the message content could not be read: " + e.getMessage(), null, e);
        fail(x);
        return x;
    }

    /** Writes a block of content; fails the session when the network does not take it within the data-block timeout. */
    private CompletableFuture<Void> write(byte[] block) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (failure != null) {
            f.completeExceptionally(failure);
            return f;
        }
        ChannelFuture written = channel.writeAndFlush(Unpooled.wrappedBuffer(block));
        Duration timeout = settings.timeouts().dataBlock();
        ScheduledFuture<?> timer = channel.eventLoop().schedule(() -> {
            if (!written.isDone()) {
                fail(new SmtpClientException(SmtpClientException.Kind.TIMEOUT,
                        "content not taken by " + serverName + " within " + human(timeout)));
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        written.addListener(w -> {
            timer.cancel(false);
            if (w.isSuccess()) {
                f.complete(null);
            } else {
                f.completeExceptionally(failure != null ? failure : classify(w.cause()));
            }
        });
        return f;
    }

    private CompletableFuture<Void> rcptOneByOne(List<Command> commands, List<RcptTo> recipients, int i,
                                                 List<EnvelopeResult.RecipientReply> out) {
        if (i == recipients.size()) {
            return CompletableFuture.completedFuture(null);
        }
        return send(commands.subList(i + 1, i + 2), null).get(0).thenCompose(r -> {
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

    // ---- TLS -------------------------------------------------------------------------------------

    /** Installs TLS in front of the reply reader, on the I/O thread, right after the 220 to STARTTLS. */
    private void beginTls(CompletableFuture<SSLSession> handshake) {
        if (reader.hasBufferedInput()) {
            throw new SmtpClientException(SmtpClientException.Kind.PROTOCOL, serverName
                    + " sent more data after its reply to STARTTLS, before TLS started (a command injection attempt?)");
        }
        capabilities = Capabilities.NONE;
        SslHandler tls = newSslHandler();
        channel.pipeline().addBefore("smtp", "tls", tls);
        tls.handshakeFuture().addListener(f -> {
            if (f.isSuccess()) {
                tlsEstablished(tls);
                handshake.complete(tlsSession);
            } else {
                SmtpClientException e = classify(f.cause());
                fail(e);
                handshake.completeExceptionally(failure);
            }
        });
    }

    SslHandler newSslHandler() {
        try {
            InetSocketAddress remote = (InetSocketAddress) channel.remoteAddress();
            int port = remote == null ? 0 : remote.getPort();
            SslHandler h = settings.tls().sslContext().newHandler(channel.alloc(), serverName, port, executor);
            h.setHandshakeTimeoutMillis(settings.timeouts().command().toMillis());
            return h;
        } catch (javax.net.ssl.SSLException e) {
            throw new SmtpClientException(SmtpClientException.Kind.TLS, "cannot set up TLS: " + e.getMessage(), null, e);
        }
    }

    void tlsEstablished(SslHandler tls) {
        tlsSession = tls.engine().getSession();
        transcript.note("TLS started: " + tlsSession.getProtocol() + ", " + tlsSession.getCipherSuite() + "; "
                + (settings.tls().isInsecure() ? "certificate NOT verified (insecure)"
                : "certificate verified for " + serverName));
    }

    /** Turns what Netty or the JDK threw into a failure a person can act on. */
    SmtpClientException classify(Throwable cause) {
        if (cause instanceof SmtpClientException e) {
            return e;
        }
        String all = messages(cause);
        if (hasCause(cause, io.netty.handler.ssl.SslHandshakeTimeoutException.class)) {
            return new SmtpClientException(SmtpClientException.Kind.TIMEOUT, "TLS handshake with " + serverName + " timed out",
                    null, cause);
        }
        if (hasCause(cause, javax.net.ssl.SSLException.class) || hasCause(cause, java.security.cert.CertificateException.class)) {
            String lower = all.toLowerCase(java.util.Locale.ROOT);
            String reason;
            if (lower.contains("no subject alternative") || lower.contains("no name matching")) {
                reason = "the server's certificate is not valid for the name " + serverName;
            } else if (lower.contains("pkix path") || lower.contains("certification path")) {
                reason = "the server's certificate is not signed by a trusted authority";
            } else if (lower.contains("expired") || lower.contains("not yet valid")) {
                reason = "the server's certificate has expired or is not yet valid";
            } else {
                reason = all;
            }
            return new SmtpClientException(SmtpClientException.Kind.TLS, "TLS with " + serverName + " failed: " + reason,
                    null, cause);
        }
        return new SmtpClientException(SmtpClientException.Kind.CLOSED,
                "connection to " + serverName + " broken: " + all, null, cause);
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (int i = 0; t != null && i < 10; i++, t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String messages(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; t != null && i < 10; i++, t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && !m.isBlank() && sb.indexOf(m) < 0) {
                if (sb.length() > 0) {
                    sb.append(": ");
                }
                sb.append(m);
            }
        }
        return sb.length() == 0 ? "unknown error" : sb.toString();
    }

    // ---- helpers -------------------------------------------------------------------------------

    SmtpClientException rejected(String command, ServerReply reply) {
        return new SmtpClientException(SmtpClientException.Kind.REJECTED, serverName + " refused " + command + ": " + reply, reply);
    }

    static Throwable unwrap(Throwable e) {
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    static String human(Duration d) {
        long ms = d.toMillis();
        if (ms % 60_000 == 0) {
            return ms / 60_000 + " min";
        }
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing was lost: the content was only read
        }
    }

    // ---- the Netty side --------------------------------------------------------------------------

    /** The handler for the connection's pipeline; called once, when the channel is set up. */
    ReplyReader reader() {
        return reader;
    }

    /** The future of the greeting, registered when the connection becomes active. */
    CompletableFuture<ServerReply> greetingFuture() {
        return completeOffIoThread(greeting);
    }

    SmtpClientException failure() {
        return failure;
    }

    /** Frames reply lines (LF, with or without CR), bounded in length, and feeds them to the parser. */
    final class ReplyReader extends ChannelInboundHandlerAdapter {

        private final ReplyParser parser = new ReplyParser();
        private ByteBuf in;

        boolean hasBufferedInput() {
            return in != null && in.isReadable();
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            expect("the greeting", greeting, settings.timeouts().greeting(), null);
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf bytes) || failure != null) {
                ReferenceCountUtil.release(msg);
                return;
            }
            in = ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), in == null ? Unpooled.EMPTY_BUFFER : in, bytes);
            while (failure == null && in.isReadable()) {
                int start = in.readerIndex();
                int lf = in.indexOf(start, in.writerIndex(), (byte) '\n');
                if (lf < 0) {
                    if (in.readableBytes() > MAX_REPLY_LINE) {
                        fail(new SmtpClientException(SmtpClientException.Kind.PROTOCOL,
                                serverName + " sent a reply line longer than " + MAX_REPLY_LINE + " octets"));
                    }
                    break;
                }
                int end = lf > start && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
                String line = in.toString(start, end - start, StandardCharsets.UTF_8);
                in.readerIndex(lf + 1);
                transcript.received(line);
                ServerReply reply;
                try {
                    reply = parser.line(line);
                } catch (SmtpClientException e) {
                    fail(e);
                    break;
                }
                if (reply != null) {
                    onReply(reply);
                }
            }
            if (in != null && !in.isReadable()) {
                in.release();
                in = null;
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (in != null) {
                in.release();
                in = null;
            }
            if (failure == null) {
                failure = new SmtpClientException(SmtpClientException.Kind.CLOSED, quitting
                        ? "the connection to " + serverName + " is closed"
                        : "the connection was closed by " + serverName);
            }
            failPending();
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(classify(cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() != null
                    ? cause.getCause() : cause));
        }
    }
}
