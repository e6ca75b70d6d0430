package dev.tern.imap.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * ENVELOPE, BODYSTRUCTURE and BODY compared byte for byte with what Dovecot 2.3.19 returned for
 * the same messages (src/test/resources/imap/dovecot, captured by APPENDing the messages of
 * src/test/resources/imap/messages to a private Dovecot and fetching each item).
 */
class MessageStructureTest {

    static byte[] resource(String path) {
        try (InputStream in = MessageStructureTest.class.getResourceAsStream("/imap/" + path)) {
            assertThat(in).as(path).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static MessageStructure structure(byte[] message) {
        return MessageStructure.parse(new ByteArrayInputStream(message));
    }

    private static String envelope(MessageStructure s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StructureWriter.envelope(new ResponseWriter(out), s.envelope());
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String body(MessageStructure s, boolean extensible) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StructureWriter.body(new ResponseWriter(out), s.root(), extensible);
        return out.toString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "encoded-headers", "alternative", "mixed-attachment", "rfc822-attachment",
            "malformed-boundary", "unterminated-multipart", "multipart-no-boundary", "eightbit-headers", "no-headers-body"})
    void sameAsDovecot(String name) {
        byte[] message = resource("messages/" + name + ".eml");
        String golden = new String(resource("dovecot/" + name + ".txt"), StandardCharsets.UTF_8);
        int structureAt = golden.indexOf("\nBODYSTRUCTURE (");
        int bodyAt = golden.indexOf("\nBODY (");
        String goldenEnvelope = golden.substring("ENVELOPE ".length(), structureAt);
        String goldenStructure = golden.substring(structureAt + "\nBODYSTRUCTURE ".length(), bodyAt);
        String goldenBody = golden.substring(bodyAt + "\nBODY ".length()).stripTrailing();

        MessageStructure s = structure(message);
        assertThat(envelope(s)).isEqualTo(goldenEnvelope);
        assertThat(body(s, true)).isEqualTo(goldenStructure);
        assertThat(body(s, false)).isEqualTo(goldenBody);
        assertThat(s.size()).isEqualTo(message.length);

        MessageStructure back = MessageStructure.fromBytes(s.toBytes());
        assertThat(back).isEqualTo(s);
        assertThat(MessageStructure.fromCompactString(s.toCompactString())).isEqualTo(s);
    }

    private static String section(byte[] message, MessageStructure s, String spec) {
        ImapRequest r = CommandParser.parse(("a FETCH 1 (BODY[" + spec + "])").getBytes(StandardCharsets.US_ASCII));
        Section section = ((FetchItem.BodySection) ((ImapCommand.Fetch) r.command()).items().get(0)).section();
        SectionLocator.SectionRange range = SectionLocator.locate(s, section);
        if (range == null) {
            return null;
        }
        InputStream in = new ByteArrayInputStream(message, (int) range.start(), (int) range.length());
        try {
            if (range.filtered()) {
                long length = HeaderFieldFilter.length(new ByteArrayInputStream(message, (int) range.start(),
                        (int) range.length()), range.fields(), range.exclude());
                byte[] filtered = new HeaderFieldFilter(in, range.fields(), range.exclude()).readAllBytes();
                assertThat(filtered.length).isEqualTo(length);
                return new String(filtered, StandardCharsets.UTF_8);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void sectionsOfANestedMessage() {
        byte[] m = resource("messages/rfc822-attachment.eml");
        MessageStructure s = structure(m);
        assertThat(section(m, s, "1")).isEqualTo("Forwarding this.\r\n");
        assertThat(section(m, s, "1.MIME")).isEqualTo("Content-Type: text/plain\r\n\r\n");
        assertThat(section(m, s, "2.MIME")).isEqualTo("Content-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\n");
        assertThat(section(m, s, "2.HEADER")).startsWith("From: carol@example.org\r\n").endsWith("boundary=\"in\"\r\n\r\n");
        assertThat(section(m, s, "2.HEADER.FIELDS (subject FROM)")).isEqualTo("From: carol@example.org\r\nSubject: lunch\r\n\r\n");
        assertThat(section(m, s, "2.TEXT")).startsWith("--in\r\n").endsWith("--in--\r\n");
        assertThat(section(m, s, "2.1")).isEqualTo("Noon?");
        assertThat(section(m, s, "2.2")).isEqualTo("iVBORw0KGgo=");
        assertThat(section(m, s, "2.2.MIME")).isEqualTo("Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n");
        assertThat(section(m, s, "2")).startsWith("From: carol").endsWith("--in--\r\n");
        assertThat(section(m, s, "3")).isNull();
        assertThat(section(m, s, "1.1")).isNull();
        assertThat(section(m, s, "1.HEADER")).isNull();
        assertThat(section(m, s, "")).isEqualTo(new String(m, StandardCharsets.UTF_8));
        assertThat(section(m, s, "HEADER.FIELDS.NOT (Content-Type MIME-Version Date From To)"))
                .isEqualTo("Subject: Fwd: lunch\r\n\r\n");
        assertThat(section(m, s, "TEXT")).startsWith("--fwd\r\n").endsWith("--fwd--\r\n");
    }

    @Test
    void sectionsOfASinglePartMessage() {
        byte[] m = resource("messages/encoded-headers.eml");
        MessageStructure s = structure(m);
        assertThat(section(m, s, "1")).isEqualTo("Caf=C3=A9 at four, see you =\r\nthere.\r\n");
        assertThat(section(m, s, "TEXT")).isEqualTo(section(m, s, "1"));
        assertThat(section(m, s, "2")).isNull();
        assertThat(section(m, s, "HEADER")).endsWith("quoted-printable\r\n\r\n");
        SectionLocator.SectionRange range = SectionLocator.locate(s, Section.of(Section.Text.TEXT))
                .partial(new FetchItem.Partial(4, 5));
        assertThat(new String(m, (int) range.start(), (int) range.length(), StandardCharsets.US_ASCII)).isEqualTo("C3=A9");
    }

    @Test
    void aPartialOfAnyOffsetAndLengthStaysInsideItsSection() {
        SectionLocator.SectionRange text = new SectionLocator.SectionRange(40, 100, null, false);
        long max = Long.MAX_VALUE;
        // Offset plus start, or start plus length, overflowed: a huge or negative range was read and announced.
        assertThat(text.partial(new FetchItem.Partial(max, max))).isEqualTo(new SectionLocator.SectionRange(100, 100, null, false));
        assertThat(text.partial(new FetchItem.Partial(max, 1))).isEqualTo(new SectionLocator.SectionRange(100, 100, null, false));
        assertThat(text.partial(new FetchItem.Partial(1, max))).isEqualTo(new SectionLocator.SectionRange(41, 100, null, false));
        assertThat(text.partial(new FetchItem.Partial(10, 5))).isEqualTo(new SectionLocator.SectionRange(50, 55, null, false));
    }

    @Test
    void foldedHeaderFieldsAreKeptWhole() throws IOException {
        String header = "Received: from a\r\n\tby b\r\nSubject: one\r\n two\r\nX-Other: y\r\n\r\n";
        byte[] out = new HeaderFieldFilter(new ByteArrayInputStream(header.getBytes(StandardCharsets.US_ASCII)),
                List.of("SUBJECT", "received"), false).readAllBytes();
        assertThat(new String(out, StandardCharsets.US_ASCII)).isEqualTo("Received: from a\r\n\tby b\r\nSubject: one\r\n two\r\n\r\n");
    }

    @Test
    void deepNestingIsCapped() {
        StringBuilder m = new StringBuilder("Subject: deep\r\n");
        for (int i = 0; i < 200; i++) {
            m.append("Content-Type: multipart/mixed; boundary=b").append(i).append("\r\n\r\n--b").append(i).append("\r\n");
        }
        m.append("Content-Type: text/plain\r\n\r\nbottom\r\n");
        MessageStructure s = structure(m.toString().getBytes(StandardCharsets.US_ASCII));
        int depth = 0;
        BodyPart p = s.root();
        while (!p.parts().isEmpty()) {
            p = p.parts().get(0);
            depth++;
        }
        assertThat(depth).isEqualTo(StructureScanner.MAX_DEPTH);
        assertThat(p.type()).isEqualTo("text");
        assertThat(MessageStructure.fromBytes(s.toBytes())).isEqualTo(s);
        assertThat(body(s, true)).startsWith("((((");
    }

    @Test
    void manyHeaderFieldsAndLongLinesDoNotBreakOffsets() {
        StringBuilder m = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            m.append("X-Field-").append(i).append(": v\r\n");
        }
        m.append("Subject: ").append("s".repeat(100_000)).append("\r\n\r\nbody\r\n");
        byte[] bytes = m.toString().getBytes(StandardCharsets.US_ASCII);
        MessageStructure s = structure(bytes);
        assertThat(s.root().bodyStart()).isEqualTo(bytes.length - 6);
        assertThat(s.root().size()).isEqualTo(6);
        assertThat(s.root().lines()).isEqualTo(1);
    }

    @Test
    void anythingParsesWithoutFailing() {
        for (String junk : List.of("", "\r\n", "no header at all", "Content-Type: multipart/mixed; boundary=\"\"\r\n\r\n--\r\n",
                "Content-Type: message/rfc822\r\n\r\n", "Content-Type: /\r\n\r\nx", "\0\0\0\n\n\r\r")) {
            MessageStructure s = structure(junk.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(s.size()).isEqualTo(junk.length());
            assertThat(body(s, true)).startsWith("(");
            assertThat(envelope(s)).startsWith("(");
        }
    }

    @Test
    void corruptStoredFormsAreRefused() {
        byte[] good = structure(resource("messages/plain.eml")).toBytes();
        assertThatThrownBy(() -> MessageStructure.fromBytes(new byte[]{'X', 'Y', 'Z', 1})).isInstanceOf(IllegalArgumentException.class);
        byte[] future = good.clone();
        future[3] = 99;
        assertThatThrownBy(() -> MessageStructure.fromBytes(future)).hasMessageContaining("version");
        for (int cut = 0; cut < good.length; cut++) {
            byte[] truncated = java.util.Arrays.copyOf(good, cut);
            assertThatThrownBy(() -> MessageStructure.fromBytes(truncated)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
