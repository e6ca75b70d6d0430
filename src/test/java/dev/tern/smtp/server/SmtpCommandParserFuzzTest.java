package dev.tern.smtp.server;

import dev.tern.mail.MailAddress;
import dev.tern.testing.HostileInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile command lines for the parser: valid commands mutated at random (fixed seeds, so that a
 * failure comes back the same way), and a list of known-nasty lines. Whatever the line, the parser
 * returns a command or {@link SmtpCommand.Invalid} with a well-formed reply that says nothing of
 * the server's insides; it never throws. A command it does return can be used as the session uses
 * it (addresses keyed, parameters written back) without throwing either.
 */
class SmtpCommandParserFuzzTest {

    /** Valid command lines, each a starting point for mutations. */
    static final List<String> VALID = List.of(
            "EHLO client.example.test",
            "HELO client.example.test",
            "LHLO client.example.test",
            "EHLO [192.0.2.1]",
            "EHLO [IPv6:2001:db8::1]",
            "MAIL FROM:<a@b.test> SIZE=10 BODY=8BITMIME SMTPUTF8 RET=HDRS ENVID=x",
            "MAIL FROM:<> BODY=BINARYMIME",
            "MAIL FROM:<\"quoted\\\"local\\\\part\"@example.test>",
            "MAIL FROM:<\"john doe\"@example.test> RET=FULL ENVID=QQ+2B1",
            "MAIL FROM:<@relay.test,@[192.0.2.1]:user@example.test> AUTH=<>",
            "MAIL FROM:<j\u00F6rg@ex\u00E4mple.test> SMTPUTF8",
            "MAIL FROM:<a@b.test> REQUIRETLS AUTH=alice+40example.test",
            "RCPT TO:<alice@example.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;x",
            "RCPT TO:<Postmaster>",
            "RCPT TO:<bob@[IPv6:2001:db8::1]> NOTIFY=NEVER ORCPT=utf-8;j\\x{F6}rg@example.test",
            "RCPT TO:<j\u00F6rg@example.test> ORCPT=utf-8;j\u00F6rg@example.test NOTIFY=DELAY",
            "RCPT TO:<@a.test:c@[192.0.2.7]>",
            "DATA",
            "BDAT 10 LAST",
            "BDAT 0",
            "AUTH PLAIN AGFsaWNlAHNlY3JldA==",
            "AUTH LOGIN",
            "AUTH PLAIN =",
            "VRFY alice",
            "VRFY <alice@example.test>",
            "HELP",
            "HELP MAIL",
            "NOOP",
            "RSET",
            "QUIT",
            "STARTTLS",
            "XCLIENT ADDR=192.0.2.1 NAME=spike.example",
            "EXPN staff",
            "ETRN example.test");

