package dev.tern.pop3;

import dev.tern.testing.HostileInput;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Pop3CommandParser} against thousands of seeded mutations of valid command lines: it
 * answers each with a {@link Pop3Command} or an {@link Pop3CommandParser.Invalid} whose reason
 * shows nothing internal, and never throws. A command it accepts holds only what RFC 1939 §3
 * allows: a keyword of 3 or 4 letters, arguments of printable ASCII.
 */
class Pop3ParserHostileInputTest {

    private static final int ROUNDS = 4000;

    static final List<String> LINES = List.of(
            "USER mrose@example.test", "PASS tanstaaf pw with spaces", "APOP mrose c4c9334bac560ecc979e58001b3e22fb",
            "RETR 1", "TOP 2 10", "UIDL", "UIDL 3", "LIST 4294967296", "DELE 1", "STAT", "NOOP", "RSET", "QUIT",
            "CAPA", "STLS", "AUTH PLAIN AG1yb3NlAHRhbnN0YWFm", "AUTH", "AUTH SCRAM-SHA-256 =");

    @Test
    void everyMutationIsACommandOrAnInvalidInWords() {
        for (int seed = 0; seed < ROUNDS; seed++) {
            Random random = new Random(seed);
            byte[] line = HostileInput.mutate(LINES.get(random.nextInt(LINES.size())), random);
            Object parsed;
            try {
                parsed = Pop3CommandParser.parse(line);
            } catch (Throwable t) {
                throw new AssertionError("seed " + seed + ", input " + HostileInput.show(line) + ": threw " + t, t);
            }
            String where = "seed " + seed + ", input " + HostileInput.show(line);
            if (parsed instanceof Pop3CommandParser.Invalid invalid) {
                assertThat(invalid.reason()).as(where).isNotBlank();
                assertThat(HostileInput.leak(invalid.reason())).as(where).isNull();
                continue;
            }
            assertThat(parsed).as(where).isInstanceOf(Pop3Command.class);
            Pop3Command c = (Pop3Command) parsed;
            assertThat(c.keyword()).as(where).matches("[A-Z]{3,4}");
            if (!c.keyword().equals("PASS")) {
                for (String arg : c.args()) {
                    assertThat(arg).as(where).matches("[\\x21-\\x7e]+");
                }
            }
            for (String arg : c.args()) {
                checkNumbers(arg, where);
            }
        }
    }

    @Test
    void numbersOfAnySizeAreNumbersOrRefused() {
        for (String n : List.of("0", "1", "-1", "+1", "4294967296", "2147483648", "999999999", "1000000000",
                "99999999999999999999", "00000000001", "", " ", "1e3", "0x10", "١٢", "１")) {
            checkNumbers(n, n);
        }
        assertThat(Pop3CommandParser.messageNumber("4294967296")).isEqualTo(-1);
        assertThat(Pop3CommandParser.lineCount("99999999999999999999")).isEqualTo(Long.MAX_VALUE);
    }

    private static void checkNumbers(String arg, String where) {
        try {
            int n = Pop3CommandParser.messageNumber(arg);
            assertThat(n == -1 || n > 0).as(where).isTrue();
            long lines = Pop3CommandParser.lineCount(arg);
            assertThat(lines).as(where).isGreaterThanOrEqualTo(-1);
        } catch (Throwable t) {
            throw new AssertionError(where + ": number " + arg + " threw " + t, t);
        }
    }

    @Test
    void controlAndEightBitOctetsAreRefusedInWords() {
        for (int b = 0; b < 256; b++) {
            byte[] line = ("LIST 1" + (char) b + "2").getBytes(StandardCharsets.ISO_8859_1);
            Object parsed = Pop3CommandParser.parse(line);
            if (b < 0x20 || b >= 0x7f) {
                assertThat(parsed).as("octet %02x", b).isInstanceOf(Pop3CommandParser.Invalid.class);
            }
        }
    }
}
