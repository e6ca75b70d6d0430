package dev.tern.store.embedded;

import dev.tern.store.Rows;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database made before mailboxes kept their counts: once opened, each account's usage is what
 * its messages take, each mailbox's counts are those of its messages, and new mail adds to them.
 */
class MailboxCountsMigrationTest {

    @TempDir
    Path dir;

    @Test
    void existingMailboxesGetTheBytesOfTheirMessages() throws SQLException {
        Path db = dir.resolve("tern.db");
        SQLiteDataSource ds = new SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + db);
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").target("17").load().migrate();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO domains (id, name, created_at) VALUES (1, 'example.test', 0)");
            s.execute("INSERT INTO accounts (id, address, display, domain_id, created_at) VALUES "
                    + "(1, 'a@example.test', 'a@example.test', 1, 0), (2, 'b@example.test', 'b@example.test', 1, 0), "
                    + "(3, 'c@example.test', 'c@example.test', 1, 0)");
            s.execute("INSERT INTO mailboxes (id, account_id, name, uidvalidity, uidnext, highest_modseq) VALUES "
                    + "(10, 1, 'INBOX', 1, 3, 2), (11, 1, 'Sent', 2, 2, 1), (20, 2, 'INBOX', 3, 2, 1), "
                    + "(30, 3, 'INBOX', 4, 1, 0)");
            s.execute("INSERT INTO blobs (id, size, refs) VALUES ('X', 10, 4)");
            s.execute("INSERT INTO messages (mailbox_id, uid, blob_id, header_prefix, size, internal_date, modseq, "
                    + "system_flags) VALUES (10, 1, 'X', '', 1000, 0, 1, 1), (10, 2, 'X', '', 234, 0, 2, 9), "
                    + "(11, 1, 'X', '', 5000000000, 0, 1, 0), (20, 1, 'X', '', 77, 0, 1, 8)");
        }

        try (SqliteMetadataStore store = EmbeddedStore.openMetadata(dir, 1)) {
            assertThat((Object) store.read(tx -> tx.mailboxes().accountUsage(1))).isEqualTo(5_000_001_234L);
            assertThat((Object) store.read(tx -> tx.mailboxes().accountUsage(2))).isEqualTo(77L);
            assertThat((Object) store.read(tx -> tx.mailboxes().accountUsage(3))).isEqualTo(0L);
            // Messages, unseen (no \Seen, bit 1), deleted (bit 8), bytes.
            assertThat((Object) store.read(tx -> tx.mailboxes().counts(10))).isEqualTo(new Rows.MailboxCounts(2, 0, 1, 1234));
            assertThat((Object) store.read(tx -> tx.mailboxes().counts(11))).isEqualTo(new Rows.MailboxCounts(1, 1, 0, 5_000_000_000L));
            assertThat((Object) store.read(tx -> tx.mailboxes().counts(20))).isEqualTo(new Rows.MailboxCounts(1, 1, 1, 77));
            assertThat((Object) store.read(tx -> tx.mailboxes().counts(30))).isEqualTo(new Rows.MailboxCounts(0, 0, 0, 0));
            store.writeAndWait(tx -> tx.mailboxes().append(30, "X", "", 5, java.time.Instant.now(), 0, ""));
            store.writeAndWait(tx -> tx.mailboxes().append(10, "X", "", 6, java.time.Instant.now(), 0, ""));
            assertThat((Object) store.read(tx -> tx.mailboxes().accountUsage(3))).isEqualTo(5L);
            assertThat((Object) store.read(tx -> tx.mailboxes().accountUsage(1))).isEqualTo(5_000_001_240L);
        }
    }
}
