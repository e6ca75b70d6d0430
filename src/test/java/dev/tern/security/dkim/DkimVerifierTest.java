package dev.tern.security.dkim;

import dev.tern.dns.DnsResolver;
import dev.tern.testing.TestDnsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The verifier against keys served by a DNS server: signatures of Tern's signer, and signatures
 * with the tags a test needs (expired, l=, i=, simple canonicalization) from {@link TestSignatures}.
 */
class DkimVerifierTest {

    private static final String DOMAIN = "example.test";
    private static final long NOW = 1_800_000_000L;
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
    private static final List<String> SIGNED = List.of("from", "to", "subject", "date");

    private static TestDnsServer dns;
    private static DnsResolver resolver;
    private static DkimVerifier verifier;
    private static DkimKey rsa;
    private static DkimKey ed25519;
    private static DkimSigner tern;

    @BeforeAll
    static void start() {
        dns = TestDnsServer.start();
        resolver = new DnsResolver(dns.settings(Duration.ofMillis(500)));
        verifier = new DkimVerifier(resolver::txt, CLOCK);
        rsa = DkimKeyGenerator.generate(DkimAlgorithm.RSA_SHA256, "202611r");
        ed25519 = DkimKeyGenerator.generate(DkimAlgorithm.ED25519_SHA256, "202611e");
        publish(rsa);
        publish(ed25519);
        tern = new DkimSigner(DOMAIN, List.of(rsa, ed25519), CLOCK);
    }

    @AfterAll
    static void stop() {
        resolver.close();
        dns.close();
    }

    private static void publish(DkimKey key) {
        dns.txt(key.selector() + "._domainkey." + DOMAIN, key.dnsRecordText());
    }

    private static final String MESSAGE = "From: Sender <sender@example.test>\r\n"
            + "To: rcpt@example.org\r\n"
            + "Subject: Quarterly figures\r\n"
            + "Date: Fri, 15 Jan 2027 08:00:00 +0000\r\n"
            + "Message-ID: <1@example.test>\r\n"
            + "\r\n"
            + "Dear reader,\r\n\r\nthe figures  are   attached.\r\n\r\n\r\n";

    @Test
    void anUnsignedMessageHasNoResults() {
        assertThat(verify(bytes(MESSAGE))).isEmpty();
    }

    @Test
    void ternsOwnSignaturesPassWithBothAlgorithms() throws IOException {
        List<DkimResult> results = verify(ternSigned(MESSAGE));
        assertThat(results).extracting(DkimResult::status).containsExactly(DkimStatus.PASS, DkimStatus.PASS);
        DkimResult first = results.get(0);
        assertThat(first.domain()).isEqualTo(DOMAIN);
        assertThat(first.selector()).isEqualTo("202611r");
        assertThat(first.algorithm()).isEqualTo("rsa-sha256");
        assertThat(first.identity()).isNull();
        assertThat(first.headerB()).hasSize(8);
        assertThat(first.reason()).isEqualTo("signature verified");
        assertThat(results.get(1).algorithm()).isEqualTo("ed25519-sha256");
        assertThat(results.get(1).headerB()).isNotEqualTo(first.headerB());
    }

    @Test
    void aChangedBodyFails() throws IOException {
        String signed = string(ternSigned(MESSAGE));
        List<DkimResult> results = verify(bytes(signed.replace("figures  are", "figures were")));
        assertThat(results).extracting(DkimResult::status).containsExactly(DkimStatus.FAIL, DkimStatus.FAIL);
        assertThat(results.get(0).reason()).isEqualTo("body hash did not verify");
    }

    @Test
    void aChangedSignedFieldFailsAndAnAddedUnsignedFieldDoesNot() throws IOException {
        String signed = string(ternSigned(MESSAGE));
        List<DkimResult> changed = verify(bytes(signed.replace("Quarterly figures", "Quarterly figures (urgent)")));
        assertThat(changed).extracting(DkimResult::status).containsExactly(DkimStatus.FAIL, DkimStatus.FAIL);
        assertThat(changed.get(0).reason()).isEqualTo("signature did not verify");

        List<DkimResult> added = verify(bytes("Received: from relay.example.org\r\nX-Spam-Score: 0\r\n" + signed));
        assertThat(added).extracting(DkimResult::status).containsExactly(DkimStatus.PASS, DkimStatus.PASS);
    }