    /** Lines known to have tripped up SMTP parsers somewhere. */
    static final List<String> NASTY = List.of(
            "MAIL FROM:<a@b.test> SIZE=99999999999999999999",
            "MAIL FROM:<a@b.test> SIZE=999999999999999999999999999999999999999",
            "MAIL FROM:<a@b.test> SIZE=-1",
            "MAIL FROM:<a@b.test> SIZE=1e30",
            "MAIL FROM:<a@b.test> SIZE=",
            "MAIL FROM:<a@b.test> SIZE",
            "MAIL FROM:<a@b.test> =",
            "MAIL FROM:<a@b.test> ==",
            "MAIL FROM:<a@b.test> SIZE==1",
            "MAIL FROM:<a@b.test> SIZE=1 SIZE=2",
            "MAIL FROM:<a@b.test> ENVID=+",
            "MAIL FROM:<a@b.test> ENVID=+4",
            "MAIL FROM:<a@b.test> ENVID=+ZZ",
            "MAIL FROM:<a@b.test> AUTH=",
            "MAIL FROM:<a@b.test> AUTH=<",
            "MAIL FROM:<>",
            "MAIL FROM:<<>>",
            "MAIL FROM:<>>",
            "MAIL FROM:<<>",
            "MAIL FROM:<",
            "MAIL FROM:>",
            "MAIL FROM:",
            "MAIL FROM",
            "MAIL",
            "MAIL FROM:<@>",
            "MAIL FROM:<@:>",
            "MAIL FROM:<@,@:a@b>",
            "MAIL FROM:<@[:a@b.test>",
            "MAIL FROM:<@]]:a@b.test>",
            "MAIL FROM:<@[[[[:a@b.test>",
            "MAIL FROM:<a@[>",
            "MAIL FROM:<a@[]>",
            "MAIL FROM:<a@[IPv6:]>",
            "MAIL FROM:<a@[IPv6:::]>",
            "MAIL FROM:<a@[IPv6::::1.2.3.4]>",
            "MAIL FROM:<a@[IPv6:1.2.3.4]>",
            "MAIL FROM:<a@[999.999.999.999]>",
            "MAIL FROM:<\"\"@b.test>",
            "MAIL FROM:<\"@b.test>",
            "MAIL FROM:<\"\\\"@b.test>",
            "MAIL FROM:<\"\\",
            "MAIL FROM:<\"a\\",
            "MAIL FROM:<\"a\"b\"@c.test>",
            "MAIL FROM:<\"a>\"@c.test>",
            "MAIL FROM:<a@@b.test>",
            "MAIL FROM:<@b.test>",
            "MAIL FROM:<a@>",
            "MAIL FROM:<a@.>",
            "MAIL FROM:<a@b..test>",
            "MAIL FROM:<a@-b.test>",
            "MAIL FROM:<a@xn--.test>",
            "MAIL FROM:<a@xn--zzzzzzzz.test>",
            "MAIL FROM:<a@\u3002test> SMTPUTF8",
            "MAIL FROM:<a@\uFF41.test> SMTPUTF8",
            "MAIL FROM:<a@\u200D.test> SMTPUTF8",
            "MAIL FROM:<a@b\u00AD.test> SMTPUTF8",
            "MAIL FROM:<a@\u0661\u0662.test> SMTPUTF8",
            "MAIL FROM:<a@\u05D0a.test> SMTPUTF8",
            "MAIL FROM:<a@b.test> SMTPUTF8=yes",
            "RCPT TO:<>",
            "RCPT TO:<Postmaster> NOTIFY=",
            "RCPT TO:<a@b.test> NOTIFY=,",
            "RCPT TO:<a@b.test> NOTIFY=NEVER,SUCCESS",
            "RCPT TO:<a@b.test> ORCPT=",
            "RCPT TO:<a@b.test> ORCPT=;",
            "RCPT TO:<a@b.test> ORCPT=rfc822;",
            "RCPT TO:<a@b.test> ORCPT=utf-8;\\x{",
            "RCPT TO:<a@b.test> ORCPT=utf-8;\\x{}",
            "RCPT TO:<a@b.test> ORCPT=utf-8;\\x{D800}",
            "RCPT TO:<a@b.test> ORCPT=utf-8;\\x{110000}",
            "RCPT TO:<a@b.test> ORCPT=utf-8;\\x{FFFFFFFFFFFF}",
            "RCPT TO:<a@b.test> ORCPT=utf-8;\u00E9\\x{41}",
            "RCPT TO:<a@b.test> ORCPT=utf-8;\u00E9\\",
            "RCPT TO:<a@b.test> ORCPT=rfc822;\u00E9",
            "BDAT 1e30",
            "BDAT 99999999999999999999",
            "BDAT 999999999999999999",
            "BDAT 9223372036854775807",
            "BDAT -1",
            "BDAT",
            "BDAT LAST",
            "BDAT 1 LAST LAST",
            "BDAT 0x10",
            "BDAT \u0661\u0662",
            "AUTH",
            "AUTH =",
            "AUTH PLAIN a b",
            "AUTH \u00C9",
            "AUTH ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            "AUTH PLAIN !!!!",
            "AUTH PLAIN *",
            "EHLO",
            "EHLO \t",
            "\tEHLO x",
            " ",
            "",
            "\t",
            ":",
            "<>",
            "MAIL\tFROM:<a@b.test>",
            "MAIL FROM:\t<a@b.test>",
            "MAIL FROM:<a@b.test>\tSIZE=1",
            "STARTTLSX",
            "STARTTLS ",
            "STARTTLS\t",
            "VRFY",
            "VRFY <",
            "VRFY <>",
            "HELP \u00FF",
            "NOOP \u0000",
            "DATA\u0000",
            "QUIT\r",
            "\u0000",
            "\r",
            "\u007F");

