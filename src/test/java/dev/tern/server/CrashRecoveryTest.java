package dev.tern.server;

import dev.tern.directory.Account;
import dev.tern.store.Rows;
import dev.tern.testing.RawSmtpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The durability rule under fire: a server in its own JVM, under a concurrent load, is killed
 * with SIGKILL at random moments several times. After the last restart, every message that got
 * its 250 must be in its mailbox exactly once, and every message that is in a mailbox must be
 * whole. (A message whose 250 was lost with the connection may be there too: SMTP allows that
 * duplicate, a sender retries it.)
 */
class CrashRecoveryTest {

    private static final int KILLS = 4;
    private static final int CLIENTS = 12;
    private static final int MESSAGES_PER_ROUND = 800;
    private static final Pattern TOKEN = Pattern.compile("X-Crash-Token: (\\d+)");

    @TempDir
    Path dir;

    @Test
    void noAcceptedMessageIsLostOrDuplicatedAcrossKills() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path config = dir.resolve("tern.toml");
        Files.writeString(config, """
                hostname = "mx.crash.test"
                data_dir = "data"
                [listeners]
                smtp = ["127.0.0.1:%d"]
                [smtp]
                max_connections_per_ip = 1000
                """.formatted(port));
        try (Services s = new Services(dev.tern.config.ConfigLoader.load(config), 2)) {
            s.directory().addDomain("crash.test");
            s.directory().addUser("victim@crash.test", "x");
        }

        Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger nextToken = new AtomicInteger();
        Random random = new Random();
        for (int round = 0; round <= KILLS; round++) {
            Process server = startServer(config, round);
            try {
                waitForPort(port);
                boolean kill = round < KILLS;
                runLoad(port, nextToken, acknowledged, kill ? 200 + random.nextInt(1500) : -1, server);
            } finally {
                server.destroyForcibly();   // SIGKILL: no shutdown hook runs
                server.waitFor(30, TimeUnit.SECONDS);
            }
        }

        // A last start delivers whatever was still queued, then the mailbox is checked offline.
        Process server = startServer(config, KILLS + 1);
        try {
            waitForPort(port);
            waitForEmptyQueue(config);
        } finally {
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }

        Map<Integer, Integer> copies = new HashMap<>();
        try (Services s = new Services(dev.tern.config.ConfigLoader.load(config), 2)) {
            Account victim = s.directory().user("victim@crash.test").orElseThrow();
            Rows.Mailbox inbox = s.mailboxes().mailboxes(victim.id()).stream()
                    .filter(m -> m.name().equals("INBOX")).findFirst().orElseThrow();
            List<Rows.Message> stored = s.mailboxes().messages(inbox.id());
            // The counts the mailbox keeps moved in the transactions that were kept, and only in them.
            dev.tern.mailbox.MailboxStatus status = s.mailboxes().status(inbox.id());
            assertThat(status.messages()).isEqualTo(stored.size());
            assertThat(status.unseen()).isEqualTo(stored.size());
            assertThat(status.size()).isEqualTo(stored.stream().mapToLong(Rows.Message::size).sum());
            assertThat(s.mailboxes().usage(victim.id())).isEqualTo(status.size());
            for (Rows.Message m : stored) {
                String content;
                try (InputStream in = s.mailboxes().open(m)) {
                    content = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
                }
                Matcher t = TOKEN.matcher(content);
                assertThat(t.find()).as("message uid %d has its token", m.uid()).isTrue();
                int token = Integer.parseInt(t.group(1));
                assertThat(content).as("message %d is whole", token).endsWith(trailer(token));
                assertThat(content.length()).isEqualTo(m.size());
                copies.merge(token, 1, Integer::sum);
            }
            assertThat(s.queue().list(10)).isEmpty();
        }
        assertThat(acknowledged).as("messages accepted with 250").hasSizeGreaterThan(KILLS * 50);
        for (int token : acknowledged) {
            assertThat(copies.get(token)).as("copies of acknowledged message %d", token).isEqualTo(1);
        }
        assertThat(copies.values()).as("no message is delivered twice").allMatch(n -> n == 1);
        assertThat(copies.keySet()).allMatch(t -> t < nextToken.get());
    }

    private static String trailer(int token) {
        return "END-OF-MESSAGE-" + token + "\r\n";
    }

    private static String message(int token) {
        StringBuilder sb = new StringBuilder();
        sb.append("From: sender@example.org\r\nTo: victim@crash.test\r\nSubject: crash ").append(token)
                .append("\r\nX-Crash-Token: ").append(token).append("\r\n\r\n");
        // One message in ten is larger than the inline limit, so that both ways of storing a
        // content (with the metadata, and as a file) are killed mid-way.
        int lines = token % 10 == 0 ? 1200 : 40;
        for (int i = 0; i < lines; i++) {
            sb.append("line ").append(i).append(" of message ").append(token).append(" ").append("x".repeat(60)).append("\r\n");
        }
        sb.append(trailer(token));
        return sb.toString();
    }

    /** Sends messages from several clients until the round's quota is sent or the server dies. */
    private static void runLoad(int port, AtomicInteger nextToken, Set<Integer> acknowledged, long killAfterMillis,
                                Process server) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger sent = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        for (int c = 0; c < CLIENTS; c++) {
            clients.submit(() -> {
                while (!stop.get() && sent.incrementAndGet() <= MESSAGES_PER_ROUND) {
                    int token = nextToken.getAndIncrement();
                    try (RawSmtpClient client = new RawSmtpClient("127.0.0.1", port, 20_000)) {
                        RawSmtpClient.expect(client.reply(), "220");
                        RawSmtpClient.expect(client.command("EHLO load.example"), "250");
                        String reply = client.sendMail("sender@example.org", List.of("victim@crash.test"), message(token));
                        if (reply.startsWith("250")) {
                            acknowledged.add(token);
                        }
                        client.command("QUIT");
                    } catch (IOException e) {
                        if (!server.isAlive()) {
                            return;
                        }
                    }
                }
                return;
            });
        }
        if (killAfterMillis >= 0) {
            Thread.sleep(killAfterMillis);
            server.destroyForcibly();
            stop.set(true);
        }
        clients.shutdown();
        assertThat(clients.awaitTermination(5, TimeUnit.MINUTES)).isTrue();
    }

    private Process startServer(Path config, int round) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "dev.tern.cli.TernCommand", "serve", "--config", config.toString());
        pb.redirectErrorStream(true);
        pb.redirectOutput(dir.resolve("server-" + round + ".log").toFile());
        return pb.start();
    }

    private static void waitForPort(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("the server did not open port " + port + " within 60 s");
    }

    private static void waitForEmptyQueue(Path config) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            try (Services s = new Services(dev.tern.config.ConfigLoader.load(config), 2)) {
                if (s.queue().list(1).isEmpty()) {
                    return;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the queue did not empty within 120 s");
    }

}
