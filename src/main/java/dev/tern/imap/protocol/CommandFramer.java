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
 * before the octets it concerns are read: an over-long line is discarded as it arrives, an
 * over-large literal is refused from its announced length. Line ends are CRLF; a bare LF is
 * accepted as well (as Dovecot and Cyrus do), the CR is dropped.
 *
 * <p>The lines of an AUTHENTICATE exchange and IDLE's {@code DONE} are framed like commands; they
 * never end in a literal announcement.
 */
public final class CommandFramer {

    /** Enough for the literal announcement at the end of a line: {@code ~{} + 19 digits + {@code +}}. */
    private static final int TAIL = 32;

    private enum State { LINE, LITERAL, SKIP_LITERAL, DISCARD_LINE }

    private final FramingLimits limits;
    private byte[] buffer = new byte[256];
    private int size;
    private int lineStart;
    private State state = State.LINE;
    private long literalRemaining;
    /** The last octets of a line being discarded, to notice a literal that follows it. */
    private final byte[] tail = new byte[TAIL];
    private int tailLength;

    public CommandFramer(FramingLimits limits) {
        this.limits = limits;
    }

    /**
     * Consumes input until an event occurs or the input is used up. Returns null when more input
     * is needed; the input's position tells how much was consumed.
     */
    public FramerEvent next(ByteBuffer input) {
        while (input.hasRemaining()) {
            switch (state) {
                case LITERAL -> readLiteral(input);
                case SKIP_LITERAL -> skipLiteral(input);
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
        return state == State.LINE && size == 0;
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
            reset();
            return new FramerEvent.Command(command);
        }
        boolean tooBig = literal.size > limits.maxLiteralSize()
                || end + 2 + literal.size > limits.maxCommandSize()
                || (limits.literalMinus() && !literal.synchronizing && literal.size > FramingLimits.LITERAL_MINUS_MAX);
        if (tooBig) {
            String tag = tag();
            reset();
            if (!literal.synchronizing) {
                literalRemaining = literal.size;
                state = State.SKIP_LITERAL;
            }
            return new FramerEvent.LiteralTooBig(tag, literal.size, literal.synchronizing);
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
                int end = tailLength > 0 && tail[tailLength - 1] == '\r' ? tailLength - 1 : tailLength;
                LiteralAnnouncement literal = LiteralAnnouncement.at(tail, 0, end);
                reset();
                if (literal != null && !literal.synchronizing) {
                    literalRemaining = literal.size;
                    state = State.SKIP_LITERAL;
                }
                return null;
            }
            remember(b);
        }
        return null;
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
        int end = 0;
        while (end < size && end < 64 && buffer[end] != ' ' && buffer[end] != '\r' && buffer[end] != '\n') {
            if (!CommandReader.isAtomChar(buffer[end] & 0xff) && buffer[end] != ']' || buffer[end] == '+') {
                return null;
            }
            end++;
        }
        return end == 0 || end == 64 ? null : new String(buffer, 0, end, StandardCharsets.US_ASCII);
    }

    /** A literal announcement at the end of a line. */
    private record LiteralAnnouncement(long size, boolean synchronizing) {

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
            return new LiteralAnnouncement(size, synchronizing);
        }
    }
}
