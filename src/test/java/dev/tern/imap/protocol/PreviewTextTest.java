package dev.tern.imap.protocol;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** What a preview is made of, and what it never holds. */
class PreviewTextTest {

    private static String preview(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        MessageStructure s = MessageStructure.parse(new ByteArrayInputStream(bytes));
        BodyPart part = PreviewText.part(s);
        if (part == null) {
            return null;
        }
        int start = (int) part.bodyStart();
        int end = (int) Math.min(part.bodyEnd(), start + PreviewText.MAX_READ);
        return PreviewText.of(part, Arrays.copyOfRange(bytes, start, end));
    }

    @Test
    void plainTextIsPreferredToHtmlAndAttachmentsAreSkipped() {
        assertThat(preview("Content-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\nContent-Type: text/html\r\n\r\n"
                + "<i>html</i>\r\n--m\r\nContent-Type: text/plain\r\n\r\nplain\r\n--m--\r\n")).isEqualTo("plain");
        assertThat(preview("Content-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\nContent-Type: image/png\r\n\r\nxx\r\n"
                + "--m\r\nContent-Type: text/plain\r\nContent-Disposition: attachment\r\n\r\nfile\r\n--m--\r\n")).isNull();
    }

    @Test
    void controlCharactersGoAndLongTextIsCutAtACharacterNotInsideOne() {
        assertThat(preview("Subject: x\r\n\r\na\u0001b\tc\u007fd\r\n")).isEqualTo("ab cd");
        String emoji = "\uD83D\uDE00";     // one character, two UTF-16 units
        String cut = preview("Content-Type: text/plain; charset=utf-8\r\n\r\n" + emoji.repeat(300) + "\r\n");
        assertThat(cut.codePointCount(0, cut.length())).isEqualTo(PreviewText.MAX_CHARS);
        assertThat(Character.isHighSurrogate(cut.charAt(cut.length() - 1))).isFalse();
    }

    @Test
    void markupAndReferencesAreReadAsAPersonWould() {
        assertThat(preview("Content-Type: text/html\r\n\r\n<div>a&#x41;&#66;&unknown;&amp;lt;</div><br>b\r\n"))
                .isEqualTo("aAB&unknown;&lt; b");
        assertThat(preview("Content-Type: text/html\r\n\r\n<STYLE type=text/css>x{}</STYLE ><p>shown</p>\r\n"))
                .isEqualTo("shown");
    }

    @Test
    void anUnknownCharsetIsReadAsUtf8AndABrokenEncodingGivesWhatCanBeRead() {
        assertThat(preview("Content-Type: text/plain; charset=x-unknown\r\n\r\nh\u00e9\r\n")).isEqualTo("h\u00e9");
        assertThat(preview("Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!!\r\n")).isNotNull();
    }
}