    private static final Pattern REPLY_LINE = Pattern.compile("[2-5]\\d\\d[ -][\\x20-\\x7E\\t]*");
    private static final Pattern ENHANCED = Pattern.compile("[245]\\.\\d{1,3}\\.\\d{1,3}");
    private static final Set<Verb> NO_ENHANCED_CODE = Set.of(Verb.HELO, Verb.EHLO, Verb.LHLO);

    @Test
    void everyValidStartingPointParses() {
        for (String line : VALID) {
            SmtpCommand c = checked(line.getBytes(StandardCharsets.UTF_8), "valid line");
            assertThat(c).as(line).isNotInstanceOf(SmtpCommand.Invalid.class);
        }
    }

    @Test
    void nastyLinesGetACommandOrASyntaxError() {
        for (String line : NASTY) {
            checked(line.getBytes(StandardCharsets.UTF_8), "nasty line");
        }
    }

    @Test
    void hugeNumbersAreSyntaxErrorsOrBounded() {
        assertThat(((SmtpCommand.Mail) SmtpCommandParser.parse("MAIL FROM:<a@b.test> SIZE=99999999999999999999")).size())
                .isEqualTo(Long.MAX_VALUE);
        assertThat(SmtpCommandParser.parse("MAIL FROM:<a@b.test> SIZE=999999999999999999999"))
                .isInstanceOf(SmtpCommand.Invalid.class);
        for (String bdat : List.of("BDAT 1e30", "BDAT 99999999999999999999", "BDAT -1", "BDAT 9223372036854775807")) {
            assertThat(SmtpCommandParser.parse(bdat)).as(bdat).isInstanceOf(SmtpCommand.Invalid.class)
                    .extracting(SmtpCommand::verb).isEqualTo(Verb.BDAT);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1L, 2L, 3L, 25L, 5321L})
    void mutatedValidLines(long seed) {
        Random random = new Random(seed);
        CommandMutations mutations = new CommandMutations(random, VALID);
        for (int i = 0; i < 1000; i++) {
            byte[] line = mutations.mutate(pick(random));
            checked(line, "seed " + seed + " case " + i);
        }
    }

    /** The parser's String entry is public too: any chars, lone surrogates included. */
    @ParameterizedTest
    @ValueSource(longs = {7L, 11L})
    void mutatedCharacters(long seed) {
        Random random = new Random(seed);
        char[] odd = {'\uD800', '\uDC00', '\uFFFF', '\uFFFE', '\u0000', '\u200C', '\u3002', '\u00AD', '\u0130', '\u212A'};
        for (int i = 0; i < 500; i++) {
            StringBuilder line = new StringBuilder(pick(random));
            int edits = 1 + random.nextInt(3);
            for (int e = 0; e < edits; e++) {
                int at = random.nextInt(line.length() + 1);
                line.insert(at, odd[random.nextInt(odd.length)]);
            }
            String context = "seed " + seed + " case " + i + " input " + CommandMutations.escape(line.toString());
            SmtpCommand c;
            try {
                c = SmtpCommandParser.parse(line.toString());
            } catch (RuntimeException e) {
                throw new AssertionError(context + " threw " + e, e);
            }
            checkResult(c, context);
        }
    }

