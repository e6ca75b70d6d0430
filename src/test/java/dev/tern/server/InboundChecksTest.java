package dev.tern.server;

import dev.tern.security.dkim.DkimAlgorithm;
import dev.tern.security.dkim.DkimKey;
import dev.tern.security.dkim.DkimKeyGenerator;
import dev.tern.security.dkim.DkimSigner;
import dev.tern.store.Rows;
import dev.tern.testing.DkimpySigner;
import dev.tern.testing.RawSmtpClient;
import dev.tern.testing.RunningServer;
import dev.tern.testing.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The port-25 receiving checks end to end: a DNS server on loopback publishes SPF, DKIM and
 * DMARC records, a client on 127.0.0.1 (not exempt here) sends signed, unsigned, forged and
 * tampered messages, and each lands with the right Authentication-Results, in the right mailbox,
 * or is refused with the right reply.
 */
class InboundChecksTest {

    private static final String HOST = "mx.tern.test";

    @TempDir
    Path dir;
    private TestDnsServer dns;
    private RunningServer tern;
    private DkimKey goodKey;

    @BeforeEach
    void publish() throws Exception {
        dns = TestDnsServer.start();
        dns.add(new PTRRecord(Name.fromString("1.0.0.127.in-addr.arpa."), DClass.IN, 300,
                Name.fromString("mail.sender.test.")));
        dns.a("mail.sender.test", "127.0.0.1");
        goodKey = DkimKeyGenerator.generate(DkimAlgorithm.ED25519_SHA256, "sel");
        dns.txt("sel._domainkey.good.test", goodKey.dnsRecordText());
        dns.txt("good.test", "v=spf1 ip4:127.0.0.1 -all");
        dns.txt("_dmarc.good.test", "v=DMARC1; p=reject");
        dns.txt("forged.test", "v=spf1 ip4:192.0.2.1 -all");
        dns.txt("_dmarc.forged.test", "v=DMARC1; p=reject");
        dns.txt("junk.test", "v=spf1 ip4:192.0.2.1 -all");
        dns.txt("_dmarc.junk.test", "v=DMARC1; p=quarantine");
        dns.txt("slow.test", "v=spf1 ip4:192.0.2.1 -all");
        dns.unresponsive("_dmarc.slow.test");
        dns.txt("relaxed.test", "v=spf1 ip4:192.0.2.1 ~all");
    }

    @AfterEach
    void stop() {
        if (tern != null) {
            tern.close();
        }
        dns.close();
    }

    private void start(String extra) {
        tern = new RunningServer(dir, "[dns]\nnameservers = [\"127.0.0.1:"
                + dns.nameserver().getPort() + "\"]\ntimeout = \"500ms\"\n\n[checks]\nexempt = []\n" + extra);
        if (tern.services().directory().domains().isEmpty()) {
            tern.services().directory().addDomain("tern.test");
            tern.services().directory().addUser("bob@tern.test", "b");
        }
    }

