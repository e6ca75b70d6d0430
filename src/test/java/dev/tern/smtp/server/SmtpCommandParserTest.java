package dev.tern.smtp.server;

import dev.tern.mail.DsnRet;
import dev.tern.mail.MailAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SmtpCommandParserTest {

    private static SmtpCommand parse(String line) {
        return SmtpCommandParser.parse(line.getBytes(StandardCharsets.UTF_8));
    }

    private static SmtpReply error(String line) {
        SmtpCommand c = parse(line);
        assertThat(c).as(line).isInstanceOf(SmtpCommand.Invalid.class);
        return ((SmtpCommand.Invalid) c).reply();
    }

    @Test
    void heloAndEhlo() {
        assertThat(parse("HELO client.test")).isEqualTo(new SmtpCommand.Helo("client.test"));
        assertThat(parse("ehlo [192.0.2.1]")).isEqualTo(new SmtpCommand.Ehlo("[192.0.2.1]"));
        assertThat(error("EHLO").code()).isEqualTo(501);
        assertThat(error("HELO   ").format()).isEqualTo("501 Syntax: HELO hostname\r\n");
    }

    @Test
    void simpleCommands() {
        assertThat(parse("DATA")).isEqualTo(new SmtpCommand.Data());
        assertThat(parse("rset")).isEqualTo(new SmtpCommand.Rset());
        assertThat(parse("QUIT  ")).isEqualTo(new SmtpCommand.Quit());
        assertThat(parse("NOOP")).isEqualTo(new SmtpCommand.Noop());
        assertThat(parse("NOOP anything goes")).isEqualTo(new SmtpCommand.Noop());
        assertThat(parse("HELP")).isEqualTo(new SmtpCommand.Help(""));
        assertThat(parse("HELP MAIL")).isEqualTo(new SmtpCommand.Help("MAIL"));
        assertThat(parse("VRFY alice")).isEqualTo(new SmtpCommand.Vrfy("alice"));
        assertThat(error("VRFY").code()).isEqualTo(501);
        assertThat(error("DATA now").code()).isEqualTo(501);
        assertThat(error("RSET x").code()).isEqualTo(501);
        assertThat(((SmtpCommand.Invalid) parse("QUIT x")).verb()).isEqualTo(Verb.QUIT);
    }

    @Test
    void unknownAndNotImplemented() {
        assertThat(parse("EXPN staff")).isEqualTo(new SmtpCommand.NotImplemented("EXPN"));
        assertThat(parse("starttls")).isEqualTo(new SmtpCommand.StartTls());
        assertThat(parse("STARTTLS now")).isInstanceOf(SmtpCommand.Invalid.class)
                .extracting(c -> ((SmtpCommand.Invalid) c).reply().code()).isEqualTo(501);
        assertThat(parse("auth plain")).isEqualTo(new SmtpCommand.Auth("PLAIN", null));
        assertThat(parse("AUTH PLAIN AGFsaWNl=")).isEqualTo(new SmtpCommand.Auth("PLAIN", "AGFsaWNl="));
        assertThat(parse("AUTH")).isInstanceOf(SmtpCommand.Invalid.class);
        assertThat(parse("AUTH PLAIN a b")).isInstanceOf(SmtpCommand.Invalid.class);
        assertThat(parse("AUTH PLAIN secret").toString()).doesNotContain("secret");
        assertThat(parse("MAIL FROM:<a@b.test> AUTH=<>")).isInstanceOf(SmtpCommand.Mail.class);
        assertThat(parse("MAIL FROM:<a@b.test> AUTH=alice+40example.test")).isInstanceOf(SmtpCommand.Mail.class);
        assertThat(parse("MAIL FROM:<a@b.test> AUTH")).isInstanceOf(SmtpCommand.Invalid.class);
        assertThat(parse("XYZZY")).isEqualTo(new SmtpCommand.Unknown("XYZZY"));
        assertThat(parse("")).isEqualTo(new SmtpCommand.Unknown(""));
        assertThat(parse("GET / HTTP/1.1")).isEqualTo(new SmtpCommand.Unknown("GET"));
    }

    @Test
    void mailFrom() {
        SmtpCommand.Mail m = (SmtpCommand.Mail) parse("MAIL FROM:<a@b.test>");
        assertThat(m).isEqualTo(new SmtpCommand.Mail(MailAddress.parse("a@b.test"), -1, null, false, null, null, false));
        assertThat(parse("mail from: <a@b.test>")).isEqualTo(m);
        assertThat(parse("MAIL FROM:<a@b.test>   ")).isEqualTo(m);
    }

    @Test
    void nullReversePath() {
        SmtpCommand.Mail m = (SmtpCommand.Mail) parse("MAIL FROM:<>");
        assertThat(m.sender()).isNull();
        assertThat(((SmtpCommand.Mail) parse("MAIL FROM:<> SIZE=10")).size()).isEqualTo(10);
    }

    @Test
    void sourceRouteIsIgnored() {
        assertThat(((SmtpCommand.Mail) parse("MAIL FROM:<@r1.test,@r2.test:a@b.test>")).sender())
                .isEqualTo(MailAddress.parse("a@b.test"));
        assertThat(((SmtpCommand.Rcpt) parse("RCPT TO:<@[192.0.2.1]:c@d.test>")).recipient())
                .isEqualTo(MailAddress.parse("c@d.test"));
        assertThat(error("MAIL FROM:<@r1.test a@b.test>").code()).isEqualTo(501);
        assertThat(error("MAIL FROM:<@r1.test,r2:a@b.test>").code()).isEqualTo(501);
    }

    @Test
    void sourceRouteMustBeFollowedByAMailbox() {
        // RFC 5321 §4.1.2: Path = "<" [ A-d-l ":" ] Mailbox ">"; <@a:> is not the null path <>.
        for (String line : new String[] {"MAIL FROM:<@a.example:>", "MAIL FROM:<@a.example,@b.example:>"}) {
            SmtpReply r = error(line);
            assertThat(r.code()).as(line).isEqualTo(501);
            assertThat(r.enhancedCode()).as(line).isEqualTo("5.1.7");
            assertThat(r.lines().get(0)).as(line).contains("source route must be followed by a mailbox");
        }
        SmtpReply rcpt = error("RCPT TO:<@a.example,@b.example:>");
        assertThat(rcpt.code()).isEqualTo(501);
        assertThat(rcpt.enhancedCode()).isEqualTo("5.1.3");
    }

    @Test
    void sourceRouteHopsMustBeDomains() {
        // RFC 5321 §4.1.2: At-domain = "@" Domain.
        for (String route : new String[] {"@a b", "@-a.example", "@a..example", "@[999.1.1.1]", "@a.example,",
                "@a.example,b.example", "@", "@a.example,@"}) {
            SmtpReply mail = error("MAIL FROM:<" + route + ":x@example.com>");
            assertThat(mail.code()).as(route).isEqualTo(501);
            assertThat(mail.enhancedCode()).as(route).isEqualTo("5.1.7");
            SmtpReply rcpt = error("RCPT TO:<" + route + ":x@example.com>");
            assertThat(rcpt.code()).as(route).isEqualTo(501);
            assertThat(rcpt.enhancedCode()).as(route).isEqualTo("5.1.3");
        }
        assertThat(((SmtpCommand.Mail) parse("MAIL FROM:<@[IPv6:2001:db8::1],@r2.test:a@b.test>")).sender())
                .isEqualTo(MailAddress.parse("a@b.test"));
    }

    @Test
    void mailParameters() {
        SmtpCommand.Mail m = (SmtpCommand.Mail) parse(
                "MAIL FROM:<a@b.test> SIZE=1000 body=8bitmime SMTPUTF8 RET=HDRS ENVID=abc+2Bdef");
        assertThat(m.size()).isEqualTo(1000);
        assertThat(m.body()).isEqualTo(BodyType.EIGHT_BIT_MIME);
        assertThat(m.smtpUtf8()).isTrue();
        assertThat(m.ret()).isEqualTo(DsnRet.HDRS);
        assertThat(m.envId()).isEqualTo("abc+2Bdef");
        assertThat(((SmtpCommand.Mail) parse("MAIL FROM:<a@b.test> BODY=BINARYMIME RET=full")).ret()).isEqualTo(DsnRet.FULL);
        assertThat(((SmtpCommand.Mail) parse("MAIL FROM:<a@b.test> SIZE=99999999999999999999")).size())
                .isEqualTo(Long.MAX_VALUE);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "MAIL FROM:<a@b.test> FOO=bar           | 555 | 5.5.4",
            "MAIL FROM:<a@b.test> NOTIFY=NEVER      | 555 | 5.5.4",
            "MAIL FROM:<a@b.test> SIZE=abc          | 501 | 5.5.4",
            "MAIL FROM:<a@b.test> SIZE              | 501 | 5.5.4",
            "MAIL FROM:<a@b.test> SIZE=             | 501 | 5.5.4",
            "MAIL FROM:<a@b.test> SIZE=1 size=2     | 501 | 5.5.4",
            "MAIL FROM:<a@b.test> BODY=9BIT         | 501 | 5.5.4",
            "MAIL FROM:<a@b.test> SMTPUTF8=yes      | 501 | 5.5.4",
            "MAIL FROM:<a@b.test> RET=ALL           | 501 | 5.5.4",
            "MAIL FROM:<a@b.test> ENVID=a=b         | 501 | 5.5.4",
            "MAIL FROM:<a@b.test> ENVID=a+zz        | 501 | 5.5.4",
            "MAIL FROM:<a@b.test> ENVID=a+2         | 501 | 5.5.4",
            "MAIL FROM:<a@b.test> -X=1              | 501 | 5.5.4",
            "MAIL FROM:a@b.test                     | 501 | 5.5.4",
            "MAIL FROM:<a@b.test                    | 501 | 5.5.4",
            "MAIL FROM:<a@b.test>SIZE=1             | 501 | 5.5.4",
            "MAIL TO:<a@b.test>                     | 501 | 5.5.4",
            "MAIL                                   | 501 | 5.5.4",
            "MAIL FROM:<a@@b.test>                  | 501 | 5.1.7",
            "MAIL FROM:<a@b..test>                  | 501 | 5.1.7",
            "MAIL FROM:<jörg@b.test>                | 553 | 5.6.7",
            "RCPT TO:<>                             | 501 | 5.1.3",
            "RCPT TO:<c@>                           | 501 | 5.1.3",
            "RCPT TO:c@d.test                       | 501 | 5.5.4",
            "RCPT FROM:<c@d.test>                   | 501 | 5.5.4",
            "RCPT TO:<c@d.test> SIZE=10             | 555 | 5.5.4",
            "RCPT TO:<c@d.test> NOTIFY=NEVER,DELAY  | 501 | 5.5.4",
            "RCPT TO:<c@d.test> NOTIFY=SOMETIMES    | 501 | 5.5.4",
            "RCPT TO:<c@d.test> NOTIFY              | 501 | 5.5.4",
            "RCPT TO:<c@d.test> ORCPT=c@d.test      | 501 | 5.5.4",
            "RCPT TO:<c@d.test> ORCPT=rfc822;       | 501 | 5.5.4",
            "RCPT TO:<c@d.test> ORCPT=;c@d.test     | 501 | 5.5.4",
            "RCPT TO:<c@d.test> ORCPT=rfc822;a b    | 555 | 5.5.4",
            "BDAT                                   | 501 | 5.5.4",
            "BDAT -1                                | 501 | 5.5.4",
            "BDAT 10 MORE                           | 501 | 5.5.4",
            "BDAT 1234567890123456789               | 501 | 5.5.4",
            "BDAT LAST                              | 501 | 5.5.4",
    })
    void errors(String line, int code, String enhanced) {
        SmtpReply reply = error(line.strip());
        assertThat(reply.code()).as(line).isEqualTo(code);
        assertThat(reply.enhancedCode()).as(line).isEqualTo(enhanced);
    }

    @Test
    void errorsKeepTheVerbForSequenceChecks() {
        assertThat(((SmtpCommand.Invalid) parse("RCPT TO:<>")).verb()).isEqualTo(Verb.RCPT);
        assertThat(((SmtpCommand.Invalid) parse("MAIL FROM:x")).verb()).isEqualTo(Verb.MAIL);
    }

    @Test
    void utf8SenderNeedsSmtpUtf8() {
        SmtpCommand.Mail m = (SmtpCommand.Mail) parse("MAIL FROM:<jörg@bücher.test> SMTPUTF8");
        assertThat(m.sender().localPart()).isEqualTo("jörg");
        assertThat(m.smtpUtf8()).isTrue();
    }

    @Test
    void rcptTo() {
        SmtpCommand.Rcpt r = (SmtpCommand.Rcpt) parse("RCPT TO:<c@d.test>");
        assertThat(r).isEqualTo(new SmtpCommand.Rcpt(MailAddress.parse("c@d.test"), Set.of(), null));
        assertThat(r.isBarePostmaster()).isFalse();
    }

    @Test
    void barePostmaster() {
        assertThat(((SmtpCommand.Rcpt) parse("RCPT TO:<Postmaster>")).isBarePostmaster()).isTrue();
        assertThat(((SmtpCommand.Rcpt) parse("rcpt to:<POSTMASTER>")).isBarePostmaster()).isTrue();
        SmtpCommand.Rcpt withDomain = (SmtpCommand.Rcpt) parse("RCPT TO:<postmaster@d.test>");
        assertThat(withDomain.isBarePostmaster()).isFalse();
        assertThat(error("MAIL FROM:<postmaster>").code()).isEqualTo(501);
    }

    @Test
    void dsnRecipientParameters() {
        SmtpCommand.Rcpt r = (SmtpCommand.Rcpt) parse("RCPT TO:<c@d.test> NOTIFY=success,FAILURE ORCPT=rfc822;c+40d.test");
        assertThat(r.notifyOn()).containsExactlyInAnyOrder("SUCCESS", "FAILURE");
        assertThat(r.orcpt()).isEqualTo("rfc822;c+40d.test");
        assertThat(((SmtpCommand.Rcpt) parse("RCPT TO:<c@d.test> NOTIFY=NEVER")).notifyOn()).containsExactly("NEVER");
    }

    @Test
    void utf8OriginalRecipientIsTakenAsReceivedAndKeptIn7Bits() {
        // RFC 6533 §3 utf-8-addr-unitext: UTF-8 as is, \x{HEX} for what xtext cannot carry.
        SmtpCommand.Rcpt r = (SmtpCommand.Rcpt) parse("RCPT TO:<c@d.test> ORCPT=utf-8;j\u00F6rg@d.test");
        assertThat(r.orcpt()).isEqualTo("utf-8;j\u00F6rg@d.test");
        assertThat(r.orcptNeedsSmtpUtf8()).isTrue();
        assertThat(r.orcptAsXtext()).isEqualTo("utf-8;j\\x{F6}rg@d.test");
        SmtpCommand.Rcpt cjk = (SmtpCommand.Rcpt) parse(
                "RCPT TO:<c@d.test> ORCPT=UTF-8;\u7528\\x{20}\u6237@\u4F8B\u5B50.\uD83D\uDE00");
        assertThat(cjk.orcptAsXtext()).isEqualTo("UTF-8;\\x{7528}\\x{20}\\x{6237}@\\x{4F8B}\\x{5B50}.\\x{1F600}");
        // The 7-bit forms are ASCII and stay as they are.
        SmtpCommand.Rcpt xtext = (SmtpCommand.Rcpt) parse("RCPT TO:<c@d.test> ORCPT=utf-8;j\\x{F6}rg@d.test");
        assertThat(xtext.orcptNeedsSmtpUtf8()).isFalse();
        assertThat(xtext.orcptAsXtext()).isEqualTo("utf-8;j\\x{F6}rg@d.test");
        assertThat(((SmtpCommand.Rcpt) parse("RCPT TO:<c@d.test> ORCPT=rfc822;c+40d.test")).orcptAsXtext())
                .isEqualTo("rfc822;c+40d.test");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "rfc822;j\u00F6rg@d.test",            // UTF-8 only under the utf-8 type
            "utf-8;j\u00F6+rg@d.test",            // + and \ only as \x{HEX}
            "utf-8;j\u00F6\\rg@d.test",
            "utf-8;j\u00F6\\x{41}rg@d.test",    // an ASCII letter needs no escape, and may not have one
            "utf-8;j\u00F6\\x{00F6}rg@d.test",  // no leading zeros
            "utf-8;j\u00F6\\x{D800}rg@d.test",  // no surrogates
            "utf-8;j\u00F6\\x{110000}@d.test",
            "utf-8;j\u00F6\\x{F6rg@d.test",
            "utf-8;j\u00F6\\x{\uFF11\uFF10\uFF10}rg@d.test",
            "utf-8;",
    })
    void malformedUtf8OriginalRecipients(String orcpt) {
        SmtpReply reply = error("RCPT TO:<c@d.test> ORCPT=" + orcpt);
        assertThat(reply.code()).as(orcpt).isEqualTo(501);
        assertThat(reply.enhancedCode()).as(orcpt).isEqualTo("5.5.4");
    }

    @Test
    void utf8OriginalRecipientMustFitTheLimitIn7Bits() {
        // "utf-8;", 470 letters and four \x{F6}: 6 + 470 + 4 * 6 = 500 characters once in 7 bits.
        String fits = "utf-8;" + "a".repeat(470) + "\u00F6".repeat(4);
        assertThat(((SmtpCommand.Rcpt) parse("RCPT TO:<c@d.test> ORCPT=" + fits)).orcptAsXtext()).hasSize(500);
        SmtpReply tooLong = error("RCPT TO:<c@d.test> ORCPT=" + fits + "\u00F6");
        assertThat(tooLong.code()).isEqualTo(501);
    }

    @Test
    void quotedLocalParts() {
        assertThat(((SmtpCommand.Rcpt) parse("RCPT TO:<\"john doe\"@d.test>")).recipient().localPart())
                .isEqualTo("\"john doe\"");
        assertThat(((SmtpCommand.Rcpt) parse("RCPT TO:<\"a>b\"@d.test> NOTIFY=NEVER")).recipient().localPart())
                .isEqualTo("\"a>b\"");
    }

    @Test
    void pathLengthIsLimited() {
        String local = "a".repeat(64);
        String domain = ("b".repeat(60) + ".").repeat(3) + "test";
        assertThat(parse("MAIL FROM:<" + local + "@" + domain + ">")).isInstanceOf(SmtpCommand.Mail.class);
        String longDomain = ("b".repeat(60) + ".").repeat(4) + "test";
        SmtpReply r = error("MAIL FROM:<" + local + "@" + longDomain + ">");
        assertThat(r.code()).isEqualTo(501);
    }

    @Test
    void bdat() {
        assertThat(parse("BDAT 100")).isEqualTo(new SmtpCommand.Bdat(100, false));
        assertThat(parse("BDAT 0 LAST")).isEqualTo(new SmtpCommand.Bdat(0, true));
        assertThat(parse("bdat 5 last")).isEqualTo(new SmtpCommand.Bdat(5, true));
    }

    @Test
    void controlCharactersAndBadUtf8AreRefused() {
        assertThat(error("NOOP\u0000").code()).isEqualTo(500);
        assertThat(error("MAIL FROM:<a@b.test>\rRCPT TO:<c@d.test>").code()).isEqualTo(500);
        SmtpCommand bad = SmtpCommandParser.parse(new byte[]{'N', 'O', 'O', 'P', ' ', (byte) 0xC3, (byte) 0x28});
        assertThat(((SmtpCommand.Invalid) bad).reply().code()).isEqualTo(500);
        assertThat(((SmtpCommand.Invalid) bad).reply().enhancedCode()).isEqualTo("5.5.2");
    }

    @Test
    void xtext() {
        assertThat(EsmtpParameters.isXtext("abc+2B+3Ddef")).isTrue();
        assertThat(EsmtpParameters.isXtext("")).isFalse();
        assertThat(EsmtpParameters.isXtext("a+")).isFalse();
        assertThat(EsmtpParameters.isXtext("a+4")).isFalse();
        assertThat(EsmtpParameters.isXtext("a+GG")).isFalse();
        assertThat(EsmtpParameters.isXtext("a=b")).isFalse();
        assertThat(EsmtpParameters.isXtext("a b")).isFalse();
        assertThat(EsmtpParameters.isXtext("é")).isFalse();
    }
}
