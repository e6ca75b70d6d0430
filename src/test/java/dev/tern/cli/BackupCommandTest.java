package dev.tern.cli;

import dev.tern.store.Rows;
import dev.tern.testing.InProcessCli;
import dev.tern.testing.InProcessCli.Result;
import dev.tern.testing.RawSmtpClient;
import dev.tern.testing.RunningServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code tern backup}: a copy taken while the server receives mail, and a server started on it. */
class BackupCommandTest {

    /** Above the size kept in the database: these contents are files. */
    private static final String LARGE_BODY = ("a line of a large message that goes to a file\r\n").repeat(7000);

    @TempDir
    Path dir;
    RunningServer live;
    RunningServer restored;

    @AfterEach
    void stop() {
        if (live != null) {
            live.close();
        }
        if (restored != null) {
            restored.close();
        }
    }

    private static String message(String subject, String body) {
        return "From: sender@example.org\r\nSubject: " + subject + "\r\n\r\n" + body;
    }

    private static void send(RunningServer to, String subject, String body) throws Exception {
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", to.smtpPort(), 20_000)) {
            RawSmtpClient.expect(c.reply(), "220");
            RawSmtpClient.expect(c.command("EHLO client.example"), "250");
            RawSmtpClient.expect(c.sendMail("sender@example.org", List.of("alice@example.test"), message(subject, body)),
                    "250");
        }
    }

    @Test
    void aCopyTakenWhileMailArrivesHoldsEveryMessageAcceptedBeforeItAndStartsAsAServer() throws Exception {
        Path liveDir = startLive();
        live.services().directory().addDomain("example.test");
        live.services().directory().addUser("alice@example.test", "pw");
        for (int i = 0; i < 20; i++) {
            send(live, "small " + i, "hello " + i + "\r\n");
        }
        for (int i = 0; i < 4; i++) {
            send(live, "large " + i, LARGE_BODY);
        }

        // Mail keeps coming while the copy is made (at most 400 messages or 60 s).
        AtomicBoolean stop = new AtomicBoolean();
        Set<String> sentDuring = ConcurrentHashMap.newKeySet();
        Thread load = new Thread(() -> {
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            for (int i = 0; i < 400 && !stop.get() && System.nanoTime() < end; i++) {
                try {
                    send(live, "during " + i, i % 10 == 0 ? LARGE_BODY : "during " + i + "\r\n");
                    sentDuring.add("during " + i);
                } catch (Exception e) {
                    return;
                }
            }
        });
        load.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> sentDuring.size() >= 5);
        Path copy = dir.resolve("restored").resolve("data");
        Result backup = InProcessCli.run(liveDir.resolve("tern.toml"), null, "backup", copy.toString());
        stop.set(true);
        load.join(60_000);
        assertThat(backup.code()).as(backup.err()).isZero();
        // The live server logs to the same output in this JVM.
        assertThat(backup.out().lines().filter(l -> l.startsWith("backed up ")))
                .singleElement().asString().contains(" to " + copy + ": database ").contains(" message file(s), ");
        live.close();
        live = null;

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy.resolve("tern.db"));
             ResultSet rs = c.createStatement().executeQuery("PRAGMA integrity_check")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("ok");
        }
        restored = new RunningServer(dir.resolve("restored"), "");
        List<Rows.Message> inbox = restored.inbox("alice@example.test");
        Set<String> subjects = inbox.stream().map(m -> subject(restored.content(m))).collect(Collectors.toSet());
        for (int i = 0; i < 20; i++) {
            assertThat(subjects).contains("small " + i);
        }
        for (int i = 0; i < 4; i++) {
            assertThat(subjects).contains("large " + i);
        }
        for (Rows.Message m : inbox) {
            String content = restored.content(m);
            assertThat(content).as("message %d whole", m.uid()).hasSize((int) m.size());
            if (subject(content).startsWith("large")) {
                assertThat(content).endsWith(LARGE_BODY);
            }
        }
        // The restored server takes mail as the live one did.
        send(restored, "after the restore", "hello\r\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> restored.inbox("alice@example.test").size() == inbox.size() + 1);
    }

    /** Starts the server whose data is backed up, in {@code dir/live}; returns that folder. */
    private Path startLive() throws java.io.IOException {
        Path liveDir = dir.resolve("live");
        Files.createDirectories(liveDir);
        live = new RunningServer(liveDir, "");
        return liveDir;
    }

    private static String subject(String content) {
        int at = content.indexOf("\r\nSubject: ");
        return content.substring(at + 11, content.indexOf("\r\n", at + 11));
    }

    @Test
    void theKeysOfTheDataDirectoryAreInTheCopy() throws Exception {
        Path liveDir = startLive();
        Path acme = liveDir.resolve("data/acme");
        Files.createDirectories(acme);
        Files.writeString(acme.resolve("account-key.pem"), "the account key");
        Files.writeString(acme.resolve("cert.pem"), "the certificate");
        Path copy = dir.resolve("copy");
        Result r = InProcessCli.run(liveDir.resolve("tern.toml"), null, "backup", copy.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readString(copy.resolve("acme/account-key.pem"))).isEqualTo("the account key");
        assertThat(Files.readString(copy.resolve("acme/cert.pem"))).isEqualTo("the certificate");
        assertThat(copy.resolve("tls/self-signed-cert.pem")).exists();
    }

    @Test
    void theCopyGoesIntoANewOrEmptyDirectoryOnly() throws Exception {
        Path liveDir = startLive();
        Path used = dir.resolve("used");
        Files.createDirectories(used);
        Files.writeString(used.resolve("something"), "x");
        Result r = InProcessCli.run(liveDir.resolve("tern.toml"), null, "backup", used.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("tern: " + used + " is not empty: back up into a new directory\n");
        Path empty = dir.resolve("empty");
        Files.createDirectories(empty);
        assertThat(InProcessCli.run(liveDir.resolve("tern.toml"), null, "backup", empty.toString()).code()).isZero();
        assertThat(empty.resolve("tern.db")).isRegularFile();
    }

    @Test
    void postgresMetadataIsBackedUpWithPostgresTools() throws Exception {
        Path config = dir.resolve("tern.toml");
        Files.writeString(config, """
                data_dir = "data"
                [store]
                metadata = "postgres"
                [store.postgres]
                url = "jdbc:postgresql://127.0.0.1:5432/tern"
                """);
        Result r = InProcessCli.run(config, null, "backup", dir.resolve("copy").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("tern: the metadata is in PostgreSQL: back it up with PostgreSQL's tools");
    }
}
