package dev.tern.store.embedded;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database made before save dates were kept: the messages already in Trash and Junk count as put
 * there when it is opened (so [retention] gives them their whole period), the others have no save
 * date and are never removed by it.
 */
class SaveDatesMigrationTest {

    @TempDir
    Path dir;

    private static Map<Long, List<Long>> savedBefore(SqliteMetadataStore store, String specialUse, Instant cutoff, int limit) {
        return store.read(tx -> tx.mailboxes().savedBefore(specialUse, cutoff, limit));
    }

    @Test
    void messagesAlreadyInTrashAndJunkCountAsPutThereAtTheUpgrade() throws SQLException {
        SQLiteDataSource ds = new SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + dir.resolve("tern.db"));
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").target("28").load().migrate();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO domains (id, name, created_at) VALUES (1, 'example.test', 0)");
            s.execute("INSERT INTO accounts (id, address, display, domain_id, created_at) VALUES "
                    + "(1, 'a@example.test', 'a@example.test', 1, 0)");
            s.execute("INSERT INTO mailboxes (id, account_id, name, uidvalidity, uidnext, highest_modseq, special_use) "
                    + "VALUES (10, 1, 'INBOX', 1, 2, 1, NULL), (11, 1, 'Trash', 2, 2, 1, '\\Trash'), "
                    + "(12, 1, 'Junk', 3, 2, 1, '\\Junk')");
            s.execute("INSERT INTO blobs (id, size, refs) VALUES ('X', 10, 3)");
            s.execute("INSERT INTO messages (mailbox_id, uid, blob_id, header_prefix, size, internal_date, modseq) "
                    + "VALUES (10, 1, 'X', '', 10, 0, 1), (11, 1, 'X', '', 10, 0, 1), (12, 1, 'X', '', 10, 0, 1)");
        }
        Instant before = Instant.now().minusSeconds(2);
        try (SqliteMetadataStore store = EmbeddedStore.openMetadata(dir, 1)) {
            Instant after = Instant.now().plusSeconds(2);
            assertThat(savedBefore(store, "\\Trash", before, 10)).isEmpty();
            assertThat(savedBefore(store, "\\Trash", after, 10)).isEqualTo(Map.of(11L, List.of(1L)));
            assertThat(savedBefore(store, "\\Junk", after, 10)).isEqualTo(Map.of(12L, List.of(1L)));
            assertThat(savedBefore(store, "\\Inbox", after.plus(Duration.ofDays(9999)), 10))
                    .isEmpty();
        }
    }
}
