package dev.tern.net;

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

import javax.net.ssl.SSLSession;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * What every command-and-reply protocol (SMTP, POP3, IMAP) does with its connection, whatever it
 * says on it: input gathered and handed to the protocol strictly in order, reading suspended while
 * the session waits or while the client does not take its output, the idle timer, work brought
 * back onto the event loop, the switch to TLS, and the end of the connection. A protocol supplies
 * how its input is framed ({@link #step}), its idle timeout, and what its session hears of each
 * event; it writes its replies into the channel (or into a buffer of its own, sent by
 * {@link #flushOutput}).
 *
 * <p>Order: {@link #process} hands input to {@link #step} until the session waits, closes, or
 * needs more octets; then what was written is flushed, in one go for a pipelined batch. A wait
 * ({@link #await}) stops the steps until its stage completes; its continuation runs on the event
 * loop, then the steps go on with the input already held.
 *
 * <p>Thread safety: everything runs on the connection's event loop, except {@link #execute},
 * which may be called from anywhere to get there.
 */
public abstract class ProtocolConnection extends ChannelInboundHandlerAdapter {

    private final Logger log;
    private final String name;
    /** The connection's place in its pipeline, set once the handler is added. */
    protected ChannelHandlerContext ctx;
    /** Input received and not yet handed on, or null when there is none. */
    protected ByteBuf in;
    private boolean opened;
    private boolean waiting;
    private boolean closing;
    private boolean inactive;
    private long lastActivity;
    private ScheduledFuture<?> idleTimer;

    /**
     * @param log  where the connection's failures, TLS refusals and discarded input are logged
     * @param name how those lines name the connection
     */
    protected ProtocolConnection(Logger log, String name) {
        this.log = log;
        this.name = name;
    }

    // ---- what a protocol supplies ---------------------------------------------------------------

    /** Creates the session for {@code client} and lets it greet; its output is flushed after. */
    protected abstract void open(InetAddress client);

    /**
     * Frames and hands on the next piece of {@link #in}, which holds at least one octet. Returns
     * false when the piece is not all there yet (more input is needed), true to be called again.
     */
    protected abstract boolean step();

    /** The connection has closed (its input is already released): the session ends. */
    protected abstract void closed();

    /** The TLS handshake has succeeded. */
    protected abstract void tlsEstablished(SSLSession tls);

    /** The server stops: the session says goodbye its protocol's way and closes. */
    protected abstract void shuttingDown();

    /** The idle timeout that applies now. */
    protected abstract long idleTimeoutNanos();

    /** The client has been idle for longer than {@link #idleTimeoutNanos}. */
    protected abstract void idleTimedOut();

    /**
     * The longest time between two looks at the idle clock: by default the idle timeout; a
     * protocol whose timeout changes with its state looks more often, so the change is noticed.
     */
    protected long idleCheckIntervalNanos() {
        return idleTimeoutNanos();
    }

    /** True while the time that passes is not the client's idleness (the server is busy for it). */
    protected boolean idleClockStopped() {
        return false;
    }

    /** True while the session waits but more input may still be read and held. */
    protected boolean readsWhileWaiting() {
        return false;
    }

    /** Sends what the session has written. By default replies go straight into the channel. */
    protected void flushOutput() {
        ctx.flush();
    }

    /** The client has started or stopped taking its output. */
    protected void writabilityChanged() {
    }

    /** Goes on after a wait ended, unless the connection closed meanwhile. */
    protected void resume() {
        process();
    }

    /**
     * True when a wait's continuation must run even after the connection has closed: what it
     * finishes (a message committed, messages deleted) happened whether or not the client is there
     * to hear of it, and is logged.
     */
    protected boolean finishesWaitsAfterClose() {
        return true;
    }

    // ---- Netty events ---------------------------------------------------------------------------

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        opened = true;
        touch();
        scheduleIdleCheck(idleCheckIntervalNanos());
        open(ClientAddress.ipOf(ctx.channel()));
        flushOutput();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf bytes) || closing || !opened) {
            ReferenceCountUtil.release(msg);
            return;
        }
        touch();
        in = ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), in == null ? Unpooled.EMPTY_BUFFER : in, bytes);
        process();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        writabilityChanged();
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
        if (opened) {
            closed();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            if (!done.isSuccess()) {
                log.info("{}: TLS handshake failed: {}", name, ConnectionFailures.reason(done.cause()));
                closing = true;
                ctx.close();
            } else if (opened) {
                SslHandler ssl = ctx.pipeline().get(SslHandler.class);
                if (ssl != null) {
                    tlsEstablished(ssl.engine().getSession());
                }
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ConnectionFailures.log(log, name, cause);
        ctx.close();
    }

    /** Ends the session because the server stops ({@link OpenSessions#shutdown}). Runs on the event loop. */
    public void shutdown() {
        if (!closing && opened) {
            shuttingDown();
            flushOutput();
        } else {
            ctx.close();
        }
    }

    // ---- input ----------------------------------------------------------------------------------

    /** Hands the input held to the protocol, in order, then flushes what it wrote. */
    protected final void process() {
        while (!waiting && !closing && in != null && in.isReadable()) {
            if (!step()) {
                break;
            }
        }
        if (in != null && !in.isReadable()) {
            releaseInput();
        } else if (in != null) {
            in.discardSomeReadBytes();
        }
        if (!inactive) {
            flushOutput();
            updateReading();
        }
    }

    /**
     * Reads while the client takes its output, and while the session takes input (or may hold
     * more of it while it waits). Reading is turned off and on only when that changes: each
     * change costs a system call.
     */
    private void updateReading() {
        boolean read = !closing && ctx.channel().isWritable() && (!waiting || readsWhileWaiting());
        if (ctx.channel().config().isAutoRead() != read) {
            ctx.channel().config().setAutoRead(read);
        }
    }

    private void releaseInput() {
        if (in != null) {
            in.release();
            in = null;
        }
    }

    // ---- waiting --------------------------------------------------------------------------------

    /**
     * Stops handing input on until {@code stage} completes, then runs {@code then} on the event
     * loop and goes on with the input already received: steps run strictly in order even when one
     * of them is asynchronous.
     */
    public <T> void await(CompletionStage<T> stage, BiConsumer<T, Throwable> then) {
        startWaiting();
        stage.whenComplete((value, error) -> execute(() -> {
            if (inactive && !finishesWaitsAfterClose()) {
                return;
            }
            waiting = false;
            touch();
            then.accept(value, error);
            if (!inactive) {
                resume();
            }
        }));
    }

    /** Stops handing input on until {@link #stopWaiting}; for waits that are not a single stage. */
    protected final void startWaiting() {
        waiting = true;
        updateReading();
    }

    protected final void stopWaiting() {
        waiting = false;
    }

    protected final boolean isWaiting() {
        return waiting;
    }

    /** Completes on the event loop after {@code delay}, from a timer: no thread waits. */
    public CompletionStage<Void> delay(Duration delay) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        ctx.executor().schedule(() -> done.complete(null), delay.toNanos(), TimeUnit.NANOSECONDS);
        return done;
    }

    /** Runs {@code task} on the connection's event loop; dropped when the loop has stopped. */
    public void execute(Runnable task) {
        try {
            ctx.executor().execute(task);
        } catch (RejectedExecutionException e) {
            log.debug("{}: event loop stopped before work completed", name);
        }
    }

    // ---- TLS and the end ------------------------------------------------------------------------

    /**
     * Sends what was written (the reply that invites the handshake) in plaintext, then puts
     * {@code tls} in front of this handler. Input received after the command is thrown away
     * unread: it was sent in plaintext and must not be taken as if it came over TLS (command
     * injection, CVE-2011-0411).
     *
     * @param command the command that started TLS, for the log
     */
    protected final void switchToTls(SslHandler tls, String command) {
        flushAndDropInput(command);
        ctx.pipeline().addBefore(ctx.name(), "tls", tls);
    }

    /** Sends what was written, then throws away the input received after {@code command}, unread. */
    private void flushAndDropInput(String command) {
        flushOutput();
        int discarded = in == null ? 0 : in.readableBytes();
        releaseInput();
        if (discarded > 0) {
            log.info("{}: {} octets pipelined after {} discarded unread", name, discarded, command);
        }
    }

    /**
     * Sends what was written (the reply that starts compression) as it is, then compresses output
     * with DEFLATE and inflates input ({@code inflater}, which paces itself to this handler's
     * reading) from the next octet on (RFC 4978). Input received after the command is dropped:
     * the client sends nothing before it has the reply.
     */
    protected final void switchToDeflate(io.netty.channel.ChannelHandler inflater, String command) {
        flushAndDropInput(command);
        ctx.pipeline().addBefore(ctx.name(), "inflate", inflater);
        ctx.pipeline().addBefore(ctx.name(), "deflate",
                new io.netty.handler.codec.compression.JdkZlibEncoder(io.netty.handler.codec.compression.ZlibWrapper.NONE));
    }

    /** Sends what was written, then closes; later input is ignored. */
    public void closeAfterFlush() {
        if (closing) {
            return;
        }
        closing = true;
        flushOutput();
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    /** Closes at once, without sending what may still be written. */
    public void close() {
        closing = true;
        ctx.close();
    }

    /** True once the session has ended or is ending: nothing more is written or read. */
    protected final boolean isClosing() {
        return closing;
    }

    /** True once the connection has closed. */
    protected final boolean isInactive() {
        return inactive;
    }

    // ---- idleness -------------------------------------------------------------------------------

    /** Notes activity: input, output, or the end of a wait. */
    protected final void touch() {
        lastActivity = System.nanoTime();
    }

    private void scheduleIdleCheck(long delayNanos) {
        idleTimer = ctx.executor().schedule(this::checkIdle, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void checkIdle() {
        if (closing) {
            return;
        }
        long timeout = idleTimeoutNanos();
        long idle = System.nanoTime() - lastActivity;
        boolean stopped = idleClockStopped();
        if (stopped || idle < timeout) {
            long interval = idleCheckIntervalNanos();
            scheduleIdleCheck(stopped ? interval : Math.min(timeout - idle, interval));
            return;
        }
        idleTimedOut();
    }
}
