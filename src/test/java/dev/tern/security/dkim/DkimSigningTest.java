package dev.tern.security.dkim;

import dev.tern.store.MetadataStore;
import dev.tern.store.embedded.EmbeddedStore;
import dev.tern.testing.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The service delivery calls: the stored keys of a sender domain, cached. */
class DkimSigningTest {

    private static final byte[] MESSAGE = "From: a@example.test\r\nSubject: s\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;
    MetadataStore store;
    TestClock clock = new TestClock("2026-11-29T10:00:00Z");
    DkimSigning signing;
    DkimKeys keys;

    @BeforeEach
    void open() {
        store = EmbeddedStore.openMetadata(dir, 2);
        store.writeAndWait(tx -> tx.directory().insertDomain("example.test", Instant.now()));
        signing = new DkimSigning(store, clock, Duration.ofMinutes(1));
        keys = new DkimKeys(store, clock, signing::invalidate);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aDomainWithoutKeysIsNotSigned() throws Exception {
        assertThat(signing.signatureHeaders("example.test", new ByteArrayInputStream(MESSAGE))).isEmpty();
        assertThat(signing.signatureHeaders("unknown.test", new ByteArrayInputStream(MESSAGE))).isEmpty();
    }

    @Test
    void newKeysAreUsedAtOnceWhenChangedInThisProcess() throws Exception {
        assertThat(signing.signer("example.test")).isEmpty();
        List<DkimKey> made = keys.generate("Example.TEST.");
        Optional<byte[]> fields = signing.signatureHeaders("EXAMPLE.test", new ByteArrayInputStream(MESSAGE));
        String text = new String(fields.orElseThrow(), StandardCharsets.US_ASCII);
        assertThat(text).contains("a=rsa-sha256;").contains("a=ed25519-sha256;").contains("d=example.test;");
        assertThat(text.indexOf("rsa-sha256")).isLessThan(text.indexOf("ed25519-sha256"));
        assertThat(made).extracting(DkimKey::selector).allMatch(s -> text.contains("s=" + s + ";"));

        keys.delete("example.test", made.get(1).selector());
        assertThat(signing.signer("example.test").orElseThrow().keys()).extracting(DkimKey::selector)
                .containsExactly(made.get(0).selector());
    }

    @Test
    void changesFromAnotherProcessAreSeenOnceTheCacheExpires() {
        assertThat(signing.signer("example.test")).isEmpty();
        new DkimKeys(store, clock, d -> { }).generate("example.test");
        assertThat(signing.signer("example.test")).isEmpty();
        clock.advance(Duration.ofMinutes(1));
        assertThat(signing.signer("example.test")).isPresent();
    }

    @Test
    void aSecondKeySetTheSameMonthGetsOtherSelectors() {
        List<DkimKey> first = keys.generate("example.test");
        List<DkimKey> second = keys.generate("example.test");
        assertThat(second).extracting(DkimKey::selector).doesNotContainAnyElementsOf(
                first.stream().map(DkimKey::selector).toList());
        assertThat(keys.keys("example.test")).hasSize(4);
    }

    @Test
    void unknownDomainsAndSelectorsAreReportedInWords() {
        assertThatThrownBy(() -> keys.generate("nowhere.test")).hasMessageContaining("no such domain: nowhere.test");
        assertThatThrownBy(() -> keys.delete("example.test", "nope")).hasMessageContaining("no DKIM key with selector nope");
    }
}
