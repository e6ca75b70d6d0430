package dev.tern.smtp.server;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tern.config.SmtpLimits;
import dev.tern.mail.DsnRet;
import dev.tern.mail.MailAddress;
import dev.tern.mail.MailException;
import dev.tern.mail.Recipient;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.tern.smtp.server.SmtpTestClient.expect;
import static org.assertj.core.api.Assertions.assertThat;

/** Every command and its replies, over a real socket. */
class SmtpCommandsTest extends SmtpServerTestSupport {

    private void send(SmtpTestClient c, String from, String to) throws Exception {
        expect(c.command("MAIL FROM:<" + from + ">"), 250);
        expect(c.command("RCPT TO:<" + to + ">"), 250);
        expect(c.command("DATA"), 354);
        c.send("Subject: test\r\n\r\nHello\r\n.\r\n");
        expect(c.reply(), 250);
    }

    @Test
    void greetingAndEhloKeywords() throws Exception {
        SmtpTestClient c = connect();
        assertThat(c.reply().text()).isEqualTo("220 mx.example.test ESMTP Tern");
        assertThat(c.command("EHLO client.test").lines()).containsExactly(
                "250-mx.example.test", "250-PIPELINING", "250-SIZE 10000", "250-8BITMIME", "250-SMTPUTF8",
                "250-ENHANCEDSTATUSCODES", "250-CHUNKING", "250-BINARYMIME", "250-DSN", "250 HELP");
    }

    @Test
    void helo() throws Exception {
        SmtpTestClient c = connect();
        c.reply();
        assertThat(c.command("HELO client.test").text()).isEqualTo("250 mx.example.test");
        expect(c.command("MAIL FROM:<a@b.test>"), 250);
    }

    @Test
    void completeTransaction() throws Exception {
        SmtpTestClient c = greeted();
        assertThat(c.command("MAIL FROM:<sender@b.test>").text()).isEqualTo("250 2.1.0 Ok");
        assertThat(c.command("RCPT TO:<alice@example.test>").text()).isEqualTo("250 2.1.5 Ok");
        assertThat(c.command("DATA").text()).isEqualTo("354 End data with <CR><LF>.<CR><LF>");
        c.send("Subject: test\r\n\r\nHello\r\n.\r\n");
        assertThat(c.reply().text()).isEqualTo("250 2.0.0 Ok: queued as Q1");
        assertThat(c.command("QUIT").text()).isEqualTo("221 2.0.0 Bye");
        assertThat(c.isClosedByServer()).isTrue();

        FakeBackend.Queued q = backend.last();
        assertThat(q.queueId()).isEqualTo("Q1");
        assertThat(q.envelope().sender()).isEqualTo(MailAddress.parse("sender@b.test"));
        assertThat(q.envelope().recipients()).containsExactly(Recipient.of(MailAddress.parse("alice@example.test")));
        assertThat(q.envelope().bodyType()).isEqualTo("7BIT");
        assertThat(q.envelope().client().helo()).isEqualTo("client.test");
        assertThat(q.envelope().client().address()).isEqualTo("127.0.0.1");
        assertThat(q.envelope().client().protocol()).isEqualTo("ESMTP");
        assertThat(q.envelope().client().listener()).isEqualTo("smtp");
        assertThat(q.text()).matches("(?s)Received: from client\\.test \\(\\[127\\.0\\.0\\.1\\]\\)\r\n"
                + "\tby mx\\.example\\.test \\(Tern\\) with ESMTP id Q1\r\n"
                + "\tfor <alice@example\\.test>; \\w{3}, \\d{1,2} \\w{3} \\d{4} \\d\\d:\\d\\d:\\d\\d [+-]\\d{4}\r\n"
                + "Subject: test\r\n\r\nHello\r\n");
        assertThat(backend.sinks.get("Q1").committed()).isTrue();
    }

