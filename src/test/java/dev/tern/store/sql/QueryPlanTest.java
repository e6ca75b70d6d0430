package dev.tern.store.sql;

import dev.tern.store.embedded.EmbeddedStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Queries that run for every delivery or every EXPUNGE read a few rows through an index, whatever
 * the size of the mailbox: their SQLite plans, on the schema the migrations make.
 */
class QueryPlanTest {

    @TempDir
    Path dir;

    private List<String> plan(String sql, Object... params) throws SQLException {
        EmbeddedStore.openMetadata(dir, 1).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("tern.db"));
             PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<String> lines = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    lines.add(rs.getString("detail"));
                }
            }
            return lines;
        }
    }

    @Test
    void theDeletedMessagesOfAMailboxComeFromTheirOwnIndex() throws SQLException {
        // The index holds only flagged messages: the rows read are those to expunge.
        assertThat(plan(SqlMailboxDao.DELETED_UIDS, 1L))
                .containsExactly("SEARCH messages USING INDEX messages_deleted (mailbox_id=?)");
    }

    @Test
    void claimingWebhookDeliveriesUpdatesThePickedRowsByKey() throws SQLException {
        List<String> plan = plan(SqlWebhookDao.CLAIM, "claim", 2L, 1L, 1L, 10);
        // Not the due index, which holds every pending delivery of a backlog.
        assertThat(plan.get(0)).isEqualTo("SEARCH webhook_deliveries USING INDEX sqlite_autoindex_webhook_deliveries_1 (id=?)");
    }

    @Test
    void thePurgeOfGreylistTripletsReadsOnlyThoseOfTheirKindPastTheirTime() throws SQLException {
        assertThat(plan(SqlGreylistDao.PURGE_TRIPLETS, 0, 1L, 500))
                .contains("SEARCH greylist_triplets USING INDEX greylist_triplets_expiry (passed=? AND last_seen<?)");
    }

    @Test
    void aMailboxsCountsAreOneRow() throws SQLException {
        assertThat(plan(SqlMailboxDao.COUNTS, 1L))
                .containsExactly("SEARCH mailboxes USING INTEGER PRIMARY KEY (rowid=?)");
    }

    @Test
    void anAccountsUsageReadsItsMailboxesAndNoMessage() throws SQLException {
        List<String> plan = plan(SqlMailboxDao.ACCOUNT_USAGE, 1L);
        assertThat(plan).hasSize(1);
        assertThat(plan.get(0)).startsWith("SEARCH mailboxes USING INDEX");
    }
}
