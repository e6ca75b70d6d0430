package dev.tern.security.dkim;

import dev.tern.dns.DnsAnswer;
import dev.tern.testing.DkimpyArc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ARC sets made by Tern, checked by dkimpy (an independent implementation), and chains that dkimpy
 * began, continued by Tern.
 */
class ArcSealerTest {

    private static final String MESSAGE = "Authentication-Results: mx.a.test;\r\n"
            + "\tspf=pass smtp.mailfrom=alice@origin.test;\r\n"
            + "\tdkim=pass header.d=origin.test;\r\n"
            + "\tdmarc=pass header.from=origin.test\r\n"
            + "Delivered-To: info@a.test\r\n"
            + "From: Alice <alice@origin.test>\r\n"
            + "To: info@a.test\r\n"
            + "Subject: forwarded\r\n"
            + "Date: Tue, 1 Dec 2026 10:00:00 +0000\r\n"
            + "Message-ID: <arc-1@origin.test>\r\n"
            + "\r\n"
            + "Hello through a forwarder.\r\n";

    @TempDir
    Path dir;

    private final DkimKey tern = DkimKeyGenerator.generate(DkimAlgorithm.RSA_SHA256, "tern1");
    private final DkimKey other = DkimKeyGenerator.generate(DkimAlgorithm.RSA_SHA256, "other1");
    private final Map<String, String> dns = new HashMap<>(Map.of(
            "tern1._domainkey.a.test", tern.dnsRecordText(),
            "other1._domainkey.b.test", other.dnsRecordText()));

    private final ArcSealer sealer = new ArcSealer("mx.a.test", name -> CompletableFuture.completedFuture(
            dns.containsKey(name) ? new DnsAnswer.Found<>(List.of(dns.get(name))) : new DnsAnswer.NoSuchDomain<>()),
            Clock.systemUTC());

    private ArcSealer.Sealed seal(byte[] message) throws Exception {
        return sealer.seal(new ByteArrayInputStream(message), null, new DkimSigner("a.test", List.of(tern), Clock.systemUTC()));
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] all = new byte[first.length + second.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }

    @Test
    void aFirstSetCarriesTheResultsOnArrivalAndDkimpyValidatesIt() throws Exception {
        byte[] message = MESSAGE.getBytes(StandardCharsets.UTF_8);
        ArcSealer.Sealed sealed = seal(message);
        assertThat(sealed.chainValidation()).isEqualTo("none");
        String fields = new String(sealed.fields(), StandardCharsets.UTF_8);
        String unfolded = fields.replace("\r\n ", " ");
        assertThat(unfolded).startsWith("ARC-Seal: i=1; a=rsa-sha256; t=")
                .contains("cv=none; d=a.test; s=tern1;")
                .contains("ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed; d=a.test; s=tern1;")
                .contains("ARC-Authentication-Results: i=1; mx.a.test;\r\n\tspf=pass smtp.mailfrom=alice@origin.test;");
        DkimpyArc dkimpy = new DkimpyArc(dir, dns);
        byte[] withSet = concat(sealed.fields(), message);
        assertThat(dkimpy.verify(withSet)).startsWith("pass");

        // A change to the message after sealing: the message signature no longer verifies.
        byte[] changed = new String(withSet, StandardCharsets.UTF_8).replace("Hello through", "Hi through")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(dkimpy.verify(changed)).startsWith("fail");
    }

    @Test
    void aChainDkimpyBeganIsContinuedAsPassAndDkimpyContinuesTerns() throws Exception {
        DkimpyArc dkimpy = new DkimpyArc(dir, dns);
        String first = MESSAGE.replace("mx.a.test", "mx.b.test");
        byte[] sealedByB = dkimpy.seal(first.getBytes(StandardCharsets.UTF_8), other, "b.test", "mx.b.test");
        assertThat(new String(sealedByB, StandardCharsets.UTF_8)).contains("ARC-Seal: i=1;");

        // Tern, receiving it next, records its own results and seals i=2 over an intact chain.
        byte[] atA = concat("Authentication-Results: mx.a.test; arc=pass\r\n".getBytes(StandardCharsets.UTF_8), sealedByB);
        ArcSealer.Sealed sealed = seal(atA);
        assertThat(sealed.chainValidation()).isEqualTo("pass");
        String fields = new String(sealed.fields(), StandardCharsets.UTF_8);
        assertThat(fields).contains("ARC-Seal: i=2;").contains("cv=pass;").contains("ARC-Authentication-Results: i=2; "
                + "mx.a.test; arc=pass");
        byte[] twoSets = concat(sealed.fields(), atA);
        assertThat(dkimpy.verify(twoSets)).startsWith("pass");

        // And a third server, dkimpy again, continues Tern's: the whole chain of three validates.
        byte[] threeSets = dkimpy.seal(concat("Authentication-Results: mx.c.test; spf=pass smtp.mailfrom=a.test\r\n"
                .getBytes(StandardCharsets.UTF_8), twoSets), other, "b.test", "mx.c.test");
        assertThat(new String(threeSets, StandardCharsets.UTF_8)).contains("ARC-Seal: i=3;");
        assertThat(dkimpy.verify(threeSets)).startsWith("pass");
    }

