package dev.tern.security.authresults;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ForgedResultsFilterTest {

    private static final String ID = "mx.example.org";

    @Test
    void removesFieldsWithOurIdAndKeepsOthers() {
        String in = "Received: from a\r\n\tby b\r\n"
                + "Authentication-Results: mx.example.org; spf=pass\r\n smtp.mailfrom=x@y\r\n"
                + "authentication-results : MX.EXAMPLE.ORG; dkim=pass\r\n"
                + "Authentication-Results: (comment) mx.example.org;\r\n\tdmarc=pass\r\n"
                + "Authentication-Results: other.example.net; spf=fail\r\n"
                + "Subject: hi\r\n\r\n"
                + "Authentication-Results: mx.example.org; in the body stays\r\n";
        Result r = run(in, Integer.MAX_VALUE);
        assertThat(r.text).isEqualTo("Received: from a\r\n\tby b\r\n"
                + "Authentication-Results: other.example.net; spf=fail\r\n"
                + "Subject: hi\r\n\r\n"
                + "Authentication-Results: mx.example.org; in the body stays\r\n");
        assertThat(r.removed).isEqualTo(3);
    }

    @Test
    void sameResultWhateverTheChunking() {
        String in = "From: a@b\r\nAuthentication-Results:\r\n mx.example.org; spf=pass\r\nTo: c@d\r\n\r\nbody\r\n";
        String expected = "From: a@b\r\nTo: c@d\r\n\r\nbody\r\n";
        for (int chunk = 1; chunk < 12; chunk++) {
            assertThat(run(in, chunk).text).as("chunk %d", chunk).isEqualTo(expected);
        }
    }

    @Test
    void unreadableIdIsRemovedAndHeaderOnlyMessageEndsCleanly() {
        Result r = run("Subject: x\r\nAuthentication-Results: ;\r\nAuthentication-Results: mx.example.org", 5);
        assertThat(r.text).isEqualTo("Subject: x\r\n");
        assertThat(r.removed).isEqualTo(2);
    }

    @Test
    void longLinesStreamAndAHugeForgedFieldIsStillRemoved() {
        String longValue = "x".repeat(3 * ForgedResultsFilter.LINE_LIMIT);
        String in = "X-Long: " + longValue + "\r\n"
                + "Authentication-Results: mx.example.org; spf=pass " + longValue + "\r\n"
                + "\t" + longValue + "\r\n"
                + "Subject: s\r\n\r\nb";
        Result r = run(in, 1000);
        assertThat(r.text).isEqualTo("X-Long: " + longValue + "\r\nSubject: s\r\n\r\nb");
        assertThat(r.removed).isEqualTo(1);
    }

    @Test
    void aLineThatIsNoFieldEndsTheHeaderSection() {
        String in = "Subject: s\r\nthis is body text\r\nAuthentication-Results: mx.example.org; x\r\n";
        assertThat(run(in, 7).text).isEqualTo(in);
    }

    @Test
    void authservIdParsing() {
        assertThat(ForgedResultsFilter.authservId("Authentication-Results: a.b; spf=pass")).isEqualTo("a.b");
        assertThat(ForgedResultsFilter.authservId("Authentication-Results: (x (y)) a.b 1; none")).isEqualTo("a.b");
        assertThat(ForgedResultsFilter.authservId("Authentication-Results:\r\n\ta.b;none")).isEqualTo("a.b");
        assertThat(ForgedResultsFilter.authservId("Authentication-Results: ; none")).isNull();
    }

    private record Result(String text, int removed) {
    }

    private static Result run(String input, int chunk) {
        ForgedResultsFilter f = new ForgedResultsFilter(ID);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] bytes = input.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < bytes.length; i += chunk) {
            ByteBuffer direct = ByteBuffer.allocateDirect(Math.min(chunk, bytes.length - i));
            direct.put(bytes, i, direct.capacity()).flip();
            f.write(direct, b -> {
                byte[] copy = new byte[b.remaining()];
                b.get(copy);
                out.writeBytes(copy);
            });
        }
        f.finish(b -> {
            byte[] copy = new byte[b.remaining()];
            b.get(copy);
            out.writeBytes(copy);
        });
        return new Result(out.toString(StandardCharsets.ISO_8859_1), f.removed());
    }
}
