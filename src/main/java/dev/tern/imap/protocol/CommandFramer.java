package dev.tern.imap.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits the bytes a client sends into whole commands, following the literal rules of RFC 9051
 * §4.3 and RFC 7888: a line ending in {@code {n}} (synchronizing: the client waits for a
 * continuation request), {@code {n+}} (non-synchronizing, LITERAL+/LITERAL-) or {@code ~{n}}
 * (literal8, RFC 3516) is followed by exactly n octets, then the command goes on.
 *
 * <p>Incremental and allocation-bounded: feed whatever arrived with {@link #next(ByteBuffer)};
 * a command is buffered up to {@link FramingLimits#maxCommandSize()}, and each limit is checked
 * before the octets it concerns are read: an over-long line is discarded as it arrives (one
 * that goes on past {@link FramingLimits#maxSkipped()} without a line feed ends the connection), an
 * over-large literal is refused from its announced length (a non-synchronizing one is read and
 * dropped, up to {@link FramingLimits#maxSkipped()} per command; past that the refusal says the
 * connection must end, and nothing more is read). Line ends are CRLF; a bare LF is
 * accepted as well (as Dovecot and Cyrus do), the CR is dropped.
 *
 * <p>The message literals of APPEND (RFC 9051 §6.3.12, MULTIAPPEND RFC 3502) are the one kind of
 * literal that may be large, so they are never buffered: the framer hands over the command text
 * before each of them ({@link FramerEvent.MessageLiteral}), then its octets piece by piece as
 * they arrive ({@link FramerEvent.LiteralData}, views of the input), and finally the rest of the
 * command ({@link FramerEvent.AppendEnd}). Which literal is a message is plain syntax: in an
 * APPEND every literal is a message (or a CATENATE {@code TEXT} part of one, RFC 4469) except a
 * mailbox name given as the first literal and the URL of a CATENATE {@code URL} part.
 *
 * <p>The lines of an AUTHENTICATE exchange and IDLE's {@code DONE} are framed like commands; they
 * never end in a literal announcement.
 */
public final class CommandFramer {

    /** Enough for the literal announcement at the end of a line: {@code ~{} + 19 digits + {@code +}}. */
    private static final int TAIL = 32;

    private static final byte[] APPEND = "APPEND ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] URL = "URL ".getBytes(StandardCharsets.US_ASCII);

    private enum State { LINE, LITERAL, STREAM, SKIP_LITERAL, DISCARD_LINE, CLOSED }

    private final FramingLimits limits;
    private byte[] buffer = new byte[256];
    private int size;
    private int lineStart;
    private State state = State.LINE;
    private long literalRemaining;
    /** The last octets of a line being discarded, to notice a literal that follows it. */
    private final byte[] tail = new byte[TAIL];
    private int tailLength;
    /** Literals announced so far in the command being read. */
    private int literals;
    /** The tag of an APPEND once one of its messages was streamed (the buffer no longer holds it). */
    private String streamedTag;
    /** A non-synchronizing literal that was too big, answered once its command has been skipped. */
    private FramerEvent.LiteralTooBig refusal;
    /** Octets of literals skipped so far in the command being discarded; at most {@link FramingLimits#maxSkipped()}. */
    private long skipped;
    /** Octets of line text discarded since the last line end; at most {@link FramingLimits#maxSkipped()}. */
    private long discarded;

    public CommandFramer(FramingLimits limits) {
        this.limits = limits;
    }

    /**
     * Consumes input until an event occurs or the input is used up. Returns null when more input
     * is needed; the input's position tells how much was consumed.
     */
    public FramerEvent next(ByteBuffer input) {
        if (state == State.STREAM && literalRemaining == 0) {
            return streamLiteral(input);    // an empty message literal
        }
        while (input.hasRemaining()) {
            switch (state) {
                case STREAM -> {
                    return streamLiteral(input);
                }
                case LITERAL -> readLiteral(input);
                case SKIP_LITERAL -> skipLiteral(input);
                case CLOSED -> input.position(input.limit());
                case DISCARD_LINE -> {
                    FramerEvent event = discardLine(input);
                    if (event != null) {
                        return event;
                    }
                }
                case LINE -> {
                    FramerEvent event = readLine(input);
                    if (event != null) {
                        return event;
                    }
                }
            }
        }
        return null;
    }

    /**
     * Drops the command being read. Used after {@link FramerEvent.LiteralContinuation} when the
     * server refuses the literal: the client has sent nothing more for this command.
     */
    public void abandonCommand() {
        reset();
    }

    /** True between commands: nothing of a new command has arrived yet. */
    public boolean isIdle() {
        return state == State.LINE && size == 0 && streamedTag == null;
    }

    /** Octets the framer holds for the command being read: its text and buffered literals, never a message. */
    public int bufferedOctets() {
        return size;
    }

    private FramerEvent readLine(ByteBuffer input) {
        while (input.hasRemaining()) {
            byte b = input.get();
            if (b == '\n') {
                int end = size > lineStart && buffer[size - 1] == '\r' ? size - 1 : size;
                return lineEnded(end);
            }
            if (size - lineStart >= limits.maxLineLength() + 1) {
                String tag = tag();
                startDiscarding();
                skipped = 0;
                remember(b);
                return new FramerEvent.LineTooLong(tag);
            }
            append(b);
        }
        return null;
    }

    private FramerEvent lineEnded(int end) {
        LiteralAnnouncement literal = LiteralAnnouncement.at(buffer, lineStart, end);
        if (literal == null) {
            byte[] command = Arrays.copyOf(buffer, end);
            boolean streamed = streamedTag != null;
            reset();
            return streamed ? new FramerEvent.AppendEnd(command) : new FramerEvent.Command(command);
        }
        boolean message = isMessageLiteral(literal);
        literals++;
        FramerEvent.LiteralTooBig big = tooBig(literal, message, end);
        if (big != null) {
            reset();
            if (literal.synchronizing) {
                return big;
            }
            // RFC 7888 §4: the client sends the octets anyway; they are read and dropped, and the
            // refusal comes once the command is over, so the answer follows what it answers. Up to
            // a bound (FramingLimits#maxSkipped): past it, the refusal comes at once and the
            // connection ends, as RFC 7888 §4 allows.
            skipped = 0;
            if (literal.size > limits.maxSkipped()) {
                state = State.CLOSED;
                return big.closing();
            }
            refusal = big;
            skipped = literal.size;
            literalRemaining = literal.size;
            state = State.SKIP_LITERAL;
            return null;
        }
        if (message) {
            return startMessage(literal);
        }
        // Normalise the line end to CRLF so the parser sees the RFC form.
        size = end;
        append((byte) '\r');
        append((byte) '\n');
        ensureCapacity(size + (int) literal.size);
        literalRemaining = literal.size;
        state = State.LITERAL;
        if (literal.size == 0) {
            literalDone();
        }
        return literal.synchronizing ? new FramerEvent.LiteralContinuation(tag(), literal.size) : null;
    }

    /**
     * The refusal of a literal that breaks a limit, naming the one that applies; null when it
     * fits. A literal that is not a message is buffered with its command, so the command limit is
     * usually the one it meets first (256 KiB by default, against 50 MiB per literal): that one is
     * named when it is the tighter of the two.
     *
     * @param end where the line that announces it ends in the buffer
     */
    private FramerEvent.LiteralTooBig tooBig(LiteralAnnouncement literal, boolean message, int end) {
        boolean overLiteral = literal.size > limits.maxLiteralSize();
        boolean overCommand = !message && end + 2 + literal.size > limits.maxCommandSize();
        FramerEvent.Limit exceeded;
        long limit;
        if (limits.literalMinus() && !literal.synchronizing && literal.size > FramingLimits.LITERAL_MINUS_MAX) {
            exceeded = FramerEvent.Limit.NON_SYNCHRONIZING;
            limit = FramingLimits.LITERAL_MINUS_MAX;
        } else if (overCommand && (!overLiteral || limits.maxCommandSize() <= limits.maxLiteralSize())) {
            exceeded = FramerEvent.Limit.COMMAND;
            limit = limits.maxCommandSize();
        } else if (overLiteral) {
            exceeded = message ? FramerEvent.Limit.MESSAGE : FramerEvent.Limit.LITERAL;
            limit = limits.maxLiteralSize();
        } else {
            return null;
        }
        return new FramerEvent.LiteralTooBig(tag(), literal.size, literal.synchronizing, exceeded, limit);
    }

    /**
     * In an APPEND, every literal carries a message except a mailbox name given as a literal:
     * the first literal, announced right after {@code APPEND}.
     */
    private boolean isMessageLiteral(LiteralAnnouncement literal) {
        if (streamedTag != null) {
            return !isUrl(literal, 0);
        }
        int verb = indexOf(buffer, (byte) ' ', 0, size) + 1;
        if (verb == 0 || verb + APPEND.length > size) {
            return false;
        }
        for (int i = 0; i < APPEND.length; i++) {
            if (Character.toUpperCase(buffer[verb + i]) != APPEND[i]) {
                return false;
            }
        }
        int mailbox = verb + APPEND.length;
        return !(literals == 0 && literal.start == mailbox) && !isUrl(literal, mailbox);
    }

    /**
     * A literal right after the word {@code URL} (preceded by a space or {@code (}) is the URL of
     * a CATENATE part (RFC 4469), buffered with the command like any string; {@code TEXT} parts
     * carry message content and are streamed. {@code URL} at {@code notAt} is a mailbox of that
     * name, whose message follows.
     */
    private boolean isUrl(LiteralAnnouncement literal, int notAt) {
        int word = literal.start - URL.length;
        if (word <= lineStart || word == notAt || (buffer[word - 1] != ' ' && buffer[word - 1] != '(')) {
            return false;
        }
        for (int i = 0; i < URL.length; i++) {
            if (Character.toUpperCase(buffer[word + i]) != URL[i]) {
                return false;
            }
        }
        return true;
    }

    /** Hands over the command text before a message literal, then streams the literal. */
    private FramerEvent startMessage(LiteralAnnouncement literal) {
        String tag = tag();
        byte[] head = Arrays.copyOf(buffer, literal.start);
        reset();
        streamedTag = tag;
        literals = 1;
        literalRemaining = literal.size;
        state = State.STREAM;
        return new FramerEvent.MessageLiteral(tag, head, literal.size, literal.synchronizing, literal.binary);
    }

    private FramerEvent streamLiteral(ByteBuffer input) {
        int n = (int) Math.min(literalRemaining, input.remaining());
        ByteBuffer piece = input.slice();
        piece.limit(n);
        input.position(input.position() + n);
        literalRemaining -= n;
        boolean last = literalRemaining == 0;
        if (last) {
            state = State.LINE;
        }
        return new FramerEvent.LiteralData(piece, last);
    }

    private static int indexOf(byte[] bytes, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private void readLiteral(ByteBuffer input) {
        int n = (int) Math.min(literalRemaining, input.remaining());
        input.get(buffer, size, n);
        size += n;
        literalRemaining -= n;
        if (literalRemaining == 0) {
            literalDone();
        }
    }

    private void literalDone() {
        state = State.LINE;
        lineStart = size;
    }

    private void skipLiteral(ByteBuffer input) {
        int n = (int) Math.min(literalRemaining, input.remaining());
        input.position(input.position() + n);
        literalRemaining -= n;
        if (literalRemaining == 0) {
            startDiscarding();
        }
    }

    /** Discards up to the end of the line; a non-synchronizing literal at its end is skipped too. */
    private FramerEvent discardLine(ByteBuffer input) {
        while (input.hasRemaining()) {
            byte b = input.get();
            if (b == '\n') {
                discarded = 0;
                int end = tailLength > 0 && tail[tailLength - 1] == '\r' ? tailLength - 1 : tailLength;
                LiteralAnnouncement literal = LiteralAnnouncement.at(tail, 0, end);
                reset();
                if (literal != null && !literal.synchronizing) {
                    if (literal.size > limits.maxSkipped() - skipped) {
                        return closeSkipping(literal);
                    }
                    skipped += literal.size;
                    literalRemaining = literal.size;
                    state = State.SKIP_LITERAL;
                    return null;
                }
                FramerEvent refused = refusal;
                refusal = null;
                return refused;
            }
            if (++discarded > limits.maxSkipped()) {
                // No line feed for longer than any command may take with its literals: nothing
                // the session could go on to.
                refusal = null;
                state = State.CLOSED;
                input.position(input.limit());
                return new FramerEvent.EndlessLine();
            }
            remember(b);
        }
        return null;
    }

    /**
     * A literal in a command being discarded would take the octets skipped past the bound: the
     * pending refusal, or one for this literal when the command was answered already (a line too
     * long), ends the connection.
     */
    private FramerEvent closeSkipping(LiteralAnnouncement literal) {
        FramerEvent.LiteralTooBig refused = refusal;
        refusal = null;
        state = State.CLOSED;
        if (refused == null) {
            boolean overLiteral = literal.size > limits.maxLiteralSize();
            refused = new FramerEvent.LiteralTooBig(null, literal.size, false,
                    overLiteral ? FramerEvent.Limit.LITERAL : FramerEvent.Limit.COMMAND,
                    overLiteral ? limits.maxLiteralSize() : limits.maxCommandSize());
        }
        return refused.closing();
    }

    private void startDiscarding() {
        reset();
        state = State.DISCARD_LINE;
    }

    private void remember(byte b) {
        if (tailLength == TAIL) {
            System.arraycopy(tail, 1, tail, 0, TAIL - 1);
            tailLength--;
        }
        tail[tailLength++] = b;
    }

    private void reset() {
        state = State.LINE;
        size = 0;
        lineStart = 0;
        tailLength = 0;
        literalRemaining = 0;
        literals = 0;
        streamedTag = null;
        if (buffer.length > 64 * 1024) {
            buffer = new byte[256];
        }
    }

    private void append(byte b) {
        ensureCapacity(size + 1);
        buffer[size++] = b;
    }

    private void ensureCapacity(int needed) {
        if (needed > buffer.length) {
            long grown = Math.max(needed, buffer.length * 2L);
            buffer = Arrays.copyOf(buffer, (int) Math.min(grown, FramingLimits.MAX_COMMAND_SIZE));
        }
    }

    /** The tag of the command being read, for error replies; null if it is not a valid tag. */
    private String tag() {
        if (streamedTag != null) {
            return streamedTag;
        }
        int end = 0;
        while (end < size && end < 64 && buffer[end] != ' ' && buffer[end] != '\r' && buffer[end] != '\n') {
            if (!CommandReader.isAtomChar(buffer[end] & 0xff) && buffer[end] != ']' || buffer[end] == '+') {
                return null;
            }
            end++;
        }
        return end == 0 || end == 64 ? null : new String(buffer, 0, end, StandardCharsets.US_ASCII);
    }

    /**
     * A literal announcement at the end of a line.
     *
     * @param start where the announcement begins in the line (its {@code ~} for a literal8)
     */
    private record LiteralAnnouncement(long size, boolean synchronizing, boolean binary, int start) {

        static LiteralAnnouncement at(byte[] line, int start, int end) {
            if (end - start < 3 || line[end - 1] != '}') {
                return null;
            }
            int i = end - 2;
            boolean synchronizing = true;
            if (line[i] == '+') {
                synchronizing = false;
                i--;
            }
            int digitsEnd = i + 1;
            while (i >= start && line[i] >= '0' && line[i] <= '9') {
                i--;
            }
            int digits = digitsEnd - (i + 1);
            if (digits == 0 || digits > 18 || i < start || line[i] != '{') {
                return null;
            }
            long size = Long.parseLong(new String(line, i + 1, digits, StandardCharsets.US_ASCII));
            boolean binary = i > start && line[i - 1] == '~';
            return new LiteralAnnouncement(size, synchronizing, binary, binary ? i - 1 : i);
        }
    }
}