    @Test
    void aChainBrokenBeforeArrivalIsSealedAsFailed() throws Exception {
        DkimpyArc dkimpy = new DkimpyArc(dir, dns);
        byte[] sealedByB = dkimpy.seal(MESSAGE.replace("mx.a.test", "mx.b.test").getBytes(StandardCharsets.UTF_8),
                other, "b.test", "mx.b.test");
        byte[] altered = new String(sealedByB, StandardCharsets.UTF_8).replace("Hello through", "Buy now through")
                .getBytes(StandardCharsets.UTF_8);
        ArcSealer.Sealed sealed = seal(altered);
        assertThat(sealed.chainValidation()).isEqualTo("fail");
        assertThat(new String(sealed.fields(), StandardCharsets.UTF_8)).contains("cv=fail;");
        // dkimpy reads Tern's cv=fail as the end of the chain.
        assertThat(dkimpy.verify(concat(sealed.fields(), altered))).doesNotStartWith("pass")
                .contains("ARC-Seal[2] reported failure");

        // A seal whose key is gone from DNS cannot be checked either.
        dns.remove("other1._domainkey.b.test");
        assertThat(seal(sealedByB).chainValidation()).isEqualTo("fail");
    }

    @Test
    void withoutAnRsaKeyOrPastFiftySetsThereIsNoSeal() throws Exception {
        DkimKey ed = DkimKeyGenerator.generate(DkimAlgorithm.ED25519_SHA256, "ed1");
        assertThat(sealer.seal(new ByteArrayInputStream(MESSAGE.getBytes(StandardCharsets.UTF_8)), null,
                new DkimSigner("a.test", List.of(ed), Clock.systemUTC()))).isNull();
        String fifty = "ARC-Seal: i=50; a=rsa-sha256; cv=pass; d=b.test; s=x; b=AAAA\r\n" + MESSAGE;
        assertThat(seal(fifty.getBytes(StandardCharsets.UTF_8))).isNull();
    }

    @Test
    void theResultsComeFromWhatWasWrittenOnArrivalElseTheSetSaysNone() throws Exception {
        String bare = MESSAGE.substring(MESSAGE.indexOf("Delivered-To:"));
        String fields = new String(seal(bare.getBytes(StandardCharsets.UTF_8)).fields(), StandardCharsets.UTF_8);
        assertThat(fields).contains("ARC-Authentication-Results: i=1; mx.a.test; none\r\n");

        // Kept beside the message, as the queue keeps a reception's trace fields; another
        // server's results are not this server's to vouch for.
        String arrival = "Authentication-Results: mx.a.test; spf=fail smtp.mailfrom=jane@c.test\r\n";
        String foreign = "Authentication-Results: mx.other.test; spf=pass smtp.mailfrom=jane@c.test\r\n" + bare;
        ArcSealer.Sealed sealed = sealer.seal(new ByteArrayInputStream(foreign.getBytes(StandardCharsets.UTF_8)),
                arrival, new DkimSigner("a.test", List.of(tern), Clock.systemUTC()));
        assertThat(new String(sealed.fields(), StandardCharsets.UTF_8))
                .contains("ARC-Authentication-Results: i=1; mx.a.test; spf=fail smtp.mailfrom=jane@c.test\r\n");
        assertThat(new DkimpyArc(dir, dns).verify(concat(sealed.fields(),
                foreign.getBytes(StandardCharsets.UTF_8)))).startsWith("pass");
    }
}
