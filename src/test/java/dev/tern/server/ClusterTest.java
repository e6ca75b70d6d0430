package dev.tern.server;

import dev.tern.mail.ClientInfo;
import dev.tern.mail.Envelope;
import dev.tern.mail.MailAddress;
import dev.tern.mail.Recipient;
import dev.tern.store.BlobSink;
import dev.tern.store.postgres.PostgresTestDatabase;
import dev.tern.store.s3.S3TestServer;
import dev.tern.testing.RawImapClient;
import dev.tern.testing.RunningServer;
import dev.tern.testing.ScriptedSmtpServer;
import dev.tern.testing.TestCertificates;
import dev.tern.testing.TestDnsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.tern.testing.RawImapClient.last;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two Tern nodes on 127.0.0.2 and 127.0.0.3 sharing one PostgreSQL database and one S3 bucket:
 * the queue, the mailboxes and their events are the same whichever node a client talks to.
 */
class ClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String BUCKET = "tern-cluster";

    @org.junit.jupiter.api.extension.RegisterExtension
    static final PostgresTestDatabase db = new PostgresTestDatabase();
    static S3TestServer s3;

    @TempDir
    Path dir;
    TestDnsServer dns;
    ScriptedSmtpServer remote;
    int port;
    final List<RunningServer> nodes = new ArrayList<>();
    Process external;

    @BeforeAll
    static void shared() {
        s3 = S3TestServer.start().createBucket(BUCKET);
    }

    @AfterAll
    static void closeShared() {
        if (s3 != null) {
            s3.close();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        db.truncateAll();
        dns = TestDnsServer.start();
        dns.mx("remote.test", 10, "mx.remote.test").a("mx.remote.test", "127.0.0.4");
        port = freePort();
    }

    @AfterEach
    void tearDown() throws IOException {
        if (external != null) {
            external.destroyForcibly();
        }
        nodes.forEach(RunningServer::close);
        if (remote != null) {
            remote.close();
        }
        dns.close();
    }

    private String config() {
        return "hostname = \"mx.cluster.test\"\n"
                + "[dns]\nnameservers = [\"127.0.0.1:" + dns.nameserver().getPort() + "\"]\ntimeout = \"2s\"\n"
                + "[smtp]\nrelay_from = [\"127.0.0.0/8\"]\n"
                + "[delivery]\nsmtp_port = " + port + "\nretry_first = \"1s\"\nretry_max = \"2s\"\n"
                + "[store]\nmetadata = \"postgres\"\nblobs = \"s3\"\nlease = \"2s\"\n"
                + "[store.postgres]\nurl = \"" + db.url() + "\"\nuser = \"" + db.user() + "\"\npassword = \""
                + db.password() + "\"\npool_size = 6\n"
                + "[store.s3]\nendpoint = \"" + s3.endpoint() + "\"\nbucket = \"" + BUCKET + "\"\nregion = \""
                + S3TestServer.REGION + "\"\naccess_key = \"" + S3TestServer.ACCESS_KEY + "\"\nsecret_key = \""
                + S3TestServer.SECRET_KEY + "\"\npath_style = true\n";
    }

    private RunningServer node(int n) throws IOException {
        Path d = dir.resolve("node" + n);
        Files.createDirectories(d);
        RunningServer s = new RunningServer(d, config(), "imaps = [\"127.0.0." + (n + 1) + ":0\"]\n", null,
                "127.0.0." + (n + 1) + ":0");
        nodes.add(s);
        return s;
    }

    private void addUsers(RunningServer s) {
        if (s.services().directory().domains().stream().noneMatch(d -> d.name().equals("cluster.test"))) {
            s.services().directory().addDomain("cluster.test");
            s.services().directory().addUser("alice@cluster.test", "alice pw");
        }
    }

    private ScriptedSmtpServer remote(int unanswered) throws IOException {
        ScriptedSmtpServer.Options o = new ScriptedSmtpServer.Options();
        o.bind = "127.0.0.4";
        o.port = port;
        o.unansweredMessages = unanswered;
        remote = new ScriptedSmtpServer(o);
        return remote;
    }

    private static String message(String id, String to) {
        return "From: alice@cluster.test\r\nTo: " + to + "\r\nSubject: " + id + "\r\nMessage-ID: <" + id
                + "@cluster.test>\r\n\r\nbody of " + id + "\r\n";
    }

    /** Enqueues as authenticated submission does, on the given node. */
    private static String enqueue(RunningServer node, String content, String to) throws IOException {
        String id = node.services().queue().newId();
        BlobSink sink = node.services().queue().newBody(id);
        sink.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
        Envelope env = new Envelope(MailAddress.parse("alice@cluster.test"), List.of(Recipient.of(MailAddress.parse(to))),
                "7BIT", false, null, null,
                new ClientInfo("127.0.0.1", null, "client.test", "ESMTPA", "submission", "alice@cluster.test"),
                Instant.now());
        node.services().queue().enqueue(id, env, sink).join();
        return id;
    }

    private static Set<String> messageIds(List<String> contents) {
        Set<String> ids = new HashSet<>();
        Pattern p = Pattern.compile("Message-ID: <([^>]+)>");
        for (String c : contents) {
            Matcher m = p.matcher(c);
            if (m.find()) {
                ids.add(m.group(1));
            }
        }
        return ids;
    }

    @Test
    void mailForARemoteDomainIsDeliveredExactlyOnceWithBothQueueRunnersActive() throws Exception {
        // The other domain's server: a Tern of its own on 127.0.0.4, on its embedded store.
        Path r = dir.resolve("remote");
        Files.createDirectories(r);
        RunningServer receiver = new RunningServer(r, "hostname = \"mx.remote.test\"\n[dns]\nnameservers = [\"127.0.0.1:"
                + dns.nameserver().getPort() + "\"]\n", "", null, "127.0.0.4:" + port);
        nodes.add(receiver);
        receiver.services().directory().addDomain("remote.test");
        receiver.services().directory().addUser("bob@remote.test", "bob pw");
        RunningServer one = node(1);
        RunningServer two = node(2);
        addUsers(one);
        int each = 20;
        for (int i = 0; i < each; i++) {
            enqueue(one, message("one-" + i, "bob@remote.test"), "bob@remote.test");
            enqueue(two, message("two-" + i, "bob@remote.test"), "bob@remote.test");
        }
        await().atMost(WAIT).until(() -> receiver.inbox("bob@remote.test").size() >= 2 * each
                && one.services().queue().list(10).isEmpty());
        // Longer than a lease: a recipient delivered twice would show up by now.
        Thread.sleep(3_000);
        List<String> received = receiver.inbox("bob@remote.test").stream().map(receiver::content).toList();
        assertThat(received).hasSize(2 * each);
        assertThat(messageIds(received)).hasSize(2 * each);
    }

    @Test
    void aDeliveryOfANodeKilledMidwayIsCompletedByTheOtherAfterTheLeaseExpires() throws Exception {
        remote(1);   // the first delivery is read to its end and never answered
        Path d1 = dir.resolve("node1");
        Files.createDirectories(d1);
        Path config = d1.resolve("tern.toml");
        int smtp1 = freePortOn("127.0.0.2");
        // data_dir must be a top-level key: written before the tables.
        Files.writeString(config, "data_dir = \"data\"\n" + config() + "[listeners]\nsmtp = [\"127.0.0.2:" + smtp1 + "\"]\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "dev.tern.cli.TernCommand", "serve", "--config", config.toString());
        pb.redirectErrorStream(true);
        pb.redirectOutput(d1.resolve("node1.log").toFile());
        external = pb.start();
        waitForPort("127.0.0.2", smtp1);

        smtp("127.0.0.2", smtp1, "alice@cluster.test", "bob@remote.test", message("killed", "bob@remote.test"));
        await().atMost(WAIT).until(() -> remote.unanswered().size() == 1);
        external.destroyForcibly();
        assertThat(external.waitFor(20, TimeUnit.SECONDS)).isTrue();

        RunningServer two = node(2);
        await().atMost(WAIT).until(() -> remote.messages().size() == 1);
        assertThat(remote.messages().get(0)).contains("Message-ID: <killed@cluster.test>");
        await().atMost(WAIT).until(() -> two.services().queue().list(10).isEmpty());
        Thread.sleep(3_000);
        assertThat(remote.messages()).hasSize(1);
    }

    @Test
    void aClientInIdleOnOneNodeHearsOfMailDeliveredThroughTheOther() throws Exception {
        RunningServer one = node(1);
        RunningServer two = node(2);
        addUsers(one);
        try (RawImapClient c = imap(two)) {
            assertThat(last(c.command("s1", "SELECT INBOX"))).startsWith("s1 OK");
            c.send("i1 IDLE");
            assertThat(c.readLine()).startsWith("+");
            long sent = System.nanoTime();
            smtp("127.0.0.2", one.smtpPort(), "someone@remote.test", "alice@cluster.test", message("idle", "alice@cluster.test"));
            String line = c.readLine();
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
            assertThat(line).isEqualTo("* 1 EXISTS");
            System.out.println("IDLE on node 2 heard of the delivery through node 1 " + millis + " ms after the SMTP transaction began");
            c.send("DONE");
            assertThat(last(c.until("i1"))).startsWith("i1 OK");
            List<String> fetched = c.command("f1", "FETCH 1 (BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])");
            assertThat(String.join("\n", fetched)).contains("<idle@cluster.test>");
        }
    }

    @Test
    void flagChangesOnOneNodeAreSeenByASessionOnTheOther() throws Exception {
        RunningServer one = node(1);
        RunningServer two = node(2);
        addUsers(one);
        smtp("127.0.0.2", one.smtpPort(), "someone@remote.test", "alice@cluster.test", message("flags", "alice@cluster.test"));
        await().atMost(WAIT).until(() -> two.inbox("alice@cluster.test").size() == 1);
        try (RawImapClient onTwo = imap(two); RawImapClient onOne = imap(one)) {
            assertThat(last(onTwo.command("s1", "SELECT INBOX"))).startsWith("s1 OK");
            assertThat(last(onOne.command("s1", "SELECT INBOX"))).startsWith("s1 OK");
            assertThat(last(onOne.command("st", "STORE 1 +FLAGS (\\Flagged $Important)"))).startsWith("st OK");
            await().atMost(WAIT).until(() -> {
                List<String> lines = onTwo.command("n" + System.nanoTime(), "NOOP");
                return lines.stream().anyMatch(l -> l.startsWith("* 1 FETCH") && l.contains("\\Flagged")
                        && l.contains("$Important"));
            });
            assertThat(last(onOne.command("x", "STORE 1 +FLAGS (\\Deleted)"))).startsWith("x OK");
            assertThat(last(onOne.command("e", "EXPUNGE"))).startsWith("e OK");
            await().atMost(WAIT).until(() -> onTwo.command("m" + System.nanoTime(), "NOOP").contains("* 1 EXPUNGE"));
        }
    }

    @Test
    void aMessageIsRecentInOneSessionWhicheverNodeItIsOn() throws Exception {
        RunningServer one = node(1);
        RunningServer two = node(2);
        addUsers(one);
        for (int i = 1; i <= 3; i++) {
            smtp("127.0.0.2", one.smtpPort(), "someone@remote.test", "alice@cluster.test",
                    message("recent" + i, "alice@cluster.test"));
        }
        await().atMost(WAIT).until(() -> two.inbox("alice@cluster.test").size() == 3);
        try (RawImapClient onOne = imap(one); RawImapClient onTwo = imap(two)) {
            // Both select at once: one of them takes all three.
            var first = java.util.concurrent.CompletableFuture.supplyAsync(() -> onOne.command("s1", "SELECT INBOX"));
            var second = java.util.concurrent.CompletableFuture.supplyAsync(() -> onTwo.command("s1", "SELECT INBOX"));
            List<String> recent = List.of(recentLine(first.get()), recentLine(second.get()));
            assertThat(recent).containsExactlyInAnyOrder("* 3 RECENT", "* 0 RECENT");

            smtp("127.0.0.2", one.smtpPort(), "someone@remote.test", "alice@cluster.test",
                    message("recent4", "alice@cluster.test"));
            await().atMost(WAIT).until(() -> recentAt(onOne, 4) || recentAt(onTwo, 4));
            assertThat(recentAt(onOne, 4) ^ recentAt(onTwo, 4)).isTrue();
        }
    }

    private static String recentLine(List<String> select) {
        return select.stream().filter(l -> l.endsWith(" RECENT")).findFirst().orElseThrow();
    }

    private static boolean recentAt(RawImapClient c, long uid) {
        return c.command("r" + System.nanoTime(), "UID FETCH " + uid + " (FLAGS)").stream()
                .anyMatch(l -> l.contains("FETCH (UID " + uid + " ") && l.contains("\\Recent"));
    }

    private RawImapClient imap(RunningServer node) throws IOException {
        String host = node == nodes.get(0) ? "127.0.0.2" : "127.0.0.3";
        RawImapClient c = new RawImapClient(host, node.port("imaps"));
        SSLSocket tls = (SSLSocket) TestCertificates.trusting(node.server().tls().certificate()).getSocketFactory()
                .createSocket(c.socket(), host, node.port("imaps"), true);
        tls.startHandshake();
        c.replaceSocket(tls);
        assertThat(c.readLine()).startsWith("* OK");
        assertThat(last(c.command("l1", "LOGIN alice@cluster.test \"alice pw\""))).startsWith("l1 OK");
        return c;
    }

    /** One SMTP transaction over a plain socket; fails unless the message is accepted. */
    private static void smtp(String host, int port, String from, String to, String content) throws IOException {
        try (Socket s = new Socket(host, port)) {
            s.setSoTimeout(20_000);
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            expect(in, "220");
            for (String[] step : new String[][]{{"EHLO client.test", "250"}, {"MAIL FROM:<" + from + ">", "250"},
                    {"RCPT TO:<" + to + ">", "250"}, {"DATA", "354"}, {content + ".", "250"}, {"QUIT", "221"}}) {
                out.write((step[0] + "\r\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                expect(in, step[1]);
            }
        }
    }

    private static void expect(java.io.BufferedReader in, String code) throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed while waiting for " + code);
            }
        } while (line.length() > 3 && line.charAt(3) == '-');
        assertThat(line).startsWith(code);
    }

    private static void waitForPort(String host, int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket(host, port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(200);
            }
        }
        throw new AssertionError("node 1 did not open " + host + ":" + port + " within 90 s");
    }

    private static int freePortOn(String address) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(address))) {
            return s.getLocalPort();
        }
    }

    /** A port free on 127.0.0.4, where the remote domain's server listens. */
    private static int freePort() throws IOException {
        return freePortOn("127.0.0.4");
    }
}
