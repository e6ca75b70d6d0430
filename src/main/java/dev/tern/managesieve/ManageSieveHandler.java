package dev.tern.managesieve;

import dev.tern.net.CommandLines;
import dev.tern.net.ProtocolConnection;
import dev.tern.sieve.SieveScripts;
import io.netty.buffer.Unpooled;

import javax.net.ssl.SSLSession;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Bytes in, replies out, for one ManageSieve connection: gathers each command whole (its lines
 * and the literals they announce, RFC 5804 §4), bounds it, runs the idle timer and starts TLS.
 * Knows nothing of ManageSieve beyond that framing; {@link ManageSieveSession} does the rest.
 *
 * <p>Bounds: a line between literals may be {@value #MAX_LINE} octets, a literal
 * {@value #MAX_LITERAL} (a script of {@link SieveScripts#MAX_SCRIPT_BYTES} and some room), a whole
 * command {@value #MAX_COMMAND}; before login a literal no more than a line and a command
 * {@value #MAX_COMMAND_BEFORE_LOGIN}, so that a connection that has not logged in holds little. Past one of them the rest of the command is read and dropped as
 * it arrives, literals included, and the session answers {@code NO}; past {@value #MAX_DISCARD}
 * octets of dropped input, or at the announcement of a literal bigger than that, the connection
 * is closed with {@code BYE}. While the session waits (store, SASL) reading stops, so what is held
 * is bounded by what was already read.
 */
final class ManageSieveHandler extends ProtocolConnection implements ManageSieveIo {

    static final int MAX_LINE = 16 * 1024;
    static final int MAX_LITERAL = SieveScripts.MAX_SCRIPT_BYTES + 4096;
    static final int MAX_COMMAND = MAX_LITERAL + 2 * MAX_LINE;
    /** A whole command before login, when literals may have {@value #MAX_LINE} octets (a SASL response). */
    static final int MAX_COMMAND_BEFORE_LOGIN = 3 * MAX_LINE;
    static final long MAX_DISCARD = 8L * 1024 * 1024;
    /** Enough of the end of a line to hold a literal's announcement: " {" 20 digits "+}". */
    private static final int TAIL = 24;

    /** Why a command was dropped. */
    enum Discard {
        /** A line longer than {@link #MAX_LINE}. */
        LINE_TOO_LONG,
        /** A literal larger than {@link #MAX_LITERAL}. */
        LITERAL_TOO_LARGE,
        /** Lines and literals together longer than {@link #MAX_COMMAND}. */
        COMMAND_TOO_LONG
    }

    private final ManageSieveContext context;
    private final String id;
    private ManageSieveSession session;

    /** The command gathered so far: lines, and the literals after their announcements. */
    private ByteArrayOutputStream command = new ByteArrayOutputStream(256);
    /** The first word of the command, for the answer to one that is dropped. */
    private String verb;
    /** Octets of the literal being read still to come, or -1 outside a literal. */
    private long literalLeft = -1;
    /** True inside a line too long to keep. */
    private boolean skippingLine;
    private final byte[] tail = new byte[TAIL];
    private int tailLength;
    /** Why the command being read is dropped, or null when it is kept. */
    private Discard discarding;
    private long discarded;

    ManageSieveHandler(ManageSieveContext context, String id) {
        super(ManageSieveSession.LOG, id);
        this.context = context;
        this.id = id;
    }

    // ---- the connection's events ----------------------------------------------------------------

    @Override
    protected void open(InetAddress client) {
        session = new ManageSieveSession(context, this, client, id);
        session.start();
    }

    @Override
    protected void closed() {
        session.disconnected();
    }

    @Override
    protected void tlsEstablished(SSLSession tls) {
        session.tlsStarted();
        flushOutput();
    }

    @Override
    protected void shuttingDown() {
        session.shuttingDown();
    }

    // ---- input --------------------------------------------------------------------------------

    @Override
    protected boolean step() {
        if (literalLeft >= 0) {
            return readLiteral();
        }
        return skippingLine ? skipLine() : readLine();
    }

    private boolean readLine() {
        CommandLines.Line line = CommandLines.next(in, MAX_LINE);
        if (line == null) {
            return false;
        }
        if (line == CommandLines.TOO_LONG) {
            firstWord(in.toString(in.readerIndex(), Math.min(in.readableBytes(), 16), StandardCharsets.US_ASCII));
            discard(Discard.LINE_TOO_LONG);
            skippingLine = true;
            tailLength = 0;
            return true;
        }
        byte[] octets = line.octets();
        firstWord(new String(octets, 0, Math.min(octets.length, 16), StandardCharsets.US_ASCII));
        ManageSieveParser.Literal literal = ManageSieveParser.literalAtEnd(octets);
        // Before login nothing needs more than a line's worth: a stranger holds little memory.
        boolean loggedIn = session.authenticated();
        long maxLiteral = loggedIn ? MAX_LITERAL : MAX_LINE;
        long maxCommand = loggedIn ? MAX_COMMAND : MAX_COMMAND_BEFORE_LOGIN;
        if (discarding == null && command.size() + octets.length > maxCommand) {
            discard(Discard.COMMAND_TOO_LONG);
        }
        if (discarding == null) {
            command.writeBytes(octets);
        } else {
            discarded += octets.length;
        }
        if (literal == null) {
            commandDone();
            return true;
        }
        if (discarding == null && (literal.size() > maxLiteral || command.size() + 2 + literal.size() > maxCommand)) {
            discard(literal.size() > maxLiteral ? Discard.LITERAL_TOO_LARGE : Discard.COMMAND_TOO_LONG);
        }
        return startLiteral(literal.size());
    }

    /** Reads (or drops) a literal of {@code size} octets next; false when the connection ends instead. */
    private boolean startLiteral(long size) {
        if (discarding != null) {
            if (size > MAX_DISCARD - discarded) {
                session.inputTooLarge();
                return false;
            }
        } else {
            command.write('\r');
            command.write('\n');
        }
        literalLeft = size == 0 ? -1 : size;
        return true;
    }

    private boolean readLiteral() {
        int n = (int) Math.min(in.readableBytes(), literalLeft);
        if (discarding == null) {
            byte[] chunk = new byte[n];
            in.readBytes(chunk);
            command.writeBytes(chunk);
        } else {
            in.skipBytes(n);
            discarded += n;
        }
        literalLeft -= n;
        if (literalLeft == 0) {
            literalLeft = -1;   // the rest of the line follows
        }
        return true;
    }

    /** Drops the rest of a line too long to keep, remembering its end: it may announce a literal. */
    private boolean skipLine() {
        int start = in.readerIndex();
        int lf = in.indexOf(start, in.writerIndex(), (byte) '\n');
        int end = lf < 0 ? in.writerIndex() : lf;
        remember(start, end);
        discarded += end - start;
        in.readerIndex(lf < 0 ? end : lf + 1);
        if (discarded > MAX_DISCARD) {
            session.inputTooLarge();
            return false;
        }
        if (lf < 0) {
            return false;
        }
        skippingLine = false;
        int length = tailLength > 0 && tail[tailLength - 1] == '\r' ? tailLength - 1 : tailLength;
        ManageSieveParser.Literal literal = ManageSieveParser.literalAtEnd(Arrays.copyOf(tail, length));
        if (literal == null) {
            commandDone();
            return true;
        }
        return startLiteral(literal.size());
    }

    /** Keeps the last {@link #TAIL} octets of the line being skipped. */
    private void remember(int from, int to) {
        int n = Math.min(to - from, TAIL);
        int keep = Math.min(tailLength, TAIL - n);
        System.arraycopy(tail, tailLength - keep, tail, 0, keep);
        in.getBytes(to - n, tail, keep, n);
        tailLength = keep + n;
    }

    private void firstWord(String start) {
        if (verb == null && command.size() == 0) {
            int space = start.indexOf(' ');
            verb = (space < 0 ? start : start.substring(0, space)).toUpperCase(Locale.ROOT);
        }
    }

    /** Drops the rest of the command; the first reason is the one the client hears. */
    private void discard(Discard why) {
        if (discarding == null) {
            discarding = why;
            discarded = 0;
        }
    }

    /** The command has ended: the session gets it, or hears that it was dropped. */
    private void commandDone() {
        Discard dropped = discarding;
        String first = verb;
        byte[] octets = dropped == null ? command.toByteArray() : null;
        command = command.size() > 4096 ? new ByteArrayOutputStream(256) : command;
        command.reset();
        verb = null;
        discarding = null;
        discarded = 0;
        if (dropped == null) {
            session.input(octets);
        } else {
            session.discarded(dropped, first);
        }
    }

    // ---- ManageSieveIo --------------------------------------------------------------------------

    @Override
    public void send(ManageSieveReply reply) {
        if (!isClosing()) {
            write(reply);
        }
    }

    @Override
    public void sendAndClose(ManageSieveReply reply) {
        if (!isClosing()) {
            write(reply);
            closeAfterFlush();
        }
    }

    @Override
    public void startTls(ManageSieveReply ready) {
        if (!isClosing()) {
            write(ready);
            switchToTls(ManageSieveServer.sslHandler(context, ctx.alloc()), "STARTTLS");
        }
    }

    private void write(ManageSieveReply reply) {
        touch();
        ctx.write(Unpooled.wrappedBuffer(reply.toBytes()));
    }

    // ---- idleness -------------------------------------------------------------------------------

    @Override
    protected long idleTimeoutNanos() {
        return context.idleTimeout().toNanos();
    }

    @Override
    protected void idleTimedOut() {
        session.timedOut();
    }
}
