package dev.tern.server;

import dev.tern.directory.Resolution;
import dev.tern.forwarding.SenderRewriting;
import dev.tern.mail.MailAddress;
import dev.tern.testing.RawSmtpClient;
import dev.tern.testing.LoopbackPorts;
import dev.tern.testing.RunningServer;
import dev.tern.testing.TestDnsServer;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Aliases that forward to other domains, end to end between two Tern servers on two loopback
 * addresses with their MX records in a DNS server on loopback: A (a.test, 127.0.0.2) forwards to
 * B (b.test, 127.0.0.3) and back, with the envelope sender rewritten (SRS) so that bounces return.
 */
class ForwardingTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern SRS_OF_JANE = Pattern.compile(
            "SRS0=[A-Z2-7]{8}=[A-Z2-7]{2}=c\\.test=jane@a\\.test", Pattern.CASE_INSENSITIVE);

    @TempDir
    Path dir;
    TestDnsServer dns;
    int port;
    RunningServer a;
    RunningServer b;

    @BeforeEach
    void setUp() throws IOException {
        dns = TestDnsServer.start();
        dns.mx("a.test", 10, "mx.a.test").a("mx.a.test", "127.0.0.2");
        dns.mx("b.test", 10, "mx.b.test").a("mx.b.test", "127.0.0.3");
        // c.test's mail is never sent anywhere here; its MX only makes it a plausible sender domain.
        dns.mx("c.test", 10, "mx.b.test");
        port = LoopbackPorts.freeOnAll("127.0.0.3", "127.0.0.2");
    }

    @AfterEach
    void tearDown() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
        dns.close();
    }

    private String dnsConfig() {
        return "\n[dns]\nnameservers = [\"127.0.0.1:" + dns.nameserver().getPort() + "\"]\ntimeout = \"2s\"\n";
    }

    /** Both servers listen on the same port of their own address, so each delivers to the other there. */
    private String deliveryConfig() {
        // loopback is not exempt from the receiving checks here: each server checks the other's SPF
        return "\n[delivery]\nsmtp_port = " + port + "\nretry_first = \"1s\"\nretry_max = \"2s\"\n"
                + "\n[checks]\nexempt = []\n";
    }

    private void startBoth() throws IOException {
        b = startB();
        a = startA();
    }

    private RunningServer startA() throws IOException {
        Path d = dir.resolve("a");
        Files.createDirectories(d);
        RunningServer s = new RunningServer(d, "hostname = \"mx.a.test\"\n" + dnsConfig() + deliveryConfig(),
                "", null, "127.0.0.2:" + port);
        s.services().directory().addDomain("a.test");
        s.services().directory().addUser("alice@a.test", "alice pw");
        return s;
    }

    private RunningServer startB() throws IOException {
        Path d = dir.resolve("b");
        Files.createDirectories(d);
        RunningServer s = new RunningServer(d, "hostname = \"mx.b.test\"\n" + dnsConfig() + deliveryConfig(),
                "", null, "127.0.0.3:" + port);
        s.services().directory().addDomain("b.test");
        s.services().directory().addUser("bob@b.test", "bob pw");
        return s;
    }

    /** Sends one message to A's port 25, as another domain's server would. */
    private void sendToA(String sender, String recipient, String subject) throws IOException {
        String content = "From: " + sender + "\r\nTo: " + recipient + "\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + subject.replace(' ', '-') + "@client.test>\r\n\r\nHello, " + subject + ".\r\n";
        try (RawSmtpClient smtp = new RawSmtpClient("127.0.0.2", port, 20_000)) {
            RawSmtpClient.expect(smtp.reply(), "220");
            RawSmtpClient.expect(smtp.command("EHLO client.test"), "250");
            RawSmtpClient.expect(smtp.sendMail(sender, List.of(recipient), content), "250");
            smtp.command("QUIT");
        }
    }

    private static boolean queueEmpty(RunningServer server) {
        return server.services().queue().list(10).isEmpty();
    }

    private static MimeMessage parse(String content) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
    }

    private static String deliveryStatus(MimeMessage m) throws Exception {
        MimeMultipart report = (MimeMultipart) m.getContent();
        try (var in = report.getBodyPart(1).getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String returnPath(String content) {
        Matcher m = Pattern.compile("(?m)^Return-Path: <([^>]*)>").matcher(content);
        assertThat(m.find()).as("Return-Path in %s", content).isTrue();
        return m.group(1);
    }

    @Test
    void anAliasDeliversLocallyAndForwardsElsewhereWithTheSenderRewritten() throws Exception {
        // c.test lets no server here send its mail; a.test lets A. The forwarded copy passes SPF at B
        // only because its sender was rewritten into a.test.
        dns.txt("c.test", "v=spf1 ip4:192.0.2.1 -all");
        dns.txt("a.test", "v=spf1 ip4:127.0.0.0/8 -all");
        startBoth();
        a.services().directory().addAlias("info@a.test", List.of("alice@a.test", "bob@b.test"));

        sendToA("jane@c.test", "info@a.test", "question for info");

        await().atMost(WAIT).until(() -> b.inbox("bob@b.test").size() == 1);
        await().atMost(WAIT).until(() -> queueEmpty(a) && queueEmpty(b));
        assertThat(a.inbox("alice@a.test")).hasSize(1);
        assertThat(b.inbox("bob@b.test")).hasSize(1);
        assertThat(a.content(a.inbox("alice@a.test").get(0))).contains("question for info")
                .contains("Return-Path: <jane@c.test>");

        String forwarded = b.content(b.inbox("bob@b.test").get(0));
        assertThat(forwarded).contains("question for info", "\r\nDelivered-To: info@a.test\r\n");
        String sender = returnPath(forwarded);
        assertThat(sender).matches(SRS_OF_JANE);
        assertThat(a.content(a.inbox("alice@a.test").get(0))).contains("spf=fail");
        assertThat(forwarded).containsPattern("(?is)Authentication-Results: mx\\.b\\.test;.*?"
                + "spf=pass \\(matched ip4:127\\.0\\.0\\.0/8\\) smtp\\.mailfrom=SRS0=[A-Z2-7]{8}=[A-Z2-7]{2}=c\\.test=jane@a\\.test;");

        // The rewritten address leads back to the original sender, for a bounce to find its way.
        Resolution resolved = a.services().directory().resolve(MailAddress.parse(sender));
        assertThat(resolved).isInstanceOf(Resolution.Local.class);
        Resolution.Local local = (Resolution.Local) resolved;
        assertThat(local.accounts()).isEmpty();
        assertThat(local.forwards()).map(MailAddress::toString).containsExactly("jane@c.test");
    }

    /**
     * RFC 8617: the forwarded copy carries an ARC set sealed with a.test's key, holding what A
     * found on arrival; dkimpy, an independent implementation, validates it as B received it.
     */
    @Test
    void aForwardedCopyIsArcSealedWithTheResultsOnArrival() throws Exception {
        dns.txt("c.test", "v=spf1 ip4:192.0.2.1 -all");
        dns.txt("a.test", "v=spf1 ip4:127.0.0.0/8 -all");
        startBoth();
        java.util.Map<String, String> keys = new java.util.HashMap<>();
        for (var key : a.services().dkimKeys().generate("a.test")) {
            dns.txt(key.selector() + "._domainkey.a.test", key.dnsRecordText());
            keys.put(key.selector() + "._domainkey.a.test", key.dnsRecordText());
        }
        a.services().directory().addAlias("info@a.test", List.of("bob@b.test"));
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(dev.tern.server.TernServer.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> log =
                new ch.qos.logback.core.read.ListAppender<>();
        log.start();
        logger.addAppender(log);
        try {
            sendToA("jane@c.test", "info@a.test", "sealed question");
            await().atMost(WAIT).until(() -> b.inbox("bob@b.test").size() == 1);
        } finally {
            logger.detachAppender(log);
        }
        assertThat(log.list).map(e -> e.getFormattedMessage()).anyMatch(m -> m.endsWith(": ARC-sealed for a.test (cv=none)"));
        String forwarded = b.content(b.inbox("bob@b.test").get(0));
        String unfolded = forwarded.replaceAll("\r\n[ \t]+", " ");
        assertThat(unfolded).containsPattern("(?m)^ARC-Seal: i=1; a=rsa-sha256; t=\\d+; cv=none; d=a\\.test; s=")
                .containsPattern("(?m)^ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed; d=a\\.test;")
                .containsPattern("(?m)^ARC-Authentication-Results: i=1; mx\\.a\\.test;.*spf=fail")
                // Not DKIM-signed with a.test's key: the message is c.test's.
                .doesNotContain("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=a.test")
                // B, another Tern, checked the chain on arrival.
                .containsPattern("Authentication-Results: mx\\.b\\.test;.*arc=pass \\(1 set, newest sealed by a\\.test\\)");
        assertThat(new dev.tern.testing.DkimpyArc(dir, keys).verify(forwarded.getBytes(StandardCharsets.UTF_8)))
                .startsWith("pass");
    }

    /**
     * A copy that stays here (a Sieve redirect to a local account) keeps what the reception found:
     * the Authentication-Results above it, and the quarantine of a message that failed DMARC.
     */
    @Test
    void aLocalRedirectKeepsTheReceptionsResultsAndQuarantine() throws Exception {
        dns.txt("junk.test", "v=spf1 ip4:192.0.2.1 -all");
        dns.txt("_dmarc.junk.test", "v=DMARC1; p=quarantine");
        a = startA();
        a.services().directory().addUser("carol@a.test", "carol pw");
        Path script = dir.resolve("redirect.sieve");
        Files.writeString(script, "redirect \"carol@a.test\";\n");
        dev.tern.testing.InProcessCli.Result put = dev.tern.testing.InProcessCli.run(dir.resolve("a").resolve("tern.toml"),
                null, "sieve", "put", "alice@a.test", "main", script.toString(), "--activate");
        assertThat(put.code()).as(put.err()).isZero();

        sendToA("mallory@junk.test", "alice@a.test", "redirected junk");

        await().atMost(WAIT).until(() -> a.mailbox("carol@a.test", "Junk").size() == 1);
        assertThat(a.inbox("carol@a.test")).isEmpty();
        String copy = a.content(a.mailbox("carol@a.test", "Junk").get(0));
        assertThat(copy).contains("Delivered-To: alice@a.test", "redirected junk")
                .containsPattern("(?s)Authentication-Results: mx\\.a\\.test;.*dmarc=fail");
    }

    @Test
    void aBounceOfForwardedMailComesBackThroughTheRewrittenSenderToTheOriginalSender() throws Exception {
        startBoth();
        a.services().directory().addAlias("fwd@a.test", List.of("ghost@b.test"));

        sendToA("bob@b.test", "fwd@a.test", "to a ghost");

        await().atMost(WAIT).until(() -> b.inbox("bob@b.test").size() == 1);
        await().atMost(WAIT).until(() -> queueEmpty(a) && queueEmpty(b));
        String bounce = b.content(b.inbox("bob@b.test").get(0));
        assertThat(returnPath(bounce)).isEmpty();
        // It came through A's rewritten address for bob, which forwarded it on.
        assertThat(bounce).containsPattern("(?i)\r\nDelivered-To: SRS0=[A-Z2-7]{8}=[A-Z2-7]{2}=b\\.test=bob@a\\.test\r\n");
        MimeMessage m = parse(bounce);
        assertThat(m.getContentType()).contains("multipart/report").contains("delivery-status");
        assertThat(deliveryStatus(m)).contains("Final-Recipient: rfc822; ghost@b.test", "Action: failed",
                "Status: 5.1.1");
        assertThat(b.inbox("bob@b.test")).hasSize(1);
    }

    @Test
    void aForgedOrStaleRewrittenAddressIsRefusedAtRcpt() throws Exception {
        startBoth();
        byte[] secret = Base64.getDecoder().decode(
                a.services().metadata().read(tx -> tx.secrets().secret("srs")).orElseThrow());
        String stale = new SenderRewriting(secret, SenderRewriting.DEFAULT_MAX_AGE_DAYS,
                Clock.offset(Clock.systemUTC(), Duration.ofDays(SenderRewriting.DEFAULT_MAX_AGE_DAYS + 5)
                        .negated())).forward("x", "evil.test", "a.test");
        String fresh = a.services().senderRewriting().forward("x", "evil.test", "a.test");

        try (RawSmtpClient smtp = new RawSmtpClient("127.0.0.2", port, 20_000)) {
            RawSmtpClient.expect(smtp.reply(), "220");
            RawSmtpClient.expect(smtp.command("EHLO client.test"), "250");
            RawSmtpClient.expect(smtp.command("MAIL FROM:<someone@c.test>"), "250");
            assertThat(smtp.command("RCPT TO:<SRS0=AAAAAAAA=AA=evil.test=x@a.test>")).startsWith("550").contains("5.1.1");
            assertThat(smtp.command("RCPT TO:<" + stale + ">")).startsWith("550").contains("5.1.1");
            // The session goes on, and the forger's address was no reason to relay.
            assertThat(smtp.command("RCPT TO:<alice@a.test>")).startsWith("250");
            // The same address signed today is ours: A would forward a bounce to it.
            assertThat(smtp.command("RCPT TO:<" + fresh + ">")).startsWith("250");
            smtp.command("RSET");
            smtp.command("QUIT");
        }
        assertThat(a.services().directory().resolve(MailAddress.parse(stale))).isInstanceOf(Resolution.Unknown.class);
    }

    @Test
    void aForwardingLoopBetweenTwoServersEndsWithABounce() throws Exception {
        startBoth();
        a.services().directory().addAlias("loop@a.test", List.of("back@b.test"));
        b.services().directory().addAlias("back@b.test", List.of("loop@a.test"));

        sendToA("alice@a.test", "loop@a.test", "round and round");

        await().atMost(WAIT).until(() -> a.inbox("alice@a.test").size() == 1);
        // Nothing keeps travelling: both queues stay empty, and no more mail arrives.
        await().atMost(WAIT).during(Duration.ofSeconds(3)).until(() -> queueEmpty(a) && queueEmpty(b)
                && a.inbox("alice@a.test").size() == 1);
        assertThat(b.inbox("bob@b.test")).isEmpty();

        String bounce = a.content(a.inbox("alice@a.test").get(0));
        assertThat(returnPath(bounce)).isEmpty();
        MimeMessage m = parse(bounce);
        assertThat(m.getContentType()).contains("multipart/report");
        String status = deliveryStatus(m);
        assertThat(status).contains("Final-Recipient: rfc822; loop@a.test", "Action: failed", "Status: 5.4.6");
        assertThat(status.toLowerCase()).contains("loop");
    }

    @Test
    void forwardedMailOfALocalSenderKeepsItsSender() throws Exception {
        startBoth();
        a.services().directory().addAlias("info2@a.test", List.of("bob@b.test"));

        sendToA("alice@a.test", "info2@a.test", "from a local sender");

        await().atMost(WAIT).until(() -> b.inbox("bob@b.test").size() == 1);
        await().atMost(WAIT).until(() -> queueEmpty(a));
        String forwarded = b.content(b.inbox("bob@b.test").get(0));
        assertThat(forwarded).contains("Return-Path: <alice@a.test>\r\n", "Delivered-To: info2@a.test\r\n",
                "from a local sender");
        assertThat(forwarded).doesNotContainPattern("(?i)SRS0=");
        assertThat(a.inbox("alice@a.test")).isEmpty();
    }

    @Test
    void aSuccessNotificationSaysRelayedForAForwardAndExpandedForAnAliasOfSeveralDestinations() throws Exception {
        startBoth();
        b.services().directory().addUser("carol@b.test", "carol pw");
        a.services().directory().addAlias("one@a.test", List.of("bob@b.test"));
        a.services().directory().addAlias("two@a.test", List.of("carol@b.test", "alice@a.test"));

        try (RawSmtpClient smtp = new RawSmtpClient("127.0.0.2", port, 20_000)) {
            RawSmtpClient.expect(smtp.reply(), "220");
            RawSmtpClient.expect(smtp.command("EHLO client.test"), "250");
            RawSmtpClient.expect(smtp.command("MAIL FROM:<alice@a.test>"), "250");
            RawSmtpClient.expect(smtp.command("RCPT TO:<one@a.test> NOTIFY=SUCCESS"), "250");
            RawSmtpClient.expect(smtp.command("RCPT TO:<two@a.test> NOTIFY=SUCCESS"), "250");
            RawSmtpClient.expect(smtp.command("DATA"), "354");
            smtp.send("From: alice@a.test\r\nSubject: tell me\r\nMessage-ID: <tell-me@a.test>\r\n\r\nHi.\r\n.\r\n");
            RawSmtpClient.expect(smtp.reply(), "250");
            smtp.command("QUIT");
        }

        await().atMost(WAIT).until(() -> b.inbox("bob@b.test").size() == 1 && b.inbox("carol@b.test").size() == 1
                && a.inbox("alice@a.test").size() == 2 && queueEmpty(a) && queueEmpty(b));
        String report = a.inbox("alice@a.test").stream().map(a::content).filter(c -> c.contains("multipart/report"))
                .findFirst().orElseThrow();
        String status = deliveryStatus(parse(report));
        assertThat(status).containsPattern("(?s)Final-Recipient: rfc822; one@a.test\r\nAction: relayed\r\n"
                + "Status: 2\\.0\\.0")
                .containsPattern("(?s)Final-Recipient: rfc822; two@a.test\r\nAction: expanded\r\nStatus: 2\\.0\\.0");
    }
}