    private String send(String from, String content) throws Exception {
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 10_000)) {
            RawSmtpClient.expect(c.reply(), "220");
            RawSmtpClient.expect(c.command("EHLO client.sender.test"), "250");
            RawSmtpClient.expect(c.command("MAIL FROM:<" + from + ">"), "250");
            RawSmtpClient.expect(c.command("RCPT TO:<bob@tern.test>"), "250");
            RawSmtpClient.expect(c.command("DATA"), "354");
            c.send(content + ".\r\n");
            return c.reply();
        }
    }

    private static String message(String from, String body) {
        return "From: <" + from + ">\r\nTo: <bob@tern.test>\r\nSubject: checks\r\nMessage-ID: <1@x>\r\n\r\n" + body;
    }

    private String signed(String domain, DkimKey key, String message) throws Exception {
        byte[] signature = new DkimSigner(domain, List.of(key), Clock.systemUTC())
                .sign(new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)));
        return new String(signature, StandardCharsets.UTF_8) + message;
    }

    private String onlyMessage(String mailbox) {
        List<Rows.Message> messages = tern.mailbox("bob@tern.test", mailbox);
        assertThat(messages).hasSize(1);
        return tern.content(messages.get(0));
    }

    @Test
    void aSignedAlignedMessagePassesEverythingAndSaysSo() throws Exception {
        start("");
        String reply = send("alice@good.test", signed("good.test", goodKey,
                message("alice@good.test", "Hello\r\n")));
        assertThat(reply).startsWith("250");
        String delivered = onlyMessage("INBOX");
        String results = headerField(delivered, "Authentication-Results");
        assertThat(results).startsWith("Authentication-Results: " + HOST + ";")
                .contains("iprev=pass (mail.sender.test) policy.iprev=127.0.0.1")
                .contains("spf=pass").contains("smtp.mailfrom=alice@good.test")
                .contains("dkim=pass").contains("header.d=good.test").contains("header.s=sel")
                .contains("dmarc=pass (p=reject) header.from=good.test");
        assertThat(delivered).contains("Received: from client.sender.test (mail.sender.test [127.0.0.1])");
        assertThat(delivered.indexOf("Authentication-Results:")).isLessThan(delivered.indexOf("Received:"));
    }

    @Test
    void aMessageSignedByAnIndependentSignerPasses() throws Exception {
        start("");
        DkimKey key = DkimKeyGenerator.generate(DkimAlgorithm.RSA_SHA256, "py");
        dns.txt("py._domainkey.good.test", key.dnsRecordText());
        byte[] signed = new DkimpySigner(dir).sign(message("alice@good.test", "Hello from dkimpy\r\n")
                .getBytes(StandardCharsets.UTF_8), key, "good.test", "relaxed/simple", "from:to:subject:message-id", false);
        assertThat(send("alice@good.test", new String(signed, StandardCharsets.UTF_8))).startsWith("250");
        assertThat(headerField(onlyMessage("INBOX"), "Authentication-Results"))
                .contains("dkim=pass").contains("header.s=py").contains("header.a=rsa-sha256")
                .contains("dmarc=pass");
    }

    @Test
    void anUnsignedMessageFromADomainWithoutRecordsIsNoneThroughout() throws Exception {
        start("");
        assertThat(send("someone@nowhere.test", message("someone@nowhere.test", "hi\r\n"))).startsWith("250");
        assertThat(headerField(onlyMessage("INBOX"), "Authentication-Results"))
                .contains("spf=none").contains("dkim=none").contains("dmarc=none");
    }

    @Test
    void forgedResultsForOurNameAreRemovedOthersStay() throws Exception {
        start("");
        String content = signed("good.test", goodKey, message("alice@good.test", "Hello\r\n"));
        content = "Authentication-Results: " + HOST + "; dkim=pass header.d=bank.test\r\n"
                + "Authentication-Results: other.example; spf=pass\r\n" + content;
        assertThat(send("alice@good.test", content)).startsWith("250");
        String delivered = onlyMessage("INBOX");
        assertThat(delivered).doesNotContain("bank.test").contains("Authentication-Results: other.example; spf=pass");
        assertThat(delivered.split("Authentication-Results: " + HOST, -1)).hasSize(2);
    }

    /**
     * A mailing list (lists.test) got good.test's signed message, saw it pass DMARC, added a footer
     * (which breaks the signature) and sealed it with ARC; mail from it fails DMARC here. Only a
     * trusted sealer's intact chain lifts the p=reject.
     */
    private String listMessage(dev.tern.testing.DkimpyArc dkimpy, DkimKey listKey) throws Exception {
        String original = signed("good.test", goodKey, message("alice@good.test", "Hello list\r\n"));
        String atList = "Authentication-Results: mx.lists.test; dkim=pass header.d=good.test;\r\n"
                + "\tdmarc=pass header.from=good.test\r\n" + original + "-- \r\nThe list's footer\r\n";
        return new String(dkimpy.seal(atList.getBytes(StandardCharsets.UTF_8), listKey, "lists.test", "mx.lists.test"),
                StandardCharsets.UTF_8);
    }

    @Test
    void anIntactArcChainOfATrustedSealerWhoSawDmarcPassLiftsTheDmarcFailure() throws Exception {
        DkimKey listKey = DkimKeyGenerator.generate(DkimAlgorithm.RSA_SHA256, "ls");
        dns.txt("ls._domainkey.lists.test", listKey.dnsRecordText());
        dns.txt("lists.test", "v=spf1 ip4:127.0.0.1 -all");
        dev.tern.testing.DkimpyArc dkimpy = new dev.tern.testing.DkimpyArc(dir,
                java.util.Map.of("ls._domainkey.lists.test", listKey.dnsRecordText(),
                        "sel._domainkey.good.test", goodKey.dnsRecordText()));
        String sealed = listMessage(dkimpy, listKey);
        assertThat(sealed).contains("ARC-Seal: i=1;");
        // good.test asks for aggregate reports, to an address on this server.
        dns.remove("_dmarc.good.test").txt("_dmarc.good.test", "v=DMARC1; p=reject; rua=mailto:dmarc@tern.test");
        dns.txt("good.test._report._dmarc.tern.test", "v=DMARC1");
        String reports = "\n[checks.dmarc_reports]\nenabled = true\nfrom = \"postmaster@tern.test\"\n";

        // Not trusted: the chain is reported, and good.test's p=reject applies.
        start(reports);
        assertThat(send("owner@lists.test", sealed)).startsWith("550 5.7.1").contains("DMARC");
        tern.close();

        start("arc_trusted_sealers = [\"lists.test\"]\n" + reports);
        tern.services().directory().addUser("dmarc@tern.test", "d");
        assertThat(send("owner@lists.test", sealed)).startsWith("250");
        String results = headerField(onlyMessage("INBOX"), "Authentication-Results").replaceAll("\r\n\\s+", " ");
        assertThat(results).contains("dkim=fail").contains("arc=pass (1 set, newest sealed by lists.test)")
                .contains("dmarc=fail (p=reject dis=none, trusted ARC sealer lists.test) header.from=good.test");

        // Changed after the list sealed it: the chain fails, and so does the message.
        String altered = sealed.replace("The list's footer", "Click here");
        assertThat(send("owner@lists.test", altered)).startsWith("550 5.7.1");
        assertThat(tern.inbox("bob@tern.test")).hasSize(1);

        // The day's report says why the delivered one was not refused (RFC 7489 appendix C).
        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        assertThat(tern.server().queueDmarcReports(today.plusDays(1))).isEqualTo(1);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> tern.inbox("dmarc@tern.test").size() == 1);
        jakarta.mail.internet.MimeMessage m = new jakarta.mail.internet.MimeMessage(
                jakarta.mail.Session.getInstance(new java.util.Properties()),
                new ByteArrayInputStream(tern.content(tern.inbox("dmarc@tern.test").get(0)).getBytes(StandardCharsets.UTF_8)));
        org.w3c.dom.Document xml;
        try (var in = new java.util.zip.GZIPInputStream(((jakarta.mail.internet.MimeMultipart) m.getContent())
                .getBodyPart(1).getInputStream())) {
            xml = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
        }
        javax.xml.xpath.XPath x = javax.xml.xpath.XPathFactory.newInstance().newXPath();
        String lifted = "/feedback/record[row/policy_evaluated/reason/type='trusted_forwarder']/row";
        assertThat(x.evaluate(lifted + "/count", xml)).isEqualTo("1");
        assertThat(x.evaluate(lifted + "/policy_evaluated/disposition", xml)).isEqualTo("none");
        assertThat(x.evaluate(lifted + "/policy_evaluated/reason/comment", xml)).isEqualTo("arc=pass, sealed by lists.test");
        assertThat(x.evaluate("sum(/feedback/record[row/policy_evaluated/disposition='reject']/row/count)", xml))
                .isEqualTo("2");
    }

    @Test
    void aMessageWithoutArcSaysArcNone() throws Exception {
        start("");
        assertThat(send("alice@good.test", signed("good.test", goodKey, message("alice@good.test", "Hi\r\n"))))
                .startsWith("250");
        assertThat(headerField(onlyMessage("INBOX"), "Authentication-Results")).contains("arc=none");
    }

    @Test
    void aForgedSenderUnderPRejectIsRefusedAtTheEndOfData() throws Exception {
        start("");
        String reply = send("ceo@forged.test", message("ceo@forged.test", "Pay this invoice\r\n"));
        assertThat(reply).startsWith("550 5.7.1").contains("DMARC").contains("forged.test");
        assertThat(tern.inbox("bob@tern.test")).isEmpty();
    }

    private String tampered() throws Exception {
        dns.txt("_dmarc.tampered.test", "v=DMARC1; p=reject");
        DkimKey key = DkimKeyGenerator.generate(DkimAlgorithm.RSA_SHA256, "s1");
        dns.txt("s1._domainkey.tampered.test", key.dnsRecordText());
        return signed("tampered.test", key, message("a@tampered.test", "Amount: 10 EUR\r\n"))
                .replace("10 EUR", "10000 EUR");
    }

    @Test
    void aTamperedMessageWithoutAlignedSpfFailsDmarcAndIsRefused() throws Exception {
        start("");
        assertThat(send("a@tampered.test", tampered())).startsWith("550 5.7.1");
    }

    @Test
    void dmarcRejectCanBeTurnedIntoARecord() throws Exception {
        start("dmarc_reject = \"none\"\n");
        assertThat(send("a@tampered.test", tampered())).startsWith("250");
        assertThat(headerField(onlyMessage("INBOX"), "Authentication-Results"))
                .contains("dkim=fail").contains("header.d=tampered.test")
                .contains("dmarc=fail (p=reject dis=none) header.from=tampered.test");
    }

    @Test
    void aHeaderSectionTooLargeToJudgeIsRefused() throws Exception {
        start("");
        String padding = ("X-Padding: " + "p".repeat(900) + "\r\n").repeat(300);
        assertThat(send("ceo@forged.test", padding + message("ceo@forged.test", "hi\r\n"))).startsWith("552 5.3.4");
        assertThat(tern.inbox("bob@tern.test")).isEmpty();
    }

    /**
     * RFC 7489 §7.2: what was received from a domain whose record asks for aggregate reports is
     * reported once the day is over, to the rua= addresses that accept them (§7.1): here one on
     * this server, whose domain publishes the authorisation record, and one elsewhere, which does
     * not and gets nothing.
     */
    @Test
    void aDomainThatAsksForAggregateReportsGetsTheDaysReport() throws Exception {
        DkimKey key = DkimKeyGenerator.generate(DkimAlgorithm.ED25519_SHA256, "sel");
        dns.txt("sel._domainkey.rua.test", key.dnsRecordText());
        dns.txt("rua.test", "v=spf1 ip4:127.0.0.1 -all");
        dns.txt("_dmarc.rua.test", "v=DMARC1; p=reject; adkim=s; rua=mailto:dmarc@tern.test!10m,mailto:third@elsewhere.test");
        dns.txt("rua.test._report._dmarc.tern.test", "v=DMARC1");
        start("\n[checks.dmarc_reports]\nenabled = true\nfrom = \"postmaster@tern.test\"\norganization = \"Tern Test\"\n");
        tern.services().directory().addUser("dmarc@tern.test", "d");
        tern.services().directory().addUser("postmaster@tern.test", "p");

        assertThat(send("alice@rua.test", signed("rua.test", key, message("alice@rua.test", "Hello\r\n")))).startsWith("250");
        assertThat(send("alice@rua.test", signed("rua.test", key, message("alice@rua.test", "Again\r\n")))).startsWith("250");
        // Forged: From rua.test, unsigned, from an address its SPF does not allow for that sender.
        assertThat(send("ceo@forged.test", message("ceo@rua.test", "Pay this\r\n"))).startsWith("550 5.7.1");

        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        assertThat(tern.server().queueDmarcReports(today)).as("the day is not over").isZero();
        assertThat(tern.server().queueDmarcReports(today.plusDays(1))).isEqualTo(1);
        assertThat(tern.server().queueDmarcReports(today.plusDays(1))).as("each day is reported once").isZero();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> tern.inbox("dmarc@tern.test").size() == 1);

        jakarta.mail.internet.MimeMessage m = new jakarta.mail.internet.MimeMessage(
                jakarta.mail.Session.getInstance(new java.util.Properties()),
                new ByteArrayInputStream(tern.content(tern.inbox("dmarc@tern.test").get(0)).getBytes(StandardCharsets.UTF_8)));
        assertThat(m.getSubject()).startsWith("Report Domain: rua.test Submitter: " + HOST + " Report-ID: <");
        jakarta.mail.internet.MimeMultipart parts = (jakarta.mail.internet.MimeMultipart) m.getContent();
        jakarta.mail.BodyPart attached = parts.getBodyPart(1);
        assertThat(attached.getContentType()).startsWith("application/gzip");
        long begin = today.atStartOfDay(java.time.ZoneOffset.UTC).toEpochSecond();
        assertThat(attached.getFileName()).isEqualTo(HOST + "!rua.test!" + begin + "!" + (begin + 86_399) + ".xml.gz");
        org.w3c.dom.Document xml;
        try (var in = new java.util.zip.GZIPInputStream(attached.getInputStream())) {
            xml = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
        }
        javax.xml.xpath.XPath x = javax.xml.xpath.XPathFactory.newInstance().newXPath();
        assertThat(x.evaluate("/feedback/report_metadata/org_name", xml)).isEqualTo("Tern Test");
        assertThat(x.evaluate("/feedback/report_metadata/email", xml)).isEqualTo("postmaster@tern.test");
        assertThat(x.evaluate("/feedback/report_metadata/date_range/begin", xml)).isEqualTo(Long.toString(begin));
        assertThat(x.evaluate("/feedback/policy_published/domain", xml)).isEqualTo("rua.test");
        assertThat(x.evaluate("/feedback/policy_published/p", xml)).isEqualTo("reject");
        assertThat(x.evaluate("/feedback/policy_published/adkim", xml)).isEqualTo("s");
        assertThat(x.evaluate("/feedback/policy_published/pct", xml)).isEqualTo("100");
        assertThat(x.evaluate("count(/feedback/record)", xml)).isEqualTo("2");
        String passed = "/feedback/record[row/policy_evaluated/disposition='none']";
        assertThat(x.evaluate(passed + "/row/source_ip", xml)).isEqualTo("127.0.0.1");
        assertThat(x.evaluate(passed + "/row/count", xml)).isEqualTo("2");
        assertThat(x.evaluate(passed + "/row/policy_evaluated/dkim", xml)).isEqualTo("pass");
        assertThat(x.evaluate(passed + "/row/policy_evaluated/spf", xml)).isEqualTo("pass");
        assertThat(x.evaluate(passed + "/identifiers/header_from", xml)).isEqualTo("rua.test");
        assertThat(x.evaluate(passed + "/identifiers/envelope_from", xml)).isEqualTo("rua.test");
        assertThat(x.evaluate(passed + "/auth_results/dkim/domain", xml)).isEqualTo("rua.test");
        assertThat(x.evaluate(passed + "/auth_results/dkim/selector", xml)).isEqualTo("sel");
        assertThat(x.evaluate(passed + "/auth_results/dkim/result", xml)).isEqualTo("pass");
        assertThat(x.evaluate(passed + "/auth_results/spf/result", xml)).isEqualTo("pass");
        String refused = "/feedback/record[row/policy_evaluated/disposition='reject']";
        assertThat(x.evaluate(refused + "/row/count", xml)).isEqualTo("1");
        assertThat(x.evaluate(refused + "/row/policy_evaluated/dkim", xml)).isEqualTo("fail");
        assertThat(x.evaluate(refused + "/row/policy_evaluated/spf", xml)).isEqualTo("fail");
        assertThat(x.evaluate(refused + "/identifiers/envelope_from", xml)).isEqualTo("forged.test");
        assertThat(x.evaluate(refused + "/auth_results/spf/domain", xml)).isEqualTo("forged.test");
        assertThat(x.evaluate(refused + "/auth_results/spf/result", xml)).isEqualTo("fail");
        assertThat(x.evaluate("count(" + refused + "/auth_results/dkim)", xml)).isEqualTo("0");
    }

    @Test
    void aQuarantinePolicyFailureGoesToJunk() throws Exception {
        start("");
        assertThat(send("news@junk.test", message("news@junk.test", "Buy now\r\n"))).startsWith("250");
        assertThat(tern.inbox("bob@tern.test")).isEmpty();
        String junk = onlyMessage("Junk");
        assertThat(headerField(junk, "Authentication-Results")).contains("spf=fail").contains("dkim=none")
                .contains("dmarc=fail (p=quarantine dis=quarantine) header.from=junk.test");
    }

    @Test
    void withoutADmarcRecordAnSpfSoftfailIsOnlyRecorded() throws Exception {
        start("");
        assertThat(send("a@relaxed.test", message("a@relaxed.test", "hi\r\n"))).startsWith("250");
        assertThat(headerField(onlyMessage("INBOX"), "Authentication-Results"))
                .contains("spf=softfail").contains("dmarc=none");
    }

    @Test
    void aDmarcLookupThatTimesOutDefersTheMessage() throws Exception {
        start("");
        assertThat(send("a@slow.test", message("a@slow.test", "hi\r\n"))).startsWith("451 4.7.5");
        assertThat(tern.inbox("bob@tern.test")).isEmpty();
    }

    @Test
    void spfFailCanBeRefusedAtMail() throws Exception {
        start("spf_fail = \"reject\"\n");
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 10_000)) {
            RawSmtpClient.expect(c.reply(), "220");
            RawSmtpClient.expect(c.command("EHLO client.sender.test"), "250");
            assertThat(c.command("MAIL FROM:<x@forged.test>")).startsWith("550 5.7.23").contains("forged.test");
            assertThat(c.command("MAIL FROM:<x@good.test>")).startsWith("250");
        }
    }

    @Test
    void aClientOnABlockListIsRefusedAndOneOnAnAllowListIsNot() throws Exception {
        dns.a("1.0.0.127.bl.test", "127.0.0.2");
        dns.txt("1.0.0.127.bl.test", "Listed for spam, see https://bl.test/127.0.0.1");
        start("dnsbl = [\"bl.test\"]\n");
        tern.services().directory().addUser("postmaster@tern.test", "p");
        tern.services().access().put("to:postmaster@tern.test", dev.tern.security.access.AccessRule.Action.ALLOW,
                "reachable from listed hosts");
        await().atMost(Duration.ofSeconds(10)).until(() ->
                tern.services().access().recipient(dev.tern.mail.MailAddress.parse("postmaster@tern.test")) != null);
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 10_000)) {
            RawSmtpClient.expect(c.reply(), "220");
            RawSmtpClient.expect(c.command("EHLO client.sender.test"), "250");
            // Refused at each RCPT, as Postfix's reject_rbl_client among its recipient restrictions...
            RawSmtpClient.expect(c.command("MAIL FROM:<x@good.test>"), "250");
            assertThat(c.command("RCPT TO:<bob@tern.test>")).startsWith("554 5.7.1").contains("bl.test");
            // ...but for a recipient an access rule allows: the postmaster hears of the listing.
            RawSmtpClient.expect(c.command("RCPT TO:<postmaster@tern.test>"), "250");
            assertThat(c.command("RCPT TO:<bob@tern.test>")).startsWith("554 5.7.1");
            RawSmtpClient.expect(c.command("DATA"), "354");
            c.send("Subject: listed?\r\n\r\nyour list has us\r\n.\r\n");
            assertThat(c.reply()).startsWith("250");
            assertThat(c.command("NOOP")).startsWith("250");  // the session goes on
        }
        assertThat(tern.inbox("postmaster@tern.test")).hasSize(1);
        assertThat(tern.inbox("bob@tern.test")).isEmpty();
        assertThat(tern.server().metrics().scrape())
                .contains("tern_smtp_rejections_total{listener=\"smtp\",reason=\"policy\",stage=\"rcpt\"}");
        try (RawSmtpClient c = RawSmtpClient.from("127.0.0.2", "127.0.0.1", tern.smtpPort(), 10_000)) {
            RawSmtpClient.expect(c.reply(), "220");
            RawSmtpClient.expect(c.command("EHLO client.sender.test"), "250");
            assertThat(c.command("MAIL FROM:<x@good.test>")).startsWith("250");   // not listed
        }
    }

    @Test
    void anEarlyTalkerIsRefused() throws Exception {
        start("greeting_delay = \"1s\"\n");
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 10_000)) {
            c.send("EHLO impatient.test\r\n");
            assertThat(c.reply()).startsWith("554 5.5.1");
            assertThat(c.isClosedByPeer()).isTrue();
        }
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 10_000)) {
            assertThat(c.reply()).startsWith("220");
        }
    }

    @Test
    void invalidHeloNamesAreRefused() throws Exception {
        start("");
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 10_000)) {
            RawSmtpClient.expect(c.reply(), "220");
            assertThat(c.command("EHLO not_a/name")).startsWith("501 5.5.2");
            assertThat(c.command("EHLO 192.0.2.1")).startsWith("5");
            assertThat(c.command("EHLO [127.0.0.1]")).startsWith("250");
        }
    }

    @Test
    void connectionRateLimitTripsAndRecovers() throws Exception {
        start("[rate_limits]\nconnections_per_ip = \"2/2s\"\n");
        for (int i = 0; i < 2; i++) {
            try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 10_000)) {
                assertThat(c.reply()).startsWith("220");
            }
        }
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 10_000)) {
            assertThat(c.reply()).startsWith("421 4.7.0");
            assertThat(c.isClosedByPeer()).isTrue();
        }
        try (RawSmtpClient c = RawSmtpClient.from("127.0.0.2", "127.0.0.1", tern.smtpPort(), 10_000)) {
            assertThat(c.reply()).startsWith("220");   // another address has its own count
        }
        Thread.sleep(2_100);
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 10_000)) {
            assertThat(c.reply()).startsWith("220");
        }
    }

    @Test
    void messageAndRecipientRateLimits() throws Exception {
        start("[rate_limits]\nmessages_per_ip = \"1/1m\"\nrecipients_per_ip = \"2/1m\"\n");
        tern.services().directory().addUser("carol@tern.test", "c");
        tern.services().directory().addUser("dave@tern.test", "d");
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 10_000)) {
            RawSmtpClient.expect(c.reply(), "220");
            RawSmtpClient.expect(c.command("EHLO client.sender.test"), "250");
            RawSmtpClient.expect(c.command("MAIL FROM:<a@good.test>"), "250");
            RawSmtpClient.expect(c.command("RCPT TO:<bob@tern.test>"), "250");
            RawSmtpClient.expect(c.command("RCPT TO:<carol@tern.test>"), "250");
            assertThat(c.command("RCPT TO:<dave@tern.test>")).startsWith("451 4.7.1");
            RawSmtpClient.expect(c.command("RSET"), "250");
            assertThat(c.command("MAIL FROM:<a@good.test>")).startsWith("451 4.7.1");
        }
    }

    @Test
    void greylistingDefersTheFirstTryAndAcceptsALaterOne() throws Exception {
        start("[greylisting]\nenabled = true\ndelay = \"1s\"\nretry_window = \"1h\"\n");
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 10_000)) {
            RawSmtpClient.expect(c.reply(), "220");
            RawSmtpClient.expect(c.command("EHLO client.sender.test"), "250");
            RawSmtpClient.expect(c.command("MAIL FROM:<a@good.test>"), "250");
            assertThat(c.command("RCPT TO:<bob@tern.test>")).startsWith("451 4.7.1");
            assertThat(c.command("RCPT TO:<bob@tern.test>")).startsWith("451 4.7.1");  // too early
            Thread.sleep(1_200);
            assertThat(c.command("RCPT TO:<bob@tern.test>")).startsWith("250");
        }
    }

    @Test
    void perUserRateLimitOnSubmission() throws Exception {
        start("[rate_limits]\nmessages_per_user = \"1/1m\"\n[auth]\nplaintext_on_loopback = true\n");
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 10_000)) {
            RawSmtpClient.expect(c.reply(), "220");
            RawSmtpClient.expect(c.command("EHLO client.sender.test"), "250");
            String plain = java.util.Base64.getEncoder().encodeToString("\0bob@tern.test\0b".getBytes(StandardCharsets.UTF_8));
            RawSmtpClient.expect(c.command("AUTH PLAIN " + plain), "235");
            RawSmtpClient.expect(c.command("MAIL FROM:<bob@tern.test>"), "250");
            RawSmtpClient.expect(c.command("RSET"), "250");
            assertThat(c.command("MAIL FROM:<bob@tern.test>")).startsWith("451 4.7.1");
        }
    }

    /** One header field, unfolded lines kept. */
    private static String headerField(String message, String name) {
        int start = message.indexOf(name + ":");
        assertThat(start).as("%s in %s", name, message).isGreaterThanOrEqualTo(0);
        int end = start;
        do {
            end = message.indexOf("\r\n", end) + 2;
        } while (message.charAt(end) == ' ' || message.charAt(end) == '\t');
        return message.substring(start, end);
    }
}
