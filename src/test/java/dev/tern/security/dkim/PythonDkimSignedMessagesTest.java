package dev.tern.security.dkim;

import dev.tern.testing.DkimpySigner;
import dev.tern.dns.DnsAnswer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static dev.tern.security.dkim.DkimVerifierTest.bytes;
import static dev.tern.security.dkim.DkimVerifierTest.concat;
import static dev.tern.security.dkim.DkimVerifierTest.join;
import static dev.tern.security.dkim.DkimVerifierTest.string;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Messages signed by another implementation, dkimpy (Debian's python3-dkim, with python3-nacl for
 * ed25519), checked by {@link DkimVerifier}: every canonicalization and both algorithms. These tests
 * fail, not skip, without them: CI installs both (.ci/run).
 */
class PythonDkimSignedMessagesTest {

    private static final String DOMAIN = "example.test";
    private static final String HEADERS = "from:to:subject:date:message-id";
    private static final Map<String, String> KEYS = new ConcurrentHashMap<>();
    private static DkimKey rsa;
    private static DkimKey ed25519;
    private static DkimVerifier verifier;

    @TempDir
    Path dir;

    @BeforeAll
    static void keys() {
        rsa = DkimKeyGenerator.generate(DkimAlgorithm.RSA_SHA256, "py-rsa");
        ed25519 = DkimKeyGenerator.generate(DkimAlgorithm.ED25519_SHA256, "py-ed");
        publish(rsa);
        publish(ed25519);
        verifier = new DkimVerifier(name -> CompletableFuture.completedFuture(KEYS.containsKey(name)
                ? new DnsAnswer.Found<>(List.of(KEYS.get(name))) : new DnsAnswer.NoSuchDomain<>()), Clock.systemUTC());
    }

    private static void publish(DkimKey key) {
        KEYS.put(key.selector() + "._domainkey." + DOMAIN, key.dnsRecordText());
    }

    /**
     * Whitespace runs, trailing whitespace, folded fields, empty lines at the end and 8-bit octets:
     * what canonicalization is about.
     */
    private static final String MESSAGE = "From: Jürgen Sänger <sender@example.test>\r\n"
            + "To: one@example.org,\r\n\t two@example.org\r\n"
            + "Subject: a  subject   folded\r\n   over   two lines  \r\n"
            + "Date: Fri, 15 Jan 2027 08:00:00 +0000\r\n"
            + "Message-ID: <py@example.test>\r\n"
            + "\r\n"
            + "text  with   runs of   spaces \t\r\nand trailing ones   \r\n\r\nGrüße\r\n\r\n\r\n";

    @Test
    void rsaSimpleSimplePasses() throws Exception {
        assertPasses(sign(rsa, "simple/simple", false), "rsa-sha256");
    }

    @Test
    void rsaRelaxedRelaxedPasses() throws Exception {
        assertPasses(sign(rsa, "relaxed/relaxed", false), "rsa-sha256");
    }

    @Test
    void rsaRelaxedSimplePasses() throws Exception {
        assertPasses(sign(rsa, "relaxed/simple", false), "rsa-sha256");
    }

    @Test
    void rsaSimpleRelaxedPasses() throws Exception {
        assertPasses(sign(rsa, "simple/relaxed", false), "rsa-sha256");
    }

    @Test
    void ed25519Passes() throws Exception {
        assertPasses(sign(ed25519, "relaxed/relaxed", false), "ed25519-sha256");
        assertPasses(sign(ed25519, "simple/simple", false), "ed25519-sha256");
    }

    @Test
    void refoldingAndWhitespaceChangesPassRelaxedButFailSimple() throws Exception {
        String relaxed = string(sign(rsa, "relaxed/relaxed", false));
        String simple = string(sign(rsa, "simple/simple", false));
        assertThat(verifyOne(bytes(refold(relaxed))).status()).isEqualTo(DkimStatus.PASS);
        DkimResult headerChanged = verifyOne(bytes(simple.replace("Subject: a  subject", "Subject: a subject")));
        assertThat(headerChanged.status()).isEqualTo(DkimStatus.FAIL);
        assertThat(headerChanged.reason()).isEqualTo("signature did not verify");
        DkimResult bodyChanged = verifyOne(bytes(simple.replace("ones   \r\n", "ones\r\n")));
        assertThat(bodyChanged.status()).isEqualTo(DkimStatus.FAIL);
        assertThat(bodyChanged.reason()).isEqualTo("body hash did not verify");
    }