    @Test
    void aSecondFromAddedUnderAnOversignedOneFails() throws IOException {
        String signed = string(ternSigned(MESSAGE));
        String withSecondFrom = signed.replace("To: rcpt@", "From: ceo@example.test\r\nTo: rcpt@");
        assertThat(verify(bytes(withSecondFrom))).extracting(DkimResult::status)
                .containsExactly(DkimStatus.FAIL, DkimStatus.FAIL);
    }

    @Test
    void aKeyThatIsNotPublishedIsAPermanentError() {
        byte[] signed = TestSignatures.sign(bytes(MESSAGE), rsa.withSelector("unpublished"), DOMAIN, "relaxed/relaxed",
                SIGNED, "");
        DkimResult r = verify(signed).get(0);
        assertThat(r.status()).isEqualTo(DkimStatus.PERMERROR);
        assertThat(r.reason()).isEqualTo("no key for unpublished._domainkey.example.test");

        dns.a("nodata._domainkey." + DOMAIN, "192.0.2.1"); // the name exists, without TXT records
        byte[] noData = TestSignatures.sign(bytes(MESSAGE), rsa.withSelector("nodata"), DOMAIN, "relaxed/relaxed",
                SIGNED, "");
        assertThat(verify(noData).get(0).reason()).isEqualTo("no key for nodata._domainkey.example.test");
    }

    @Test
    void aDnsTimeoutIsATemporaryError() {
        dns.unresponsive("slow._domainkey." + DOMAIN);
        byte[] signed = TestSignatures.sign(bytes(MESSAGE), rsa.withSelector("slow"), DOMAIN, "relaxed/relaxed",
                SIGNED, "");
        DkimResult r = verify(signed).get(0);
        assertThat(r.status()).isEqualTo(DkimStatus.TEMPERROR);
        assertThat(r.reason()).startsWith("key lookup failed");
    }

    @Test
    void aServerFailureIsATemporaryError() {
        dns.fail("broken._domainkey." + DOMAIN, Rcode.SERVFAIL);
        byte[] signed = TestSignatures.sign(bytes(MESSAGE), rsa.withSelector("broken"), DOMAIN, "relaxed/relaxed",
                SIGNED, "");
        assertThat(verify(signed).get(0).status()).isEqualTo(DkimStatus.TEMPERROR);
    }

    @Test
    void aRevokedKeyIsAPermanentError() {
        dns.txt("revoked._domainkey." + DOMAIN, "v=DKIM1; k=rsa; p=");
        byte[] signed = TestSignatures.sign(bytes(MESSAGE), rsa.withSelector("revoked"), DOMAIN, "relaxed/relaxed",
                SIGNED, "");
        DkimResult r = verify(signed).get(0);
        assertThat(r.status()).isEqualTo(DkimStatus.PERMERROR);
        assertThat(r.reason()).isEqualTo("key revoked (empty p=)");
    }

    @Test
    void anExpiredSignatureIsRefusedByPolicyAndAnUnexpiredOnePasses() {
        byte[] expired = TestSignatures.sign(bytes(MESSAGE), rsa, DOMAIN, "relaxed/relaxed", SIGNED,
                "t=" + (NOW - 7200) + "; x=" + (NOW - 3600) + "; ");
        DkimResult r = verify(expired).get(0);
        assertThat(r.status()).isEqualTo(DkimStatus.POLICY);
        assertThat(r.reason()).isEqualTo("signature expired");

        byte[] valid = TestSignatures.sign(bytes(MESSAGE), rsa, DOMAIN, "relaxed/relaxed", SIGNED,
                "t=" + (NOW - 7200) + "; x=" + NOW + "; ");
        assertThat(verify(valid).get(0).status()).isEqualTo(DkimStatus.PASS);
    }

