package dev.tern.security.dkim;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The signature fields the signer writes: tags, signed fields, body hash, folding. */
class DkimSignerTest {

    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_800_000_000L), ZoneOffset.UTC);
    private static DkimKey rsa;
    private static DkimKey ed25519;

    @BeforeAll
    static void keys() {
        rsa = DkimKeyGenerator.generate(DkimAlgorithm.RSA_SHA256, "202611r");
        ed25519 = DkimKeyGenerator.generate(DkimAlgorithm.ED25519_SHA256, "202611e");
    }

    @Test
    void oneFieldPerKeyWithTheTagsOfTheKeyAndDomain() throws IOException {
        String fields = sign(List.of(rsa, ed25519), "From: a@example.test\r\nSubject: hi\r\n\r\nHello\r\n");
        List<String> signatures = Arrays.stream(fields.split("\r\n(?! )")).toList();
        assertThat(signatures).hasSize(2);
        Map<String, String> first = tags(signatures.get(0));
        Map<String, String> second = tags(signatures.get(1));
        assertThat(first).containsEntry("v", "1").containsEntry("a", "rsa-sha256").containsEntry("c", "relaxed/relaxed")
                .containsEntry("d", "example.test").containsEntry("s", "202611r").containsEntry("t", "1800000000");
        assertThat(second).containsEntry("a", "ed25519-sha256").containsEntry("s", "202611e");
        assertThat(first.get("bh")).isEqualTo(second.get("bh"));
        assertThat(first.get("b")).hasSize(344);
        assertThat(second.get("b")).hasSize(88);
        assertThat(fields).endsWith("\r\n").startsWith("DKIM-Signature: v=1;");
    }

    @Test
    void bodyHashOfTheRfc8463Example() throws IOException {
        String message = "From: Joe SixPack <joe@football.example.com>\r\n"
                + "To: Suzie Q <suzie@shopping.example.net>\r\n"
                + "Subject: Is dinner ready?\r\n"
                + "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n"
                + "Message-ID: <20030712040037.46341.5F8J@football.example.com>\r\n"
                + "\r\n"
                + "Hi.\r\n"
                + "\r\n"
                + "We lost the game.  Are you hungry yet?\r\n"
                + "\r\n"
                + "Joe.\r\n";
        assertThat(tags(sign(List.of(ed25519), message))).containsEntry("bh", "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=");
    }

    @Test
    void emptyBodyHashesAsNothing() throws IOException {
        String sha256OfNothing = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
        assertThat(tags(sign(List.of(ed25519), "From: a@example.test\r\n\r\n"))).containsEntry("bh", sha256OfNothing);
        assertThat(tags(sign(List.of(ed25519), "From: a@example.test\r\n"))).containsEntry("bh", sha256OfNothing);
        assertThat(tags(sign(List.of(ed25519), "From: a@example.test\r\n\r\n\r\n \r\n"))).containsEntry("bh", sha256OfNothing);
    }

    @Test
    void signsPresentFieldsAsOftenAsTheyOccurAndFromOnceMore() throws IOException {
        String message = "Received: from x\r\nFrom: a@example.test\r\nTo: b@example.test\r\nTO: c@example.test\r\n"
                + "Subject: s\r\nX-Mailer: m\r\nMIME-Version: 1.0\r\n\r\nbody\r\n";
        assertThat(tags(sign(List.of(ed25519), message)).get("h")).isEqualTo("from:from:subject:to:to:mime-version");
    }

    @Test
    void aMessageWithoutFromStillProtectsAgainstOneBeingAdded() throws IOException {
        assertThat(tags(sign(List.of(ed25519), "Subject: s\r\n\r\nbody\r\n")).get("h")).isEqualTo("from:subject");
    }

    @Test
    void linesAreFoldedWithinRfc5322sLength() throws IOException {
        StringBuilder message = new StringBuilder("From: a@example.test\r\n");
        for (String name : DkimSigner.SIGNED_FIELDS) {
            message.append(name).append(": x\r\n");
        }
        String fields = sign(List.of(rsa, ed25519), message.append("\r\nbody\r\n").toString());
        for (String line : fields.split("\r\n")) {
            assertThat(line.length()).as(line).isLessThanOrEqualTo(78);
        }
        assertThat(fields).doesNotContain("\n\r").doesNotContainPattern("[^\r]\n");
    }

    @Test
    void anOverlongHeaderLineIsRefused() {
        String huge = "Subject: " + "x".repeat(HeaderSection.MAX_LINE + 1) + "\r\n\r\n";
        assertThatThrownBy(() -> sign(List.of(ed25519), huge)).isInstanceOf(UnsignableMessageException.class);
    }

    @Test
    void theSelectedFieldsAreTheOnesASignerNeeds() {
        assertThat(DkimSigner.SIGNED_FIELDS).containsAll(Set.of("from", "to", "cc", "subject", "date", "message-id",
                "reply-to", "in-reply-to", "references", "mime-version", "content-type", "content-transfer-encoding",
                "list-id", "list-unsubscribe", "sender"));
    }

    private static String sign(List<DkimKey> keys, String message) throws IOException {
        byte[] out = new DkimSigner("Example.TEST", keys, CLOCK)
                .sign(new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)));
        return new String(out, StandardCharsets.US_ASCII);
    }

    /** The tags of the first signature field in {@code fields}, whitespace removed from values. */
    static Map<String, String> tags(String fields) {
        String first = fields.split("\r\n(?! )")[0];
        String value = first.substring(first.indexOf(':') + 1).replaceAll("\\s+", "");
        Map<String, String> tags = new LinkedHashMap<>();
        for (String tag : value.split(";")) {
            int eq = tag.indexOf('=');
            tags.put(tag.substring(0, eq), tag.substring(eq + 1));
        }
        return tags;
    }
}