    @Test
    void emptyLinesAddedAtTheEndStillPass() throws Exception {
        assertThat(verifyOne(concat(sign(rsa, "simple/simple", false), bytes("\r\n\r\n"))).status())
                .isEqualTo(DkimStatus.PASS);
        assertThat(verifyOne(concat(sign(ed25519, "relaxed/relaxed", false), bytes("\r\n \r\n"))).status())
                .isEqualTo(DkimStatus.PASS);
    }

    @Test
    void tamperingFailsForBothAlgorithms() throws Exception {
        for (DkimKey key : List.of(rsa, ed25519)) {
            String signed = string(sign(key, "relaxed/relaxed", false));
            DkimResult body = verifyOne(bytes(signed.replace("Grüße", "Hallo")));
            assertThat(body.status()).isEqualTo(DkimStatus.FAIL);
            assertThat(body.reason()).isEqualTo("body hash did not verify");
            DkimResult header = verifyOne(bytes(signed.replace("To: one@example.org", "To: other@example.org")));
            assertThat(header.status()).isEqualTo(DkimStatus.FAIL);
            assertThat(header.reason()).isEqualTo("signature did not verify");
        }
    }

    @Test
    void aBodyLengthLimitWithTextAppendedIsAPolicyResult() throws Exception {
        byte[] signed = sign(rsa, "relaxed/simple", true);
        assertThat(string(signed)).containsPattern("l=\\d+");
        assertThat(verifyOne(signed).status()).isEqualTo(DkimStatus.PASS);
        DkimResult appended = verifyOne(concat(signed, bytes("Click here: https://evil.test/\r\n")));
        assertThat(appended.status()).isEqualTo(DkimStatus.POLICY);
        // The 32 octets appended, and the two empty lines before them that no longer end the body.
        assertThat(appended.reason()).endsWith(": 36 octets unsigned");
    }

    @Test
    void theIdentityDkimpyWritesIsReported() throws Exception {
        DkimResult r = verifyOne(sign(rsa, "relaxed/relaxed", false));
        assertThat(r.identity()).isEqualTo("@" + DOMAIN);
        assertThat(r.domain()).isEqualTo(DOMAIN);
        assertThat(r.selector()).isEqualTo("py-rsa");
    }

    @Test
    void aShortRsaKeyIsRefusedThoughTheSignatureIsGood() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(768);
        KeyPair pair = g.generateKeyPair();
        DkimKey weak = new DkimKey("py-weak", DkimAlgorithm.RSA_SHA256, pair.getPrivate(),
                Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()));
        publish(weak);
        DkimResult r = verifyOne(sign(weak, "relaxed/relaxed", false));
        assertThat(r.status()).isEqualTo(DkimStatus.PERMERROR);
        assertThat(r.reason()).contains("768 bits");
    }

    @Test
    void oneByteChunksGiveTheSameResults() throws Exception {
        byte[] message = sign(rsa, "simple/simple", false);
        DkimVerifier.Verification v = verifier.begin();
        for (byte b : message) {
            v.update(ByteBuffer.wrap(new byte[]{b}));
        }
        assertThat(join(v.finish())).isEqualTo(join(verifier.verify(message)));
    }

    private static String refold(String signed) {
        return signed.replace("Subject: a  subject   folded\r\n   over", "subject:a subject\r\n folded over")
                .replace("spaces \t\r\n", "spaces\r\n")
                .replace("\r\n\r\n\r\n", "\r\n");
    }

    private void assertPasses(byte[] signed, String algorithm) {
        DkimResult r = verifyOne(signed);
        assertThat(r.status()).as(r.reason()).isEqualTo(DkimStatus.PASS);
        assertThat(r.algorithm()).isEqualTo(algorithm);
    }

    private static DkimResult verifyOne(byte[] message) {
        List<DkimResult> results = join(verifier.verify(message));
        assertThat(results).hasSize(1);
        return results.get(0);
    }

    /** The message signed by dkimpy with the key, as "DKIM-Signature: …" followed by the message. */
    private byte[] sign(DkimKey key, String canonicalization, boolean bodyLength) throws Exception {
        return new DkimpySigner(dir).sign(MESSAGE.getBytes(StandardCharsets.UTF_8), key, DOMAIN, canonicalization,
                HEADERS, bodyLength);
    }
}
