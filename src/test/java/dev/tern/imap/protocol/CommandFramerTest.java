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
                events.add(e instanceof FramerEvent.Command c ? new String(c.bytes(), StandardCharsets.ISO_8859_1) : e);
            }
        }
        return events;
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
        List<Object> events = events(new CommandFramer(LIMITS), "a APPEND x {3+}\r\nabc\r\n", 2);
        byte[] command = ((String) events.get(0)).getBytes(StandardCharsets.ISO_8859_1);
        assertThat(((ImapCommand.Append) CommandParser.parse(command).command()).messages().get(0).content())
                .asString().isEqualTo("abc");
    }

    @Test
    void literalsAtAndAboveTheLimit() {
        String exact = "x".repeat(100);
        assertThat(events(new CommandFramer(LIMITS), "a APPEND x {100+}\r\n" + exact + "\r\n", 7))
                .containsExactly("a APPEND x {100+}\r\n" + exact);
        // A synchronizing literal that is too big: nothing of it is read, the next command follows.
        assertThat(events(new CommandFramer(LIMITS), "a APPEND x {101}\r\nb NOOP\r\n", 5))
                .containsExactly(new FramerEvent.LiteralTooBig("a", 101, true), "b NOOP");
        // A non-synchronizing one: its octets and the rest of the command are skipped.
        assertThat(events(new CommandFramer(LIMITS), "a APPEND x {101+}\r\n" + "y".repeat(101) + " {3+}\r\nzzz\r\nb NOOP\r\n", 9))
                .containsExactly(new FramerEvent.LiteralTooBig("a", 101, false), "b NOOP");
        // The whole command is bounded too.
        String many = "a APPEND x" + " {100+}\r\n".concat("x".repeat(100)).repeat(19) + " {100+}\r\n";
        List<Object> events = events(new CommandFramer(LIMITS), many, 50);
        assertThat(events.get(events.size() - 1)).isEqualTo(new FramerEvent.LiteralTooBig("a", 100, false));
    }

    @Test
    void literalMinusRefusesLargeNonSynchronizingLiterals() {
        FramingLimits minus = new FramingLimits(1024, 10_000, 20_000, true);
        assertThat(events(new CommandFramer(minus), "a APPEND x {4097+}\r\n", 100))
                .containsExactly(new FramerEvent.LiteralTooBig("a", 4097, false));
        assertThat(events(new CommandFramer(minus), "a APPEND x {4097}\r\n", 100))
                .containsExactly(new FramerEvent.LiteralContinuation("a", 4097));
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
        ByteBuffer in = ByteBuffer.wrap("a APPEND x {50}\r\nb NOOP\r\n".getBytes(StandardCharsets.US_ASCII));
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
