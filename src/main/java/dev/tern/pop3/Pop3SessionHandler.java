package dev.tern.pop3;

import dev.tern.net.CommandLines;
import dev.tern.net.ConnectionFailures;
import dev.tern.net.ProtocolConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import javax.net.ssl.SSLSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

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
final class Pop3SessionHandler extends ProtocolConnection implements Pop3Io {

    static final int MAX_LINE = 1024;
    static final int MAX_SASL_LINE = 12288 + 2;
    private static final int CHUNK = 64 * 1024;

    private final Pop3Context context;
    private final String id;
    private Pop3Session session;
    private boolean discarding;
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
        super(Pop3Session.LOG, id);
        this.context = context;
        this.id = id;
    }

    // ---- the connection's events ----------------------------------------------------------------

    @Override
    protected void open(InetAddress client) {
        session = new Pop3Session(context, this, client, id);
        session.start();
    }

    @Override
    protected void writabilityChanged() {
        if (content != null) {
            pump();
        }
    }

    @Override
    protected void closed() {
        if (content != null && !content.reading) {
            content.close();
            content = null;
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
        return discarding ? discardLine() : readLine();
    }

    private boolean readLine() {
        boolean sasl = session.expectsSaslResponse();
        CommandLines.Line line = CommandLines.next(in, sasl || CommandLines.startsWithAuth(in) ? MAX_SASL_LINE : MAX_LINE);
        if (line == null) {
            return false;
        }
        if (line == CommandLines.TOO_LONG) {
            discarding = true;
        } else if (sasl) {
            session.saslResponse(line.octets());
        } else {
            session.command(Pop3CommandParser.parse(line.octets()));
        }
        return true;
    }

    private boolean discardLine() {
        if (!CommandLines.skipRestOfLine(in)) {
            return false;
        }
        discarding = false;
        session.lineTooLong();
        return true;
    }

    // ---- Pop3Io -------------------------------------------------------------------------------

    @Override
    public void send(Pop3Reply reply) {
        if (!isClosing()) {
            write(reply);
        }
    }

    @Override
    public void sendAndClose(Pop3Reply reply) {
        if (!isClosing()) {
            write(reply);
            closeAfterFlush();
        }
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
        startWaiting();
        opened.whenComplete((stream, error) -> execute(() -> {
            if (isInactive()) {
                if (stream != null) {
                    new ContentStream(stream, null).close();
                }
                return;
            }
            if (error != null) {
                Pop3Session.LOG.warn("{}: cannot open a message: {}", id, ConnectionFailures.reason(error));
                write(unavailable);
                contentDone();
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
        if (isInactive()) {
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
                execute(() -> chunkRead(c, out, last, broken));
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
        if (isInactive()) {
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
            contentDone();
        } else {
            pump();
        }
    }

    /** Goes on with the commands after a message has been sent (or could not be). */
    private void contentDone() {
        stopWaiting();
        process();
    }

    @Override
    public void startTls(Pop3Reply ready) {
        if (!isClosing()) {
            write(ready);
            switchToTls(Pop3Server.sslHandler(context, ctx.alloc()), "STLS");
        }
    }

    // ---- the rest -----------------------------------------------------------------------------

    private void write(Pop3Reply reply) {
        touch();
        ctx.write(Unpooled.wrappedBuffer(reply.toBytes()));
    }

    /** The autologout timer (RFC 1939 §3). */
    @Override
    protected long idleTimeoutNanos() {
        return context.idleTimeout().toNanos();
    }

    /** Time spent sending a message is not idleness. */
    @Override
    protected boolean idleClockStopped() {
        return content != null;
    }

    @Override
    protected void idleTimedOut() {
        session.timedOut();
    }
}
