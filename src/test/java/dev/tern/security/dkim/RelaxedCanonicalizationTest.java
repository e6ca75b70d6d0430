package dev.tern.security.dkim;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Relaxed canonicalization against RFC 6376 §3.4.2, §3.4.4 and the example of §3.4.5. */
class RelaxedCanonicalizationTest {

    /** RFC 6376 §3.4.5: the message before canonicalization. */
    private static final String RFC_EXAMPLE = "A: X\r\n"
            + "B : Y\t\r\n"
            + "\tZ  \r\n"
            + "\r\n"
            + " C \r\n"
            + "D \t E\r\n"
            + "\r\n"
            + "\r\n";

    @Test
    void rfc6376ExampleHeaders() throws IOException {
        HeaderSection h = HeaderSection.read(stream(RFC_EXAMPLE), Set.of("a", "b"));
        assertThat(h.fields()).hasSize(2);
        assertThat(text(RelaxedHeaderCanonicalizer.canonicalize(h.fields().get(0)))).isEqualTo("a:X\r\n");
        assertThat(text(RelaxedHeaderCanonicalizer.canonicalize(h.fields().get(1)))).isEqualTo("b:Y Z\r\n");
    }

    @Test
    void rfc6376ExampleBody() throws IOException {
        assertThat(body(" C \r\nD \t E\r\n\r\n\r\n")).isEqualTo(" C\r\nD E\r\n");
    }

    @Test
    void emptyBodyStaysEmpty() throws IOException {
        assertThat(body("")).isEmpty();
        assertThat(body("\r\n\r\n")).isEmpty();
        assertThat(body(" \t\r\n  \r\n")).isEmpty();
    }

    @Test
    void aMissingFinalLineBreakIsAdded() throws IOException {
        assertThat(body("last line")).isEqualTo("last line\r\n");
        assertThat(body("last line   ")).isEqualTo("last line\r\n");
    }

    @Test
    void emptyLinesInsideAndAtTheStartAreKept() throws IOException {
        assertThat(body("\r\n\r\na\r\n\r\n\r\nb\r\n\r\n")).isEqualTo("\r\n\r\na\r\n\r\n\r\nb\r\n");
    }

    @Test
    void aLoneCarriageReturnIsContentAndABareLineFeedEndsALine() throws IOException {
        assertThat(body("a\rb \r\nc\nd")).isEqualTo("a\rb\r\nc\r\nd\r\n");
        assertThat(body("a\r")).isEqualTo("a\r\r\n");
    }

    @Test
    void chunkBoundariesDoNotMatter() throws IOException {
        String input = "x  \t y \r\n\r\n z\r\n \r\n\r\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RelaxedBodyCanonicalizer c = new RelaxedBodyCanonicalizer(out);
        for (byte b : input.getBytes(StandardCharsets.US_ASCII)) {
            c.write(new byte[]{b}, 0, 1);
        }
        c.finish();
        assertThat(text(out.toByteArray())).isEqualTo(body(input)).isEqualTo("x y\r\n\r\n z\r\n");
    }

    @Test
    void headerValuesAreUnfoldedAndTrimmedAndNamesLowerCased() throws IOException {
        HeaderSection h = HeaderSection.read(stream("SUBJECT:   Hello \r\n   there\t\t\r\n\r\nbody"), Set.of("subject"));
        assertThat(text(RelaxedHeaderCanonicalizer.canonicalize(h.fields().get(0)))).isEqualTo("subject:Hello there\r\n");
    }

    @Test
    void eightBitOctetsInValuesAreKeptAsTheyAre() throws IOException {
        byte[] utf8 = "Subject: Grüße  aus Köln\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        HeaderSection h = HeaderSection.read(new ByteArrayInputStream(utf8), Set.of("subject"));
        assertThat(RelaxedHeaderCanonicalizer.canonicalize(h.fields().get(0)))
                .isEqualTo("subject:Grüße aus Köln\r\n".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void headerSectionKeepsWantedFieldsAndLeavesTheStreamAtTheBody() throws IOException {
        ByteArrayInputStream in = stream("Received: x\r\n y\r\nTo: a@b\r\nTo: c@d\r\nX-Other: z\r\n\r\nbody\r\n");
        HeaderSection h = HeaderSection.read(in, Set.of("to"));
        assertThat(h.fields()).extracting(HeaderField::raw).containsExactly("To: a@b", "To: c@d");
        assertThat(h.fromBottom("to", 0).raw()).isEqualTo("To: c@d");
        assertThat(h.fromBottom("to", 1).raw()).isEqualTo("To: a@b");
        assertThat(h.fromBottom("to", 2)).isNull();
        assertThat(h.bodyStart()).isEmpty();
        assertThat(text(in.readAllBytes())).isEqualTo("body\r\n");
    }

    @Test
    void aLineThatIsNotAFieldStartsTheBody() throws IOException {
        ByteArrayInputStream in = stream("Subject: s\r\nnot a field\r\nmore\r\n");
        HeaderSection h = HeaderSection.read(in, Set.of("subject"));
        assertThat(h.fields()).hasSize(1);
        assertThat(text(h.bodyStart())).isEqualTo("not a field\r\n");
        assertThat(text(in.readAllBytes())).isEqualTo("more\r\n");
    }

    private static String body(String input) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RelaxedBodyCanonicalizer c = new RelaxedBodyCanonicalizer(out);
        byte[] b = input.getBytes(StandardCharsets.ISO_8859_1);
        c.write(b, 0, b.length);
        c.finish();
        return text(out.toByteArray());
    }

    private static ByteArrayInputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
