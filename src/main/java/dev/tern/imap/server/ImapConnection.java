package dev.tern.imap.server;

import dev.tern.imap.protocol.CommandFramer;
import dev.tern.imap.protocol.FramerEvent;
import dev.tern.imap.protocol.ResponseWriter;
import dev.tern.net.ProtocolConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;

import javax.net.ssl.SSLSession;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Bytes in, responses out, for one IMAP connection: feeds input to the protocol layer's
 * {@link CommandFramer} (which checks line and literal limits before the octets are read), sends
 * the {@code +} continuation a synchronizing literal waits for, writes responses with
 * back-pressure, streams long responses chunk by chunk, runs the autologout timer and starts TLS.
 * Knows nothing of IMAP commands; {@link ImapSession} does the rest.
 *
 * <p>Bounds: input is processed in order and reading stops while the session waits (store,
 * SASL, a response being streamed), while the store is behind with an APPEND's message, or the
 * client does not take its output, so a connection holds at most one framed command (APPEND's
 * messages are streamed, never framed whole), one chunk and Netty's write buffer. An idle
 * connection holds the framer's small buffer and nothing else.
 */
final class ImapConnection extends ProtocolConnection implements ImapIo {

    private final ImapContext context;
    private final String id;
    private final CommandFramer framer;
    private ImapSession session;
    private ByteBuf out;
    private Stream streaming;
    /** Octets of the literal budget held for the command being read or run. */
    private long heldBudget;

    /** A long response being sent. */
    private static final class Stream {
        final ResponseProducer producer;
        final Consumer<Throwable> then;
        boolean producing;

        Stream(ResponseProducer producer, Consumer<Throwable> then) {
            this.producer = producer;
            this.then = then;
        }
    }

    ImapConnection(ImapContext context, String id) {
        super(ImapSession.LOG, id);
        this.context = context;
        this.id = id;
        this.framer = new CommandFramer(context.limits());
    }

    // ---- the connection's events ----------------------------------------------------------------

    @Override
    protected void open(InetAddress client) {
        session = new ImapSession(context, this, client, id);
        session.start();
    }

    @Override
    protected void writabilityChanged() {
        if (streaming != null) {
            pump();
        }
    }

    @Override
    protected void closed() {
        releaseBudget();
        if (out != null) {
            out.release();
            out = null;
        }
        if (streaming != null && !streaming.producing) {
            streaming.producer.close();
            streaming = null;
        }
        session.disconnected();
    }

    @Override
    protected void tlsEstablished(SSLSession tls) {
        session.tlsStarted();
    }

    @Override
    protected void shuttingDown() {
        session.shuttingDown();
    }

    // ---- input --------------------------------------------------------------------------------

    @Override
    protected boolean step() {
        ByteBuffer view = in.nioBuffer();
        int before = view.position();
        FramerEvent event = framer.next(view);
        in.skipBytes(view.position() - before);
        if (event == null) {
            return false;
        }
        handle(event);
        return true;
    }

    private void handle(FramerEvent event) {
        if (event instanceof FramerEvent.Command c) {
            session.input(c.bytes());
            if (!isWaiting()) {
                releaseBudget();
            }
        } else if (event instanceof FramerEvent.LiteralContinuation literal) {
            if (!session.acceptsLiterals()) {
                // An AUTHENTICATE response or DONE never carries a literal.
                framer.abandonCommand();
                session.input(new byte[0]);
            } else if (literal.size() > LiteralBudget.SMALL && !context.literalBudget().tryTake(literal.size())) {
                framer.abandonCommand();
                releaseBudget();
                session.busy(literal.tag());
            } else {
                if (literal.size() > LiteralBudget.SMALL) {
                    heldBudget += literal.size();
                }
                writer().continuation().text("Ready for literal data").end();
            }
        } else if (event instanceof FramerEvent.MessageLiteral m) {
            messageLiteral(m);
        } else if (event instanceof FramerEvent.LiteralData data) {
            java.util.concurrent.CompletableFuture<Void> room = session.literalData(data.octets(), data.last());
            if (room != null) {
                // The store is behind: stop reading until it has caught up.
                await(room, (v, e) -> { });
            }
        } else if (event instanceof FramerEvent.AppendEnd end) {
            session.appendEnd(end.tail());
        } else if (event instanceof FramerEvent.LineTooLong t) {
            session.lineTooLong(t.tag());
        } else if (event instanceof FramerEvent.LiteralTooBig big) {
            session.literalTooBig(big);
        } else if (event instanceof FramerEvent.EndlessLine) {
            session.endlessLine();
        }
    }

    /** An APPEND message literal: streamed into the store, or refused (see ImapSession#messageLiteral). */
    private void messageLiteral(FramerEvent.MessageLiteral m) {
        if (!session.acceptsLiterals()) {
            // An AUTHENTICATE response or DONE was expected: that line is wrong, and a literal
            // sent with it anyway is dropped as it comes.
            session.input(new byte[0]);
            if (m.synchronizing()) {
                framer.abandonCommand();
            }
        } else if (m.synchronizing() && session.user() != null) {
            // The client waits for the continuation: a message the quota has no room for is refused
            // before it sends a single octet (RFC 9208 §4.3). The quota is checked again when the
            // messages are stored; a failed check here lets that one decide.
            long account = session.user().accountId();
            String target = session.appendTarget(m);
            await(CompletableFuture.supplyAsync(() -> hasRoom(account, target, m.size()),
                    context.storageExecutor()), (room, error) -> startMessage(m, error == null && !room));
        } else {
            startMessage(m, false);
        }
    }

