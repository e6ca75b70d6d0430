package dev.tern.security.dkim;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pieces of verification on their own: canonicalization, tag lists, the header section, b= removal. */
class DkimVerificationPartsTest {

    /** RFC 6376 §3.4.5. */
    private static final String EXAMPLE = "A: X\r\nB : Y\t\r\n\tZ  \r\n\r\n C \r\nD \t E\r\n\r\n\r\n";

    @Test
    void theRfcExampleInBothForms() throws IOException {
        HeaderCollector header = new HeaderCollector(1024);
        byte[] message = EXAMPLE.getBytes(StandardCharsets.US_ASCII);
        int headerLength = header.update(message, 0, message.length);
        assertThat(header.complete()).isTrue();
        List<HeaderField> fields = header.fields();
        assertThat(fields).extracting(HeaderField::name).containsExactly("a", "b");

        assertThat(headerForm(Canonicalization.RELAXED, fields)).isEqualTo("a:X\r\nb:Y Z\r\n");
        assertThat(headerForm(Canonicalization.SIMPLE, fields)).isEqualTo("A: X\r\nB : Y\t\r\n\tZ  \r\n");
        String body = EXAMPLE.substring(headerLength);
        assertThat(bodyForm(Canonicalization.RELAXED, body)).isEqualTo(" C\r\nD E\r\n");
        assertThat(bodyForm(Canonicalization.SIMPLE, body)).isEqualTo(" C \r\nD \t E\r\n");
    }

    @Test
    void simpleBodyEdgeCases() throws IOException {
        assertThat(bodyForm(Canonicalization.SIMPLE, "")).isEqualTo("\r\n");
        assertThat(bodyForm(Canonicalization.SIMPLE, "\r\n\r\n")).isEqualTo("\r\n");
        assertThat(bodyForm(Canonicalization.SIMPLE, "no line break")).isEqualTo("no line break\r\n");
        assertThat(bodyForm(Canonicalization.SIMPLE, "a\r\n\r\nb\r\n\r\n")).isEqualTo("a\r\n\r\nb\r\n");
        assertThat(bodyForm(Canonicalization.SIMPLE, "bare\nlf\r\r\n")).isEqualTo("bare\nlf\r\r\n");
        assertThat(bodyForm(Canonicalization.SIMPLE, "ends with cr\r")).isEqualTo("ends with cr\r\r\n");
        assertThat(bodyForm(Canonicalization.SIMPLE, " \r\n")).isEqualTo(" \r\n");
    }