    @Test
    void severalRecipientsGetNoForClause() throws Exception {
        SmtpTestClient c = greeted();
        expect(c.command("MAIL FROM:<sender@b.test>"), 250);
        expect(c.command("RCPT TO:<alice@example.test>"), 250);
        expect(c.command("RCPT TO:<bob@example.test>"), 250);
        expect(c.command("RCPT TO:<alice@example.test>"), 250);
        expect(c.command("DATA"), 354);
        c.send("Hi\r\n.\r\n");
        expect(c.reply(), 250);
        FakeBackend.Queued q = backend.last();
        assertThat(q.envelope().recipients()).extracting(Recipient::address).containsExactly(
                MailAddress.parse("alice@example.test"), MailAddress.parse("bob@example.test"));
        assertThat(q.text()).contains("with ESMTP id Q1;\r\n\t").doesNotContain("for <");
    }

    @Test
    void noopRsetHelpVrfy() throws Exception {
        SmtpTestClient c = connect();
        c.reply();
        assertThat(c.command("NOOP").text()).isEqualTo("250 2.0.0 Ok");
        assertThat(c.command("RSET").text()).isEqualTo("250 2.0.0 Ok");
        assertThat(c.command("HELP").lines()).hasSize(2).allMatch(l -> l.startsWith("214"))
                .first().asString().startsWith("214-2.0.0 ");
        assertThat(c.command("VRFY alice").text())
                .isEqualTo("252 2.5.0 Cannot VRFY user, but will accept message and attempt delivery");
        assertThat(c.command("VRFY").text()).startsWith("501 5.5.4");
    }

    @Test
    void unknownAndUnimplementedCommands() throws Exception {
        SmtpTestClient c = greeted();
        assertThat(c.command("XYZZY").text()).isEqualTo("500 5.5.2 Error: command not recognized");
        assertThat(c.command("EXPN staff").text()).isEqualTo("502 5.5.1 Error: command not implemented");
        assertThat(c.command("STARTTLS").code()).isEqualTo(502);
        expect(c.command("NOOP"), 250);
    }

    @Test
    void commandsOutOfOrder() throws Exception {
        SmtpTestClient c = connect();
        c.reply();
        assertThat(c.command("MAIL FROM:<a@b.test>").text()).isEqualTo("503 5.5.1 Error: send HELO/EHLO first");
        assertThat(c.command("RCPT TO:<x").text()).isEqualTo("503 5.5.1 Error: send HELO/EHLO first");
        expect(c.command("EHLO client.test"), 250);
        assertThat(c.command("RCPT TO:<alice@example.test>").text()).isEqualTo("503 5.5.1 Error: need MAIL command");
        assertThat(c.command("DATA").text()).isEqualTo("503 5.5.1 Error: need MAIL command");
        expect(c.command("MAIL FROM:<a@b.test>"), 250);
        assertThat(c.command("MAIL FROM:<a@b.test>").text()).isEqualTo("503 5.5.1 Error: nested MAIL command");
        assertThat(c.command("DATA").text()).isEqualTo("554 5.5.1 Error: no valid recipients");
        expect(c.command("RCPT TO:<alice@example.test>"), 250);
        expect(c.command("NOOP"), 250);
    }

    @Test
    void syntaxErrorsAreReportedAndTheSessionGoesOn() throws Exception {
        SmtpTestClient c = greeted();
        assertThat(c.command("MAIL FROM:sender@b.test").text()).startsWith("501 5.5.4 Syntax: MAIL FROM:<address>");
        assertThat(c.command("MAIL FROM:<a@b.test> FOO=1").text()).isEqualTo("555 5.5.4 Error: unsupported parameter FOO");
        assertThat(c.command("MAIL FROM:<a@@b.test>").text()).startsWith("501 5.1.7 Error: bad sender address syntax");
        expect(c.command("MAIL FROM:<a@b.test>"), 250);
        assertThat(c.command("RCPT TO:<a b@example.test>").text()).startsWith("501 5.1.3");
        expect(c.command("RCPT TO:<alice@example.test>"), 250);
    }

    @Test
    void rsetClearsTheTransaction() throws Exception {
        SmtpTestClient c = greeted();
        expect(c.command("MAIL FROM:<a@b.test>"), 250);
        expect(c.command("RCPT TO:<alice@example.test>"), 250);
        expect(c.command("RSET"), 250);
        assertThat(c.command("DATA").text()).isEqualTo("503 5.5.1 Error: need MAIL command");
        send(c, "a@b.test", "bob@example.test");
        assertThat(backend.last().envelope().recipients()).extracting(Recipient::address)
                .containsExactly(MailAddress.parse("bob@example.test"));
    }

