package dev.tern.imap.server;

import dev.tern.directory.PasswordHasher;
import dev.tern.imap.protocol.ImapDates;
import dev.tern.testing.RawImapClient;
import dev.tern.testing.RunningServer;
import dev.tern.testing.TestConfigs;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.tern.testing.RawImapClient.last;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * IMAP SAVEDATE (RFC 8514) over the wire: a message's save date is when it entered its mailbox
 * (APPEND, COPY, MOVE), apart from its internal date; SEARCH SAVEDBEFORE/SAVEDON/SAVEDSINCE read
 * it, and a message stored before save dates were kept answers NIL and is searched by its
 * internal date.
 */
class SaveDateTest {

    private static final Pattern SAVEDATE = Pattern.compile("SAVEDATE \"([^\"]+)\"");

    @TempDir
    Path dir;
    RunningServer tern;

    @AfterEach
    void stop() {
        if (tern != null) {
            tern.close();
        }
    }

    /** A data directory as the version before save dates left it: one account, one message in its INBOX. */
    private void storeFromBeforeSaveDates(Instant internalDate) throws Exception {
        Path data = Files.createDirectories(TestConfigs.write(dir).dataDir());
        SQLiteDataSource ds = new SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + data.resolve("tern.db"));
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").target("28").load().migrate();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO domains (id, name, created_at) VALUES (1, 'example.test', 0)");
            try (PreparedStatement p = c.prepareStatement("INSERT INTO accounts (id, address, display, domain_id, "
                    + "password_hash, created_at) VALUES (1, 'a@example.test', 'a@example.test', 1, ?, 0)")) {
                p.setString(1, PasswordHasher.hash("a pw"));
                p.execute();
            }
            s.execute("INSERT INTO mailboxes (id, account_id, name, uidvalidity, uidnext, highest_modseq, message_count, "
                    + "unseen_count, bytes) VALUES (10, 1, 'INBOX', 7, 2, 1, 1, 1, 24), "
                    + "(11, 1, 'Archive', 8, 1, 1, 0, 0, 0)");
            s.execute("INSERT INTO blobs (id, size, refs, data) VALUES ('OLD', 24, 1, X'5375626A6563743A206F6C640D0A0D0A626F64790D0A')");
            s.execute("INSERT INTO messages (mailbox_id, uid, blob_id, header_prefix, size, internal_date, modseq) "
                    + "VALUES (10, 1, 'OLD', '', 24, " + internalDate.toEpochMilli() + ", 1)");
        }
    }

    @Test
    void theSaveDateIsWhenAMessageEnteredItsMailboxAndSearchesReadIt() throws Exception {
        Instant longAgo = Instant.parse("2019-03-04T12:00:00Z");
        storeFromBeforeSaveDates(longAgo);
        tern = new RunningServer(dir, "[imap]\nallow_plaintext_auth = true\n", "imap = [\"127.0.0.1:0\"]\n", null);

        try (RawImapClient imap = RawImapClient.loggedIn(tern.port("imap"), "a@example.test", "\"a pw\"")) {
            assertThat(imap.command("c1", "CAPABILITY").get(0)).contains(" SAVEDATE");
            imap.send("a1 APPEND INBOX \"05-Jun-2020 10:00:00 +0000\" {23}");
            assertThat(imap.readLine()).startsWith("+");
            imap.send("Subject: new\r\n\r\nanother");
            assertThat(last(imap.until("a1"))).startsWith("a1 OK");
            assertThat(last(imap.command("s1", "SELECT INBOX"))).startsWith("s1 OK");

            List<String> fetched = imap.command("f1", "FETCH 1:2 (INTERNALDATE SAVEDATE)");
            assertThat(fetched.get(0)).as("stored before save dates were kept")
                    .isEqualTo("* 1 FETCH (INTERNALDATE \" 4-Mar-2019 12:00:00 +0000\" SAVEDATE NIL)");
            assertThat(fetched.get(1)).startsWith("* 2 FETCH (INTERNALDATE \" 5-Jun-2020 10:00:00 +0000\" SAVEDATE \"");
            OffsetDateTime appended = saveDate(fetched.get(1));
            assertThat(Duration.between(appended.toInstant(), Instant.now()).abs()).isLessThan(Duration.ofMinutes(5));
            LocalDate day = appended.atZoneSameInstant(ZoneId.systemDefault()).toLocalDate();
            String today = ImapDates.formatDate(day);
            String tomorrow = ImapDates.formatDate(day.plusDays(1));

            assertThat(imap.command("q1", "SEARCH SAVEDON " + today).get(0)).isEqualTo("* SEARCH 2");
            assertThat(imap.command("q2", "SEARCH SAVEDSINCE " + today).get(0)).isEqualTo("* SEARCH 2");
            assertThat(imap.command("q3", "SEARCH SAVEDBEFORE " + today).get(0))
                    .as("message 1 by its internal date").isEqualTo("* SEARCH 1");
            assertThat(imap.command("q4", "SEARCH SAVEDON 4-Mar-2019").get(0)).isEqualTo("* SEARCH 1");
            assertThat(imap.command("q5", "SEARCH SINCE " + today).get(0)).as("not by internal date").isEqualTo("* SEARCH");
            assertThat(imap.command("q6", "SEARCH SAVEDBEFORE " + tomorrow + " NOT SAVEDBEFORE " + today).get(0))
                    .isEqualTo("* SEARCH 2");
            assertThat(imap.command("q7", "SEARCH SAVEDATESUPPORTED").get(0)).isEqualTo("* SEARCH 1 2");
            assertThat(last(imap.command("q8", "SEARCH SAVEDON yesterday"))).startsWith("q8 BAD");

            Thread.sleep(20);   // a later millisecond than the append's
            assertThat(last(imap.command("m1", "COPY 1:2 Archive"))).startsWith("m1 OK");
            assertThat(last(imap.command("m2", "SELECT Archive"))).startsWith("m2 OK");
            List<String> copies = imap.command("m3", "FETCH 1:2 (INTERNALDATE SAVEDATE)");
            assertThat(copies.get(0)).as("a copy keeps the internal date and is saved now")
                    .startsWith("* 1 FETCH (INTERNALDATE \" 4-Mar-2019 12:00:00 +0000\" SAVEDATE \"");
            assertThat(saveDate(copies.get(1))).isAfterOrEqualTo(appended);
            assertThat(last(imap.command("m4", "UID FETCH 1 (UID SAVEDATE)"))).startsWith("m4 OK");
        }
    }

    private static OffsetDateTime saveDate(String line) {
        Matcher m = SAVEDATE.matcher(line);
        assertThat(m.find()).as(line).isTrue();
        return ImapDates.parseDateTime(m.group(1));
    }
}
