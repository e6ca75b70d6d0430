package dev.tern.imap.protocol;

/** What {@link CommandFramer#next} found in the input. */
public sealed interface FramerEvent {

    /**
     * A complete command: its lines and literals as received, without the final CRLF; give it to
     * {@link CommandParser}.
     */
    record Command(byte[] bytes) implements FramerEvent {
    }

    /**
     * A synchronizing literal {@code {n}} within the limits was announced: the client waits. Send
     * {@code + Ready for literal data} and go on feeding the framer, or refuse with
     * {@link CommandFramer#abandonCommand()} and a tagged NO/BAD.
     */
    record LiteralContinuation(String tag, long size) implements FramerEvent {
    }

    /**
     * The line grew beyond the limit before its end was seen. The framer discards the rest of the
     * command; answer {@code tag BAD} (or {@code * BAD} when {@code tag} is null).
     */
    record LineTooLong(String tag) implements FramerEvent {
    }

    /**
     * The line being discarded after {@link LineTooLong} went on past what the framer reads and
     * drops for one command ({@link FramingLimits#maxSkipped()}) without ending: a stream with no
     * line feed. Nothing more is read; answer {@code * BYE} and close the connection.
     */
    record EndlessLine() implements FramerEvent {
    }

    /**
     * A literal was announced that exceeds the literal or command limit; none of its octets were
     * read. Answer {@code tag NO [TOOBIG]} (RFC 4469) or {@code tag BAD}. For a synchronizing
     * literal the client sends nothing more for this command, and the event comes at once. For a
     * non-synchronizing one the framer first skips the announced octets and the rest of the
     * command without buffering them, then reports it. Either way the command is over, also when
     * some messages of a MULTIAPPEND were already streamed.
     *
     * <p>A non-synchronizing literal is skipped only up to {@link FramingLimits#maxSkipped()}
     * octets per command. One that would take the command past that bound ({@code closes}) is
     * reported at once and nothing more is read from the connection: answer the refusal (unless
     * {@code tag} is null: the command was answered already or has no tag), then {@code * BYE},
     * and close.
     *
     * @param exceeded the limit it broke (the tightest, when it broke several), for the answer to name
     * @param limit    that limit's value in octets
     * @param closes   the literal is more than the framer skips: the connection must end
     */
    record LiteralTooBig(String tag, long size, boolean synchronizing, Limit exceeded, long limit, boolean closes)
            implements FramerEvent {

        /** A refusal after which the session goes on. */
        public LiteralTooBig(String tag, long size, boolean synchronizing, Limit exceeded, long limit) {
            this(tag, size, synchronizing, exceeded, limit, false);
        }

        /** The same refusal, ending the connection. */
        public LiteralTooBig closing() {
            return new LiteralTooBig(tag, size, synchronizing, exceeded, limit, true);
        }
    }

    /** The limits of {@link FramingLimits} a literal can exceed. */
    enum Limit {
        /** An APPEND message over {@link FramingLimits#maxLiteralSize()}: the message size limit (APPENDLIMIT). */
        MESSAGE,
        /** Another literal over {@link FramingLimits#maxLiteralSize()}. */
        LITERAL,
        /** A literal that would take the buffered command over {@link FramingLimits#maxCommandSize()}. */
        COMMAND,
        /** A non-synchronizing literal over {@link FramingLimits#LITERAL_MINUS_MAX} under LITERAL-. */
        NON_SYNCHRONIZING
    }

    /**
     * An APPEND message literal within the limits was announced. {@code head} is the command text
     * before it, without the announcement: from the tag for the first message, from the end of the
     * previous message for the next ones of a MULTIAPPEND. Its octets follow as
     * {@link LiteralData}. A synchronizing literal waits for {@code +}; to refuse it, call
     * {@link CommandFramer#abandonCommand()}. A non-synchronizing one is sent anyway: drop its data.
     *
     * @param binary a literal8 {@code ~{n}} (RFC 3516)
     */
    record MessageLiteral(String tag, byte[] head, long size, boolean synchronizing, boolean binary)
            implements FramerEvent {
    }

    /**
     * The next octets of a message literal, a view of the framer's input that is valid until the
     * next call. {@code last} is set on the piece that completes it.
     */
    record LiteralData(java.nio.ByteBuffer octets, boolean last) implements FramerEvent {
    }

    /**
     * The end of an APPEND whose messages were streamed: the text after the last message literal,
     * without the final CRLF (empty in a well-formed command).
     */
    record AppendEnd(byte[] tail) implements FramerEvent {
    }
}
