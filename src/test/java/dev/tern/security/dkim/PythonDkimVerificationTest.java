package dev.tern.security.dkim;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.YearMonth;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Signatures made by {@link DkimSigner} checked by another implementation: dkimpy (Debian's
 * python3-dkim, with python3-nacl for ed25519). These tests fail, not skip, without them: CI
 * installs both (.ci/run).
 */
class PythonDkimVerificationTest {

    private static final String DOMAIN = "example.test";
    private static DkimSigner signer;

    @TempDir
    Path dir;

    @BeforeAll
    static void keys() {
        // Through the stored form, as DkimSigning loads them.
        List<DkimKey> keys = DkimKeyGenerator.generateSet(YearMonth.of(2026, 11), Set.of()).stream()
                .map(k -> DkimKey.fromStored(k.selector(), k.algorithm().tagValue(), k.privateKeyPkcs8(), k.dnsPublicKey()))
                .toList();
        signer = new DkimSigner(DOMAIN, keys, Clock.systemUTC());
    }

    @Test
    void aPlainMessageVerifiesWithBothAlgorithms() throws Exception {
        Result r = verify(signed(message("Subject: Hello\r\n", "Hello there.\r\n")));
        assertThat(r.out()).contains("pass 0 202611r rsa-sha256").contains("pass 1 202611e ed25519-sha256");
        assertThat(r.code()).isZero();
    }

    @Test
    void repeatedAndFoldedFieldsVerify() throws Exception {
        String headers = "Received: from a by b\r\n"
                + "To: one@example.org,\r\n\t two@example.org\r\n"
                + "To: three@example.org\r\n"
                + "Cc: four@example.org\r\n"
                + "Subject: a subject folded\r\n   over   two lines  \r\n"
                + "Content-Type: text/plain;\r\n charset=utf-8\r\n"
                + "MIME-Version: 1.0\r\n";
        assertPasses(signed(message(headers, "text  with   runs of   spaces \t\r\nand trailing ones   \r\n\r\n\r\n")));
    }

    @Test
    void relaxedCanonicalizationSurvivesRefoldingOnTheWay() throws Exception {
        byte[] signed = signed(message("Subject: one two\r\n", "body  text\r\n"));
        String changed = new String(signed, StandardCharsets.ISO_8859_1)
                .replace("Subject: one two", "subject:   one\r\n\ttwo  ")
                .replace("body  text\r\n", "body text   \r\n\r\n");
        assertPasses(changed.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aOneMegabyteBodyVerifies() throws Exception {
        StringBuilder body = new StringBuilder();
        for (int i = 0; body.length() < 1_048_576; i++) {
            body.append("line ").append(i).append(i % 7 == 0 ? "  \t with  whitespace  " : " of the long body").append("\r\n");
        }
        assertPasses(signed(message("Subject: big\r\n", body.toString())));
    }

    @Test
    void anEmptyBodyVerifies() throws Exception {
        assertPasses(signed(message("Subject: nothing\r\n", "")));
        byte[] headersOnly = "From: Sender <sender@example.test>\r\nSubject: no empty line\r\n".getBytes(StandardCharsets.US_ASCII);
        assertPasses(concat(signer.sign(new ByteArrayInputStream(headersOnly)), headersOnly));
    }

    @Test
    void eightBitHeadersVerify() throws Exception {
        String headers = "Subject: Grüße aus Köln – ☕\r\nTo: \"Zoë\" <zoe@example.org>\r\n";
        assertPasses(signed(message(headers, "Ünïcödé body\r\n")));
    }

    @Test
    void aFromAddedAfterSigningBreaksTheSignature() throws Exception {
        byte[] signed = signed(message("Subject: s\r\n", "body\r\n"));
        String text = new String(signed, StandardCharsets.UTF_8);
        assertThat(text).containsPattern("h=from:from");
        int bodyStart = text.indexOf("\r\n\r\n");
        String withSecondFrom = text.substring(0, bodyStart) + "\r\nFrom: mallory@evil.test" + text.substring(bodyStart);
        assertFails(withSecondFrom.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aTamperedMessageFails() throws Exception {
        String text = new String(signed(message("Subject: pay 10 EUR\r\n", "to account 1234\r\n")), StandardCharsets.UTF_8);
        assertFails(text.replace("account 1234", "account 9999").getBytes(StandardCharsets.UTF_8));
        assertFails(text.replace("pay 10 EUR", "pay 99 EUR").getBytes(StandardCharsets.UTF_8));
    }

    private void assertPasses(byte[] message) throws Exception {
        Result r = verify(message);
        assertThat(r.out()).contains("pass 0 202611r rsa-sha256").contains("pass 1 202611e ed25519-sha256");
        assertThat(r.code()).as(r.out()).isZero();
    }

    private void assertFails(byte[] message) throws Exception {
        Result r = verify(message);
        assertThat(r.out()).contains("fail 0 202611r rsa-sha256").contains("fail 1 202611e ed25519-sha256")
                .doesNotContain("pass");
        assertThat(r.code()).as(r.out()).isEqualTo(1);
    }

    private static String message(String headers, String body) {
        return "From: Sender <sender@example.test>\r\n" + headers
                + "Date: Sun, 29 Nov 2026 10:00:00 +0000\r\nMessage-ID: <1@example.test>\r\n\r\n" + body;
    }

    private static byte[] signed(String message) throws IOException {
        byte[] m = message.getBytes(StandardCharsets.UTF_8);
        return concat(signer.sign(new ByteArrayInputStream(m)), m);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }

    record Result(int code, String out) {
    }

    /** Runs the verifier on a message with the signer's keys published in a file standing in for DNS. */
    private Result verify(byte[] message) throws Exception {
        Path messageFile = dir.resolve("message.eml");
        Files.write(messageFile, message);
        StringBuilder dns = new StringBuilder();
        for (DkimKey k : signer.keys()) {
            dns.append(k.selector()).append("._domainkey.").append(DOMAIN).append('\t').append(k.dnsRecordText()).append('\n');
        }
        Path dnsFile = dir.resolve("dns.txt");
        Files.writeString(dnsFile, dns);
        Path script = dir.resolve("verify_dkim.py");
        try (InputStream in = PythonDkimVerificationTest.class.getResourceAsStream("/dkim/verify_dkim.py");
             OutputStream out = Files.newOutputStream(script)) {
            in.transferTo(out);
        }
        Process p = new ProcessBuilder(python(), script.toString(), messageFile.toString(), dnsFile.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as("python3-dkim and python3-nacl must be installed (apt-get install python3-dkim python3-nacl)")
                .doesNotContain("ModuleNotFoundError").doesNotContain("Traceback");
        return new Result(p.exitValue(), out);
    }

    /** Debian's interpreter, where python3-dkim installs itself, before whatever else is first on the PATH. */
    static String python() {
        return dev.tern.testing.DkimpySigner.python();
    }
}
