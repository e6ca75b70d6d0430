package dev.tern.imap.protocol;

/**
 * What {@link CommandFramer} accepts before it gives up on a command, checked before the bytes
 * are read so that nothing unbounded is ever buffered.
 *
 * @param maxLineLength  octets of one line (a command's text between literals), CRLF excluded;
 *                       RFC 7162 §4 asks servers to accept at least 8192
 * @param maxLiteralSize octets of one literal; APPEND's message literal is the largest one, so
 *                       this is the message size limit
 * @param maxCommandSize octets of a whole command as buffered: lines plus the literals that are
 *                       not APPEND messages (those are streamed and bounded by
 *                       {@code maxLiteralSize} each)
 * @param literalMinus   LITERAL- (RFC 7888 §4) is advertised instead of LITERAL+: non-synchronizing
 *                       literals above 4096 octets are refused
 */
public record FramingLimits(int maxLineLength, long maxLiteralSize, long maxCommandSize, boolean literalMinus) {

    /** RFC 7888 §4: the largest non-synchronizing literal under LITERAL-. */
    public static final int LITERAL_MINUS_MAX = 4096;

    /**
     * The least {@link #maxSkipped()} is, whatever the literal limit: what ManageSieve reads of a
     * script it refuses.
     */
    public static final long MIN_SKIPPED = 8L * 1024 * 1024;

    /** A command is held in one array. */
    public static final long MAX_COMMAND_SIZE = Integer.MAX_VALUE - 8;

    public FramingLimits {
        if (maxLineLength < 1024 || maxLiteralSize < 0 || maxCommandSize < maxLineLength
                || maxCommandSize > MAX_COMMAND_SIZE) {
            throw new IllegalArgumentException("implausible IMAP framing limits");
        }
    }

    /**
     * Octets of refused non-synchronizing literals read and dropped for one command before the
     * connection is closed instead (RFC 7888 §4 allows either): twice the literal limit, at least
     * {@link #MIN_SKIPPED}. Reading them keeps the session in step and lets the client hear
     * {@code NO [TOOBIG]}: a client that did not heed APPENDLIMIT and sends a message somewhat over
     * it learns why it was refused, where a dropped connection is what many clients answer by
     * sending the whole message again. Up to this bound, skipping costs no more reading than
     * literals the server would accept; beyond it (a {@code {999999999999999999+}} keeps a
     * session reading for ever) there is nothing the session could go on to.
     */
    public long maxSkipped() {
        long twice = maxLiteralSize > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : 2 * maxLiteralSize;
        return Math.max(MIN_SKIPPED, twice);
    }

    /** 64 KiB lines, 50 MiB literals, 256 KiB buffered per command, LITERAL+. */
    public static FramingLimits defaults() {
        return new FramingLimits(64 * 1024, 50L * 1024 * 1024, 256 * 1024, false);
    }
}
