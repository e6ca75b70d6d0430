package dev.tern.pop3;

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

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Bytes in, replies out, for one POP3 connection: frames command lines (CRLF or LF, bounded),
 * streams message contents with back-pressure, runs the autologout timer, and starts TLS. Knows
 * nothing of POP3 beyond framing; {@link Pop3Session} does the rest.
 *
 * <p>Bounds: a command line may be {@value #MAX_LINE} octets (RFC 2449 §4 asks for 255 from
 * clients; some send longer user names), an AUTH line or SASL response {@value #MAX_SASL_LINE}
 * (RFC 5034 §4 lifts the limit for them). A longer line is discarded as it arrives and answered
 * {@code -ERR}. Input is processed in order; while the session waits (store, SASL, a message
 * being sent) reading stops, so what is held is bounded by what was already read.
 *
 * <p>Streaming: a message is read in chunks on the storage executor, dot-stuffed there, and
 * written; the next chunk is read only while the channel is writable, so a slow reader holds at
 * most a chunk and Netty's write buffer, whatever the message's size.
 */
final class Pop3SessionHandler extends ChannelInboundHandlerAdapter implements Pop3Io {

    static final int MAX_LINE = 1024;
    static final int MAX_SASL_LINE = 12288 + 2;
    private static final int CHUNK = 64 * 1024;

    private final Pop3Context context;
    private final String id;
    private ChannelHandlerContext ctx;
    private Pop3Session session;
    private ByteBuf in;
    private boolean discarding;
    private boolean waiting;
    private boolean closing;
    private boolean inactive;
    private long lastActivity;
    private ScheduledFuture<?> idleTimer;
    private ContentStream content;

    /** A message being sent: its stream, its encoder, and whether a chunk is being read. */
    private static final class ContentStream {
        final InputStream in;
        final MultilineEncoder encoder;
        boolean reading;

        ContentStream(InputStream in, MultilineEncoder encoder) {
            this.in = in;
            this.encoder = encoder;
        }

        void close() {
            try {
                in.close();
            } catch (IOException ignored) {
                // nothing more to read from it either way
            }
        }
    }

    Pop3SessionHandler(Pop3Context context, String id) {
        this.context = context;
        this.id = id;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        InetAddress client = ClientAddress.ipOf(ctx.channel());
        session = new Pop3Session(context, this, client, id);
        touch();
        scheduleIdleCheck(context.idleTimeout().toNanos());
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
        if (content != null) {
            pump();
        }
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
        if (content != null && !content.reading) {
            content.close();
            content = null;
        }
        if (session != null) {
            session.disconnected();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            if (done.isSuccess() && session != null) {
                session.tlsStarted();
            } else if (!done.isSuccess()) {
                Pop3Session.LOG.info("{}: TLS handshake failed: {}", id, ConnectionFailures.reason(done.cause()));
                closing = true;
                ctx.close();
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ConnectionFailures.log(Pop3Session.LOG, id, cause);
        ctx.close();
    }

    /** Ends the session because the server stops. Runs on the event loop. */
    void shutdown() {
        if (!closing && session != null) {
            session.shuttingDown();
        } else {
            ctx.close();
        }
    }

    // ---- input --------------------------------------------------------------------------------

    private void process() {
        while (!waiting && !closing && in != null && in.isReadable()) {
            if (!(discarding ? discardLine() : readLine())) {
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

    private boolean readLine() {
        int start = in.readerIndex();
        int available = in.readableBytes();
        boolean sasl = session.expectsSaslResponse();
        int maxLine = sasl || startsWithAuth(start, available) ? MAX_SASL_LINE : MAX_LINE;
        int lf = in.indexOf(start, start + Math.min(available, maxLine), (byte) '\n');
        if (lf < 0) {
            if (available >= maxLine) {
                discarding = true;
                return true;
            }
            return false;
        }
        int length = lf - start;
        boolean cr = length > 0 && in.getByte(lf - 1) == '\r';
        byte[] line = new byte[cr ? length - 1 : length];
        in.getBytes(start, line);
        in.skipBytes(length + 1);
        if (sasl) {
            session.saslResponse(line);
        } else {
            session.command(Pop3CommandParser.parse(line));
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

    private boolean discardLine() {
        int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (lf < 0) {
            in.skipBytes(in.readableBytes());
            return false;
        }
        in.readerIndex(lf + 1);
        discarding = false;
        session.lineTooLong();
        return true;
    }

    // ---- Pop3Io -------------------------------------------------------------------------------

    @Override
    public void send(Pop3Reply reply) {
        if (!closing) {
            write(reply);
        }
    }

    @Override
    public void sendAndClose(Pop3Reply reply) {
        if (closing) {
            return;
        }
        closing = true;
        write(reply);
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void close() {
        closing = true;
        ctx.close();
    }

    @Override
    public <T> void await(CompletionStage<T> stage, BiConsumer<T, Throwable> then) {
        waiting = true;
        updateReading();
        stage.whenComplete((value, error) -> onLoop(() -> {
            waiting = false;
            touch();
            then.accept(value, error);
            if (!inactive) {
                process();
            }
        }));
    }

    @Override
    public void sendContent(Pop3Reply ok, ContentOpener opener, long bodyLines, Pop3Reply unavailable) {
        CompletableFuture<InputStream> opened;
        try {
            opened = CompletableFuture.supplyAsync(() -> {
                try {
                    return opener.open();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, context.storageExecutor());
        } catch (RejectedExecutionException e) {
            opened = CompletableFuture.failedFuture(e);
        }
        waiting = true;
        updateReading();
        opened.whenComplete((stream, error) -> onLoop(() -> {
            if (inactive) {
                if (stream != null) {
                    new ContentStream(stream, null).close();
                }
                return;
            }
            if (error != null) {
                Pop3Session.LOG.warn("{}: cannot open a message: {}", id, ConnectionFailures.reason(error));
                write(unavailable);
                resume();
                return;
            }
            write(ok);
            content = new ContentStream(stream, new MultilineEncoder(bodyLines));
            pump();
        }));
    }

    /** Reads and sends the next chunk of the message being sent, if the client keeps up. */
    private void pump() {
        ContentStream c = content;
        if (c == null || c.reading) {
            return;
        }
        if (inactive) {
            c.close();
            content = null;
            return;
        }
        if (!ctx.channel().isWritable()) {
            ctx.flush();
            return;    // channelWritabilityChanged calls again
        }
        c.reading = true;
        try {
            context.storageExecutor().execute(() -> {
                ByteBuf out = Unpooled.buffer(CHUNK + CHUNK / 8);
                boolean finished;
                IOException failure = null;
                try {
                    byte[] chunk = new byte[CHUNK];
                    int n = c.in.read(chunk);
                    finished = n < 0 || c.encoder.encode(chunk, 0, n, out);
                    if (finished) {
                        c.encoder.finish(out);
                    }
                } catch (IOException e) {
                    failure = e;
                    finished = true;
                }
                boolean last = finished;
                IOException broken = failure;
                onLoop(() -> chunkRead(c, out, last, broken));
            });
        } catch (RejectedExecutionException e) {
            c.reading = false;
            c.close();
            content = null;
            close();
        }
    }

    private void chunkRead(ContentStream c, ByteBuf out, boolean last, IOException failure) {
        c.reading = false;
        if (inactive) {
            out.release();
            c.close();
            content = null;
            return;
        }
        if (failure != null) {
            // The +OK is out and part of the message too: the only honest end is to hang up.
            out.release();
            Pop3Session.LOG.warn("{}: reading a message failed midway: {}", id, failure.getMessage());
            c.close();
            content = null;
            close();
            return;
        }
        touch();
        ctx.writeAndFlush(out);
        if (last) {
            c.close();
            content = null;
            resume();
        } else {
            pump();
        }
    }

    private void resume() {
        waiting = false;
        process();
    }

    @Override
    public void startTls(Pop3Reply ready) {
        if (closing) {
            return;
        }
        write(ready);
        ctx.flush();    // the +OK leaves in plaintext, before the SslHandler is in place
        int discarded = in == null ? 0 : in.readableBytes();
        releaseInput();
        if (discarded > 0) {
            Pop3Session.LOG.info("{}: {} octets pipelined after STLS discarded unread", id, discarded);
        }
        ctx.pipeline().addBefore(ctx.name(), "tls", Pop3Server.sslHandler(context, ctx.alloc()));
    }

    @Override
    public CompletionStage<Void> delay(Duration delay) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        ctx.executor().schedule(() -> done.complete(null), delay.toNanos(), TimeUnit.NANOSECONDS);
        return done;
    }

    // ---- the rest -----------------------------------------------------------------------------

    private void onLoop(Runnable r) {
        try {
            ctx.executor().execute(r);
        } catch (RejectedExecutionException e) {
            Pop3Session.LOG.debug("{}: event loop stopped before work completed", id);
        }
    }

    private void write(Pop3Reply reply) {
        touch();
        ctx.write(Unpooled.wrappedBuffer(reply.toBytes()));
    }

    private void updateReading() {
        boolean read = !waiting && !closing && ctx.channel().isWritable();
        if (ctx.channel().config().isAutoRead() != read) {
            ctx.channel().config().setAutoRead(read);
        }
    }

    private void touch() {
        lastActivity = System.nanoTime();
    }

    /** The autologout timer (RFC 1939 §3); time spent sending a message is not idleness. */
    private void scheduleIdleCheck(long delayNanos) {
        idleTimer = ctx.executor().schedule(this::checkIdle, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void checkIdle() {
        if (closing) {
            return;
        }
        long timeout = context.idleTimeout().toNanos();
        long idle = System.nanoTime() - lastActivity;
        if (content != null || idle < timeout) {
            scheduleIdleCheck(content != null ? timeout : timeout - idle);
            return;
        }
        session.timedOut();
    }

    private void releaseInput() {
        if (in != null) {
            in.release();
            in = null;
        }
    }

}
