package dev.tern.smtp.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class DataReaderTest {

    /** Result of reading some input: the content, whether the end was found, and what was left over. */
    private record Read(String content, boolean done, boolean bare, String rest) {
    }

    private static Read read(String input, int pieceSize) {
        DataReader reader = new DataReader();
        ByteBuffer src = ByteBuffer.wrap(input.getBytes(StandardCharsets.ISO_8859_1));
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        ByteBuffer out = ByteBuffer.allocate(16);
        while (src.hasRemaining() && !reader.isDone()) {
            ByteBuffer piece = src.slice();
            piece.limit(Math.min(pieceSize, piece.remaining()));
            int before = piece.position();
            while (piece.hasRemaining() && !reader.isDone()) {
                out.clear();
                reader.read(piece, out);
                content.write(out.array(), 0, out.position());
            }
            src.position(src.position() + piece.position() - before);
        }
        byte[] rest = new byte[src.remaining()];
        src.get(rest);
        return new Read(content.toString(StandardCharsets.ISO_8859_1), reader.isDone(), reader.sawBareLineEnding(),
                new String(rest, StandardCharsets.ISO_8859_1));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 1000})
    void endsAtCrLfDotCrLfWhateverTheSplit(int pieceSize) {
        Read r = read("Subject: x\r\n\r\nHello\r\n.\r\nQUIT\r\n", pieceSize);
        assertThat(r.done()).isTrue();
        assertThat(r.content()).isEqualTo("Subject: x\r\n\r\nHello\r\n");
        assertThat(r.rest()).isEqualTo("QUIT\r\n");
        assertThat(r.bare()).isFalse();
    }

    @Test
    void emptyMessage() {
        Read r = read(".\r\n", 100);
        assertThat(r.done()).isTrue();
        assertThat(r.content()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 1000})
    void removesTransparencyDots(int pieceSize) {
        Read r = read("..leading dot\r\n...\r\nmid.dle\r\n.\r\n", pieceSize);
        assertThat(r.content()).isEqualTo(".leading dot\r\n..\r\nmid.dle\r\n");
        assertThat(r.done()).isTrue();
    }

    @Test
    void incompleteContentIsNotDone() {
        Read r = read("Hello\r\n.", 100);
        assertThat(r.done()).isFalse();
        assertThat(r.content()).isEqualTo("Hello\r\n");
    }

    /** CVE-2023-51764 variants: none of these may end the data; each marks the content bad. */
    @ParameterizedTest
    @ValueSource(strings = {"\n.\n", "\r\n.\n", "\n.\r\n", "\r.\r\n", "\r\n.\r", "\r.\r", "\n\n"})
    void smugglingSequencesAreContent(String sequence) {
        String input = "Subject: x\r\n\r\nfirst" + sequence + "MAIL FROM:<evil@x.test>\r\n.\r\nNOOP\r\n";
        for (int pieceSize : new int[]{1, 1000}) {
            Read r = read(input, pieceSize);
            assertThat(r.done()).as("done, piece size %d", pieceSize).isTrue();
            assertThat(r.rest()).as("rest").isEqualTo("NOOP\r\n");
            assertThat(r.content()).contains("MAIL FROM:<evil@x.test>");
            assertThat(r.bare()).as("bare line ending flagged").isTrue();
        }
    }

    @Test
    void bareCrAndBareLfAnywhereAreFlagged() {
        assertThat(read("a\rb\r\n.\r\n", 100).bare()).isTrue();
        assertThat(read("a\nb\r\n.\r\n", 100).bare()).isTrue();
        assertThat(read("\n.\r\n", 100).done()).isFalse();
        assertThat(read("a\r\r\nb\r\n.\r\n", 100).bare()).isTrue();
        assertThat(read("a\r\nb\r\n.\r\n", 100).bare()).isFalse();
    }

    @Test
    void lineEndingCheckForChunks() {
        LineEndingCheck ok = new LineEndingCheck();
        assertThat(ok.scan(bytes("line\r"))).isFalse();
        assertThat(ok.scan(bytes("\nnext\r\n"))).isFalse();
        assertThat(ok.finish()).isFalse();

        assertThat(new LineEndingCheck().scan(bytes("a\nb"))).isTrue();
        assertThat(new LineEndingCheck().scan(bytes("a\rb"))).isTrue();
        LineEndingCheck trailingCr = new LineEndingCheck();
        assertThat(trailingCr.scan(bytes("a\r"))).isFalse();
        assertThat(trailingCr.finish()).isTrue();
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void randomContentMatchesTheOriginalWhateverTheSplit() {
        java.util.Random random = new java.util.Random(5321);
        String alphabet = "ab.";
        for (int round = 0; round < 300; round++) {
            // Random lines full of dots, stuffed as a client must (RFC 5321 §4.5.2), then the terminator.
            StringBuilder original = new StringBuilder();
            StringBuilder stuffed = new StringBuilder();
            int count = 1 + random.nextInt(20);
            for (int l = 0; l < count; l++) {
                StringBuilder line = new StringBuilder();
                int len = random.nextInt(30);
                for (int i = 0; i < len; i++) {
                    line.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                original.append(line).append("\r\n");
                stuffed.append(line.toString().startsWith(".") ? "." : "").append(line).append("\r\n");
            }
            Read r = read(stuffed + ".\r\nAFTER", 1 + random.nextInt(40));
            assertThat(r.done()).isTrue();
            assertThat(r.bare()).isFalse();
            assertThat(r.content()).isEqualTo(original.toString());
            assertThat(r.rest()).isEqualTo("AFTER");
        }
    }
}
