package dev.tern.smtp.server;

import dev.tern.net.CommandLines;
import dev.tern.net.ProtocolConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.ssl.SslHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLSession;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * Bytes in, replies out, for one SMTP connection: frames command lines (CRLF only, at most
 * {@code maxLineLength} octets), hands content after DATA/BDAT to the session's receiver, and
 * sets the idle timeouts. Knows nothing of SMTP semantics beyond framing; {@link SmtpSession}
 * does the rest. What every protocol does with its connection (order, waits, the idle timer,
 * TLS, the end) is {@link ProtocolConnection}'s.
 *
 * <p>Pipelining (RFC 2920): input is processed strictly in order. While the session waits for an
 * asynchronous check, processing stops; reading goes on until {@link #HELD_WHILE_WAITING} octets
 * are held, then is suspended ({@code autoRead} off), so the input held stays bounded. Replies
 * are flushed together when the session runs out of input or starts waiting. Reading is also
 * suspended while the client does not read its replies (channel not writable).
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
final class SmtpSessionHandler extends ProtocolConnection implements SessionIo {

    private static final Logger TRACE = LoggerFactory.getLogger("dev.tern.smtp.trace");
    private static final Logger LOG = LoggerFactory.getLogger(SmtpSessionHandler.class);
    /** RFC 4954 §4: 12288 octets for an AUTH line or a SASL response, and its CRLF. */
    private static final int MAX_AUTH_LINE = SmtpReply.MAX_AUTH_LINE + 2;

    private enum Mode { COMMAND, DISCARD_LINE, CONTENT }

    /** The most input held, unprocessed, while the session waits for a backend call (pipelined commands, content). */
    static final int HELD_WHILE_WAITING = 64 * 1024;

    private final SmtpSettings settings;
    private final String id;
    private SmtpSession session;
    private Mode mode = Mode.COMMAND;
    private ContentReceiver receiver;
    private Runnable afterContent;

    SmtpSessionHandler(SmtpSettings settings, String id) {
        super(LOG, "smtp connection " + id);
        this.settings = settings;
        this.id = id;
    }

    // ---- the connection's events ----------------------------------------------------------------

    @Override
    protected void open(InetAddress client) {
        trace("connect from {}", ReceivedHeader.addressLiteral(client));
        session = new SmtpSession(settings, this, client);
        session.start();
    }

    @Override
    protected void closed() {
        trace("disconnect");
        session.disconnected();
    }

    @Override
    protected void tlsEstablished(SSLSession tls) {
        trace("TLS established: {}", tls.getProtocol() + " " + tls.getCipherSuite());
        session.tlsStarted(tls.getProtocol(), tls.getCipherSuite());
    }

    /** Ends the session politely (421). */
    @Override
    protected void shuttingDown() {
        session.shuttingDown();
    }

    // ---- input ----------------------------------------------------------------------------------

    @Override
    protected boolean step() {
        return switch (mode) {
            case COMMAND -> readCommand();
            case DISCARD_LINE -> discardLine();
            case CONTENT -> readContent();
        };
    }

    private boolean readCommand() {
        boolean sasl = session.expectsSaslResponse();
        int maxLine = settings.limits().maxLineLength();
        if (sasl || CommandLines.startsWithAuth(in)) {
            maxLine = Math.max(maxLine, MAX_AUTH_LINE);
        }
        CommandLines.Line line = CommandLines.next(in, maxLine);
        if (line == null) {
            return false;
        }
        if (line == CommandLines.TOO_LONG) {
            mode = Mode.DISCARD_LINE;  // the rest of the line may already be here, LF included
            return true;
        }
        if (settings.protocolTrace()) {
            trace("C: {}", sasl ? "<authentication response>" : withoutSecrets(printable(line.octets())));
        }
        if (!line.crlf()) {
            session.bareLfInCommand();
        } else if (sasl) {
            session.saslResponse(line.octets());
        } else {
            session.command(SmtpCommandParser.parse(line.octets()));
        }
        return true;
    }

    /** The line as traced: AUTH's initial response is replaced, since it may hold a password. */
    private static String withoutSecrets(String line) {
        String[] words = line.split(" ", 3);
        return words.length == 3 && words[0].equalsIgnoreCase("AUTH") ? words[0] + " " + words[1] + " <hidden>" : line;
    }

    private boolean discardLine() {
        if (!CommandLines.skipRestOfLine(in)) {
            return false;
        }
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
        if (!isClosing()) {
            write(reply);
        }
    }

    @Override
    public void sendAndClose(SmtpReply reply) {
        if (!isClosing()) {
            write(reply);
            closeAfterFlush();
        }
    }

    @Override
    public void receive(ContentReceiver contentReceiver, Runnable then) {
        this.receiver = contentReceiver;
        this.afterContent = then;
        this.mode = Mode.CONTENT;
    }

    @Override
    public <T> void whenDone(CompletionStage<T> stage, BiConsumer<T, Throwable> then) {
        stage.whenComplete((value, error) -> execute(() -> {
            if (!isInactive()) {
                then.accept(value, error);
                ctx.flush();
            }
        }));
    }

    @Override
    public void startTls(SmtpReply ready) {
        if (!isClosing()) {
            write(ready);
            switchToTls(SmtpServer.sslHandler(settings, ctx.alloc()), "STARTTLS");
        }
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
     * While the session waits for the backend, reading goes on until {@link #HELD_WHILE_WAITING}
     * octets are held: a client that waits for each reply sends nothing meanwhile, and turning
     * reading off and on again for every backend call cost two system calls (epoll_ctl) each time.
     */
    @Override
    protected boolean readsWhileWaiting() {
        return in == null || in.readableBytes() < HELD_WHILE_WAITING;
    }

    /**
     * Idle timeouts (RFC 5321 §4.5.3.2): the data timeout while content is read, the command
     * timeout otherwise. Time spent waiting for the backend is not the client's idleness.
     */
    @Override
    protected long idleTimeoutNanos() {
        return mode == Mode.CONTENT ? settings.limits().dataTimeout().toNanos() : settings.limits().commandTimeout().toNanos();
    }

    /** At least every shortest timeout, so that a switch of mode is noticed in time. */
    @Override
    protected long idleCheckIntervalNanos() {
        return Math.min(settings.limits().commandTimeout().toNanos(), settings.limits().dataTimeout().toNanos());
    }

    @Override
    protected boolean idleClockStopped() {
        return isWaiting();
    }

    @Override
    protected void idleTimedOut() {
        trace("timeout");
        session.timedOut();
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
