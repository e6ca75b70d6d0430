package dev.tern.webhooks;

import dev.tern.config.WebhookSettings;
import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import dev.tern.store.embedded.EmbeddedStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The dispatcher forgets finished deliveries past their retention, however many piled up. */
class WebhookPurgeTest {

    @TempDir
    Path dir;
    MetadataStore store;
    WebhookDispatcher dispatcher;

    @BeforeEach
    void open() {
        store = EmbeddedStore.openMetadata(dir, 2);
    }

    @AfterEach
    void close() {
        if (dispatcher != null) {
            dispatcher.close();
        }
        store.close();
    }

    @Test
    void aBacklogOfFinishedDeliveriesIsForgottenInSeveralTransactions() throws Exception {
        Instant now = Instant.now();
        Instant old = now.minus(Duration.ofDays(40));
        int n = 2 * WebhookDispatcher.ROWS_PER_PURGE_TRANSACTION + 3;
        store.writeAndWait(tx -> {
            tx.webhooks().insertWebhook(new Rows.Webhook("w1", "https://hooks.example/a", "whsec_a",
                    List.of("delivered"), List.of(), true, old));
            for (int i = 0; i < n; i++) {
                tx.webhooks().insertDelivery(new Rows.WebhookDelivery("old" + i, "w1", "delivered", "{}", "delivered",
                        1, old, 200, null, old, old, old));
            }
            tx.webhooks().insertDelivery(new Rows.WebhookDelivery("today", "w1", "delivered", "{}", "delivered", 1,
                    now, 200, null, now, now, now));
            return null;
        });
        WebhookSettings settings = new WebhookSettings(false, 4, Duration.ofSeconds(10), Duration.ofDays(30));

        dispatcher = new WebhookDispatcher(store, new Webhooks(store, Clock.systemUTC(), false), settings,
                RetrySchedule.DEFAULT, Clock.systemUTC(), Duration.ofMillis(50)).start();

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<Rows.WebhookDelivery> left = store.read(tx -> tx.webhooks().deliveries("w1", n + 1));
        while (left.size() > 1 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            left = store.read(tx -> tx.webhooks().deliveries("w1", n + 1));
        }
        assertThat(left).extracting(Rows.WebhookDelivery::id).containsExactly("today");
    }
}
