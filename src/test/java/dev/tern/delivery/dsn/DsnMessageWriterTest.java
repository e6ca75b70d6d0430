package dev.tern.delivery.dsn;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.mail.DsnRet;
import jakarta.mail.BodyPart;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every kind of report, written and then read back by two independent parsers: Jakarta/Angus Mail
 * and Python's email package.
 */
class DsnMessageWriterTest {

    private static final Instant NOW = Instant.parse("2026-03-04T05:06:07Z");
    private static final Instant ARRIVED = Instant.parse("2026-03-03T22:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final Session SESSION = Session.getInstance(new Properties());

    private static final String ORIGINAL = "From: Alice <alice@example.org>\r\n"
            + "To: bob@example.net\r\n"
            + "Subject: Quarterly figures\r\n"
            + "Message-ID: <orig-1@example.org>\r\n"
            + "\r\n"
            + "The figures are attached in spirit.\r\n"
            + "BODY-MARKER\r\n";

    private record Written(byte[] bytes, WrittenDsn info) {
        String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static Written write(DsnMessageWriter writer, DsnRequest request, byte[] original) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WrittenDsn info = writer.write(request, original == null ? null : new ByteArrayInputStream(original), out);
        return new Written(out.toByteArray(), info);
    }

    private static Written write(DsnRequest request, byte[] original) throws IOException {
        return write(new DsnMessageWriter(CLOCK), request, original);
    }

    private static DsnRequest request(DsnRet ret, String envId, boolean smtpUtf8, String sender,
                                      DsnRecipientReport... recipients) {
        return new DsnRequest("mx.example.test", "4F2A9C01", sender, envId, ret, ARRIVED, smtpUtf8,
                List.of(recipients));
    }

    private static DsnRequest request(DsnRet ret, DsnRecipientReport... recipients) {
        return request(ret, null, false, "alice@example.org", recipients);
    }

    private static DsnRecipientReport failed(String address, String orcpt) {
        return new DsnRecipientReport(address, orcpt, DsnAction.FAILED, "5.1.1", "mx.example.net",
                "550 5.1.1 <" + address + ">: no such user", NOW.minusSeconds(5), null);
    }

    private static DsnRecipientReport delayed(String address) {
        return new DsnRecipientReport(address, null, DsnAction.DELAYED, "4.4.1", "mx.example.com",
                "421 4.4.1 try again later", NOW.minusSeconds(60), NOW.plusSeconds(4 * 86400));
    }

    private static DsnRecipientReport succeeded(String address, DsnAction action) {
        return new DsnRecipientReport(address, null, action, "2.0.0", null, null, NOW, null);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ---- parsing with Jakarta Mail ----

    private static MimeMessage jakarta(Written w) throws Exception {
        return new MimeMessage(SESSION, new ByteArrayInputStream(w.bytes()));
    }

    private static MimeMultipart report(MimeMessage m) throws Exception {
        assertThat(new ContentType(m.getContentType()).getBaseType()).isEqualTo("multipart/report");
        return (MimeMultipart) m.getContent();
    }

    /** The field blocks of the delivery-status part, each read by Jakarta Mail's header parser. */
    private static List<InternetHeaders> statusBlocks(BodyPart part) throws Exception {
        List<InternetHeaders> blocks = new ArrayList<>();
        try (InputStream in = part.getInputStream()) {
            while (true) {
                InternetHeaders h = new InternetHeaders(in);
                if (!h.getAllHeaders().hasMoreElements()) {
                    break;
                }
                blocks.add(h);
            }
        }
        return blocks;
    }

    private static String field(InternetHeaders h, String name) {
        return h.getHeader(name, ",");
    }

    /** The text part with its lines joined, so that word wrapping does not matter. */
    private static String human(MimeMultipart mp) throws Exception {
        return ((String) mp.getBodyPart(0).getContent()).replaceAll("\\s+", " ");
    }

    private static String baseType(BodyPart part) throws Exception {
        return new ContentType(part.getContentType()).getBaseType();
    }

    // ---- the reports ----

    @Test
    void failureReturnsTheWholeMessageWithEnvIdAndOriginalRecipientDecoded() throws Exception {
        DsnRequest req = request(null, "QQ+2B7+3D1", false, "alice@example.org",
                failed("bob@example.net", "rfc822;bob+2Bsales@example.net"));
        Written w = write(req, ascii(ORIGINAL));

        assertThat(w.info().returned()).isEqualTo(ReturnedContent.FULL_MESSAGE);
        assertThat(w.info().subject()).isEqualTo("Undelivered Mail Returned to Sender");
        assertThat(w.info().eightBit()).isFalse();

        MimeMessage m = jakarta(w);
        assertThat(m.getHeader("From", null)).isEqualTo("Mail Delivery System <MAILER-DAEMON@mx.example.test>");
        assertThat(m.getHeader("To", null)).isEqualTo("<alice@example.org>");
        assertThat(m.getSubject()).isEqualTo("Undelivered Mail Returned to Sender");
        assertThat(m.getHeader("Auto-Submitted", null)).isEqualTo("auto-replied");
        assertThat(m.getHeader("Date", null)).isEqualTo("Wed, 4 Mar 2026 05:06:07 +0000");
        assertThat(m.getMessageID()).isEqualTo("<" + w.info().messageId() + ">").endsWith("@mx.example.test>");
        assertThat(new ContentType(m.getContentType()).getParameter("report-type")).isEqualTo("delivery-status");

        MimeMultipart mp = report(m);
        assertThat(mp.getCount()).isEqualTo(3);
        assertThat(baseType(mp.getBodyPart(0))).isEqualTo("text/plain");
        String human = human(mp);
        assertThat(human).contains("mx.example.test", "<bob@example.net>",
                "mx.example.net said: 550 5.1.1 <bob@example.net>: no such user",
                "originally addressed to bob+sales@example.net", "The original message is attached.", "4F2A9C01");

        assertThat(baseType(mp.getBodyPart(1))).isEqualTo("message/delivery-status");
        List<InternetHeaders> blocks = statusBlocks(mp.getBodyPart(1));
        assertThat(blocks).hasSize(2);
        InternetHeaders perMessage = blocks.get(0);
        assertThat(field(perMessage, "Original-Envelope-Id")).isEqualTo("QQ+7=1");
        assertThat(field(perMessage, "Reporting-MTA")).isEqualTo("dns; mx.example.test");
        assertThat(field(perMessage, "Arrival-Date")).isEqualTo("Tue, 3 Mar 2026 22:00:00 +0000");
        assertThat(field(perMessage, "X-Tern-Queue-ID")).isEqualTo("4F2A9C01");
        InternetHeaders bob = blocks.get(1);
        assertThat(field(bob, "Original-Recipient")).isEqualTo("rfc822; bob+sales@example.net");
        assertThat(field(bob, "Final-Recipient")).isEqualTo("rfc822; bob@example.net");
        assertThat(field(bob, "Action")).isEqualTo("failed");
        assertThat(field(bob, "Status")).isEqualTo("5.1.1");
        assertThat(field(bob, "Remote-MTA")).isEqualTo("dns; mx.example.net");
        assertThat(field(bob, "Diagnostic-Code")).isEqualTo("smtp; 550 5.1.1 <bob@example.net>: no such user");
        assertThat(field(bob, "Last-Attempt-Date")).isEqualTo("Wed, 4 Mar 2026 05:06:02 +0000");
        assertThat(field(bob, "Will-Retry-Until")).isNull();

        assertThat(baseType(mp.getBodyPart(2))).isEqualTo("message/rfc822");
        MimeMessage returned = (MimeMessage) mp.getBodyPart(2).getContent();
        assertThat(returned.getSubject()).isEqualTo("Quarterly figures");
        assertThat((String) returned.getContent()).contains("BODY-MARKER");

        JsonNode py = PythonEmail.parse(w.bytes());
        assertThat(py.get("defects")).isEmpty();
        assertThat(py.get("content_type").asText()).isEqualTo("multipart/report");
        assertThat(py.get("report_type").asText()).isEqualTo("delivery-status");
        assertThat(py.get("headers").get("Subject").asText()).isEqualTo("Undelivered Mail Returned to Sender");
        assertThat(py.get("parts")).extracting(JsonNode::asText)
                .containsExactly("text/plain", "message/delivery-status", "message/rfc822");
        assertThat(py.get("status")).hasSize(2);
        assertThat(py.get("status").get(0).get("Original-Envelope-Id").asText()).isEqualTo("QQ+7=1");
        assertThat(py.get("status").get(0).get("Reporting-MTA").asText()).isEqualTo("dns; mx.example.test");
        JsonNode pyBob = py.get("status").get(1);
        assertThat(pyBob.get("Final-Recipient").asText()).isEqualTo("rfc822; bob@example.net");
        assertThat(pyBob.get("Original-Recipient").asText()).isEqualTo("rfc822; bob+sales@example.net");
        assertThat(pyBob.get("Action").asText()).isEqualTo("failed");
        assertThat(pyBob.get("Status").asText()).isEqualTo("5.1.1");
        assertThat(py.get("returned").get("headers").get("Subject").asText()).isEqualTo("Quarterly figures");
        assertThat(py.get("returned").get("body").asText()).contains("BODY-MARKER");
    }

    @Test
    void retHdrsReturnsOnlyTheHeaderSection() throws Exception {
        Written w = write(request(DsnRet.HDRS, failed("bob@example.net", null)), ascii(ORIGINAL));

        assertThat(w.info().returned()).isEqualTo(ReturnedContent.HEADERS);
        assertThat(w.text()).doesNotContain("BODY-MARKER").contains("Message-ID: <orig-1@example.org>");
        MimeMultipart mp = report(jakarta(w));
        assertThat(mp.getCount()).isEqualTo(3);
        assertThat(baseType(mp.getBodyPart(2))).isEqualTo("text/rfc822-headers");
        InternetHeaders returned = new InternetHeaders(mp.getBodyPart(2).getInputStream());
        assertThat(returned.getHeader("Subject", null)).isEqualTo("Quarterly figures");
        assertThat(human(mp))
                .contains("The header section of the original message is attached.");
        assertThat(field(statusBlocks(mp.getBodyPart(1)).get(1), "Original-Recipient")).isNull();

        JsonNode py = PythonEmail.parse(w.bytes());
        assertThat(py.get("defects")).isEmpty();
        assertThat(py.get("returned").get("type").asText()).isEqualTo("text/rfc822-headers");
        assertThat(py.get("returned").get("headers").get("Message-ID").asText()).isEqualTo("<orig-1@example.org>");
    }

    @Test
    void severalRecipientsFailedAndDelayedInOneReport() throws Exception {
        DsnRequest req = request(DsnRet.FULL, null, false, "alice@example.org",
                failed("bob@example.net", null), delayed("carol@example.com"), failed("dave@example.net", null));
        Written w = write(req, ascii(ORIGINAL));

        assertThat(w.info().subject()).isEqualTo("Undelivered Mail Returned to Sender");
        assertThat(w.info().returned()).isEqualTo(ReturnedContent.FULL_MESSAGE);
        MimeMultipart mp = report(jakarta(w));
        List<InternetHeaders> blocks = statusBlocks(mp.getBodyPart(1));
        assertThat(blocks).hasSize(4);
        assertThat(blocks.subList(1, 4)).extracting(b -> field(b, "Final-Recipient"))
                .containsExactly("rfc822; bob@example.net", "rfc822; carol@example.com", "rfc822; dave@example.net");
        assertThat(blocks.subList(1, 4)).extracting(b -> field(b, "Action"))
                .containsExactly("failed", "delayed", "failed");
        assertThat(field(blocks.get(2), "Status")).isEqualTo("4.4.1");
        assertThat(field(blocks.get(2), "Will-Retry-Until")).isEqualTo("Sun, 8 Mar 2026 05:06:07 +0000");
        assertThat(field(blocks.get(1), "Will-Retry-Until")).isNull();

        String human = human(mp);
        assertThat(human.indexOf("could not be delivered to these recipients"))
                .isLessThan(human.indexOf("<bob@example.net>"));
        assertThat(human.indexOf("<dave@example.net>")).isLessThan(human.indexOf("delayed, and is being retried"));
        assertThat(human).contains("Will be retried until Sun, 8 Mar 2026 05:06:07 +0000");

        JsonNode py = PythonEmail.parse(w.bytes());
        assertThat(py.get("defects")).isEmpty();
        assertThat(py.get("status")).hasSize(4);
        assertThat(py.get("status").get(2).get("Action").asText()).isEqualTo("delayed");
        assertThat(py.get("status").get(2).get("Will-Retry-Until").asText()).isEqualTo("Sun, 8 Mar 2026 05:06:07 +0000");
    }

    @Test
    void delayWarningReturnsHeadersEvenWhenRetFullWasAsked() throws Exception {
        Written w = write(request(DsnRet.FULL, delayed("carol@example.com")), ascii(ORIGINAL));

        assertThat(w.info().subject()).isEqualTo("Delayed Mail (still being retried)");
        assertThat(w.info().returned()).isEqualTo(ReturnedContent.HEADERS);
        assertThat(w.text()).doesNotContain("BODY-MARKER");
        MimeMessage m = jakarta(w);
        MimeMultipart mp = report(m);
        assertThat(baseType(mp.getBodyPart(2))).isEqualTo("text/rfc822-headers");
        assertThat(human(mp)).contains("This is only a warning");
        InternetHeaders carol = statusBlocks(mp.getBodyPart(1)).get(1);
        assertThat(field(carol, "Action")).isEqualTo("delayed");
        assertThat(field(carol, "Diagnostic-Code")).isEqualTo("smtp; 421 4.4.1 try again later");

        JsonNode py = PythonEmail.parse(w.bytes());
        assertThat(py.get("defects")).isEmpty();
        assertThat(py.get("headers").get("Subject").asText()).isEqualTo("Delayed Mail (still being retried)");
        assertThat(py.get("status").get(1).get("Will-Retry-Until")).isNotNull();
    }

    @Test
    void successReportHasNoDiagnosticAndReturnsHeaders() throws Exception {
        Written w = write(request(null, succeeded("bob@example.net", DsnAction.DELIVERED)), ascii(ORIGINAL));

        assertThat(w.info().subject()).isEqualTo("Successful Mail Delivery Report");
        assertThat(w.info().returned()).isEqualTo(ReturnedContent.HEADERS);
        MimeMultipart mp = report(jakarta(w));
        InternetHeaders bob = statusBlocks(mp.getBodyPart(1)).get(1);
        assertThat(field(bob, "Action")).isEqualTo("delivered");
        assertThat(field(bob, "Status")).isEqualTo("2.0.0");
        assertThat(field(bob, "Remote-MTA")).isNull();
        assertThat(field(bob, "Diagnostic-Code")).isNull();
        assertThat(human(mp)).contains("was delivered to these recipients");

        JsonNode py = PythonEmail.parse(w.bytes());
        assertThat(py.get("defects")).isEmpty();
        assertThat(py.get("status").get(1).get("Action").asText()).isEqualTo("delivered");
    }

    @Test
    void relayedReport() throws Exception {
        DsnRecipientReport relayed = new DsnRecipientReport("bob@example.net", "rfc822;bob@example.net",
                DsnAction.RELAYED, "2.0.0", "old-mx.example.net", "250 2.0.0 Ok: queued as 1234", NOW, null);
        Written w = write(request(null, relayed), ascii(ORIGINAL));

        assertThat(w.info().subject()).isEqualTo("Mail Relayed (no further notifications)");
        MimeMultipart mp = report(jakarta(w));
        InternetHeaders bob = statusBlocks(mp.getBodyPart(1)).get(1);
        assertThat(field(bob, "Action")).isEqualTo("relayed");
        assertThat(field(bob, "Remote-MTA")).isEqualTo("dns; old-mx.example.net");
        assertThat(field(bob, "Diagnostic-Code")).isEqualTo("smtp; 250 2.0.0 Ok: queued as 1234");
        assertThat(human(mp)).contains("you will hear nothing more about them");

        JsonNode py = PythonEmail.parse(w.bytes());
        assertThat(py.get("defects")).isEmpty();
        assertThat(py.get("status").get(1).get("Action").asText()).isEqualTo("relayed");
    }

    @Test
    void smtpUtf8MailGetsTheGlobalTypes() throws Exception {
        String original = "From: Jörg <jörg@bücher.example>\r\nTo: 用户@例子.测试\r\nSubject: Grüße\r\n\r\nHallo 世界\r\n";
        DsnRecipientReport recipient = new DsnRecipientReport("用户@例子.测试", "utf-8;+E7+94+A8+E6+88+B7@example.net",
                DsnAction.FAILED, "5.1.1", "mx.例子.测试", "550 5.1.1 没有这个用户", NOW, null);
        DsnRequest req = request(null, null, true, "jörg@bücher.example", recipient);
        Written w = write(req, original.getBytes(StandardCharsets.UTF_8));

        assertThat(w.info().eightBit()).isTrue();
        assertThat(w.info().returned()).isEqualTo(ReturnedContent.FULL_MESSAGE);
        MimeMessage m = jakarta(w);
        assertThat(new ContentType(m.getContentType()).getParameter("report-type")).isEqualTo("global-delivery-status");
        assertThat(m.getHeader("Content-Transfer-Encoding", null)).isEqualTo("8bit");
        MimeMultipart mp = report(m);
        assertThat(mp.getCount()).isEqualTo(3);
        assertThat(baseType(mp.getBodyPart(1))).isEqualTo("message/global-delivery-status");
        assertThat(baseType(mp.getBodyPart(2))).isEqualTo("message/global");
        InternetHeaders block = statusBlocks(mp.getBodyPart(1)).get(1);
        assertThat(utf8(field(block, "Final-Recipient"))).isEqualTo("utf-8; 用户@例子.测试");
        assertThat(utf8(field(block, "Original-Recipient"))).isEqualTo("utf-8; 用户@example.net");
        assertThat(utf8(field(block, "Diagnostic-Code"))).isEqualTo("smtp; 550 5.1.1 没有这个用户");
        assertThat(human(mp)).contains("<用户@例子.测试>", "没有这个用户");
        MimeMessage returned = new MimeMessage(SESSION, mp.getBodyPart(2).getInputStream());
        assertThat(returned.getContent().toString()).contains("Hallo");

        JsonNode py = PythonEmail.parse(w.bytes());
        assertThat(py.get("defects")).isEmpty();
        assertThat(py.get("report_type").asText()).isEqualTo("global-delivery-status");
        assertThat(py.get("headers").get("To").asText()).isEqualTo("<jörg@bücher.example>");
        assertThat(py.get("parts")).extracting(JsonNode::asText)
                .containsExactly("text/plain", "message/global-delivery-status", "message/global");
        assertThat(py.get("status")).hasSize(2);
        assertThat(py.get("status").get(0).get("Reporting-MTA").asText()).isEqualTo("dns; mx.example.test");
        assertThat(py.get("status").get(1).get("Final-Recipient").asText()).isEqualTo("utf-8; 用户@例子.测试");
        assertThat(py.get("status").get(1).get("Action").asText()).isEqualTo("failed");
        assertThat(py.get("returned").get("headers").get("Subject").asText()).isEqualTo("Grüße");
    }

    @Test
    void smtpUtf8HeadersOnlyUseGlobalHeaders() throws Exception {
        DsnRequest req = request(null, null, true, "jörg@bücher.example", delayed("用户@例子.测试"));
        Written w = write(req, "Subject: Grüße\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8));

        MimeMultipart mp = report(jakarta(w));
        assertThat(baseType(mp.getBodyPart(2))).isEqualTo("message/global-headers");
        JsonNode py = PythonEmail.parse(w.bytes());
        assertThat(py.get("defects")).isEmpty();
        assertThat(py.get("returned").get("type").asText()).isEqualTo("message/global-headers");
        assertThat(py.get("returned").get("headers").get("Subject").asText()).isEqualTo("Grüße");
    }

    @Test
    void utf8AddressInAPlainReportIsEscapedAndTheTextQuotedPrintable() throws Exception {
        Written w = write(request(DsnRet.HDRS, failed("jörg@example.net", null)), ascii(ORIGINAL));

        assertThat(w.info().eightBit()).isFalse();
        for (byte b : w.bytes()) {
            assertThat(b).as("a plain report is 7-bit").isNotNegative();
        }
        MimeMultipart mp = report(jakarta(w));
        assertThat(mp.getBodyPart(0).getHeader("Content-Transfer-Encoding")).containsExactly("quoted-printable");
        assertThat(human(mp)).contains("<jörg@example.net>");
        InternetHeaders block = statusBlocks(mp.getBodyPart(1)).get(1);
        assertThat(field(block, "Final-Recipient")).isEqualTo("utf-8; j\\x{F6}rg@example.net");

        JsonNode py = PythonEmail.parse(w.bytes());
        assertThat(py.get("defects")).isEmpty();
        assertThat(py.get("text").asText()).contains("<jörg@example.net>");
        assertThat(py.get("status").get(1).get("Final-Recipient").asText()).isEqualTo("utf-8; j\\x{F6}rg@example.net");
    }

    @Test
    void anOriginalOverTheSizeLimitIsReturnedAsHeadersAndTheRestIsNotRead() throws Exception {
        byte[] original = ascii(ORIGINAL + ("y".repeat(70) + "\r\n").repeat(900));
        assertThat(original.length).isGreaterThan(DsnMessageWriter.DEFAULT_SIZE_LIMIT);
        CountingStream in = new CountingStream(new ByteArrayInputStream(concat(original, new byte[5_000_000])));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WrittenDsn info = new DsnMessageWriter(CLOCK).write(request(null, failed("bob@example.net", null)), in, out);
        Written w = new Written(out.toByteArray(), info);

        assertThat(info.returned()).isEqualTo(ReturnedContent.HEADERS_BECAUSE_TOO_LARGE);
        assertThat(in.count).isLessThanOrEqualTo(ReturnedOriginal.MAX_HEADER_SECTION + DsnMessageWriter.DEFAULT_SIZE_LIMIT + 1);
        assertThat(w.text()).doesNotContain("BODY-MARKER");
        assertThat(w.bytes().length).isLessThan(10_000);
        MimeMultipart mp = report(jakarta(w));
        assertThat(baseType(mp.getBodyPart(2))).isEqualTo("text/rfc822-headers");
        assertThat(human(mp))
                .contains("larger than 50000 bytes, so only its header section is attached");

        JsonNode py = PythonEmail.parse(w.bytes());
        assertThat(py.get("defects")).isEmpty();
        assertThat(py.get("returned").get("headers").get("Subject").asText()).isEqualTo("Quarterly figures");
    }

    @Test
    void aConfiguredSizeLimitIsHonoured() throws Exception {
        DsnMessageWriter small = new DsnMessageWriter(CLOCK, 100);
        Written w = write(small, request(null, failed("bob@example.net", null)), ascii(ORIGINAL));
        assertThat(w.info().returned()).isEqualTo(ReturnedContent.HEADERS_BECAUSE_TOO_LARGE);
        assertThat(w.text()).contains("Subject: Quarterly figures").doesNotContain("BODY-MARKER");

        DsnMessageWriter large = new DsnMessageWriter(CLOCK, ORIGINAL.length());
        assertThat(write(large, request(null, failed("bob@example.net", null)), ascii(ORIGINAL)).info().returned())
                .isEqualTo(ReturnedContent.FULL_MESSAGE);
    }

    @Test
    void headerExtractionStopsAtTheFirstEmptyLineAndLineEndingsBecomeCrlf() throws Exception {
        String bareLf = "Subject: lf only\nX-Long: one\n two\n\nBODY-MARKER\nSubject: not a header\n";
        Written w = write(request(DsnRet.HDRS, failed("bob@example.net", null)), ascii(bareLf));

        assertThat(w.text()).contains("Subject: lf only\r\nX-Long: one\r\n two\r\n")
                .doesNotContain("BODY-MARKER").doesNotContain("not a header");
        assertThat(w.text().replace("\r\n", "")).doesNotContain("\n").doesNotContain("\r");
        MimeMultipart mp = report(jakarta(w));
        InternetHeaders returned = new InternetHeaders(mp.getBodyPart(2).getInputStream());
        assertThat(returned.getHeader("X-Long", null)).isEqualTo("one\r\n two");
    }

    @Test
    void withoutTheOriginalTheReportHasTwoParts() throws Exception {
        Written w = write(request(null, failed("bob@example.net", null)), null);

        assertThat(w.info().returned()).isEqualTo(ReturnedContent.NONE);
        MimeMultipart mp = report(jakarta(w));
        assertThat(mp.getCount()).isEqualTo(2);
        assertThat(human(mp)).contains("could not be attached");
        JsonNode py = PythonEmail.parse(w.bytes());
        assertThat(py.get("defects")).isEmpty();
        assertThat(py.get("parts")).hasSize(2);
    }

    @Test
    void localReasonsAndHostileRepliesStayInsideTheirField() throws Exception {
        DsnRecipientReport local = new DsnRecipientReport("bob@example.test", null, DsnAction.FAILED, "5.2.2", null,
                "mailbox full", NOW, null);
        DsnRecipientReport hostile = new DsnRecipientReport("eve@example.net", null, DsnAction.FAILED, "5.7.1",
                "mx.example.net", "550-5.7.1 first line\r\n550 5.7.1 second\r\nX-Injected: yes\r\n\r\n--fake", NOW, null);
        Written w = write(request(null, local, hostile), ascii(ORIGINAL));

        MimeMessage m = jakarta(w);
        assertThat(m.getHeader("X-Injected")).isNull();
        MimeMultipart mp = report(m);
        List<InternetHeaders> blocks = statusBlocks(mp.getBodyPart(1));
        assertThat(blocks).hasSize(3);
        assertThat(field(blocks.get(1), "Diagnostic-Code")).isEqualTo("X-Tern; mailbox full");
        assertThat(field(blocks.get(2), "Diagnostic-Code").replace("\r\n", ""))
                .isEqualTo("smtp; 550-5.7.1 first line 550 5.7.1 second X-Injected: yes --fake");
        assertThat(blocks.get(2).getHeader("X-Injected")).isNull();
        assertThat(human(mp)).contains("Reason: mailbox full");

        JsonNode py = PythonEmail.parse(w.bytes());
        assertThat(py.get("defects")).isEmpty();
        assertThat(py.get("status")).hasSize(3);
        assertThat(py.get("status").get(2).has("X-Injected")).isFalse();
    }

    @Test
    void onlyAReplyCodeFromARemoteServerMakesAnSmtpDiagnostic() {
        assertThat(report("mx.example.net", "550 5.1.1 no such user").hasRemoteReply()).isTrue();
        assertThat(report("mx.example.net", "550-5.1.1 first\r\n550 5.1.1 second").hasRemoteReply()).isTrue();
        assertThat(report("mx.example.net", "connection timed out").hasRemoteReply()).isFalse();
        assertThat(report(null, "550 5.1.1 no such user").hasRemoteReply()).isFalse();
        assertThat(report("mx.example.net", null).hasRemoteReply()).isFalse();
    }

    private static DsnRecipientReport report(String remoteMta, String diagnostic) {
        return new DsnRecipientReport("bob@example.net", null, DsnAction.FAILED, "5.1.1", remoteMta, diagnostic, NOW,
                null);
    }

    @Test
    void linesAreFoldedAndTheBoundaryOccursOnlyAsDelimiter() throws Exception {
        String longLocal = "a".repeat(60);
        DsnRecipientReport r = new DsnRecipientReport(longLocal + "@" + "sub.".repeat(20) + "example.net", null,
                DsnAction.FAILED, "5.1.1", "mx.example.net", "550 5.1.1 " + "word ".repeat(150), NOW, null);
        Written w = write(request(null, r), ascii(ORIGINAL));

        String text = w.text();
        assertThat(text.split("\r\n")).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(998));
        String head = text.substring(0, text.indexOf("\r\n\r\n"));
        assertThat(head.split("\r\n")).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(78));
        String boundary = new ContentType(jakarta(w).getContentType()).getParameter("boundary");
        assertThat(boundary.length()).isGreaterThanOrEqualTo(40);
        assertThat(text.split("--" + Pattern.quote(boundary), -1)).hasSize(5);   // preamble, 3 parts, epilogue
        InternetHeaders block = statusBlocks(report(jakarta(w)).getBodyPart(1)).get(1);
        assertThat(field(block, "Diagnostic-Code").replace("\r\n", "")).startsWith("smtp; 550 5.1.1 word word");
    }

    @Test
    void theNullSenderNeverGetsAReport() {
        assertThatThrownBy(() -> request(null, null, false, null, failed("bob@example.net", null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("null sender");
        assertThatThrownBy(() -> request(null, null, false, "<>", failed("bob@example.net", null)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> request(null, null, false, "", failed("bob@example.net", null)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void invalidReportsAreRefused() {
        assertThatThrownBy(() -> new DsnRecipientReport("bob@example.net", null, DsnAction.FAILED, "550", null, null,
                NOW, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DsnRecipientReport("bob@example.net", null, DsnAction.FAILED, "5.1.1", null, null,
                NOW, NOW)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delayed");
        assertThatThrownBy(() -> new DsnRecipientReport("bob@example.net\r\nBcc: x", null, DsnAction.FAILED, "5.1.1",
                null, null, NOW, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> request(null)).isInstanceOf(IllegalArgumentException.class);
    }

    private static String utf8(String headerValue) {
        // Jakarta Mail reads header octets as ISO-8859-1 unless told otherwise (RFC 6532 mail.mime.allowutf8).
        return new String(headerValue.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** Counts the bytes the writer pulls from the original. */
    private static final class CountingStream extends FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