    @Test
    void secondEhloResetsTheTransaction() throws Exception {
        SmtpTestClient c = greeted();
        expect(c.command("MAIL FROM:<a@b.test>"), 250);
        expect(c.command("RCPT TO:<alice@example.test>"), 250);
        expect(c.command("EHLO again.test"), 250);
        assertThat(c.command("DATA").text()).isEqualTo("503 5.5.1 Error: need MAIL command");
    }

    @Test
    void nullReversePath() throws Exception {
        SmtpTestClient c = greeted();
        expect(c.command("MAIL FROM:<>"), 250);
        expect(c.command("RCPT TO:<alice@example.test>"), 250);
        expect(c.command("DATA"), 354);
        c.send("Subject: bounce\r\n\r\nx\r\n.\r\n");
        expect(c.reply(), 250);
        assertThat(backend.last().envelope().sender()).isNull();
        assertThat(backend.last().envelope().reversePath()).isEqualTo("<>");
    }

    @Test
    void openRelayAndUnknownUsersAreRefused() throws Exception {
        SmtpTestClient c = greeted();
        expect(c.command("MAIL FROM:<a@b.test>"), 250);
        assertThat(c.command("RCPT TO:<victim@elsewhere.test>").text()).isEqualTo("550 5.7.1 Relay access denied");
        assertThat(c.command("RCPT TO:<nobody@example.test>").text()).startsWith("550 5.1.1 <nobody@example.test>");
        assertThat(c.command("DATA").text()).isEqualTo("554 5.5.1 Error: no valid recipients");
        assertThat(backend.queued).isEmpty();
    }

    @Test
    void barePostmasterIsAccepted() throws Exception {
        SmtpTestClient c = greeted();
        send(c, "a@b.test", "Postmaster");
        assertThat(backend.last().envelope().recipients()).extracting(Recipient::address)
                .containsExactly(MailAddress.parse("postmaster@mx.example.test"));
    }

    @Test
    void tooManyRecipients() throws Exception {
        SmtpTestClient c = greeted();
        expect(c.command("MAIL FROM:<a@b.test>"), 250);
        expect(c.command("RCPT TO:<alice@example.test>"), 250);
        expect(c.command("RCPT TO:<bob@example.test>"), 250);
        expect(c.command("RCPT TO:<carol@example.test>"), 250);
        assertThat(c.command("RCPT TO:<dave@example.test>").text()).isEqualTo("452 4.5.3 Error: too many recipients");
        expect(c.command("DATA"), 354);
        c.send("x\r\n.\r\n");
        expect(c.reply(), 250);
        assertThat(backend.last().envelope().recipients()).hasSize(3);
    }

    @Test
    void utf8AddressesNeedSmtpUtf8() throws Exception {
        SmtpTestClient c = greeted();
        assertThat(c.command("MAIL FROM:<jörg@b.test>").text()).startsWith("553 5.6.7");
        expect(c.command("MAIL FROM:<a@b.test>"), 250);
        assertThat(c.command("RCPT TO:<jörg@example.test>").text()).startsWith("553 5.6.7");
        expect(c.command("RSET"), 250);
        expect(c.command("MAIL FROM:<jörg@b.test> SMTPUTF8"), 250);
        expect(c.command("RCPT TO:<jörg@example.test>"), 250);
        expect(c.command("DATA"), 354);
        c.send("Subject: ü\r\n\r\nx\r\n.\r\n");
        expect(c.reply(), 250);
        FakeBackend.Queued q = backend.last();
        assertThat(q.envelope().smtpUtf8()).isTrue();
        assertThat(q.envelope().sender().localPart()).isEqualTo("jörg");
        assertThat(q.text()).contains("with UTF8SMTP id Q1", "for <jörg@example.test>");
    }

