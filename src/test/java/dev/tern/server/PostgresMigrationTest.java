package dev.tern.server;

import dev.tern.store.Rows;
import dev.tern.store.postgres.PostgresTestDatabase;
import dev.tern.testing.InProcessCli;
import dev.tern.testing.RawSmtpClient;
import dev.tern.testing.RunningServer;
import dev.tern.testing.TestConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An installation moved from the embedded store to PostgreSQL with {@code tern migrate}: the
 * server then runs on PostgreSQL with everything it had, and new rows take new keys.
 */
class PostgresMigrationTest {

    @RegisterExtension
    static final PostgresTestDatabase database = new PostgresTestDatabase();

    @TempDir
    Path dir;

    private static void send(RunningServer tern, String to, String subject) throws Exception {
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 20_000)) {
            c.reply();
            c.command("EHLO client.example");
            c.command("MAIL FROM:<a@example.org>");
            assertThat(c.command("RCPT TO:<" + to + ">")).startsWith("250");
            assertThat(c.command("DATA")).startsWith("354");
            c.send("Subject: " + subject + "\r\n\r\nhello\r\n.\r\n");
            assertThat(c.reply()).startsWith("250 2.0.0");
        }
    }

    @Test
    void anEmbeddedInstallationMovesToPostgresWithItsMail() throws Exception {
        try (RunningServer embedded = new RunningServer(dir, "")) {
            embedded.services().directory().addDomain("example.test");
            embedded.services().directory().addUser("alice@example.test", "alice-pw");
            send(embedded, "alice@example.test", "before the move");
            await().atMost(Duration.ofSeconds(15)).until(() -> embedded.inbox("alice@example.test").size() == 1);
        }

        String postgres = """
                [store]
                metadata = "postgres"

                [store.postgres]
                url = "%s"
                user = "%s"
                password = "%s"
                pool_size = 2
                """.formatted(database.url(), database.user(), database.password());
        TestConfigs.write(dir, postgres);
        String output = tern("migrate", "--from", "embedded", "--to", "postgres");
        assertThat(output).contains("copied").contains("done");

        try (RunningServer moved = new RunningServer(dir, postgres)) {
            List<Rows.Message> inbox = moved.inbox("alice@example.test");
            assertThat(inbox).singleElement().satisfies(m -> assertThat(m.uid()).isEqualTo(1));
            assertThat(moved.content(inbox.get(0))).contains("Subject: before the move");

            moved.services().directory().addUser("bob@example.test", "bob-pw");   // a new key after the copied ones
            send(moved, "alice@example.test", "after the move");
            await().atMost(Duration.ofSeconds(15)).until(() -> moved.inbox("alice@example.test").size() == 2);
            assertThat(moved.inbox("alice@example.test")).extracting(Rows.Message::uid).containsExactly(1L, 2L);
            assertThat(moved.content(moved.inbox("alice@example.test").get(1))).contains("Subject: after the move");
        }
    }

    private String tern(String... args) {
        InProcessCli.Result r = InProcessCli.run(dir.resolve("tern.toml"), null, args);
        assertThat(r.code()).as("tern %s: %s %s", String.join(" ", args), r.out(), r.err()).isZero();
        return r.out();
    }
}
