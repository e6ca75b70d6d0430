package dev.tern.store.sql;

import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import dev.tern.store.StoreException;
import dev.tern.store.embedded.EmbeddedStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TableCopyTest {

    @TempDir
    Path dir;

    @Test
    void everyRowArrivesParentsFirstAndACopyIntoANonEmptyDatabaseIsRefused() throws Exception {
        Path from = dir.resolve("from");
        Path to = dir.resolve("to");
        Files.createDirectories(from);
        Files.createDirectories(to);
        Instant t = Instant.ofEpochMilli(1_700_000_000_000L);
        try (MetadataStore s = EmbeddedStore.openMetadata(from, 2)) {
            s.writeAndWait(tx -> {
                long domain = tx.directory().insertDomain("example.test", t).id();
                Rows.Account a = tx.directory().insertAccount("alice@example.test", "alice@example.test", domain, "hash", t);
                tx.directory().insertAlias("info@example.test", "alice@example.test", domain);
                tx.blobs().insert("B1", 42, 1);
                tx.queue().insert(new Rows.QueuedMessage("Q1", "B1", "s@example.org", 42, "7BIT", false, null, null,
                                "192.0.2.1", "client.example", null, "smtp", t, false),
                        List.of(new Rows.NewRecipient("alice@example.test", null, null)), t);
                return a;
            });
        }
        EmbeddedStore.openMetadata(to, 2).close();   // an empty database at the same schema version

        TableCopy.Result result;
        try (Connection source = DriverManager.getConnection("jdbc:sqlite:" + from.resolve("tern.db"));
             Connection target = DriverManager.getConnection("jdbc:sqlite:" + to.resolve("tern.db"))) {
            List<String> order = TableCopy.parentsFirst(source);
            assertThat(order.indexOf("domains")).isLessThan(order.indexOf("accounts"));
            assertThat(order.indexOf("blobs")).isLessThan(order.indexOf("queue_messages"));
            assertThat(order.indexOf("queue_messages")).isLessThan(order.indexOf("queue_recipients"));
            assertThat(order).doesNotContain("flyway_schema_history");

            result = TableCopy.copy(source, target);
            assertThatThrownBy(() -> TableCopy.copy(source, target))
                    .isInstanceOf(StoreException.class).hasMessageContaining("not empty");
        }
        assertThat(result.rows()).containsEntry("domains", 1L).containsEntry("accounts", 1L)
                .containsEntry("queue_recipients", 1L);

        try (MetadataStore s = EmbeddedStore.openMetadata(to, 2)) {
            s.read(tx -> {
                assertThat(tx.directory().account("alice@example.test")).isPresent();
                assertThat(tx.directory().aliasTargets("info@example.test")).containsExactly("alice@example.test");
                assertThat(tx.queue().message("Q1")).hasValueSatisfying(m -> {
                    assertThat(m.receivedAt()).isEqualTo(t);
                    assertThat(m.size()).isEqualTo(42);
                });
                assertThat(tx.queue().recipients("Q1")).extracting(Rows.QueueRecipient::address)
                        .containsExactly("alice@example.test");
                return null;
            });
        }
    }
}
