package dev.tern.net;

import io.netty.buffer.ByteBuf;

/**
 * How SMTP and POP3 cut their input into command lines: a line ends at LF, is at most a bounded
 * number of octets long, and a line that starts with {@code AUTH} (or a SASL response) may be
 * longer than the others (RFC 4954 §4, RFC 5034 §4). A line over its bound is not gathered: it is
 * skipped as it arrives ({@link #skipRestOfLine}) and answered with an error by the protocol.
 */
public final class CommandLines {

    /** A command line: its octets without the line ending, and whether that ending was CRLF. */
    public record Line(byte[] octets, boolean crlf) {
    }

    /** What {@link #next} returns for a line longer than its bound. */
    public static final Line TOO_LONG = new Line(new byte[0], false);

    private CommandLines() {
    }

    /**
     * Takes the next line from {@code in}: the line, {@link #TOO_LONG} (nothing taken) when
     * {@code maxLine} octets arrived without an LF, or null (nothing taken) when the line is not
     * all there yet.
     *
     * @param maxLine the most octets of a line, its line ending included
     */
    public static Line next(ByteBuf in, int maxLine) {
        int start = in.readerIndex();
        int available = in.readableBytes();
        int lf = in.indexOf(start, start + Math.min(available, maxLine), (byte) '\n');
        if (lf < 0) {
            return available >= maxLine ? TOO_LONG : null;
        }
        int length = lf - start;
        boolean crlf = length > 0 && in.getByte(lf - 1) == '\r';
        byte[] line = new byte[crlf ? length - 1 : length];
        in.getBytes(start, line);
        in.skipBytes(length + 1);
        return new Line(line, crlf);
    }

    /** Skips the rest of a line too long to read; true once its LF has gone too. */
    public static boolean skipRestOfLine(ByteBuf in) {
        int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (lf < 0) {
            in.skipBytes(in.readableBytes());
            return false;
        }
        in.readerIndex(lf + 1);
        return true;
    }

    /** True when the input held starts with {@code AUTH } (in any case): its line may be longer. */
    public static boolean startsWithAuth(ByteBuf in) {
        if (in.readableBytes() < 5) {
            return false;
        }
        int start = in.readerIndex();
        for (int i = 0; i < 5; i++) {
            int b = in.getByte(start + i);
            if (b != "AUTH ".charAt(i) && b != "auth ".charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