    @Test
    void textAppendedAfterABodyLengthLimitIsNotAPass() {
        String body = "Pay invoice 17.\r\n";
        byte[] message = bytes(MESSAGE.substring(0, MESSAGE.indexOf("\r\n\r\n") + 4) + body);
        byte[] signed = TestSignatures.sign(message, rsa, DOMAIN, "simple/simple", SIGNED, "", body.length());
        assertThat(verify(signed).get(0).status()).isEqualTo(DkimStatus.PASS);

        String appended = "Also pay 10000 EUR to the account below.\r\n";
        DkimResult r = verify(concat(signed, bytes(appended))).get(0);
        assertThat(r.status()).isEqualTo(DkimStatus.POLICY);
        assertThat(r.reason()).isEqualTo("signature covers only part of the body (l=): " + appended.length()
                + " octets unsigned");
    }

    @Test
    void aBodyLengthLongerThanTheBodyIsAPermanentError() {
        byte[] message = bytes("From: a@example.test\r\n\r\nshort\r\n");
        byte[] signed = TestSignatures.sign(message, rsa, DOMAIN, "relaxed/relaxed", List.of("from"), "", 100);
        DkimResult r = verify(signed).get(0);
        assertThat(r.status()).isEqualTo(DkimStatus.PERMERROR);
        assertThat(r.reason()).isEqualTo("l=100 is longer than the body (7 octets)");
    }

    @Test
    void oneByteChunksGiveTheSameResultsAsOneChunk() throws IOException {
        byte[] message = ternSigned(MESSAGE);
        message = TestSignatures.sign(message, ed25519, DOMAIN, "simple/simple", List.of("from", "subject"), "");
        message = TestSignatures.sign(message, rsa, DOMAIN, "simple/relaxed", SIGNED, "", 10);
        List<DkimResult> whole = verify(message);
        assertThat(whole).extracting(DkimResult::status).containsExactly(DkimStatus.POLICY, DkimStatus.PASS,
                DkimStatus.PASS, DkimStatus.PASS);

        DkimVerifier.Verification heap = verifier.begin();
        DkimVerifier.Verification direct = verifier.begin();
        for (byte b : message) {
            heap.update(ByteBuffer.wrap(new byte[]{b}));
            direct.update(ByteBuffer.allocateDirect(1).put(b).flip());
        }
        assertThat(join(heap.finish())).isEqualTo(whole);
        assertThat(join(direct.finish())).isEqualTo(whole);
        assertThat(heap.headerFields()).extracting(HeaderField::name).containsExactly("dkim-signature",
                "dkim-signature", "dkim-signature", "dkim-signature", "from", "to", "subject", "date", "message-id");
    }

