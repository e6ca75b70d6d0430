package dev.tern.message;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class HeaderFieldRemovalTest {

    /** Streams {@code message} through a removal of X-Spam* fields in pieces of {@code piece} octets. */
    private static String filtered(String message, int piece, int maxLine) {
        HeaderFieldRemoval removal = new HeaderFieldRemoval(n -> n.startsWith("x-spam"), maxLine);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i += piece) {
            ByteBuffer in = ByteBuffer.wrap(bytes, i, Math.min(piece, bytes.length - i));
            removal.write(in, b -> {
                byte[] copy = new byte[b.remaining()];
                b.get(copy);
                out.writeBytes(copy);
            });
            assertThat(in.hasRemaining()).as("all input taken").isFalse();
        }
        removal.finish(b -> {
            byte[] copy = new byte[b.remaining()];
            b.get(copy);
            out.writeBytes(copy);
        });
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The same result whatever pieces the content arrives in. */
    private static String filteredInAnyPieces(String message) {
        String whole = filtered(message, message.length() + 1, 64 * 1024);
        for (int piece = 1; piece <= message.length(); piece++) {
            assertThat(filtered(message, piece, 64 * 1024)).as("in pieces of %d", piece).isEqualTo(whole);
        }
        return whole;
    }

    @Test
    void namedFieldsGoWithTheirContinuationLinesAndNothingElseChanges() {
        String message = "Received: from a\r\n\tby b\r\nX-Spam-Status: No, score=-9\r\n\tsecond line\r\n"
                + "Subject: hi\r\nx-spam: no\r\nX-SPAM-Flag: NO\r\nFrom: a@example.org\r\n\r\n"
                + "X-Spam-Status: in the body stays\r\nbody\r\n";
        assertThat(filteredInAnyPieces(message)).isEqualTo("Received: from a\r\n\tby b\r\nSubject: hi\r\n"
                + "From: a@example.org\r\n\r\nX-Spam-Status: in the body stays\r\nbody\r\n");
    }

    @Test
    void theHeaderEndsAtTheFirstLineThatIsNotAField() {
        assertThat(filteredInAnyPieces("Subject: a\r\nno colon here\r\nX-Spam: yes\r\n"))
                .isEqualTo("Subject: a\r\nno colon here\r\nX-Spam: yes\r\n");
        assertThat(filteredInAnyPieces(" starts with a space\r\nX-Spam: yes\r\n"))
                .isEqualTo(" starts with a space\r\nX-Spam: yes\r\n");
    }

    @Test
    void bareLineEndsObsoleteSpacingAndAHeaderWithoutEnd() {
        assertThat(filteredInAnyPieces("X-Spam-Level : ***\nSubject: a\n\nbody\n")).isEqualTo("Subject: a\n\nbody\n");
        assertThat(filteredInAnyPieces("Subject: a\r\nX-Spam: yes")).isEqualTo("Subject: a\r\n");
        assertThat(filteredInAnyPieces("Subject: a\r\nX-Other: yes")).isEqualTo("Subject: a\r\nX-Other: yes");
    }

    @Test
    void aLineLongerThanTheBoundEndsTheRemovalUnchanged() {
        String longField = "X-Long: " + "x".repeat(100) + "\r\n";
        String message = "X-Spam: 1\r\n" + longField + "X-Spam: 2\r\n\r\nbody\r\n";
        for (int piece : new int[]{1, 7, 1000}) {
            assertThat(filtered(message, piece, 64)).isEqualTo(longField + "X-Spam: 2\r\n\r\nbody\r\n");
        }
    }
}
