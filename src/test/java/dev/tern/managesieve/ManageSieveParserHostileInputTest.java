package dev.tern.managesieve;

import dev.tern.testing.HostileInput;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ManageSieveParser} against thousands of seeded mutations of valid commands, literals
 * included: a whole command parses to a {@link ManageSieveCommand}, an
 * {@link ManageSieveParser.Invalid} whose reason shows nothing internal, or
 * {@link ManageSieveParser#EMPTY}; a SASL response to its octets or an Invalid; a line's literal
 * announcement to a size that is not negative, or none. Nothing throws.
 */
class ManageSieveParserHostileInputTest {

    private static final int ROUNDS = 4000;

    static final List<String> COMMANDS = List.of(
            "PUTSCRIPT \"vacation\" {28+}\r\nrequire \"vacation\";\r\nkeep;\r\n",
            "PUTSCRIPT {4+}\r\nmain {5}\r\nkeep;",
            "CHECKSCRIPT {12+}\r\nif true {}\r\n",
            "CHECKSCRIPT \"keep;\"",
            "AUTHENTICATE \"PLAIN\" \"AHRpbUBleGFtcGxlLnRlc3QAc2lldmUtcHc=\"",
            "AUTHENTICATE \"SCRAM-SHA-256\"",
            "HAVESPACE \"myscript\" 4294967295",
            "HAVESPACE \"x\" 99999999999999999999",
            "LISTSCRIPTS", "GETSCRIPT \"a \\\"b\\\" \\\\ c\"", "SETACTIVE \"\"", "DELETESCRIPT \"old\"",
            "RENAMESCRIPT \"a\" \"b\"", "NOOP \"tag\"", "NOOP", "CAPABILITY", "STARTTLS", "UNAUTHENTICATE", "LOGOUT");

    @Test
    void everyMutatedCommandIsACommandAnInvalidInWordsOrEmpty() {
        for (int seed = 0; seed < ROUNDS; seed++) {
            Random random = new Random(seed);
            byte[] input = HostileInput.mutate(COMMANDS.get(random.nextInt(COMMANDS.size())), random);
            String where = "seed " + seed + ", input " + HostileInput.show(input);
            Object parsed;
            try {
                parsed = ManageSieveParser.parse(input);
            } catch (Throwable t) {
                throw new AssertionError(where + ": threw " + t, t);
            }
            if (parsed == ManageSieveParser.EMPTY) {
                continue;
            }
            if (parsed instanceof ManageSieveParser.Invalid invalid) {
                checkReason(invalid.reason(), where);
                continue;
            }
            assertThat(parsed).as(where).isInstanceOf(ManageSieveCommand.class);
            ManageSieveCommand c = (ManageSieveCommand) parsed;
            assertThat(c.number()).as(where).isBetween(-1L, ManageSieveParser.MAX_NUMBER);
            // What the server sends back of a string (NOOP's tag) must still be a reply.
            if (c.verb() == ManageSieveVerb.NOOP && c.stringCount() == 1) {
                String reply = ManageSieveReply.okTagged(c.octets(0), "done").text();
                assertThat(reply).as(where).startsWith("OK (TAG ").endsWith("\r\n");
            }
        }
    }

    @Test
    void everyMutatedSaslResponseIsOctetsOrAnInvalidInWords() {
        List<String> responses = List.of("\"AHRpbQBwdw==\"", "{12+}\r\nAHRpbQBwdw==", "AHRpbQBwdw==", "\"*\"", "*", "");
        for (int seed = 0; seed < ROUNDS; seed++) {
            Random random = new Random(seed);
            byte[] input = HostileInput.mutate(responses.get(random.nextInt(responses.size())), random);
            String where = "seed " + seed + ", input " + HostileInput.show(input);
            Object parsed;
            try {
                parsed = ManageSieveParser.saslResponse(input);
            } catch (Throwable t) {
                throw new AssertionError(where + ": threw " + t, t);
            }
            if (parsed instanceof ManageSieveParser.Invalid invalid) {
                checkReason(invalid.reason(), where);
            } else {
                assertThat(parsed).as(where).isInstanceOf(byte[].class);
            }
        }
    }

    @Test
    void literalAnnouncementsOfAnySizeAreReadWithoutOverflow() {
        for (int seed = 0; seed < ROUNDS; seed++) {
            Random random = new Random(seed);
            String line = COMMANDS.get(random.nextInt(COMMANDS.size()));
            int cr = line.indexOf('\r');
            byte[] input = HostileInput.mutate(cr < 0 ? line : line.substring(0, cr), random);
            String where = "seed " + seed + ", input " + HostileInput.show(input);
            try {
                ManageSieveParser.Literal literal = ManageSieveParser.literalAtEnd(input);
                if (literal != null) {
                    assertThat(literal.size()).as(where).isNotNegative();
                }
            } catch (Throwable t) {
                throw new AssertionError(where + ": threw " + t, t);
            }
        }
        for (String n : List.of("0", "4294967296", "9223372036854775807", "9223372036854775808",
                "99999999999999999999", "000000000000000000000000000001")) {
            ManageSieveParser.Literal l = ManageSieveParser.literalAtEnd(
                    ("PUTSCRIPT \"a\" {" + n + "+}").getBytes(StandardCharsets.US_ASCII));
            assertThat(l).as(n).isNotNull();
            assertThat(l.size()).as(n).isNotNegative();
            Object parsed = ManageSieveParser.parse(("PUTSCRIPT \"a\" {" + n + "+}\r\nkeep;").getBytes(StandardCharsets.US_ASCII));
            if (!n.equals("0")) {
                assertThat(parsed).as(n).isInstanceOf(ManageSieveParser.Invalid.class);
            }
        }
    }

    private static void checkReason(String reason, String where) {
        assertThat(reason).as(where).isNotBlank();
        assertThat(HostileInput.leak(reason)).as(where + ", reason " + reason).isNull();
        // The reason goes out as a quoted string or literal; it must still make one reply.
        String reply = ManageSieveReply.no(reason).text();
        assertThat(reply).as(where).startsWith("NO ").endsWith("\r\n");
    }
}