    /** Whether the quota of the account the target mailbox belongs to (a shared one's owner) has room. */
    private boolean hasRoom(long user, String target, long bytes) {
        long owner = target == null ? user : context.mailboxes().access().find(user, target)
                .map(r -> r.mailbox().accountId()).orElse(user);
        return context.mailboxes().hasRoom(owner, bytes);
    }

    private void startMessage(FramerEvent.MessageLiteral m, boolean overQuota) {
        if (session.messageLiteral(m, overQuota)) {
            if (m.synchronizing()) {
                writer().continuation().text("Ready for literal data").end();
            }
        } else if (m.synchronizing()) {
            framer.abandonCommand();
        }
    }

    // ---- ImapIo -------------------------------------------------------------------------------

    @Override
    public ResponseWriter writer() {
        if (out == null) {
            out = ctx.alloc().buffer(256);
        }
        return new ResponseWriter(new ByteBufOutputStream(out), session.utf8());
    }

    @Override
    public void stream(ResponseProducer producer, Consumer<Throwable> then) {
        startWaiting();
        sendOutput();
        streaming = new Stream(producer, then);
        pump();
    }

    /** Produces and sends the next chunk of the long response, if the client keeps up. */
    private void pump() {
        Stream s = streaming;
        if (s == null || s.producing) {
            return;
        }
        if (isInactive()) {
            s.producer.close();
            streaming = null;
            return;
        }
        if (!ctx.channel().isWritable()) {
            ctx.flush();
            return;    // channelWritabilityChanged calls again
        }
        s.producing = true;
        try {
            context.storageExecutor().execute(() -> {
                // Responses are written in many small pieces (atoms, numbers): they gather in an
                // array first and reach the chunk in blocks; message octets go straight through.
                // The channel's pooled I/O memory, tried for the chunk, cost more than the copy it
                // saves: storage threads are not the pool's own, and fresh pages fault.
                ByteBuf chunk = Unpooled.buffer(ImapSession.CHUNK + 1024);
                boolean done;
                Throwable failure = null;
                try (OutputStream stream = new GatheringOutputStream(new ByteBufOutputStream(chunk), 8192)) {
                    done = s.producer.produce(stream);
                } catch (IOException | RuntimeException e) {
                    failure = e;
                    done = true;
                }
                boolean last = done;
                Throwable broken = failure;
                execute(() -> chunkProduced(s, chunk, last, broken));
            });
        } catch (RejectedExecutionException e) {
            s.producing = false;
            finishStream(s, e);
        }
    }

    private void chunkProduced(Stream s, ByteBuf chunk, boolean last, Throwable failure) {
        s.producing = false;
        if (isInactive()) {
            chunk.release();
            s.producer.close();
            streaming = null;
            return;
        }
        touch();
        ctx.writeAndFlush(chunk);
        if (last) {
            finishStream(s, failure);
        } else {
            pump();
        }
    }

    private void finishStream(Stream s, Throwable failure) {
        s.producer.close();
        streaming = null;
        stopWaiting();
        s.then.accept(failure);
        resume();
    }

    /** Reads on, unless the step just run started another wait (a callback may chain work). */
    @Override
    protected void resume() {
        if (!isWaiting()) {
            releaseBudget();
            process();
        }
    }

    /** After the connection has closed, a response built for it would have nowhere to go. */
    @Override
    protected boolean finishesWaitsAfterClose() {
        return false;
    }

    private void releaseBudget() {
        if (heldBudget > 0) {
            context.literalBudget().release(heldBudget);
            heldBudget = 0;
        }
    }

    @Override
    public void startTls() {
        framer.abandonCommand();
        // RFC 9051 §11.1: commands pipelined after STARTTLS would run inside the TLS session
        // as if the client had sent them there (STARTTLS command injection).
        switchToTls(ImapServer.sslHandler(context, ctx.alloc()), "STARTTLS");
    }

    @Override
    public void startCompression() {
        framer.abandonCommand();
        switchToDeflate(new PacedInflater(), "COMPRESS");
    }

    @Override
    public void flush() {
        sendOutput();
    }

    // ---- the rest -----------------------------------------------------------------------------

    /** Writes what the session produced; a session event outside a command calls this too. */
    void sendOutput() {
        if (out != null && !isInactive()) {
            touch();
            ctx.writeAndFlush(out);
            out = null;
        }
    }

    @Override
    protected void flushOutput() {
        sendOutput();
    }

    /** The autologout timer (RFC 9051 §5.4). */
    @Override
    protected long idleTimeoutNanos() {
        return context.idleTimeout().toNanos();
    }

    /** Time spent sending a response is not idleness. */
    @Override
    protected boolean idleClockStopped() {
        return streaming != null;
    }

    @Override
    protected void idleTimedOut() {
        session.timedOut();
        closeAfterFlush();
    }
}
