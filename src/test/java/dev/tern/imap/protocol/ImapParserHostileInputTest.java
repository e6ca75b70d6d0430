package dev.tern.imap.protocol;

import dev.tern.testing.HostileInput;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The IMAP parsers against hostile input: thousands of mutations of valid commands (seeded, so a
 * failure names its seed and input), deep nesting and huge numbers. Each parser may only answer
 * with what its contract names: {@link CommandParser} a command or {@link ImapCommand.Invalid}
 * (never its safety net's "Invalid command", which hides a parser bug), the framer its events,
 * the value parsers a value or {@link IllegalArgumentException}. Nothing else may escape, a
 * StackOverflowError least of all, and no error text may show internals.
 */
class ImapParserHostileInputTest {

    private static final int ROUNDS = 3000;

    /** Commands as the framer delivers them: literals inline, no final CRLF. */
    static final List<String> COMMANDS = List.of(
            "a1 LOGIN alice@example.test \"secret \\\"pw\\\\\"",
            "a2 LOGIN {5}\r\nalice {6+}\r\nsecret",
            "a3 SELECT INBOX (CONDSTORE)",
            "a4 SELECT \"Sent &AOk-l&AOk-ments\" (QRESYNC (67890007 20050715194045000 41,43:211,214:541))",
            "a5 FETCH 1:* (BODY.PEEK[HEADER.FIELDS (FROM)]<0.100> FLAGS)",
            "a6 UID FETCH 1:*,7 (UID BODYSTRUCTURE BINARY.PEEK[1.2]<0.10> BINARY.SIZE[1] ENVELOPE) (CHANGEDSINCE 12345 VANISHED)",
            "a7 UID SEARCH CHARSET UTF-8 OR (FROM \"x\" SINCE 1-Jan-2020) NOT SEEN",
            "a8 SEARCH RETURN (MIN MAX COUNT SAVE) 1:5,7 UID 2:* LARGER 100 HEADER \"X-Spam\" {3}\r\nyes MODSEQ \"/flags/\\\\draft\" all 620162338",
            "a9 STORE 1:3 +FLAGS.SILENT (\\Deleted $Junk)",
            "a10 UID STORE 4 (UNCHANGEDSINCE 12121230045) -FLAGS \\Seen",
            "a11 APPEND INBOX (\\Seen) \" 7-Feb-1994 21:52:25 -0800\" {19}\r\nSubject: hi\r\n\r\nbody",
            "a12 APPEND {6}\r\nDrafts {3+}\r\nabc",
            "a13 UID COPY 1:5 \"Archive/2020\"",
            "a14 UID MOVE 7 Trash",
            "a15 SORT (REVERSE ARRIVAL SUBJECT) UTF-8 ALL",
            "a16 UID SORT RETURN (ALL) (DATE) US-ASCII SUBJECT \"hello\" SENTBEFORE 1-Feb-1994",
            "a17 THREAD REFERENCES UTF-8 ALL",
            "a18 UID THREAD ORDEREDSUBJECT UTF-8 OR TEXT \"a\" BODY {2}\r\nb\" NOT (DELETED UNSEEN)",
            "a19 ENABLE CONDSTORE QRESYNC UTF8=ACCEPT IMAP4rev2",
            "a20 ID (\"name\" \"Thunderbird\" \"version\" NIL)",
            "a21 COMPRESS DEFLATE",
            "a22 NAMESPACE",
            "a23 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" (\"INBOX\" \"%\") RETURN (CHILDREN STATUS (MESSAGES UNSEEN))",
            "a24 STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ SIZE)",
            "a25 AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==",
            "a26 GETMETADATA (MAXSIZE 1024 DEPTH infinity) INBOX (/private/comment /shared/comment)",
            "a27 SETMETADATA INBOX (/private/comment {4}\r\nnote /shared/x NIL)",
            "a28 SETACL INBOX bob@example.test +lrs",
            "a29 CREATE Projects/2024 (USE (\\Archive))",
            "a30 UID EXPUNGE 3:5,9",
            "a31 SEARCH EMAILID M6d99ac3275bb4e THREADID T64b478a75b7ea9 OLDER 3600 SAVEDSINCE 1-Jan-2020",
            "a32 FETCH $ (PREVIEW (LAZY) SAVEDATE EMAILID RFC822.SIZE)",
            "a33 RENAME \"a\" {1+}\r\nb",
            "a34 SETQUOTA \"\" (STORAGE 512)",
            "a35 IDLE",
            "a36 NOOP");

    private static final List<FramingLimits> LIMITS = List.of(
            new FramingLimits(1024, 100, 2048, false), new FramingLimits(1024, 50L << 20, 4096, true),
            FramingLimits.defaults());

    @Test
    void theCommandsMutatedAreValid() {
        for (String command : COMMANDS) {
            // An APPEND's message literal is streamed by the framer, never parsed with its command.
            String head = command.contains(" APPEND ") ? command.substring(0, command.lastIndexOf('{')) : command;
            ImapRequest r = new CommandParser(true).parseCommand(head.getBytes(StandardCharsets.UTF_8));
            assertThat(r.isValid()).as("%s: %s", command, r.command()).isTrue();
        }
    }

    @Test
    void commandParserAnswersEveryMutationWithACommandOrItsOwnRefusal() {
        for (int seed = 0; seed < ROUNDS; seed++) {
            Random random = new Random(seed);
            byte[] input = HostileInput.mutate(COMMANDS.get(random.nextInt(COMMANDS.size())), random);
            boolean utf8 = random.nextBoolean();
            ImapRequest request = parse(input, utf8, seed);
            checkRequest(request, input, seed);
        }
    }

    @Test
    void appendTextBetweenLiteralsIsParsedOrRefusedInWords() {
        List<String> stretches = List.of(" (\\Seen) \"17-Jul-1996 02:44:25 -0700\" ", " UTF8 (", ") ", " ", "",
                " CATENATE (TEXT ", " CATENATE (URL \"/INBOX;UIDVALIDITY=1/;UID=2/;SECTION=1.MIME\" TEXT ",
                " URL /Drafts/;UID=7 TEXT ", ") (\\Flagged) CATENATE (URL \"imap://a@b/INBOX/;UID=1\")");
        ImapCommand.AppendSegment.Position[] positions = ImapCommand.AppendSegment.Position.values();
        for (int seed = 0; seed < ROUNDS; seed++) {
            Random random = new Random(seed);
            byte[] text = HostileInput.mutate(stretches.get(random.nextInt(stretches.size())), random);
            ImapCommand.AppendSegment.Position from = positions[random.nextInt(positions.length)];
            ImapCommand parsed;
            try {
                parsed = new CommandParser(random.nextBoolean()).parseAppendSegment(text, from);
            } catch (Throwable t) {
                throw new AssertionError("seed " + seed + ", input " + HostileInput.show(text) + ": threw " + t, t);
            }
            assertThat(parsed).as("seed %d, input %s", seed, HostileInput.show(text)).isNotNull();
            if (parsed instanceof ImapCommand.Invalid invalid) {
                checkMessage(invalid.message(), text, seed);
            } else {
                assertThat(parsed).isInstanceOf(ImapCommand.AppendSegment.class);
            }
        }
    }

    @Test
    void deepNestingIsRefusedNotOverflowed() {
        for (int depth : new int[] {65, 1000, 10_000, 100_000}) {
            for (String template : List.of(
                    "a SEARCH %s", "a UID SEARCH CHARSET UTF-8 %s", "a SORT (DATE) UTF-8 %s",
                    "a THREAD REFERENCES UTF-8 %s")) {
                for (String nest : List.of("(".repeat(depth) + "ALL" + ")".repeat(depth), "(".repeat(depth),
                        "NOT ".repeat(depth) + "ALL", "OR ALL ".repeat(depth) + "ALL", "OR ".repeat(depth) + "ALL ALL")) {
                    byte[] input = String.format(template, nest).getBytes(StandardCharsets.US_ASCII);
                    ImapRequest r = parse(input, false, depth);
                    assertThat(r.command()).as("depth %d: %s", depth, HostileInput.show(input))
                            .isInstanceOf(ImapCommand.Invalid.class);
                    checkRequest(r, input, depth);
                }
            }
            for (String deep : List.of(
                    "a FETCH 1 (" + "(".repeat(depth) + "FLAGS" + ")".repeat(depth) + ")",
                    "a FETCH 1 BODY[" + "1.".repeat(depth) + "TEXT]",
                    "a FETCH 1 BINARY[" + "1.".repeat(depth) + "1]",
                    "a STORE 1 FLAGS (" + "(".repeat(depth) + ")",
                    "a ID (" + "(".repeat(depth) + ")",
                    "a LIST (" + "(".repeat(depth) + ") \"\" *",
                    "a FETCH " + "1,".repeat(depth) + "2 FLAGS",
                    "a STORE 1 +FLAGS" + " x".repeat(depth))) {
                byte[] input = deep.getBytes(StandardCharsets.US_ASCII);
                checkRequest(parse(input, false, depth), input, depth);
            }
        }
    }

    @Test
    void hugeNumbersAreRefusedInWords() {
        for (String n : List.of("4294967296", "18446744073709551616", "99999999999999999999", "9223372036854775808",
                "0", "00000000001", "-1")) {
            for (String command : List.of(
                    "a FETCH %s FLAGS", "a FETCH 1:%s FLAGS", "a UID FETCH 1 BODY[]<%s.%s>", "a SEARCH LARGER %s",
                    "a SEARCH OLDER %s", "a SEARCH MODSEQ %s", "a FETCH 1 FLAGS (CHANGEDSINCE %s)",
                    "a SELECT INBOX (QRESYNC (%s %s))", "a LOGIN {%s}\r\nx y", "a GETMETADATA (MAXSIZE %s) \"\" /a",
                    "a SETQUOTA \"\" (STORAGE %s)", "a FETCH 1 BODY[%s]", "a FETCH 1 BINARY[%s]")) {
                byte[] input = command.replace("%s", n).getBytes(StandardCharsets.US_ASCII);
                ImapRequest r = parse(input, false, 0);
                checkRequest(r, input, 0);
            }
        }
    }

    @Test
    void framerGivesOnlyItsEventsAndHoldsNoMoreThanItsLimits() {
        for (int seed = 0; seed < ROUNDS / 2; seed++) {
            Random random = new Random(seed);
            FramingLimits limits = LIMITS.get(random.nextInt(LIMITS.size()));
            CommandFramer framer = new CommandFramer(limits);
            CommandParser parser = new CommandParser(random.nextBoolean());
            // A few commands in a row, each mutated on the wire: CRLF and literal announcements too.
            List<byte[]> stream = new ArrayList<>();
            for (int i = 1 + random.nextInt(4); i > 0; i--) {
                stream.add(HostileInput.mutate(wire(COMMANDS.get(random.nextInt(COMMANDS.size()))), random));
            }
            byte[] input = join(stream);
            int offset = 0;
            int events = 0;
            try {
                while (offset < input.length) {
                    int n = Math.min(input.length - offset, 1 + random.nextInt(random.nextBoolean() ? 7 : 4096));
                    ByteBuffer piece = ByteBuffer.wrap(input, offset, n);
                    FramerEvent e;
                    while ((e = framer.next(piece)) != null) {
                        if (++events > 10 * input.length + 10) {
                            fail("seed %d: the framer keeps giving events without consuming input: %s", seed,
                                    HostileInput.show(input));
                        }
                        react(e, framer, parser, random, input, seed);
                        assertThat(framer.bufferedOctets()).as("seed %d, input %s", seed, HostileInput.show(input))
                                .isLessThanOrEqualTo((int) (limits.maxCommandSize() + limits.maxLineLength() + 2));
                    }
                    assertThat(piece.hasRemaining()).as("seed %d: input left unconsumed", seed).isFalse();
                    offset += n;
                }
            } catch (AssertionError a) {
                throw a;
            } catch (Throwable t) {
                throw new AssertionError("seed " + seed + ", input " + HostileInput.show(input) + ": threw " + t, t);
            }
        }
    }

    /** What a connection would do with the event: parse commands, sometimes refuse a literal. */
    private static void react(FramerEvent e, CommandFramer framer, CommandParser parser, Random random,
                              byte[] input, int seed) {
        if (e instanceof FramerEvent.Command c) {
            checkRequest(parser.parseCommand(c.bytes()), c.bytes(), seed);
        } else if (e instanceof FramerEvent.LiteralContinuation l) {
            assertThat(l.size()).isNotNegative();
            if (random.nextInt(4) == 0) {
                framer.abandonCommand();
            }
        } else if (e instanceof FramerEvent.MessageLiteral m) {
            assertThat(m.size()).isNotNegative();
            checkRequest(parser.parseCommand(m.head()), m.head(), seed);
            if (m.synchronizing() && random.nextInt(4) == 0) {
                framer.abandonCommand();
            }
        } else if (e instanceof FramerEvent.LiteralData d) {
            d.octets().position(d.octets().limit());
        } else if (e instanceof FramerEvent.AppendEnd end) {
            ImapCommand tail = parser.parseAppendSegment(end.tail(), ImapCommand.AppendSegment.Position.AFTER_MESSAGE);
            if (tail instanceof ImapCommand.Invalid invalid) {
                checkMessage(invalid.message(), end.tail(), seed);
            }
        } else if (e instanceof FramerEvent.LiteralTooBig big) {
            assertThat(big.size()).as("seed %d, input %s", seed, HostileInput.show(input)).isPositive();
        } else {
            assertThat(e).isInstanceOf(FramerEvent.LineTooLong.class);
        }
    }

    @Test
    void sequenceSetsParseOrFailWithTheirOwnException() {
        List<String> sets = List.of("1:*", "1,3:5,7:*", "$", "4294967295", "*:1", "2,4:7,9,12:*");
        for (int seed = 0; seed < ROUNDS; seed++) {
            Random random = new Random(seed);
            String text = new String(HostileInput.mutate(sets.get(random.nextInt(sets.size())), random),
                    StandardCharsets.ISO_8859_1);
            try {
                SequenceSet set = SequenceSet.parse(text);
                for (SequenceSet.Range r : set.ranges()) {
                    assertThat(r.first()).as("seed %d, %s", seed, text).isBetween(0L, 0xFFFF_FFFFL);
                    assertThat(r.last()).as("seed %d, %s", seed, text).isBetween(0L, 0xFFFF_FFFFL);
                }
                assertThat(SequenceSet.parse(set.toString())).as("seed %d, %s", seed, text).isEqualTo(set);
            } catch (IllegalArgumentException e) {
                checkMessage(e.getMessage(), text.getBytes(StandardCharsets.ISO_8859_1), seed);
            } catch (Throwable t) {
                throw new AssertionError("seed " + seed + ", input " + text + ": threw " + t, t);
            }
        }
    }

    @Test
    void modifiedUtf7DecodesOnlyTheOneEncodingOfEachName() {
        List<String> names = List.of("Sent &AOk-l&AOk-ments", "&U,BTFw-/&ZeVnLIqe-", "A &- B", "INBOX", "&2D3eAA-",
                "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
        for (int seed = 0; seed < ROUNDS; seed++) {
            Random random = new Random(seed);
            String wire = new String(HostileInput.mutate(names.get(random.nextInt(names.size())), random),
                    StandardCharsets.ISO_8859_1);
            String decoded;
            try {
                decoded = MailboxNames.decodeModifiedUtf7(wire);
            } catch (IllegalArgumentException e) {
                checkMessage(e.getMessage(), wire.getBytes(StandardCharsets.ISO_8859_1), seed);
                continue;
            } catch (Throwable t) {
                throw new AssertionError("seed " + seed + ", input " + wire + ": threw " + t, t);
            }
            assertThat(MailboxNames.encodeModifiedUtf7(decoded)).as("seed %d: %s", seed, wire).isEqualTo(wire);
        }
        for (int seed = 0; seed < ROUNDS; seed++) {
            Random random = new Random(seed);
            StringBuilder name = new StringBuilder();
            for (int i = random.nextInt(12); i > 0; i--) {
                int cp = random.nextInt(3) == 0 ? 0x20 + random.nextInt(0x5f) : random.nextInt(0x110000);
                if (cp >= 0xd800 && cp <= 0xdfff) {
                    continue;    // a lone surrogate is not a character
                }
                name.appendCodePoint(cp);
            }
            String encoded = MailboxNames.encodeModifiedUtf7(name.toString());
            assertThat(MailboxNames.decodeModifiedUtf7(encoded)).as("seed %d", seed).isEqualTo(name.toString());
        }
    }

    @Test
    void datesParseOrFailWithTheirOwnException() {
        List<String> dates = List.of("1-Jan-2020", "31-Dec-1999", "17-Jul-1996 02:44:25 -0700", " 7-Feb-1994 21:52:25 +0100");
        for (int seed = 0; seed < ROUNDS; seed++) {
            Random random = new Random(seed);
            String text = new String(HostileInput.mutate(dates.get(random.nextInt(dates.size())), random),
                    StandardCharsets.UTF_8);
            for (boolean withTime : new boolean[] {false, true}) {
                try {
                    if (withTime) {
                        ImapDates.parseDateTime(text);
                    } else {
                        ImapDates.parseDate(text);
                    }
                } catch (IllegalArgumentException e) {
                    assertThat(e.getMessage()).as("seed %d: %s", seed, text).isNotNull();
                } catch (Throwable t) {
                    throw new AssertionError("seed " + seed + ", input " + text + ": threw " + t, t);
                }
            }
        }
    }

    // ---- checks -------------------------------------------------------------------------------

    private static ImapRequest parse(byte[] input, boolean utf8, int seed) {
        try {
            return new CommandParser(utf8).parseCommand(input);
        } catch (Throwable t) {
            throw new AssertionError("seed " + seed + ", input " + HostileInput.show(input) + ": threw " + t, t);
        }
    }

    private static void checkRequest(ImapRequest request, byte[] input, int seed) {
        assertThat(request).as("seed %d, input %s", seed, HostileInput.show(input)).isNotNull();
        assertThat(request.command()).as("seed %d, input %s", seed, HostileInput.show(input)).isNotNull();
        if (request.command() instanceof ImapCommand.Invalid invalid) {
            assertThat(invalid.message())
                    .as("seed %d, input %s: the parser's safety net caught a bug", seed, HostileInput.show(input))
                    .isNotEqualTo("Invalid command");
            checkMessage(invalid.message(), input, seed);
        } else {
            assertThat(request.tag()).as("seed %d, input %s", seed, HostileInput.show(input)).isNotNull();
        }
    }

    private static void checkMessage(String message, byte[] input, int seed) {
        assertThat(message).as("seed %d, input %s", seed, HostileInput.show(input)).isNotBlank();
        assertThat(HostileInput.leak(message))
                .as("seed %d, input %s, message %s", seed, HostileInput.show(input), message).isNull();
    }

    /** A command as a client sends it: CRLF at the end, literals as announced. */
    private static byte[] wire(String command) {
        return (command + "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] join(List<byte[]> parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }
}
