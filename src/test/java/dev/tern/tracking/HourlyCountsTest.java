package dev.tern.tracking;

import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import dev.tern.store.embedded.EmbeddedStore;
import dev.tern.testing.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hourly counts of {@link MessageTrace#hourly}: hours long past are kept rather than counted
 * again, the hour in progress and the hours just ended are always read, each view (every domain,
 * a tenant's domains) has its own, and a purge makes them counted again.
 */
class HourlyCountsTest {

    private static final Instant H10 = Instant.parse("2030-01-01T10:00:00Z");
    private static final Instant H11 = H10.plus(Duration.ofHours(1));
    private static final Instant H12 = H11.plus(Duration.ofHours(1));

    @TempDir
    Path dir;
    MetadataStore store;
    final TestClock clock = new TestClock(H12);
    MessageTrace trace;
    long seq;

    @BeforeEach
    void open() {
        store = EmbeddedStore.openMetadata(dir, 2);
        trace = new MessageTrace(store, clock);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void pastHoursAreKeptOnlyOnceSettledAndTheHourInProgressIsAlwaysRead() {
        received("Q1", "a@shop.example", H10.plusSeconds(60), "x@other.example");
        event("Q1", H11.plusSeconds(60), "delivered", "x@other.example");
        clock.set(H12.plus(Duration.ofMinutes(5)));
        assertThat(counts(3, Set.of(), DeliveryEvent.Type.DELIVERED)).containsExactly(0L, 1L, 0L);

        // Committed late (a transaction that waited for the writer): the hour just ended still takes it.
        event("Q1", H11.plus(Duration.ofMinutes(59)), "delivered", "y@other.example");
        clock.set(H12.plus(Duration.ofMinutes(6)));
        assertThat(counts(3, Set.of(), DeliveryEvent.Type.DELIVERED)).containsExactly(0L, 2L, 0L);

        // Twenty minutes past the hour, 11:00 has settled and is kept from this count on.
        clock.set(H12.plus(Duration.ofMinutes(20)));
        assertThat(counts(3, Set.of(), DeliveryEvent.Type.DELIVERED)).containsExactly(0L, 2L, 0L);
        event("Q1", H11.plus(Duration.ofMinutes(30)), "delivered", "z@other.example");
        event("Q1", H12.plus(Duration.ofMinutes(21)), "delivered", "w@other.example");
        assertThat(counts(3, Set.of(), DeliveryEvent.Type.DELIVERED))
                .as("the settled hour is not read again; the hour in progress is").containsExactly(0L, 2L, 1L);
        assertThat(counts(3, Set.of(), DeliveryEvent.Type.RECEIVED)).containsExactly(1L, 0L, 0L);
        // Asking for more hours reads the ones not kept yet.
        assertThat(counts(4, Set.of(), DeliveryEvent.Type.RECEIVED)).containsExactly(0L, 1L, 0L, 0L);
    }

    @Test
    void eachViewKeepsItsOwnCounts() {
        received("Q1", "a@shop.example", H10.plusSeconds(60), "x@other.example");
        received("Q2", "b@else.example", H10.plusSeconds(120), "y@else.example");
        clock.set(H12.plus(Duration.ofMinutes(30)));
        for (int round = 0; round < 2; round++) {
            assertThat(counts(3, Set.of(), DeliveryEvent.Type.RECEIVED)).containsExactly(2L, 0L, 0L);
            assertThat(counts(3, Set.of("shop.example"), DeliveryEvent.Type.RECEIVED)).containsExactly(1L, 0L, 0L);
            assertThat(counts(3, Set.of("other.example", "else.example"), DeliveryEvent.Type.RECEIVED))
                    .containsExactly(2L, 0L, 0L);
            assertThat(counts(3, Set.of("Nobody.Example"), DeliveryEvent.Type.RECEIVED))
                    .containsExactly(0L, 0L, 0L);
        }
    }

    @Test
    void aPurgeHasTheHoursCountedAgain() {
        received("OLD", "a@shop.example", H10.minus(Duration.ofDays(40)), "x@other.example");
        event("OLD", H10.plusSeconds(30), "delivered", "x@other.example");
        received("NEW", "a@shop.example", H10.plusSeconds(60), "y@other.example");
        event("NEW", H10.plusSeconds(90), "delivered", "y@other.example");
        clock.set(H12.plus(Duration.ofMinutes(30)));
        assertThat(counts(3, Set.of(), DeliveryEvent.Type.DELIVERED)).containsExactly(2L, 0L, 0L);

        assertThat(trace.purge(Duration.ofDays(30))).isEqualTo(1);
        assertThat(counts(3, Set.of(), DeliveryEvent.Type.DELIVERED))
                .as("the purged message's delivery is gone from a kept hour too").containsExactly(1L, 0L, 0L);
    }

    private List<Long> counts(int hours, Set<String> domains, DeliveryEvent.Type type) {
        List<HourlyCounts> out = trace.hourly(hours, domains);
        assertThat(out.get(out.size() - 1).start()).isEqualTo(clock.instant().truncatedTo(
                java.time.temporal.ChronoUnit.HOURS));
        return out.stream().map(h -> h.count(type)).toList();
    }

    private void received(String queueId, String sender, Instant at, String recipient) {
        store.writeAndWait(tx -> {
            tx.tracking().insertMessage(new Rows.TraceMessage(queueId, null, sender, 100, "smtp", "192.0.2.1", null, at),
                    List.of(recipient), "queued");
            tx.tracking().insertEvent(new Rows.DeliveryEvent(queueId, ++seq, at, "received", null, "{}"));
            return null;
        });
    }

    private void event(String queueId, Instant at, String type, String recipient) {
        store.writeAndWait(tx -> {
            tx.tracking().insertEvent(new Rows.DeliveryEvent(queueId, ++seq, at, type, recipient, "{}"));
            return null;
        });
    }
}
