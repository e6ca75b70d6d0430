package dev.tern.store.postgres;

import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import dev.tern.store.StoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The database going away under the store: sessions ended by the server (a restart, a failover)
 * and a database that refuses connections for a while. Writes fail rather than pretend, and the
 * store needs nothing to work again once the database is back.
 */
class PostgresOutageTest {

    @RegisterExtension
    static final PostgresTestDatabase database = new PostgresTestDatabase();
    private MetadataStore store;

    @BeforeEach
    void open() throws Exception {
        database.setAvailable(true);
        store = database.open(Duration.ofSeconds(2));
        database.truncateAll();
    }

    @AfterEach
    void close() throws Exception {
        database.setAvailable(true);
        store.close();
    }

    private Rows.Domain addDomain(String name) {
        return store.writeAndWait(tx -> tx.directory().insertDomain(name, Instant.now()));
    }

    private java.util.List<Rows.Domain> domains() {
        return store.read(tx -> tx.directory().domains());
    }

    @Test
    void writesAndReadsGoOnAfterTheServerEndsEverySession() throws Exception {
        addDomain("before.test");
        assertThat(database.terminateSessions()).isPositive();
        addDomain("after.test");     // on a new connection, or run again after a dead one failed
        assertThat(domains()).extracting(Rows.Domain::name)
                .containsExactly("after.test", "before.test");
    }

    @Test
    void aWriteCutOffHalfwayIsRunAgainAndCommittedOnce() throws Exception {
        CountDownLatch firstStatementDone = new CountDownLatch(1);
        CountDownLatch sessionsEnded = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        CompletableFuture<Long> write = store.write(tx -> {
            int run = runs.incrementAndGet();
            long id = tx.directory().insertDomain("halfway.test", Instant.now()).id();
            if (run == 1) {
                firstStatementDone.countDown();
                sessionsEnded.await(10, TimeUnit.SECONDS);
            }
            tx.directory().setCatchAll(id, "postmaster@halfway.test");
            return id;
        });
        assertThat(firstStatementDone.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(database.terminateSessions()).isPositive();
        sessionsEnded.countDown();
        write.get(30, TimeUnit.SECONDS);
        assertThat(runs.get()).isEqualTo(2);
        assertThat(domains()).singleElement()
                .satisfies(d -> assertThat(d.catchAll()).isEqualTo("postmaster@halfway.test"));
    }

    @Test
    void whileTheDatabaseIsDownWritesFailAndAfterwardsTheyCommitAgain() throws Exception {
        addDomain("up.test");
        database.setAvailable(false);

        CompletableFuture<Rows.Domain> during = store.write(tx -> tx.directory().insertDomain("down.test", Instant.now()));
        assertThatThrownBy(() -> during.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(StoreException.class);
        assertThatThrownBy(() -> store.read(tx -> tx.directory().domains())).isInstanceOf(StoreException.class);

        database.setAvailable(true);
        addDomain("back.test");
        assertThat(domains()).extracting(Rows.Domain::name)
                .containsExactly("back.test", "up.test");   // nothing of the failed write was kept
    }

    @Test
    void aClosedStoreRefusesWrites() {
        store.close();
        assertThatThrownBy(() -> store.write(tx -> null).join()).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(StoreException.class);
        store = database.open();
    }
}
