package dev.tern.delivery.remote;

import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Properties;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 8-bit messages made 7-bit for a server without 8BITMIME: what a real MIME reader (Angus Mail)
 * decodes from the result is what the original said, and nothing else changes.
 */
class SevenBitDowngradeTest {

    private static final Session MAIL = Session.getInstance(new Properties());

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }

    private static MimeMessage parse(byte[] message) throws Exception {
        return new MimeMessage(MAIL, new ByteArrayInputStream(message));
    }

    private static void assertSevenBit(byte[] message) {
        for (byte b : message) {
            assertThat(b).isGreaterThanOrEqualTo((byte) 0);
        }
    }

    @Test
    void aPlainMessageGetsItsBodyInQuotedPrintableAndTheFieldsThatSaySo() throws Exception {
        String body = "Grüße aus A — ça va?\r\nZweite Zeile.\r\n";
        byte[] original = bytes("From: alice@a.test\r\nTo: bob@b.test\r\nSubject: hello\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body);

        byte[] converted = SevenBitDowngrade.convert(original);

        assertSevenBit(converted);
        String result = text(converted);
        assertThat(result).startsWith("From: alice@a.test\r\nTo: bob@b.test\r\nSubject: hello\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n");
        assertThat(result).contains("Content-Transfer-Encoding: quoted-printable\r\n", "MIME-Version: 1.0\r\n");
        assertThat(result).contains("\r\n\r\nGr=C3=BC=C3=9Fe aus A");
        MimeMessage m = parse(converted);
        assertThat(m.getContent()).isEqualTo(body);
        assertThat(m.getHeader("Content-Transfer-Encoding")).containsExactly("quoted-printable");
    }

    @Test
    void anExistingEncodingFieldIsReplacedEvenWhenFolded() throws Exception {
        byte[] original = bytes("MIME-Version: 1.0\r\nContent-Transfer-Encoding:\r\n 8bit\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\nSubject: x\r\n\r\nnaïve\r\n");

        byte[] converted = SevenBitDowngrade.convert(original);

        String result = text(converted);
        assertThat(result).isEqualTo("MIME-Version: 1.0\r\nContent-Transfer-Encoding: quoted-printable\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\nSubject: x\r\n\r\nna=C3=AFve\r\n");
        assertThat(parse(converted).getContent()).isEqualTo("naïve\r\n");
    }

    @Test
    void onlyTheEightBitPartsOfAMultipartChangeAndEnclosedMessagesAreConvertedToo() throws Exception {
        String attachment = "SGVsbG8sIHdvcmxkIQ==";
        String html = "<p>" + "plain ascii ".repeat(20) + "</p>";
        String message = "From: alice@a.test\r\nMIME-Version: 1.0\r\nContent-Transfer-Encoding: 8bit\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
                + "This is a multi-part message in MIME format.\r\n"
                + "--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                + "Größe: 5 €\r\n"
                + "--b1\r\nContent-Type: text/html; charset=us-ascii\r\n\r\n" + html + "\r\n"
                + "--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + attachment + "\r\n"
                + "--b1\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                + "From: carol@c.test\r\nSubject: forwarded\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
                + "Très bien.\r\n"
                + "--b1--\r\nepilogue\r\n";

        byte[] converted = SevenBitDowngrade.convert(bytes(message));

        assertSevenBit(converted);
        String result = text(converted);
        // The multipart and the enclosed message hold nothing 8-bit any more, and say so.
        assertThat(result).startsWith("From: alice@a.test\r\nMIME-Version: 1.0\r\nContent-Transfer-Encoding: 7bit\r\n");
        assertThat(result).contains("--b1\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: 7bit\r\n\r\n");
        // What was 7-bit is as it was, octet for octet.
        assertThat(result).contains("--b1\r\nContent-Type: text/html; charset=us-ascii\r\n\r\n" + html + "\r\n--b1\r\n");
        assertThat(result).contains("Content-Transfer-Encoding: base64\r\n\r\n" + attachment + "\r\n--b1\r\n");
        assertThat(result).endsWith("--b1--\r\nepilogue\r\n");

        Multipart parts = (Multipart) parse(converted).getContent();
        assertThat(parts.getCount()).isEqualTo(4);
        assertThat(parts.getBodyPart(0).getContent()).isEqualTo("Größe: 5 €");
        assertThat(parts.getBodyPart(0).getHeader("Content-Transfer-Encoding")).containsExactly("quoted-printable");
        assertThat(parts.getBodyPart(1).getContent()).isEqualTo(html);
        assertThat(new String(parts.getBodyPart(2).getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                .isEqualTo("Hello, world!");
        BodyPart enclosed = parts.getBodyPart(3);
        MimeMessage forwarded = (MimeMessage) enclosed.getContent();
        assertThat(forwarded.getSubject()).isEqualTo("forwarded");
        assertThat(forwarded.getContent()).isEqualTo("Très bien.");   // the last line break is the delimiter's
        assertThat(forwarded.getHeader("Content-Transfer-Encoding")).containsExactly("quoted-printable");
    }

    @Test
    void longLinesGetSoftBreaksAndEndingWhiteSpaceIsEncoded() throws Exception {
        String line = "é=-".repeat(60) + " -- " + "x".repeat(100) + " \t";
        byte[] original = bytes("Subject: long\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + line + "\r\nlast line without a break ü ");

        byte[] converted = SevenBitDowngrade.convert(original);

        String result = text(converted);
        String body = result.substring(result.indexOf("\r\n\r\n") + 4);
        for (String l : body.split("\r\n", -1)) {
            assertThat(l.length()).as(l).isLessThanOrEqualTo(76);
            assertThat(l).doesNotEndWith(" ").doesNotEndWith("\t").doesNotStartWith("-");
        }
        assertThat(body).endsWith("=C3=BC=20");
        assertThat(parse(converted).getContent()).isEqualTo(line + "\r\nlast line without a break ü ");
    }

    @Test
    void randomContentDecodesToExactlyWhatItWas() throws Exception {
        Random random = new Random(6152);
        byte[] alphabet = bytes("aZ09 \t=-.\r\n\u00e9\u00fc");
        for (int round = 0; round < 300; round++) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            int n = random.nextInt(600);
            for (int i = 0; i < n; i++) {
                int pick = random.nextInt(alphabet.length + 8);
                if (random.nextInt(60) == 0) {
                    body.write('\r');
                    body.write('\n');
                } else if (pick < alphabet.length) {
                    body.write(alphabet[pick]);
                } else {
                    body.write(random.nextInt(256));
                }
            }
            byte[] raw = body.toByteArray();
            // Bare CR and LF are not in stored mail (SMTP refuses them): pair every one into CRLF.
            raw = new String(raw, StandardCharsets.ISO_8859_1).replaceAll("\r(?!\n)|(?<!\r)\n", "\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1);

            byte[] encoded = SevenBitDowngrade.quotedPrintable(raw, 0, raw.length);

            assertSevenBit(encoded);
            String previous = "";
            for (String l : text(encoded).split("\r\n", -1)) {
                assertThat(l.length()).isLessThanOrEqualTo(76);
                if (previous.endsWith("=")) {
                    // After a soft break, nothing may look like a multipart delimiter.
                    assertThat(l).doesNotStartWith("-");
                }
                previous = l;
            }
            byte[] decoded = MimeUtility.decode(new ByteArrayInputStream(encoded), "quoted-printable").readAllBytes();
            assertThat(decoded).as("round %d", round).isEqualTo(raw);
        }
    }

    @Test
    void whatCannotBeEncodedMakesTheConversionFail() {
        // 8-bit in a header section needs SMTPUTF8 (RFC 6532), not an encoding.
        assertThat(SevenBitDowngrade.convert(bytes("Subject: Grüße\r\n\r\nbody\r\n"))).isNull();
        assertThat(SevenBitDowngrade.convert(bytes("Subject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
                + "--b\r\nContent-Description: Größe\r\n\r\nx\r\n--b--\r\n"))).isNull();
        // A part declared base64 with 8-bit octets in it is not what it says.
        assertThat(SevenBitDowngrade.convert(bytes("Subject: x\r\nContent-Transfer-Encoding: base64\r\n\r\nü\r\n"))).isNull();
        // Nor can a multipart's preamble be encoded.
        assertThat(SevenBitDowngrade.convert(bytes("Subject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
                + "Préambule\r\n--b\r\n\r\nx\r\n--b--\r\n"))).isNull();
    }

    @Test
    void aSevenBitMessageIsLeftAsItIs() {
        byte[] original = bytes("Subject: x\r\n\r\nplain\r\n");
        assertThat(SevenBitDowngrade.convert(original)).isSameAs(original);
        assertThat(Arrays.equals(SevenBitDowngrade.convert(original), original)).isTrue();
    }
}
