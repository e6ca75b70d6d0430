package dev.tern.message;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class LongLineFolderTest {

    private static String fold(String message, int readSize) throws IOException {
        try (InputStream in = new LongLineFolder(new ByteArrayInputStream(message.getBytes(StandardCharsets.ISO_8859_1)))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[readSize];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
            }
            return out.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static String fold(String message) throws IOException {
        return fold(message, 8192);
    }

    private static void assertNoLineLongerThanTheLimit(String folded) {
        for (String line : folded.split("\r\n", -1)) {
            assertThat(line.length()).as(line).isLessThanOrEqualTo(998);
        }
    }

    @Test
    void linesWithinTheLimitPassUnchanged() throws IOException {
        String line998 = "x".repeat(998);
        String message = "Subject: hi\r\n\r\n" + line998 + "\r\n" + line998 + "\r\nlast line without an ending";
        assertThat(fold(message)).isEqualTo(message);
        assertThat(fold("")).isEmpty();
    }

    @Test
    void aLongLineIsBrokenBeforeItsLastWhiteSpaceSoThatItUnfoldsToWhatItWas() throws IOException {
        StringBuilder to = new StringBuilder("To: ");
        for (int i = 0; to.length() < 5000; i++) {
            to.append(i == 0 ? "" : ",\t").append("recipient").append(i).append("@example.org");
        }
        String html = "<p>" + "word ".repeat(800) + "</p>";
        String message = "Subject: hi\r\n" + to + "\r\n\r\n" + html + "\r\n";

        String folded = fold(message);

        assertNoLineLongerThanTheLimit(folded);
        assertThat(folded).isNotEqualTo(message);
        // RFC 5322 §2.2.3: unfolding removes each CRLF that precedes white space.
        assertThat(folded.replaceAll("\r\n(?=[ \t])", "")).isEqualTo(message);
        // Every break came before white space, none in the middle of an address or a word.
        assertThat(folded).doesNotContain("\r\n \r\n").contains("\r\n\trecipient", "\r\n word");
    }

    @Test
    void aLineWithoutWhiteSpaceIsBrokenAt998OctetsWithASpaceInserted() throws IOException {
        String token = "A".repeat(2500);
        String folded = fold("Subject: hi\r\n\r\n" + token + "\r\n");
        assertNoLineLongerThanTheLimit(folded);
        assertThat(folded).isEqualTo("Subject: hi\r\n\r\n" + "A".repeat(998) + "\r\n " + "A".repeat(997) + "\r\n "
                + "A".repeat(505) + "\r\n");
    }

    @Test
    void leadingWhiteSpaceIsNoPlaceToBreak() throws IOException {
        // A break there would leave a line of white space only: in a header section, an empty line.
        String line = "    " + "B".repeat(1500);
        String folded = fold(line + "\r\n");
        assertNoLineLongerThanTheLimit(folded);
        assertThat(folded).startsWith("    BBBB").doesNotContain("\r\n    ");
        assertThat(folded.split("\r\n")[0]).hasSize(998);
    }

    @Test
    void theResultDoesNotDependOnHowTheStreamIsRead() throws IOException {
        Random random = new Random(7);
        StringBuilder message = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            int length = random.nextInt(3000);
            for (int j = 0; j < length; j++) {
                message.append(random.nextInt(12) == 0 ? ' ' : (char) ('a' + random.nextInt(26)));
            }
            message.append(random.nextBoolean() ? "\r\n" : "\n");
        }
        String whole = fold(message.toString(), 1 << 20);
        assertThat(fold(message.toString(), 1)).isEqualTo(whole);
        assertThat(fold(message.toString(), 997)).isEqualTo(whole);
        try (InputStream in = new LongLineFolder(new ByteArrayInputStream(message.toString().getBytes(StandardCharsets.ISO_8859_1)))) {
            ByteArrayOutputStream byByte = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                byByte.write(b);
            }
            assertThat(byByte.toString(StandardCharsets.ISO_8859_1)).isEqualTo(whole);
        }
        for (String line : whole.split("\r?\n")) {
            assertThat(line.length()).isLessThanOrEqualTo(998);
        }
        assertThat(whole.replaceAll("[\r\n ]", "")).isEqualTo(message.toString().replaceAll("[\r\n ]", ""));
    }
}
