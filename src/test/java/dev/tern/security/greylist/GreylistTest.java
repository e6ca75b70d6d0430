package dev.tern.security.greylist;

import dev.tern.security.greylist.GreylistVerdict.Outcome;
import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import dev.tern.store.embedded.EmbeddedStore;
import dev.tern.testing.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class GreylistTest {

    private static final Duration DELAY = Duration.ofMinutes(5);
    private static final Duration RETRY_WINDOW = Duration.ofHours(4);
    private static final Duration LIFETIME = Duration.ofDays(35);

    @TempDir
    Path dir;

    private MetadataStore store;
    private ExecutorService storage;
    private final TestClock clock = new TestClock("2026-11-02T10:00:00Z");


    @BeforeEach
    void open() {
        store = EmbeddedStore.openMetadata(dir, 2);
        storage = Executors.newFixedThreadPool(2);
    }

    @AfterEach
    void close() {
        store.close();
        storage.shutdownNow();
    }

    private Greylist greylist(List<String> whitelist) {
        return new Greylist(store, DELAY, RETRY_WINDOW, LIFETIME, whitelist, clock, storage);
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static GreylistVerdict check(Greylist g, String client, String sender, String recipient) {
        return g.check(ip(client), sender, recipient).join();
    }

    private Optional<Rows.GreylistTriplet> stored(String network, String sender, String recipient) {
        return store.read(tx -> tx.greylist().triplet(network, sender, recipient));
    }

    @Test
    void aFirstAttemptIsDeferredForTheDelay() {
        GreylistVerdict v = check(greylist(List.of()), "192.0.2.1", "Alice@Sender.Test", "Bob@Example.Test");

        assertThat(v.outcome()).isEqualTo(Outcome.FIRST_SEEN);
        assertThat(v.passed()).isFalse();
        assertThat(v.retryAfter()).isEqualTo(Duration.ofSeconds(300));
        assertThat(v.replyText()).isEqualTo("greylisted, please try again in 300 seconds");
        assertThat(GreylistVerdict.REPLY_CODE).isEqualTo(451);
        assertThat(stored("192.0.2.0/24", "alice@sender.test", "bob@example.test")).get()
                .extracting(Rows.GreylistTriplet::passed).isEqualTo(false);
    }

    @Test
    void aRetryBeforeTheDelayIsDeferredForTheRest() {
        Greylist g = greylist(List.of());
        check(g, "192.0.2.1", "alice@sender.test", "bob@example.test");
        clock.advance(Duration.ofSeconds(61));

        GreylistVerdict v = check(g, "192.0.2.1", "alice@sender.test", "bob@example.test");

        assertThat(v.outcome()).isEqualTo(Outcome.TOO_EARLY);
        assertThat(v.retryAfter()).isEqualTo(Duration.ofSeconds(239));
    }

    @Test
    void aRetryAfterTheDelayPassesAndSoDoesLaterMail() {
        Greylist g = greylist(List.of());
        check(g, "192.0.2.1", "alice@sender.test", "bob@example.test");
        clock.advance(DELAY);

        GreylistVerdict retried = check(g, "192.0.2.200", "ALICE@sender.test", "bob@example.test");
        clock.advance(Duration.ofDays(20));
        GreylistVerdict later = check(g, "192.0.2.1", "alice@sender.test", "bob@example.test");
        GreylistVerdict otherRecipient = check(g, "192.0.2.1", "alice@sender.test", "carol@example.test");

        assertThat(retried.outcome()).as("another host of the same /24").isEqualTo(Outcome.RETRIED);
        assertThat(retried.retryAfter()).isZero();
        assertThat(later.outcome()).isEqualTo(Outcome.KNOWN);
        assertThat(otherRecipient.outcome()).isEqualTo(Outcome.FIRST_SEEN);
    }

    @Test
    void ipv6ClientsCountBySlash64() {
        Greylist g = greylist(List.of());
        check(g, "2001:db8:1:2::10", null, "bob@example.test");
        clock.advance(DELAY.plusSeconds(1));

        assertThat(check(g, "2001:db8:1:3::10", null, "bob@example.test").outcome()).isEqualTo(Outcome.FIRST_SEEN);
        assertThat(check(g, "2001:db8:1:2:ffff::1", null, "bob@example.test").outcome()).isEqualTo(Outcome.RETRIED);
        assertThat(stored("2001:db8:1:2::/64", "", "bob@example.test")).isPresent();
    }

    @Test
    void aRetryAfterTheRetryWindowStartsOver() {
        Greylist g = greylist(List.of());
        check(g, "192.0.2.1", "alice@sender.test", "bob@example.test");
        clock.advance(RETRY_WINDOW.plusSeconds(1));

        GreylistVerdict late = check(g, "192.0.2.1", "alice@sender.test", "bob@example.test");
        clock.advance(Duration.ofMinutes(4));
        GreylistVerdict early = check(g, "192.0.2.1", "alice@sender.test", "bob@example.test");
        clock.advance(Duration.ofMinutes(1));
        GreylistVerdict passed = check(g, "192.0.2.1", "alice@sender.test", "bob@example.test");

        assertThat(late.outcome()).isEqualTo(Outcome.FIRST_SEEN);
        assertThat(late.retryAfter()).isEqualTo(DELAY);
        assertThat(early.outcome()).isEqualTo(Outcome.TOO_EARLY);
        assertThat(passed.outcome()).isEqualTo(Outcome.RETRIED);
    }

    @Test
    void aPassedTripletExpiresWhenIdleButLastsWhileUsed() {
        Greylist g = greylist(List.of());
        check(g, "192.0.2.1", "alice@sender.test", "bob@example.test");
        check(g, "192.0.2.1", "news@sender.test", "bob@example.test");
        clock.advance(DELAY);
        check(g, "192.0.2.1", "alice@sender.test", "bob@example.test");
        check(g, "192.0.2.1", "news@sender.test", "bob@example.test");

        for (int i = 0; i < 4; i++) {
            clock.advance(Duration.ofDays(20));
            assertThat(check(g, "192.0.2.1", "news@sender.test", "bob@example.test").outcome()).isEqualTo(Outcome.KNOWN);
        }
        Instant lastUse = clock.instant();
        await().until(() -> stored("192.0.2.0/24", "news@sender.test", "bob@example.test").get().lastSeen().equals(lastUse));
        GreylistVerdict idle = check(g, "192.0.2.1", "alice@sender.test", "bob@example.test");
        GreylistVerdict fromStore = check(greylist(List.of()), "192.0.2.1", "news@sender.test", "bob@example.test");

        assertThat(idle.outcome()).isEqualTo(Outcome.FIRST_SEEN);
        assertThat(fromStore.outcome()).as("its use was written back").isEqualTo(Outcome.KNOWN);
    }

    @Test
    void whitelistedNetworksPassWithoutATrace() {
        Greylist g = greylist(List.of("198.51.100.0/24", "2001:db8:aaaa::/48"));

        assertThat(check(g, "198.51.100.7", "alice@sender.test", "bob@example.test").outcome())
                .isEqualTo(Outcome.WHITELISTED);
        assertThat(check(g, "2001:db8:aaaa:5::1", null, "bob@example.test").outcome()).isEqualTo(Outcome.WHITELISTED);
        assertThat(check(g, "198.51.101.7", "alice@sender.test", "bob@example.test").outcome())
                .isEqualTo(Outcome.FIRST_SEEN);
        assertThat(stored("198.51.100.0/24", "alice@sender.test", "bob@example.test")).isEmpty();
    }

    @Test
    void whitelistedSendersAndRecipientsPass() {
        Greylist g = greylist(List.of("from:sender.test", "from:boss@partner.test", "to:postmaster@example.test",
                "to:@open.test"));

        assertThat(check(g, "192.0.2.1", "Alice@Mail.Sender.TEST", "bob@example.test").outcome())
                .isEqualTo(Outcome.WHITELISTED);
        assertThat(check(g, "192.0.2.1", "boss@partner.test", "bob@example.test").outcome())
                .isEqualTo(Outcome.WHITELISTED);
        assertThat(check(g, "192.0.2.1", "x@spam.test", "PostMaster@example.test").outcome())
                .isEqualTo(Outcome.WHITELISTED);
        assertThat(check(g, "192.0.2.1", "x@spam.test", "anyone@open.test").outcome()).isEqualTo(Outcome.WHITELISTED);

        assertThat(check(g, "192.0.2.1", "intern@partner.test", "bob@example.test").outcome())
                .isEqualTo(Outcome.FIRST_SEEN);
        assertThat(check(g, "192.0.2.1", "x@notsender.test", "bob@example.test").outcome())
                .isEqualTo(Outcome.FIRST_SEEN);
        assertThat(check(g, "192.0.2.1", null, "bob@example.test").outcome()).isEqualTo(Outcome.FIRST_SEEN);
    }

    @Test
    void malformedWhitelistEntriesAreRefused() {
        for (String bad : List.of("example.org", "from:", "to:@", "192.0.2.0/33", "from:user@")) {
            assertThatThrownBy(() -> greylist(List.of(bad))).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad);
        }
    }

    @Test
    void aNetworkThatPassedEnoughTripletsIsNoLongerGreylisted() {
        Greylist g = new Greylist(store, DELAY, RETRY_WINDOW, LIFETIME, List.of(), 3, clock, storage);
        for (String rcpt : List.of("a@example.test", "b@example.test", "c@example.test")) {
            check(g, "192.0.2.1", "alice@sender.test", rcpt);
        }
        clock.advance(DELAY);
        for (String rcpt : List.of("a@example.test", "b@example.test")) {
            assertThat(check(g, "192.0.2.9", "alice@sender.test", rcpt).outcome()).isEqualTo(Outcome.RETRIED);
        }
        assertThat(check(g, "192.0.2.9", "new@sender.test", "d@example.test").outcome())
                .as("two passes are not enough").isEqualTo(Outcome.FIRST_SEEN);
        assertThat(check(g, "192.0.2.9", "alice@sender.test", "c@example.test").outcome()).isEqualTo(Outcome.RETRIED);

        GreylistVerdict trusted = check(g, "192.0.2.33", "other@sender.test", "e@example.test");
        GreylistVerdict trustedAfterRestart = check(new Greylist(store, DELAY, RETRY_WINDOW, LIFETIME, List.of(), 3,
                clock, storage), "192.0.2.34", "x@sender.test", "f@example.test");
        GreylistVerdict stranger = check(g, "203.0.113.1", "other@sender.test", "e@example.test");

        assertThat(trusted.outcome()).isEqualTo(Outcome.AUTO_ALLOWLISTED);
        assertThat(trustedAfterRestart.outcome()).isEqualTo(Outcome.AUTO_ALLOWLISTED);
        assertThat(stranger.outcome()).isEqualTo(Outcome.FIRST_SEEN);
        Optional<Rows.GreylistNetwork> network = store.read(tx -> tx.greylist().network("192.0.2.0/24"));
        assertThat(network).get().extracting(Rows.GreylistNetwork::passedTriplets).isEqualTo(3);

        clock.advance(LIFETIME.plusDays(1));
        assertThat(check(g, "192.0.2.33", "other@sender.test", "z@example.test").outcome())
                .as("trust lapses when unused").isEqualTo(Outcome.FIRST_SEEN);
    }

    @Test
    void stateSurvivesAStoreReopen() {
        check(greylist(List.of()), "192.0.2.1", "alice@sender.test", "bob@example.test");
        store.close();
        store = EmbeddedStore.openMetadata(dir, 2);
        clock.advance(DELAY.plusSeconds(30));

        GreylistVerdict v = check(greylist(List.of()), "192.0.2.1", "alice@sender.test", "bob@example.test");

        assertThat(v.outcome()).isEqualTo(Outcome.RETRIED);
    }

    @Test
    void simultaneousFirstAttemptsAgree() {
        Greylist g = greylist(List.of());
        List<CompletableFuture<GreylistVerdict>> all = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            all.add(g.check(ip("192.0.2." + (i + 1)), "alice@sender.test", "bob@example.test"));
        }
        Instant firstSeen = clock.instant();
        all.forEach(f -> assertThat(f.join().passed()).isFalse());
        clock.advance(DELAY);

        assertThat(stored("192.0.2.0/24", "alice@sender.test", "bob@example.test")).get()
                .extracting(Rows.GreylistTriplet::firstSeen).isEqualTo(firstSeen);
        assertThat(check(g, "192.0.2.1", "alice@sender.test", "bob@example.test").outcome()).isEqualTo(Outcome.RETRIED);
    }

    @Test
    void aBacklogOfExpiredTripletsIsPurgedInSeveralTransactions() {
        Greylist g = greylist(List.of());
        int n = 2 * Greylist.ROWS_PER_PURGE_TRANSACTION + 7;
        store.writeAndWait(tx -> {
            for (int i = 0; i < n; i++) {
                tx.greylist().putTriplet(new Rows.GreylistTriplet("192.0.2.0/24", "spam" + i + "@sender.test",
                        "bob@example.test", clock.instant(), clock.instant(), false));
            }
            return null;
        });
        clock.advance(RETRY_WINDOW.plus(DELAY));

        assertThat(g.purge().join()).isEqualTo(n);
        assertThat(stored("192.0.2.0/24", "spam0@sender.test", "bob@example.test")).isEmpty();
        assertThat(stored("192.0.2.0/24", "spam" + (n - 1) + "@sender.test", "bob@example.test")).isEmpty();
        assertThat(g.purge().join()).isZero();
    }

    @Test
    void purgeDeletesWhatHasExpired() {
        Greylist g = greylist(List.of());
        check(g, "192.0.2.1", "pending@sender.test", "bob@example.test");
        check(g, "198.51.100.1", "passed@sender.test", "bob@example.test");
        clock.advance(DELAY);
        check(g, "198.51.100.1", "passed@sender.test", "bob@example.test");

        assertThat(g.purge().join()).isZero();
        clock.advance(RETRY_WINDOW);
        assertThat(g.purge().join()).as("the pending triplet").isEqualTo(1);
        assertThat(stored("192.0.2.0/24", "pending@sender.test", "bob@example.test")).isEmpty();
        clock.advance(LIFETIME);
        assertThat(g.purge().join()).as("the passed triplet and its network").isEqualTo(2);
        assertThat(check(g, "198.51.100.1", "passed@sender.test", "bob@example.test").outcome())
                .isEqualTo(Outcome.FIRST_SEEN);
    }

    @Test
    void aFailingStoreDoesNotHoldMailUp() {
        Greylist g = greylist(List.of());
        store.close();

        GreylistVerdict v = check(g, "192.0.2.1", "alice@sender.test", "bob@example.test");

        assertThat(v.outcome()).isEqualTo(Outcome.STORE_FAILED);
        assertThat(v.passed()).isTrue();
        store = EmbeddedStore.openMetadata(dir, 2);
    }

    @Test
    void durationsAreChecked() {
        assertThatThrownBy(() -> new Greylist(store, Duration.ofHours(5), RETRY_WINDOW, LIFETIME, List.of(), clock, storage))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Greylist(store, DELAY, RETRY_WINDOW, Duration.ZERO, List.of(), clock, storage))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
