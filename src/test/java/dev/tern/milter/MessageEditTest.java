package dev.tern.milter;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class MessageEditTest {

    private static final String MESSAGE = "From: a@example.test\r\nSubject: first\r\nX-Tag: one\r\n"
            + "Received: from x\r\n\tby y\r\nX-Tag:two\r\n\r\nbody\r\n";

    private static MessageEdit read(String message, InputStream[] rest) throws IOException {
        InputStream in = new ByteArrayInputStream(message.getBytes(StandardCharsets.ISO_8859_1));
        MessageEdit e = MessageEdit.read(in);
        if (rest != null) {
            rest[0] = in;
        }
        return e;
    }

    private static String header(MessageEdit e) {
        return new String(e.header(true), StandardCharsets.ISO_8859_1);
    }

    @Test
    void fieldsAreReadAndShownAsSendmailShowsThem() throws IOException {
        InputStream[] rest = new InputStream[1];
        MessageEdit e = read(MESSAGE, rest);
        assertThat(e.fields()).extracting(MessageEdit.Field::name)
                .containsExactly("From", "Subject", "X-Tag", "Received", "X-Tag");
        // one leading space taken away, folds joined by LF
        assertThat(new String(e.fields().get(3).value(false), StandardCharsets.US_ASCII)).isEqualTo("from x\n\tby y");
        assertThat(new String(e.fields().get(3).value(true), StandardCharsets.US_ASCII)).isEqualTo(" from x\n\tby y");
        assertThat(new String(e.fields().get(4).value(false), StandardCharsets.US_ASCII)).isEqualTo("two");
        assertThat(header(e)).as("untouched, byte for byte").isEqualTo(MESSAGE.substring(0, MESSAGE.indexOf("body")));
        assertThat(new String(rest[0].readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("body\r\n");
    }

    @Test
    void changesByOccurrenceInsertionsByPositionAdditionsAtTheEnd() throws IOException {
        MessageEdit e = read(MESSAGE, null);
        e.change(2, "x-tag", "second", false);
        e.change(1, "Subject", "", false);
        e.change(3, "X-Tag", "third", false);   // past the last: added
        e.insert(0, "X-Top", "zero", false);
        e.insert(1, "X-Top2", "one", false);
        e.insert(99, "X-Bottom", "end", false);
        e.add("X-Folded", "a\nb\n\tc", false);
        e.add("X-Lead", " kept", true);
        assertThat(header(e)).isEqualTo("X-Top2: one\r\nX-Top: zero\r\nFrom: a@example.test\r\nX-Tag: one\r\n"
                + "Received: from x\r\n\tby y\r\nX-Tag: second\r\nX-Tag: third\r\nX-Bottom: end\r\n"
                + "X-Folded: a\r\n\tb\r\n\tc\r\nX-Lead: kept\r\n\r\n");
    }

    @Test
    void aHeaderWithoutABlankLineEndsAtTheFirstLineThatIsNoField() throws IOException {
        InputStream[] rest = new InputStream[1];
        MessageEdit e = read("Subject: x\r\nthis is body text\r\nmore\r\n", rest);
        assertThat(e.fields()).hasSize(1);
        assertThat(new String(e.firstBodyLine(), StandardCharsets.US_ASCII)).isEqualTo("this is body text\r\n");
        assertThat(new String(rest[0].readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("more\r\n");
        MessageEdit headerOnly = read("Subject: x\r\n", null);
        assertThat(header(headerOnly)).isEqualTo("Subject: x\r\n\r\n");
        assertThat(new String(headerOnly.header(false), StandardCharsets.US_ASCII)).isEqualTo("Subject: x\r\n");
    }

    @Test
    void fieldNames() {
        assertThat(MessageEdit.validName("X-Test")).isTrue();
        assertThat(MessageEdit.validName("X Test")).isFalse();
        assertThat(MessageEdit.validName("X:Test")).isFalse();
        assertThat(MessageEdit.validName("")).isFalse();
        assertThat(MessageEdit.fieldName("Subject : x\r\n".getBytes(StandardCharsets.US_ASCII))).isEqualTo("Subject");
        assertThat(MessageEdit.fieldName("no colon here\r\n".getBytes(StandardCharsets.US_ASCII))).isNull();
    }

    @Test
    void bodyLineEndsFromAFilterBecomeCrlf() {
        assertThat(new String(MilterContent.crlf("a\nb\r\nc\rd".getBytes(StandardCharsets.US_ASCII)),
                StandardCharsets.US_ASCII)).isEqualTo("a\r\nb\r\nc\r\nd");
    }
}