    @Test
    void sourceRouteWithoutMailboxIsNotTheNullSender() throws Exception {
        SmtpTestClient c = greeted();
        assertThat(c.command("MAIL FROM:<@a.example:>").text()).startsWith("501 5.1.7");
        assertThat(c.command("MAIL FROM:<@a.example,@b.example:>").text()).startsWith("501 5.1.7");
        assertThat(c.command("MAIL FROM:<@a b:x@example.com>").text()).startsWith("501 5.1.7");
        // None of them began a transaction.
        expect(c.command("RCPT TO:<alice@example.test>"), 503);

        expect(c.command("MAIL FROM:<@relay.test:sender@b.test>"), 250);
        assertThat(c.command("RCPT TO:<@a.example:>").text()).startsWith("501 5.1.3");
        assertThat(c.command("RCPT TO:<@a b:alice@example.test>").text()).startsWith("501 5.1.3");
        expect(c.command("RCPT TO:<@relay.test,@[192.0.2.1]:alice@example.test>"), 250);
        expect(c.command("DATA"), 354);
        c.send("Subject: routed\r\n\r\nx\r\n.\r\n");
        expect(c.reply(), 250);
        FakeBackend.Queued q = backend.last();
        assertThat(q.envelope().sender()).isEqualTo(MailAddress.parse("sender@b.test"));
        assertThat(q.envelope().recipients()).containsExactly(Recipient.of(MailAddress.parse("alice@example.test")));
    }

    @Test
    void malformedIpv6LiteralsAreRefused() throws Exception {
        SmtpTestClient c = greeted();
        for (String literal : new String[] {"[IPv6::::::::::]", "[IPv6:1.2.3.4]", "[IPv6:::1:2:3:4:5:6:7:8:9]",
                "[IPv6:.....]", "[IPv6:fe80::1%eth0]"}) {
            assertThat(c.command("MAIL FROM:<x@" + literal + ">").text()).as(literal).startsWith("501 5.1.7");
        }
        expect(c.command("MAIL FROM:<x@[IPv6:2001:db8::1]>"), 250);
        assertThat(c.command("RCPT TO:<x@[IPv6:1:2:3:4:5:6:7:8:9]>").text()).startsWith("501 5.1.3");
        assertThat(c.command("RCPT TO:<@[IPv6:::::]:alice@example.test>").text()).startsWith("501 5.1.3");
    }

    @Test
    void domainsIdnaWouldMapOntoALocalOneAreRefused() throws Exception {
        SmtpTestClient c = greeted();
        String fullWidthExample = "\uFF45\uFF58\uFF41\uFF4D\uFF50\uFF4C\uFF45";
        assertThat(c.command("MAIL FROM:<s@" + fullWidthExample + ".test> SMTPUTF8").text())
                .startsWith("501 5.1.7").contains("U+FF45");
        expect(c.command("MAIL FROM:<s@b.test> SMTPUTF8"), 250);
        assertThat(c.command("RCPT TO:<alice@" + fullWidthExample + ".test>").text())
                .startsWith("501 5.1.3").contains("U+FF45");
        assertThat(c.command("RCPT TO:<alice@example\u3002test>").text()).startsWith("501 5.1.3").contains("U+3002");
        assertThat(c.command("RCPT TO:<alice@exam\u00ADple.test>").text()).startsWith("501 5.1.3").contains("U+00AD");
        expect(c.command("RCPT TO:<j\u00F6rg@example.test>"), 250);
        expect(c.command("DATA"), 354);
        c.send("Subject: idna\r\n\r\nx\r\n.\r\n");
        expect(c.reply(), 250);
        assertThat(backend.last().envelope().recipients())
                .containsExactly(Recipient.of(MailAddress.parse("j\u00F6rg@example.test")));
    }

    @Test
    void dsnParametersReachTheEnvelope() throws Exception {
        SmtpTestClient c = greeted();
        expect(c.command("MAIL FROM:<a@b.test> RET=HDRS ENVID=QQ314159 BODY=8BITMIME SIZE=100"), 250);
        expect(c.command("RCPT TO:<alice@example.test> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;alice+40example.test"), 250);
        expect(c.command("RCPT TO:<bob@example.test> NOTIFY=NEVER"), 250);
        expect(c.command("DATA"), 354);
        c.send("x\r\n.\r\n");
        expect(c.reply(), 250);
        FakeBackend.Queued q = backend.last();
        assertThat(q.envelope().ret()).isEqualTo(DsnRet.HDRS);
        assertThat(q.envelope().envId()).isEqualTo("QQ314159");
        assertThat(q.envelope().bodyType()).isEqualTo("8BITMIME");
        Recipient alice = q.envelope().recipients().get(0);
        assertThat(alice.notifyOn()).containsExactlyInAnyOrder("SUCCESS", "DELAY");
        assertThat(alice.orcpt()).isEqualTo("rfc822;alice+40example.test");
        assertThat(q.envelope().recipients().get(1).notifyOn()).containsExactly("NEVER");
    }

