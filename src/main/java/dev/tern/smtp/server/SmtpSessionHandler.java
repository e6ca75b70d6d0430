package dev.tern.smtp.server;

import dev.tern.net.ConnectionFailures;
import dev.tern.net.ClientAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLSession;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Bytes in, replies out, for one SMTP connection: frames command lines (CRLF only, at most
 * {@code maxLineLength} octets), hands content after DATA/BDAT to the session's receiver, and
 * enforces the idle timeouts. Knows nothing of SMTP semantics beyond framing; {@link SmtpSession}
 * does the rest.
 *
 * <p>Pipelining (RFC 2920): input is processed strictly in order. While the session waits for an
 * asynchronous check, processing stops; reading goes on until {@link #HELD_WHILE_WAITING} octets
 * are held, then is suspended ({@code autoRead} off), so the input held stays bounded. Replies
 * are flushed together when the session runs out of input or starts waiting. Reading is also suspended while the client does not read
 * its replies (channel not writable).
 *
 * <p>Bounds: a command line longer than the limit is discarded as it arrives and answered
 * {@code 500 5.5.2}; a line ending in a bare LF is answered {@code 500 5.5.2} and not executed.
 * AUTH command lines and SASL responses may be 12288 octets long (RFC 4954 §4), other lines not.
 *
 * <p>TLS: the {@link SslHandler} sits before this handler, from the start on an implicit TLS
 * listener, or added after the {@code 220} to STARTTLS has been written in plaintext; input
 * received before that point is thrown away (CVE-2011-0411). Neither SASL responses nor AUTH's
 * initial response are ever traced.
 */
final class SmtpSessionHandler extends ChannelInboundHandlerAdapter implements SessionIo {

    private static final Logger TRACE = LoggerFactory.getLogger("dev.tern.smtp.trace");
    private static final Logger LOG = LoggerFactory.getLogger(SmtpSessionHandler.class);
    /** RFC 4954 §4: 12288 octets for an AUTH line or a SASL response, and its CRLF. */
    private static final int MAX_AUTH_LINE = SmtpReply.MAX_AUTH_LINE + 2;

    private enum Mode { COMMAND, DISCARD_LINE, CONTENT }

    /** The most input held, unprocessed, while the session waits for a backend call (pipelined commands, content). */
    static final int HELD_WHILE_WAITING = 64 * 1024;

    private final SmtpSettings settings;
    private final String id;
    private ChannelHandlerContext ctx;
    private SmtpSession session;
    private ByteBuf in;
    private Mode mode = Mode.COMMAND;
    private ContentReceiver receiver;
    private Runnable afterContent;
    private boolean waiting;
    private boolean closing;
    private boolean inactive;
    private long lastActivity;
    private ScheduledFuture<?> idleTimer;

    SmtpSessionHandler(SmtpSettings settings, String id) {
        this.settings = settings;
        this.id = id;
    }

    // ---- Netty events ---------------------------------------------------------------------------

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        InetAddress client = ClientAddress.ipOf(ctx.channel());
        trace("connect from {}", ReceivedHeader.addressLiteral(client));
        session = new SmtpSession(settings, this, client);
        touch();
        scheduleIdleCheck(Math.min(settings.limits().commandTimeout().toNanos(), settings.limits().dataTimeout().toNanos()));
        session.start();
        ctx.flush();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf bytes) || closing || session == null) {
            ReferenceCountUtil.release(msg);
            return;
        }
        touch();
        in = ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), in == null ? Unpooled.EMPTY_BUFFER : in, bytes);
        process();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        updateReading();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        inactive = true;
        closing = true;
        if (idleTimer != null) {
            idleTimer.cancel(false);
        }
        releaseInput();
        if (session != null) {
            trace("disconnect");
            session.disconnected();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            handshakeDone(done);
        }
        ctx.fireUserEventTriggered(evt);
    }

    private void handshakeDone(SslHandshakeCompletionEvent done) {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        if (done.isSuccess() && ssl != null && session != null) {
            SSLSession tls = ssl.engine().getSession();
            trace("TLS established: {}", tls.getProtocol() + " " + tls.getCipherSuite());
            session.tlsStarted(tls.getProtocol(), tls.getCipherSuite());
        } else if (!done.isSuccess()) {
            LOG.info("smtp connection {}: TLS handshake failed: {}", id, ConnectionFailures.reason(done.cause()));
            closing = true;
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ConnectionFailures.log(LOG, "smtp connection " + id, cause);
        ctx.close();
    }

    /** Ends the session politely (421) because the server is stopping. Runs on the event loop. */
    void shutdown() {
        if (!closing && session != null) {
            session.shuttingDown();
        } else {
            ctx.close();
        }
    }

    // ---- input ----------------------------------------------------------------------------------

    private void process() {
        while (!waiting && !closing && in != null && in.isReadable()) {
            boolean progress = switch (mode) {
                case COMMAND -> readCommand();
                case DISCARD_LINE -> discardLine();
                case CONTENT -> readContent();
            };
            if (!progress) {
                break;
            }
        }
        if (in != null && !in.isReadable()) {
            releaseInput();
        } else if (in != null) {
            in.discardSomeReadBytes();
        }
        if (!inactive) {
            ctx.flush();
            updateReading();
        }
    }

    private boolean readCommand() {
        int start = in.readerIndex();
        int available = in.readableBytes();
        boolean sasl = session.expectsSaslResponse();
        int maxLine = settings.limits().maxLineLength();
        if (sasl || startsWithAuth(start, available)) {
            maxLine = Math.max(maxLine, MAX_AUTH_LINE);
        }
        int lf = in.indexOf(start, start + Math.min(available, maxLine), (byte) '\n');
        if (lf < 0) {
            if (available >= maxLine) {
                mode = Mode.DISCARD_LINE;  // the rest of the line may already be here, LF included
                return true;
            }
            return false;
        }
        int length = lf - start;
        boolean crlf = length > 0 && in.getByte(lf - 1) == '\r';
        byte[] line = new byte[crlf ? length - 1 : length];
        in.getBytes(start, line);
        in.skipBytes(length + 1);
        if (settings.protocolTrace()) {
            trace("C: {}", sasl ? "<authentication response>" : withoutSecrets(printable(line)));
        }
        if (!crlf) {
            session.bareLfInCommand();
        } else if (sasl) {
            session.saslResponse(line);
        } else {
            session.command(SmtpCommandParser.parse(line));
        }
        return true;
    }

    private boolean startsWithAuth(int start, int available) {
        if (available < 5) {
            return false;
        }
        for (int i = 0; i < 5; i++) {
            int b = in.getByte(start + i);
            if (b != "AUTH ".charAt(i) && b != "auth ".charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The line as traced: AUTH's initial response is replaced, since it may hold a password. */
    private static String withoutSecrets(String line) {
        String[] words = line.split(" ", 3);
        return words.length == 3 && words[0].equalsIgnoreCase("AUTH") ? words[0] + " " + words[1] + " <hidden>" : line;
    }

    private boolean discardLine() {
        int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (lf < 0) {
            in.skipBytes(in.readableBytes());
            return false;
        }
        in.readerIndex(lf + 1);
        mode = Mode.COMMAND;
        trace("C: <line too long, discarded>");
        session.lineTooLong();
        return true;
    }

    private boolean readContent() {
        ByteBuffer nio = in.nioBufferCount() == 1
                ? in.nioBuffer(in.readerIndex(), in.readableBytes())
                : ByteBuffer.wrap(copyReadable(in));
        int before = nio.position();
        boolean complete = receiver.receive(nio);
        in.skipBytes(nio.position() - before);
        if (complete) {
            mode = Mode.COMMAND;
            Runnable then = afterContent;
            receiver = null;
            afterContent = null;
            trace("C: <content complete>");
            then.run();
        }
        return true;
    }

    // ---- SessionIo ------------------------------------------------------------------------------

    @Override
    public void send(SmtpReply reply) {
        if (closing) {
            return;
        }
        write(reply);
    }

    @Override
    public void sendAndClose(SmtpReply reply) {
        if (closing) {
            return;
        }
        closing = true;
        write(reply);
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void receive(ContentReceiver contentReceiver, Runnable then) {
        this.receiver = contentReceiver;
        this.afterContent = then;
        this.mode = Mode.CONTENT;
    }

    @Override
    public <T> void await(CompletionStage<T> stage, BiConsumer<T, Throwable> then) {
        waiting = true;
        updateReading();
        stage.whenComplete((value, error) -> {
            try {
                ctx.executor().execute(() -> {
                    waiting = false;
                    touch();
                    then.accept(value, error);
                    if (!inactive) {
                        process();
                    }
                });
            } catch (RejectedExecutionException e) {
                LOG.debug("smtp connection {}: event loop stopped before a backend call completed", id);
            }
        });
    }

    @Override
    public <T> void whenDone(CompletionStage<T> stage, BiConsumer<T, Throwable> then) {
        stage.whenComplete((value, error) -> {
            try {
                ctx.executor().execute(() -> {
                    if (!inactive) {
                        then.accept(value, error);
                        ctx.flush();
                    }
                });
            } catch (RejectedExecutionException e) {
                LOG.debug("smtp connection {}: event loop stopped before a check completed", id);
            }
        });
    }

    @Override
    public void startTls(SmtpReply ready) {
        if (closing) {
            return;
        }
        write(ready);
        ctx.flush();    // the 220 leaves in plaintext, before the SslHandler is in place
        int discarded = in == null ? 0 : in.readableBytes();
        releaseInput();
        if (discarded > 0) {
            LOG.info("smtp connection {}: {} octets pipelined after STARTTLS discarded unread", id, discarded);
        }
        ctx.pipeline().addBefore(ctx.name(), "tls", SmtpServer.sslHandler(settings, ctx.alloc()));
    }

    @Override
    public CompletionStage<Void> delay(Duration delay) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        ctx.executor().schedule(() -> done.complete(null), delay.toNanos(), TimeUnit.NANOSECONDS);
        return done;
    }

    // ---- helpers --------------------------------------------------------------------------------

    private void write(SmtpReply reply) {
        touch();
        if (settings.protocolTrace()) {
            for (String line : reply.format().split("\r\n")) {
                trace("S: {}", line);
            }
        }
        ctx.write(Unpooled.wrappedBuffer(reply.toBytes()));
    }

    /**
     * Reads only while the client reads its replies, and while the session takes input or holds
     * less than {@link #HELD_WHILE_WAITING} octets of it: a client that waits for each reply sends
     * nothing while the session waits, and turning reading off and on again for every backend call
     * cost two system calls (epoll_ctl) each time.
     */
    private void updateReading() {
        boolean read = !closing && ctx.channel().isWritable()
                && (!waiting || in == null || in.readableBytes() < HELD_WHILE_WAITING);
        if (ctx.channel().config().isAutoRead() != read) {
            ctx.channel().config().setAutoRead(read);
        }
    }

    private void touch() {
        lastActivity = System.nanoTime();
    }

    /**
     * Idle timeouts (RFC 5321 §4.5.3.2): the data timeout while content is read, the command
     * timeout otherwise. Time spent waiting for the backend is not the client's idleness.
     */
    private void scheduleIdleCheck(long delayNanos) {
        idleTimer = ctx.executor().schedule(this::checkIdle, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void checkIdle() {
        if (closing) {
            return;
        }
        long commandTimeout = settings.limits().commandTimeout().toNanos();
        long dataTimeout = settings.limits().dataTimeout().toNanos();
        long timeout = mode == Mode.CONTENT ? dataTimeout : commandTimeout;
        long idle = System.nanoTime() - lastActivity;
        if (waiting || idle < timeout) {
            // Check again at least every shortest timeout, so a switch of mode is noticed in time.
            long shortest = Math.min(commandTimeout, dataTimeout);
            scheduleIdleCheck(waiting ? shortest : Math.min(timeout - idle, shortest));
            return;
        }
        trace("timeout");
        session.timedOut();
    }

    private void releaseInput() {
        if (in != null) {
            in.release();
            in = null;
        }
    }

    private void trace(String format, Object arg) {
        if (settings.protocolTrace()) {
            TRACE.info("{} " + format, id, arg);
        }
    }

    private void trace(String text) {
        if (settings.protocolTrace()) {
            TRACE.info("{} {}", id, text);
        }
    }


    private static String printable(byte[] line) {
        return SmtpReply.printable(new String(line, StandardCharsets.UTF_8));
    }

    /** The readable bytes of a buffer that has no single NIO view (a composite one). */
    private static byte[] copyReadable(ByteBuf b) {
        byte[] copy = new byte[b.readableBytes()];
        b.getBytes(b.readerIndex(), copy);
        return copy;
    }
}
