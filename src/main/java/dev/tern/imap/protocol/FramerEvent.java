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
     * A literal was announced that exceeds the literal or command limit; none of its octets were
     * read. Answer {@code tag NO [TOOBIG]} (RFC 4469) or {@code tag BAD}. For a synchronizing
     * literal the client sends nothing more for this command. For a non-synchronizing one the
     * framer skips the announced octets and the rest of the command without buffering them;
     * a server may prefer to close the connection instead (RFC 7888 §4).
     */
    record LiteralTooBig(String tag, long size, boolean synchronizing) implements FramerEvent {
    }
}