    @Test
    void utf8OriginalRecipientIsTakenWithSmtpUtf8AndStoredIn7Bits() throws Exception {
        SmtpTestClient c = greeted();
        expect(c.command("MAIL FROM:<a@b.test>"), 250);
        assertThat(c.command("RCPT TO:<alice@example.test> ORCPT=utf-8;j\u00F6rg@example.test").text())
                .startsWith("501 5.5.4");
        expect(c.command("RCPT TO:<alice@example.test> ORCPT=utf-8;j\\x{F6}rg@example.test"), 250);
        expect(c.command("RSET"), 250);

        expect(c.command("MAIL FROM:<a@b.test> SMTPUTF8"), 250);
        expect(c.command("RCPT TO:<alice@example.test> NOTIFY=FAILURE ORCPT=utf-8;j\u00F6rg@example.test"), 250);
        assertThat(c.command("RCPT TO:<bob@example.test> ORCPT=rfc822;j\u00F6rg@example.test").text())
                .startsWith("501 5.5.4");
        expect(c.command("RCPT TO:<bob@example.test> ORCPT=utf-8;j\\x{F6}rg@example.test"), 250);
        expect(c.command("DATA"), 354);
        c.send("x\r\n.\r\n");
        expect(c.reply(), 250);
        // Stored as the report writer reads it and as any next server takes it, SMTPUTF8 or not.
        assertThat(backend.last().envelope().recipients()).extracting(Recipient::orcpt)
                .containsExactly("utf-8;j\\x{F6}rg@example.test", "utf-8;j\\x{F6}rg@example.test");
    }

    @Test
    void sizeParameterAboveTheLimit() throws Exception {
        SmtpTestClient c = greeted();
        assertThat(c.command("MAIL FROM:<a@b.test> SIZE=10001").text())
                .isEqualTo("552 5.3.4 Message size exceeds fixed maximum message size");
        expect(c.command("MAIL FROM:<a@b.test> SIZE=10000"), 250);
    }

    @Test
    void backendCrashIsNotShownToTheClient() throws Exception {
        SmtpTestClient c = greeted();
        backend.recipientCrash = new IllegalStateException("secret /var/lib/tern/db locked");
        expect(c.command("MAIL FROM:<a@b.test>"), 250);
        assertThat(c.command("RCPT TO:<alice@example.test>").text())
                .isEqualTo("451 4.3.0 Temporary local problem, try again later");
        backend.recipientCrash = null;
        expect(c.command("RCPT TO:<alice@example.test>"), 250);
    }

    @Test
    void enqueueFailureGivesItsCode() throws Exception {
        SmtpTestClient c = greeted();
        backend.enqueueFailure = new MailException(452, "4.3.1", "Insufficient system storage", "queue");
        expect(c.command("MAIL FROM:<a@b.test>"), 250);
        expect(c.command("RCPT TO:<alice@example.test>"), 250);
        expect(c.command("DATA"), 354);
        c.send("x\r\n.\r\n");
        assertThat(c.reply().text()).isEqualTo("452 4.3.1 Insufficient system storage");
        backend.enqueueFailure = new RuntimeException("disk /dev/sda1 on fire");
        expect(c.command("MAIL FROM:<a@b.test>"), 250);
        expect(c.command("RCPT TO:<alice@example.test>"), 250);
        expect(c.command("DATA"), 354);
        c.send("x\r\n.\r\n");
        assertThat(c.reply().text()).isEqualTo("451 4.3.0 Temporary local problem, try again later");
        assertThat(backend.queued).isEmpty();
    }