    /**
     * The address parser the paths use, and VRFY with {@code [smtp] vrfy} on, without brackets
     * around it: a mailbox, or IllegalArgumentException with a reason, nothing else.
     */
    @ParameterizedTest
    @ValueSource(longs = {13L, 17L})
    void mutatedAddresses(long seed) {
        Random random = new Random(seed);
        List<String> addresses = List.of("alice@example.test", "\"john \\\"q\\\" doe\"@example.test",
                "j\u00F6rg@b\u00FCcher.test", "user@[192.0.2.1]", "user@[IPv6:2001:db8::1]", "a.b-c+tag@sub.example.test",
                "postmaster", "@relay.test:user@example.test");
        CommandMutations mutations = new CommandMutations(random, addresses);
        for (int i = 0; i < 1000; i++) {
            String text = new String(mutations.mutate(addresses.get(random.nextInt(addresses.size()))),
                    StandardCharsets.UTF_8);
            String context = "seed " + seed + " case " + i + " input " + CommandMutations.escape(text);
            try {
                MailAddress a = MailAddress.parse(text);
                address(a);
            } catch (IllegalArgumentException e) {
                assertThat(e.getMessage()).as(context).isNotBlank();
                assertThat(HostileInput.leak(e.getMessage(), text)).as(context + ": " + e.getMessage()).isNull();
            } catch (RuntimeException e) {
                throw new AssertionError(context + " threw " + e, e);
            }
            int at = text.lastIndexOf('@');
            try {
                MailAddress.checkDomain(text.substring(at + 1));
            } catch (IllegalArgumentException e) {
                assertThat(e.getMessage()).as(context).isNotBlank();
            } catch (RuntimeException e) {
                throw new AssertionError(context + ": checkDomain threw " + e, e);
            }
        }
    }

    private static String pick(Random random) {
        return random.nextInt(5) == 0 ? NASTY.get(random.nextInt(NASTY.size())) : VALID.get(random.nextInt(VALID.size()));
    }

    /** Parses the line and checks the result; returns it. */
    private static SmtpCommand checked(byte[] line, String what) {
        String context = what + " input " + CommandMutations.escape(line);
        SmtpCommand c;
        try {
            c = SmtpCommandParser.parse(line);
        } catch (RuntimeException e) {
            throw new AssertionError(context + " threw " + e, e);
        }
        checkResult(c, context);
        return c;
    }

    private static void checkResult(SmtpCommand c, String context) {
        assertThat(c).as(context).isNotNull();
        assertThat(c.verb()).as(context).isNotNull();
        try {
            use(c);
        } catch (RuntimeException e) {
            throw new AssertionError(context + ": using " + c + " threw " + e, e);
        }
        if (c instanceof SmtpCommand.Invalid invalid) {
            checkReply(invalid, context);
        }
    }

    /** What the session does with a parsed command before any backend sees it. */
    private static void use(SmtpCommand c) {
        if (c instanceof SmtpCommand.Mail m) {
            assertThat(m.size()).isGreaterThanOrEqualTo(-1);
            m.parameters();
            address(m.sender());
        } else if (c instanceof SmtpCommand.Rcpt r) {
            r.parameters();
            r.orcptAsXtext();
            r.orcptNeedsSmtpUtf8();
            address(r.recipient());
        } else if (c instanceof SmtpCommand.Bdat b) {
            assertThat(b.size()).isNotNegative();
        } else if (c instanceof SmtpCommand.Auth a) {
            assertThat(a.mechanism()).matches("[A-Z0-9_-]{1,20}");
        }
        c.toString();
    }

    private static void address(MailAddress a) {
        if (a != null) {
            a.key();
            a.asciiDomain();
            a.needsUtf8();
            a.toString();
        }
    }

    private static void checkReply(SmtpCommand.Invalid invalid, String context) {
        SmtpReply reply = invalid.reply();
        assertThat(reply).as(context).isNotNull();
        assertThat(reply.code()).as(context).isIn(500, 501, 553, 555);
        String wire = reply.format();
        assertThat(wire).as(context).endsWith("\r\n");
        for (String line : wire.substring(0, wire.length() - 2).split("\r\n", -1)) {
            assertThat(line).as(context).matches(REPLY_LINE).hasSizeLessThanOrEqualTo(510);
        }
        if (NO_ENHANCED_CODE.contains(invalid.verb())) {
            assertThat(reply.enhancedCode()).as(context).isNull();
        } else {
            assertThat(reply.enhancedCode()).as(context).isNotNull().matches(ENHANCED)
                    .startsWith(String.valueOf(reply.code() / 100));
        }
        assertThat(HostileInput.leak(wire)).as(context + ": " + wire).isNull();
    }
}