    @Test
    void onlyTheFirstTenSignaturesAreChecked() {
        byte[] message = bytes(MESSAGE);
        for (int i = 0; i < 12; i++) {
            message = TestSignatures.sign(message, ed25519, DOMAIN, "relaxed/relaxed", SIGNED, "");
        }
        List<DkimResult> results = verify(message);
        assertThat(results).hasSize(12);
        assertThat(results.subList(0, 10)).allMatch(DkimResult::passed);
        assertThat(results.subList(10, 12)).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(DkimStatus.POLICY);
            assertThat(r.reason()).startsWith("too many signatures");
            assertThat(r.domain()).isEqualTo(DOMAIN);
        });
    }

    @Test
    void aHeaderSectionBeyondTheBoundIsAPermanentErrorForEverySignature() {
        StringBuilder huge = new StringBuilder();
        while (huge.length() < DkimVerifier.MAX_HEADER_BYTES) {
            huge.append("X-Filler: ").append("x".repeat(990)).append("\r\n");
        }
        byte[] message = TestSignatures.sign(bytes(huge + MESSAGE), rsa, DOMAIN, "relaxed/relaxed", SIGNED, "");
        message = concat(bytes(huge.toString()), message);
        DkimVerifier.Verification v = verifier.begin();
        v.update(ByteBuffer.wrap(message));
        List<DkimResult> results = join(v.finish());
        assertThat(results).hasSize(1);
        assertThat(results.get(0).status()).isEqualTo(DkimStatus.PERMERROR);
        assertThat(results.get(0).reason()).isEqualTo("header section larger than 256 KiB");
        assertThat(v.headerFields()).isEmpty();
    }

    @Test
    void rsaSha1IsRefused() {
        DkimResult r = verify(bytes("DKIM-Signature: v=1; a=rsa-sha1; d=example.test; s=202611r; h=from; bh=AAAA; b=AAAA\r\n"
                + MESSAGE)).get(0);
        assertThat(r.status()).isEqualTo(DkimStatus.PERMERROR);
        assertThat(r.reason()).isEqualTo("rsa-sha1 is not accepted (RFC 8301)");
        assertThat(r.algorithm()).isEqualTo("rsa-sha1");
    }

    @Test
    void anRsaKeyShorterThan1024BitsIsAPermanentError() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(768);
        KeyPair pair = g.generateKeyPair();
        DkimKey weak = new DkimKey("weak", DkimAlgorithm.RSA_SHA256, pair.getPrivate(),
                Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()));
        publish(weak);
        DkimResult r = verify(TestSignatures.sign(bytes(MESSAGE), weak, DOMAIN, "relaxed/relaxed", SIGNED, "")).get(0);
        assertThat(r.status()).isEqualTo(DkimStatus.PERMERROR);
        assertThat(r.reason()).isEqualTo("RSA key of 768 bits is shorter than 1024");
    }

    @Test
    void malformedSignaturesArePermanentErrors() {
        assertThat(reasonOf("v=1; a=rsa-sha256; d=example.test; s=x; h=from; bh=AAAA; b=AAAA; d=other.test"))
                .isEqualTo("tag list syntax error: tag d= appears twice");
        assertThat(reasonOf("v=1; a=rsa-sha256; d=example.test; s=x; h=from; bh=AAAA; b=AAAA; garbage"))
                .isEqualTo("tag list syntax error: tag without \"=\": garbage");
        assertThat(reasonOf("v=1; a=rsa-sha256; d=example.test; h=from; bh=AAAA; b=AAAA"))
                .isEqualTo("missing required tag s=");
        assertThat(reasonOf("v=1; a=rsa-sha256; d=example.test; s=x; h=subject:to; bh=AAAA; b=AAAA"))
                .isEqualTo("h= does not include from");
        assertThat(reasonOf("v=1; a=rsa-sha256; d=example.test; i=user@example.org; s=x; h=from; bh=AAAA; b=AAAA"))
                .isEqualTo("i= domain example.org is not within d=example.test");
        assertThat(reasonOf("v=2; a=rsa-sha256; d=example.test; s=x; h=from; bh=AAAA; b=AAAA"))
                .isEqualTo("unsupported version v=2");
        assertThat(reasonOf("v=1; a=rsa-sha512; d=example.test; s=x; h=from; bh=AAAA; b=AAAA"))
                .isEqualTo("unknown algorithm a=rsa-sha512");
        assertThat(reasonOf("v=1; a=rsa-sha256; c=loose; d=example.test; s=x; h=from; bh=AAAA; b=AAAA"))
                .isEqualTo("unknown canonicalization c=loose");
        assertThat(reasonOf("v=1; a=rsa-sha256; d=example.test; s=x; h=from; bh=AAAA; b=AA!A"))
                .isEqualTo("b= is not base64");
        assertThat(reasonOf("v=1; a=rsa-sha256; d=example.test; s=x; h=from; bh=AAAA; b=AAAA; t=200; x=100"))
                .isEqualTo("x= is earlier than t=");
        assertThat(reasonOf("v=1; a=rsa-sha256; d=example.test; s=x; h=from; bh=AAAA; b=AAAA; q=http/well-known"))
                .isEqualTo("no supported query method in q=http/well-known");
    }

    @Test
    void anIdentityInASubdomainPassesUnlessTheKeyForbidsIt() {
        byte[] signed = TestSignatures.sign(bytes(MESSAGE), rsa, DOMAIN, "relaxed/relaxed", SIGNED,
                "i=news@letters.example.test; ");
        DkimResult r = verify(signed).get(0);
        assertThat(r.status()).isEqualTo(DkimStatus.PASS);
        assertThat(r.identity()).isEqualTo("news@letters.example.test");

        dns.txt("strict._domainkey." + DOMAIN, "v=DKIM1; t=s; p=" + rsa.dnsPublicKey());
        byte[] strict = TestSignatures.sign(bytes(MESSAGE), rsa.withSelector("strict"), DOMAIN, "relaxed/relaxed",
                SIGNED, "i=news@letters.example.test; ");
        DkimResult s = verify(strict).get(0);
        assertThat(s.status()).isEqualTo(DkimStatus.PERMERROR);
        assertThat(s.reason()).isEqualTo("key requires i= in d= itself (t=s), not letters.example.test");
    }

    @Test
    void keyRecordsThatDoNotFitTheSignatureArePermanentErrors() {
        dns.txt("edkey._domainkey." + DOMAIN, ed25519.dnsRecordText());
        dns.txt("sha1only._domainkey." + DOMAIN, "v=DKIM1; h=sha1; p=" + rsa.dnsPublicKey());
        dns.txt("web._domainkey." + DOMAIN, "v=DKIM1; s=web; p=" + rsa.dnsPublicKey());
        assertThat(verify(TestSignatures.sign(bytes(MESSAGE), rsa.withSelector("edkey"), DOMAIN, "relaxed/relaxed",
                SIGNED, "")).get(0).reason()).isEqualTo("key type k=ed25519 does not match a=rsa-sha256");
        assertThat(verify(TestSignatures.sign(bytes(MESSAGE), rsa.withSelector("sha1only"), DOMAIN, "relaxed/relaxed",
                SIGNED, "")).get(0).reason()).isEqualTo("key does not allow sha256 (h=sha1)");
        assertThat(verify(TestSignatures.sign(bytes(MESSAGE), rsa.withSelector("web"), DOMAIN, "relaxed/relaxed",
                SIGNED, "")).get(0).reason()).isEqualTo("key is not for email (s=web)");
    }

    @Test
    void fieldsListedInHButAbsentAreSignedAsNothing() {
        byte[] signed = TestSignatures.sign(bytes(MESSAGE), ed25519, DOMAIN, "relaxed/relaxed",
                List.of("from", "subject", "reply-to", "reply-to"), "");
        assertThat(verify(signed).get(0).status()).isEqualTo(DkimStatus.PASS);
        String withReplyTo = string(signed).replace("Subject:", "Reply-To: attacker@evil.test\r\nSubject:");
        assertThat(verify(bytes(withReplyTo)).get(0).status()).isEqualTo(DkimStatus.FAIL);
    }

    @Test
    void theHeaderFieldsAreThereForDmarc() throws IOException {
        DkimVerifier.Verification v = verifier.begin();
        v.update(ByteBuffer.wrap(ternSigned(MESSAGE)));
        join(v.finish());
        List<HeaderField> fields = v.headerFields();
        assertThat(fields).extracting(HeaderField::name).containsExactly("dkim-signature", "dkim-signature", "from",
                "to", "subject", "date", "message-id");
        assertThat(fields.get(2).value()).isEqualTo(" Sender <sender@example.test>");
    }

    @Test
    void finishingTwiceGivesTheSameAnswerAndUpdatingAfterwardsIsRefused() {
        DkimVerifier.Verification v = verifier.begin();
        v.update(ByteBuffer.wrap(bytes(MESSAGE)));
        assertThat(v.finish()).isSameAs(v.finish());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> v.update(ByteBuffer.wrap(new byte[1])))
                .isInstanceOf(IllegalStateException.class);
    }

    private static String reasonOf(String signatureValue) {
        List<DkimResult> results = verify(bytes("DKIM-Signature: " + signatureValue + "\r\n" + MESSAGE));
        assertThat(results).hasSize(1);
        assertThat(results.get(0).status()).isEqualTo(DkimStatus.PERMERROR);
        return results.get(0).reason();
    }

    private static List<DkimResult> verify(byte[] message) {
        return join(verifier.verify(message));
    }

    static <T> T join(java.util.concurrent.CompletableFuture<T> f) {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] ternSigned(String message) throws IOException {
        byte[] m = bytes(message);
        return concat(tern.sign(new ByteArrayInputStream(m)), m);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String string(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