    @Test
    void lineTooLongIsDiscardedAndTheSessionGoesOn() throws Exception {
        SmtpTestClient c = greeted();
        c.send("NOOP " + "x".repeat(5000) + "\r\n");
        assertThat(c.reply().text()).isEqualTo("500 5.5.2 Error: line too long");
        assertThat(c.command("NOOP").text()).isEqualTo("250 2.0.0 Ok");
        String longest = "NOOP " + "x".repeat(1000 - 7);
        assertThat(c.command(longest).code()).isEqualTo(250);
        assertThat(c.command(longest + "x").text()).isEqualTo("500 5.5.2 Error: line too long");
    }

    @Test
    void bareLfEndsNoCommand() throws Exception {
        SmtpTestClient c = greeted();
        c.send("NOOP\n");
        assertThat(c.reply().text()).startsWith("500 5.5.2 Error: bare LF in command");
        c.send("MAIL FROM:<a@b.test>\nRCPT TO:<alice@example.test>\r\n");
        assertThat(c.reply().text()).startsWith("500 5.5.2 Error: bare LF");
        assertThat(c.reply().text()).isEqualTo("503 5.5.1 Error: need MAIL command");
    }

    @Test
    void tooManyErrorsEndTheSession() throws Exception {
        start(new SmtpLimits(10_000, 3, 1000, 3, Duration.ofSeconds(60), Duration.ofSeconds(60), 20, 10, false));
        SmtpTestClient c = greeted();
        expect(c.command("BOGUS"), 500);
        expect(c.command("BOGUS"), 500);
        c.send("BOGUS\r\nNOOP\r\n");
        expect(c.reply(), 500);
        assertThat(c.reply().text()).isEqualTo("421 4.7.0 mx.example.test Error: too many errors");
        assertThat(c.isClosedByServer()).isTrue();
    }

    @Test
    void idleTimeout() throws Exception {
        start(new SmtpLimits(10_000, 3, 1000, 10, Duration.ofSeconds(1), Duration.ofSeconds(60), 20, 10, false));
        SmtpTestClient c = greeted();
        assertThat(c.reply().text()).isEqualTo("421 4.4.2 mx.example.test Error: timeout exceeded");
        assertThat(c.isClosedByServer()).isTrue();
    }

    @Test
    void oneLogLinePerTransaction() throws Exception {
        ListAppender<ILoggingEvent> log = capture("dev.tern.smtp");
        SmtpTestClient c = greeted();
        expect(c.command("MAIL FROM:<a@b.test>"), 250);
        expect(c.command("RCPT TO:<alice@example.test>"), 250);
        expect(c.command("RCPT TO:<x@elsewhere.test>"), 550);
        expect(c.command("RCPT TO:<bob@example.test>"), 250);
        expect(c.command("DATA"), 354);
        c.send("Hello\r\n.\r\n");
        expect(c.reply(), 250);
        assertThat(messages(log)).contains(
                "NOQUEUE: client=unknown[127.0.0.1] from=<a@b.test> to=<x@elsewhere.test> result=rejected"
                        + " code=550 status=5.7.1 text=\"Relay access denied\"",
                "Q1: client=unknown[127.0.0.1] from=<a@b.test> to=<alice@example.test>,<bob@example.test>"
                        + " size=7 result=queued");
    }

    @Test
    void protocolTraceWhenAskedFor() throws Exception {
        start(limits(), true);
        ListAppender<ILoggingEvent> trace = capture("dev.tern.smtp.trace");
        SmtpTestClient c = greeted();
        expect(c.command("MAIL FROM:<a@b.test>"), 250);
        assertThat(messages(trace)).anyMatch(m -> m.endsWith(" C: MAIL FROM:<a@b.test>"))
                .anyMatch(m -> m.endsWith(" S: 250 2.1.0 Ok"))
                .anyMatch(m -> m.endsWith(" S: 220 mx.example.test ESMTP Tern"));
    }

    @Test
    void noTraceByDefault() throws Exception {
        ListAppender<ILoggingEvent> trace = capture("dev.tern.smtp.trace");
        SmtpTestClient c = greeted();
        expect(c.command("NOOP"), 250);
        assertThat(trace.list).isEmpty();
    }
}
