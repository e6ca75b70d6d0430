package dev.tern.store.postgres;

import dev.tern.store.MetadataStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Signals between two stores on one database (two nodes), over LISTEN/NOTIFY. */
class PostgresSignalsTest {

    @RegisterExtension
    static final PostgresTestDatabase database = new PostgresTestDatabase();
    private MetadataStore a;
    private MetadataStore b;

    @BeforeEach
    void openNodes() {
        a = database.open();
        b = database.open();
    }

    @AfterEach
    void closeNodes() {
        a.close();
        b.close();
    }

    @Test
    void aCommittedSignalReachesTheOtherNodeAndNotItsSender() throws Exception {
        List<String> heardByA = new CopyOnWriteArrayList<>();
        List<String> heardByB = new CopyOnWriteArrayList<>();
        try (AutoCloseable sa = a.subscribe("mailbox_events", heardByA::add);
             AutoCloseable sb = b.subscribe("mailbox_events", heardByB::add)) {
            a.writeAndWait(tx -> {
                tx.signal("mailbox_events", "42 EXISTS ü");
                return null;
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> heardByB.size() == 1);
            assertThat(heardByB).containsExactly("42 EXISTS ü");

            b.writeAndWait(tx -> {
                tx.signal("mailbox_events", "from b");
                return null;
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> heardByA.size() == 1);
            assertThat(heardByA).containsExactly("from b");   // never its own "42 EXISTS ü"
            Thread.sleep(300);
            assertThat(heardByB).containsExactly("42 EXISTS ü");
        }
    }

    @Test
    void aRolledBackTransactionSignalsNothing() throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        try (AutoCloseable s = b.subscribe("queue_wakeup", heard::add)) {
            assertThatThrownBy(() -> a.writeAndWait(tx -> {
                tx.signal("queue_wakeup", "rolled back");
                throw new IllegalStateException("planned failure");
            })).hasMessage("planned failure");
            a.writeAndWait(tx -> {
                tx.signal("queue_wakeup", "committed");
                return null;
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> !heard.isEmpty());
            Thread.sleep(300);
            assertThat(heard).containsExactly("committed");   // notifications keep commit order
        }
    }

    @Test
    void eachListenerIsCalledEvenWhenAnotherFailsAndUnsubscribedOnesAreNot() throws Exception {
        List<String> second = new CopyOnWriteArrayList<>();
        List<String> gone = new CopyOnWriteArrayList<>();
        AutoCloseable s1 = b.subscribe("events", p -> {
            throw new IllegalStateException("listener failure");
        });
        AutoCloseable s2 = b.subscribe("events", second::add);
        AutoCloseable s3 = b.subscribe("events", gone::add);
        s3.close();
        a.writeAndWait(tx -> {
            tx.signal("events", "one");
            return null;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> second.size() == 1);
        assertThat(gone).isEmpty();
        s1.close();
        s2.close();
    }

    @Test
    void theListenerReconnectsAfterItsConnectionIsTerminated() throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        try (AutoCloseable s = b.subscribe("events", heard::add)) {
            assertThat(database.terminateSessions()).isPositive();
            // Signals sent while the listener is away are lost; once it is back, they arrive again.
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
                a.writeAndWait(tx -> {
                    tx.signal("events", "ping");
                    return null;
                });
                return !heard.isEmpty();
            });
        }
    }

    @Test
    void channelsAreIdentifiersAndPayloadsFitANotification() {
        assertThatThrownBy(() -> b.subscribe("bad channel; DROP TABLE x", p -> {
        })).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.subscribe("Upper", p -> {
        })).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> a.writeAndWait(tx -> {
            tx.signal("x\"y", "p");
            return null;
        })).isInstanceOf(IllegalArgumentException.class);
        String wide = "€".repeat(MetadataStore.MAX_SIGNAL);   // 4000 characters, 12000 bytes
        assertThatThrownBy(() -> a.writeAndWait(tx -> {
            tx.signal("events", wide);
            return null;
        })).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bytes");
        String longest = "x".repeat(MetadataStore.MAX_SIGNAL);
        a.writeAndWait(tx -> {
            tx.signal("events", longest);
            return null;
        });
    }

    @Test
    void aStoreIsShared() {
        assertThat(a.shared()).isTrue();
    }
}