    @Test
    void emptyBodyHashesOfRfc6376Errata() {
        assertThat(bodyHash(Canonicalization.SIMPLE, "")).isEqualTo("frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=");
        assertThat(bodyHash(Canonicalization.RELAXED, "")).isEqualTo("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    }

    @Test
    void aBodyLengthLimitHashesThatManyCanonicalOctetsAndCountsAll() {
        BodyHasher limited = new BodyHasher(new BodyHasher.Key(Canonicalization.SIMPLE, 5));
        limited.update("hello world\r\n".getBytes(StandardCharsets.US_ASCII), 0, 13);
        BodyHasher.Result r = limited.finish();
        assertThat(r.canonicalLength()).isEqualTo(13);
        assertThat(Base64.getEncoder().encodeToString(r.hash())).isEqualTo(sha256("hello"));
        assertThat(limited.finish()).isSameAs(r);
    }

    @Test
    void tagLists() {
        assertThat(TagList.parse(" v=1;\r\n\ta = rsa-sha256 ; b=ab cd\r\n ef;")).containsExactly(
                Map.entry("v", "1"), Map.entry("a", "rsa-sha256"), Map.entry("b", "ab cd\r\n ef"));
        assertThat(TagList.parse("p=")).containsEntry("p", "");
        assertThat(TagList.withoutWhitespace("ab cd\r\n\tef")).isEqualTo("abcdef");
        assertThatThrownBy(() -> TagList.parse("a=1;;b=2")).hasMessage("empty tag in tag list");
        assertThatThrownBy(() -> TagList.parse("a=1; a=2")).hasMessage("tag a= appears twice");
        assertThatThrownBy(() -> TagList.parse("1a=1")).hasMessage("invalid tag name \"1a\"");
        assertThatThrownBy(() -> TagList.parse("a")).hasMessage("tag without \"=\": a");
        assertThat(TagList.parseLeniently("d=example.test; s=sel; broken; d=other; b=AAA")).containsExactly(
                Map.entry("d", "example.test"), Map.entry("s", "sel"), Map.entry("b", "AAA"));
    }

    @Test
    void theSignatureValueIsEmptiedForTheHeaderHash() {
        assertThat(SignatureCheck.withEmptySignature("DKIM-Signature: v=1; bh=abc; b=xy\r\n z; d=e"))
                .isEqualTo("DKIM-Signature: v=1; bh=abc; b=; d=e");
        assertThat(SignatureCheck.withEmptySignature("DKIM-Signature: b = xyz ;a=1")).isEqualTo("DKIM-Signature: b =;a=1");
        assertThat(SignatureCheck.withEmptySignature("DKIM-Signature: a=1; b=xyz")).isEqualTo("DKIM-Signature: a=1; b=");
    }

    @Test
    void theHeaderSectionEndsAtTheFirstEmptyLineInAnyChunking() {
        byte[] message = "From: a@example.test\r\nSubject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        HeaderCollector header = new HeaderCollector(1024);
        int taken = 0;
        for (int i = 0; i < message.length && !header.complete(); i++) {
            taken += header.update(message, i, 1);
        }
        assertThat(taken).isEqualTo(message.length - "body\r\n".length());
        assertThat(header.fields()).extracting(HeaderField::raw).containsExactly("From: a@example.test", "Subject: x");
    }

    @Test
    void signatureFieldsAreCountedPastTheBound() {
        String text = "DKIM-Signature: d=a.test\r\nX-Long: " + "y".repeat(200) + "\r\ndkim-signature : d=b.test\r\n"
                + "Subject: s\r\n\r\nbody";
        byte[] message = text.getBytes(StandardCharsets.US_ASCII);
        HeaderCollector header = new HeaderCollector(64);
        int taken = header.update(message, 0, message.length);
        assertThat(header.complete()).isTrue();
        assertThat(header.tooLarge()).isTrue();
        assertThat(header.signatureFields()).isEqualTo(2);
        assertThat(taken).isEqualTo(message.length - 4);
        assertThat(header.fields().get(0).raw()).isEqualTo("DKIM-Signature: d=a.test");
    }

    @Test
    void aMessageWithoutEmptyLineIsAllHeader() {
        byte[] message = "From: a@example.test\r\nSubject: x".getBytes(StandardCharsets.US_ASCII);
        HeaderCollector header = new HeaderCollector(1024);
        assertThat(header.update(message, 0, message.length)).isEqualTo(message.length);
        assertThat(header.complete()).isFalse();
        header.finish();
        assertThat(header.fields()).extracting(HeaderField::name).containsExactly("from", "subject");
    }

    @Test
    void linesThatAreNotFieldsAreLeftOut() {
        byte[] message = " leading continuation\r\nnot a field\r\n continued\r\nFrom: a\r\nbad name: x\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        HeaderCollector header = new HeaderCollector(1024);
        header.update(message, 0, message.length);
        assertThat(header.fields()).extracting(HeaderField::name).containsExactly("from");
    }

    private static String headerForm(Canonicalization c, List<HeaderField> fields) {
        StringBuilder b = new StringBuilder();
        fields.forEach(f -> b.append(new String(c.header(f), StandardCharsets.ISO_8859_1)));
        return b.toString();
    }

    private static String bodyForm(Canonicalization c, String body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BodyCanonicalizer canonicalizer = c.body(out);
        canonicalizer.write(body.getBytes(StandardCharsets.ISO_8859_1));
        canonicalizer.finish();
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private static String bodyHash(Canonicalization c, String body) {
        BodyHasher h = new BodyHasher(new BodyHasher.Key(c, -1));
        byte[] b = body.getBytes(StandardCharsets.ISO_8859_1);
        h.update(b, 0, b.length);
        return Base64.getEncoder().encodeToString(h.finish().hash());
    }

    private static String sha256(String s) {
        return Base64.getEncoder().encodeToString(BodyHasher.sha256().digest(s.getBytes(StandardCharsets.US_ASCII)));
    }
}
