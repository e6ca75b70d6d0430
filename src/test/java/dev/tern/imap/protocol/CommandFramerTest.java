package dev.tern.imap.protocol;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CommandFramerTest {

    private static final FramingLimits LIMITS = new FramingLimits(1024, 100, 2048, false);

    /** Feeds the input in pieces of {@code chunk} bytes and collects every event. */
    private static List<Object> events(CommandFramer framer, String input, int chunk) {
        byte[] bytes = input.getBytes(StandardCharsets.ISO_8859_1);
        List<Object> events = new ArrayList<>();
        for (int i = 0; i < bytes.length; i += chunk) {
            ByteBuffer buf = ByteBuffer.wrap(bytes, i, Math.min(chunk, bytes.length - i));
            FramerEvent e;
            while ((e = framer.next(buf)) != null) {
                Object rendered = render(e, events);
                if (rendered != null) {
                    events.add(rendered);
                }
            }
        }
        return events;
    }

    /** Commands as text, streamed APPEND events as short strings (consecutive data pieces joined). */
    private static Object render(FramerEvent e, List<Object> before) {
        if (e instanceof FramerEvent.Command c) {
            return new String(c.bytes(), StandardCharsets.ISO_8859_1);
        }
        if (e instanceof FramerEvent.MessageLiteral m) {
            return "message " + m.tag() + " [" + new String(m.head(), StandardCharsets.ISO_8859_1) + "] " + m.size()
                    + (m.synchronizing() ? "" : "+") + (m.binary() ? " binary" : "");
        }
        if (e instanceof FramerEvent.LiteralData d) {
            byte[] bytes = new byte[d.octets().remaining()];
            d.octets().get(bytes);
            String text = "data " + new String(bytes, StandardCharsets.ISO_8859_1);
            if (!before.isEmpty() && before.get(before.size() - 1) instanceof String prev && prev.startsWith("data ")
                    && !prev.endsWith("|")) {
                before.set(before.size() - 1, prev + text.substring(5));
                text = null;
            }
            if (d.last()) {
                if (text == null) {
                    before.set(before.size() - 1, before.get(before.size() - 1) + "|");
                } else {
                    text += "|";
                }
            }
            return text;
        }
        if (e instanceof FramerEvent.AppendEnd end) {
            return "end [" + new String(end.tail(), StandardCharsets.ISO_8859_1) + "]";
        }
        return e;
    }

    @Test
    void splitsCommandsAndKeepsLiteralsInline() {
        String input = "a1 NOOP\r\na2 LOGIN {5}\r\nalice {6+}\r\nsecret\r\na3 LOGOUT\n";
        for (int chunk : new int[]{1, 3, 1000}) {
            assertThat(events(new CommandFramer(LIMITS), input, chunk)).as("chunk " + chunk).containsExactly(
                    "a1 NOOP",
                    new FramerEvent.LiteralContinuation("a2", 5),
                    "a2 LOGIN {5}\r\nalice {6+}\r\nsecret",
                    "a3 LOGOUT");
        }
    }

    @Test
    void framedCommandsParse() {
        List<Object> events = events(new CommandFramer(LIMITS), "a LOGIN x {3+}\r\nabc\r\n", 2);
        byte[] command = ((String) events.get(0)).getBytes(StandardCharsets.ISO_8859_1);
        assertThat(((ImapCommand.Login) CommandParser.parse(command).command()).password()).isEqualTo("abc");
    }

    @Test
    void literalsAtAndAboveTheLimit() {
        String exact = "x".repeat(100);
        assertThat(events(new CommandFramer(LIMITS), "a LOGIN x {100+}\r\n" + exact + "\r\n", 7))
                .containsExactly("a LOGIN x {100+}\r\n" + exact);
        assertThat(events(new CommandFramer(LIMITS), "a APPEND x {100+}\r\n" + exact + "\r\n", 7))
                .containsExactly("message a [a APPEND x ] 100+", "data " + exact + "|", "end []");
        // A synchronizing literal that is too big: nothing of it is read, the next command follows.
        assertThat(events(new CommandFramer(LIMITS), "a APPEND x {101}\r\nb NOOP\r\n", 5))
                .containsExactly(new FramerEvent.LiteralTooBig("a", 101, true, FramerEvent.Limit.MESSAGE, 100), "b NOOP");
        // A non-synchronizing one: its octets and the rest of the command are skipped, then it is refused.
        assertThat(events(new CommandFramer(LIMITS), "a APPEND x {101+}\r\n" + "y".repeat(101) + " {3+}\r\nzzz\r\nb NOOP\r\n", 9))
                .containsExactly(new FramerEvent.LiteralTooBig("a", 101, false, FramerEvent.Limit.MESSAGE, 100), "b NOOP");
        // The buffered part of a command is bounded too.
        String many = "a X" + " {100+}\r\n".concat("x".repeat(100)).repeat(19) + " {100+}\r\n" + "x".repeat(100) + "\r\n";
        List<Object> events = events(new CommandFramer(LIMITS), many, 50);
        assertThat(events).containsExactly(new FramerEvent.LiteralTooBig("a", 100, false, FramerEvent.Limit.COMMAND, 2048));
    }

    @Test
    void aTooBigLiteralNamesTheLimitItBroke() {
        // Buffered with its command: the command limit applies long before the literal limit.
        FramingLimits wide = new FramingLimits(1024, 1_000_000, 4096, false);
        assertThat(events(new CommandFramer(wide), "a SELECT {5000}\r\n", 100))
                .containsExactly(new FramerEvent.LiteralTooBig("a", 5000, true, FramerEvent.Limit.COMMAND, 4096));
        assertThat(events(new CommandFramer(wide), "a SELECT {2000000}\r\n", 100))
                .containsExactly(new FramerEvent.LiteralTooBig("a", 2000000, true, FramerEvent.Limit.COMMAND, 4096));
        // Each literal fits, the two together do not.
        assertThat(events(new CommandFramer(wide), "a ID (\"a\" {3000+}\r\n" + "x".repeat(3000) + " \"b\" {3000}\r\n", 100))
                .containsExactly(new FramerEvent.LiteralTooBig("a", 3000, true, FramerEvent.Limit.COMMAND, 4096));
        // An APPEND message is streamed: only the message limit applies to it.
        assertThat(events(new CommandFramer(wide), "a APPEND x {2000000}\r\n", 100))
                .containsExactly(new FramerEvent.LiteralTooBig("a", 2000000, true, FramerEvent.Limit.MESSAGE, 1_000_000));
        // A literal limit below the command limit is the one a smaller literal meets.
        FramingLimits narrow = new FramingLimits(1024, 100, 4096, false);
        assertThat(events(new CommandFramer(narrow), "a LOGIN x {200}\r\n", 100))
                .containsExactly(new FramerEvent.LiteralTooBig("a", 200, true, FramerEvent.Limit.LITERAL, 100));
        assertThat(events(new CommandFramer(narrow), "a LOGIN x {5000}\r\n", 100))
                .containsExactly(new FramerEvent.LiteralTooBig("a", 5000, true, FramerEvent.Limit.LITERAL, 100));
    }

    @Test
    void literalMinusRefusesLargeNonSynchronizingLiterals() {
        FramingLimits minus = new FramingLimits(1024, 10_000, 20_000, true);
        assertThat(events(new CommandFramer(minus), "a APPEND x {4097+}\r\n" + "x".repeat(4097) + "\r\n", 100))
                .containsExactly(new FramerEvent.LiteralTooBig("a", 4097, false, FramerEvent.Limit.NON_SYNCHRONIZING, 4096));
        assertThat(events(new CommandFramer(minus), "a APPEND x {4097}\r\n", 100))
                .containsExactly("message a [a APPEND x ] 4097");
    }

    @Test
    void appendMessagesAreStreamedNotBuffered() {
        String input = "a APPEND INBOX (\\Seen) {10}\r\n0123456789 \"01-Jan-2024 00:00:00 +0000\" {3+}\r\nabc\r\n"
                + "b append {5}\r\nDraft ~{3}\r\nx\0y {0}\r\n\r\nc NOOP\r\n";
        for (int chunk : new int[]{1, 4, 1000}) {
            assertThat(events(new CommandFramer(LIMITS), input, chunk)).as("chunk " + chunk).containsExactly(
                    "message a [a APPEND INBOX (\\Seen) ] 10",
                    "data 0123456789|",
                    "message a [ \"01-Jan-2024 00:00:00 +0000\" ] 3+",
                    "data abc|",
                    "end []",
                    // A mailbox name given as a literal is an ordinary (buffered) literal.
                    new FramerEvent.LiteralContinuation("b", 5),
                    "message b [b append {5}\r\nDraft ] 3 binary",
                    "data x\0y|",
                    "message b [ ] 0",
                    "data |",
                    "end []",
                    "c NOOP");
        }
    }

    @Test
    void aLargeMessageNeverAccumulatesInTheFramer() {
        long size = 30L * 1024 * 1024;
        CommandFramer framer = new CommandFramer(new FramingLimits(64 * 1024, 50L * 1024 * 1024, 256 * 1024, false));
        ByteBuffer head = ByteBuffer.wrap(("a APPEND INBOX {" + size + "+}\r\n").getBytes(StandardCharsets.US_ASCII));
        assertThat(framer.next(head)).isInstanceOf(FramerEvent.MessageLiteral.class);
        byte[] chunk = new byte[64 * 1024];
        long streamed = 0;
        int largestBuffer = 0;
        int largestPiece = 0;
        for (long sent = 0; sent < size; sent += chunk.length) {
            ByteBuffer in = ByteBuffer.wrap(chunk);
            for (FramerEvent e; (e = framer.next(in)) != null; ) {
                FramerEvent.LiteralData d = (FramerEvent.LiteralData) e;
                largestPiece = Math.max(largestPiece, d.octets().remaining());
                streamed += d.octets().remaining();
            }
            largestBuffer = Math.max(largestBuffer, framer.bufferedOctets());
        }
        assertThat(streamed).isEqualTo(size);
        assertThat(largestPiece).isLessThanOrEqualTo(chunk.length);
        assertThat(largestBuffer).isZero();
        FramerEvent end = framer.next(ByteBuffer.wrap("\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertThat(end).isInstanceOf(FramerEvent.AppendEnd.class);
        assertThat(framer.isIdle()).isTrue();
    }

    @Test
    void aTooBigMessageInAMultiappendEndsTheCommand() {
        assertThat(events(new CommandFramer(LIMITS), "a APPEND x {3+}\r\nabc {101+}\r\n" + "y".repeat(101) + "\r\nb NOOP\r\n", 7))
                .containsExactly("message a [a APPEND x ] 3+", "data abc|", new FramerEvent.LiteralTooBig("a", 101, false, FramerEvent.Limit.MESSAGE, 100), "b NOOP");
        assertThat(events(new CommandFramer(LIMITS), "a APPEND x {3+}\r\nabc {101}\r\nb NOOP\r\n", 7))
                .containsExactly("message a [a APPEND x ] 3+", "data abc|", new FramerEvent.LiteralTooBig("a", 101, true, FramerEvent.Limit.MESSAGE, 100), "b NOOP");
    }

    @Test
    void aNonSynchronizingLiteralIsSkippedOnlyUpToABound() {
        // 100-octet literals: the bound is FramingLimits.MIN_SKIPPED (8 MiB).
        long bound = LIMITS.maxSkipped();
        assertThat(bound).isEqualTo(FramingLimits.MIN_SKIPPED);
        assertThat(new FramingLimits(1024, 50L << 20, 2048, false).maxSkipped()).isEqualTo(100L << 20);
        assertThat(new FramingLimits(1024, Long.MAX_VALUE, 2048, false).maxSkipped()).isEqualTo(Long.MAX_VALUE);
        // Beyond it: refused at once, marked as closing, and nothing after it is framed.
        CommandFramer framer = new CommandFramer(LIMITS);
        assertThat(events(framer, "a APPEND x {999999999999999999+}\r\n" + "y".repeat(5000) + "\r\nb NOOP\r\n", 100))
                .containsExactly(new FramerEvent.LiteralTooBig("a", 999999999999999999L, false,
                        FramerEvent.Limit.MESSAGE, 100, true));
        assertThat(events(framer, "c NOOP\r\n", 100)).isEmpty();
        assertThat(events(new CommandFramer(LIMITS), "a LOGIN x {" + (bound + 1) + "+}\r\n", 100))
                .containsExactly(new FramerEvent.LiteralTooBig("a", bound + 1, false, FramerEvent.Limit.LITERAL, 100, true));
        // A synchronizing one is never sent: refused as before, and the session goes on.
        assertThat(events(new CommandFramer(LIMITS), "a APPEND x {999999999999999999}\r\nb NOOP\r\n", 100))
                .containsExactly(new FramerEvent.LiteralTooBig("a", 999999999999999999L, true, FramerEvent.Limit.MESSAGE, 100),
                        "b NOOP");
    }

    @Test
    void theBoundCountsEveryLiteralSkippedInTheCommand() {
        // 4 MiB + 4 MiB is the bound (8 MiB) exactly: both skipped, the refusal ends the command.
        int half = (int) (FramingLimits.MIN_SKIPPED / 2);
        String skippedTwice = "a APPEND x {" + half + "+}\r\n" + "y".repeat(half) + " {" + half + "+}\r\n"
                + "z".repeat(half) + "\r\nb NOOP\r\n";
        assertThat(events(new CommandFramer(LIMITS), skippedTwice, 64 * 1024))
                .containsExactly(new FramerEvent.LiteralTooBig("a", half, false, FramerEvent.Limit.MESSAGE, 100), "b NOOP");
        // One octet more in the second literal: the first refusal, now ending the connection.
        String overTheBound = "a APPEND x {" + half + "+}\r\n" + "y".repeat(half) + " {" + (half + 1) + "+}\r\n"
                + "z".repeat(half + 1) + "\r\nb NOOP\r\n";
        assertThat(events(new CommandFramer(LIMITS), overTheBound, 64 * 1024))
                .containsExactly(new FramerEvent.LiteralTooBig("a", half, false, FramerEvent.Limit.MESSAGE, 100, true));
        // After a line too long (answered already), a literal past the bound ends the connection, untagged.
        String tooLong = "a " + "x".repeat(1023);
        assertThat(events(new CommandFramer(LIMITS), tooLong + " {999999999+}\r\nb NOOP\r\n", 64))
                .containsExactly(new FramerEvent.LineTooLong("a"),
                        new FramerEvent.LiteralTooBig(null, 999999999, false, FramerEvent.Limit.LITERAL, 100, true));
    }

    @Test
    void aLineDiscardedAsTooLongEndsTheConnectionPastTheBound() {
        long bound = LIMITS.maxSkipped();
        // 1024 octets make the line too long; the 1026th is the first one discarded.
        String tooLong = "a " + "x".repeat(1023);
        CommandFramer framer = new CommandFramer(LIMITS);
        assertThat(events(framer, tooLong + "y".repeat((int) bound) + "\r\nb NOOP\r\n", 64 * 1024))
                .as("exactly the bound: dropped, and the session goes on")
                .containsExactly(new FramerEvent.LineTooLong("a"), "b NOOP");
        framer = new CommandFramer(LIMITS);
        assertThat(events(framer, tooLong + "y".repeat((int) bound + 1) + "\r\nb NOOP\r\n", 64 * 1024))
                .containsExactly(new FramerEvent.LineTooLong("a"), new FramerEvent.EndlessLine());
        assertThat(events(framer, "c NOOP\r\n", 100)).as("nothing more is framed").isEmpty();
    }

    @Test
    void catenateTextPartsAreStreamedAndUrlsBuffered() {
        // RFC 4469: TEXT literals are message content, streamed like a message; a URL given as a
        // literal is a string of the command; a mailbox called URL is still a mailbox.
        String input = "a APPEND x CATENATE (TEXT {3+}\r\nabc URL {5+}\r\n/a;b= TEXT ~{2}\r\nxy URL \"/c\")\r\nb NOOP\r\n";
        for (int chunk : new int[]{1, 7, 1000}) {
            assertThat(events(new CommandFramer(LIMITS), input, chunk)).as("chunk " + chunk).containsExactly(
                    "message a [a APPEND x CATENATE (TEXT ] 3+", "data abc|",
                    "message a [ URL {5+}\r\n/a;b= TEXT ] 2 binary", "data xy|",
                    "end [ URL \"/c\")]", "b NOOP");
        }
        assertThat(events(new CommandFramer(LIMITS), "a APPEND x CATENATE (URL {2+}\r\n/a)\r\n", 5))
                .containsExactly("a APPEND x CATENATE (URL {2+}\r\n/a)");
        assertThat(events(new CommandFramer(LIMITS), "a APPEND URL {3+}\r\nabc\r\n", 5))
                .containsExactly("message a [a APPEND URL ] 3+", "data abc|", "end []");
        // A TEXT part meets the message limit, not the command buffer's; a URL literal the command's.
        FramingLimits wide = new FramingLimits(1024, 1_000_000, 4096, false);
        assertThat(events(new CommandFramer(wide), "a APPEND x CATENATE (TEXT {5000}\r\n", 100))
                .containsExactly("message a [a APPEND x CATENATE (TEXT ] 5000");
        assertThat(events(new CommandFramer(wide), "a APPEND x CATENATE (TEXT {2000000}\r\n", 100))
                .containsExactly(new FramerEvent.LiteralTooBig("a", 2000000, true, FramerEvent.Limit.MESSAGE, 1_000_000));
        assertThat(events(new CommandFramer(wide), "a APPEND x CATENATE (URL {5000}\r\n", 100))
                .containsExactly(new FramerEvent.LiteralTooBig("a", 5000, true, FramerEvent.Limit.COMMAND, 4096));
    }

    @Test
    void lineLengthLimit() {
        String exact = "a " + "x".repeat(1022);
        assertThat(events(new CommandFramer(LIMITS), exact + "\r\n", 100)).containsExactly(exact);
        String tooLong = "a " + "x".repeat(1023);
        assertThat(events(new CommandFramer(LIMITS), tooLong + "\r\nb NOOP\r\n", 100))
                .containsExactly(new FramerEvent.LineTooLong("a"), "b NOOP");
        // A too long line that announces a non-synchronizing literal: the literal is skipped as well.
        assertThat(events(new CommandFramer(LIMITS), tooLong + " {5+}\r\nhello\r\nb NOOP\r\n", 64))
                .containsExactly(new FramerEvent.LineTooLong("a"), "b NOOP");
    }

    @Test
    void abandonedSynchronizingLiteral() {
        CommandFramer framer = new CommandFramer(LIMITS);
        ByteBuffer in = ByteBuffer.wrap("a LOGIN x {50}\r\nb NOOP\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(framer.next(in)).isEqualTo(new FramerEvent.LiteralContinuation("a", 50));
        framer.abandonCommand();
        assertThat(framer.isIdle()).isTrue();
        assertThat(new String(((FramerEvent.Command) framer.next(in)).bytes(), StandardCharsets.US_ASCII)).isEqualTo("b NOOP");
    }

    @Test
    void bracesInsideTheLineAreNotLiterals() {
        assertThat(events(new CommandFramer(LIMITS), "a SEARCH SUBJECT \"{5}\" ALL\r\n", 4))
                .containsExactly("a SEARCH SUBJECT \"{5}\" ALL");
        assertThat(events(new CommandFramer(LIMITS), "a X {abc}\r\n", 4)).containsExactly("a X {abc}");
    }
}
