package dev.tern.cli;

import dev.tern.config.TernConfig;
import dev.tern.mail.ClientInfo;
import dev.tern.mail.Envelope;
import dev.tern.mail.MailAddress;
import dev.tern.mail.Recipient;
import dev.tern.server.Services;
import dev.tern.store.BlobSink;
import dev.tern.store.Rows;
import dev.tern.testing.InProcessCli;
import dev.tern.testing.InProcessCli.Result;
import dev.tern.testing.RunningServer;
import dev.tern.testing.TestConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** `tern queue hold|release|retry|flush` against the store a server uses, running or not. */
class QueueCommandTest {

    private static final String BODY = "From: s@example.org\r\nSubject: test\r\n\r\nHello\r\n";

    @TempDir
    Path dir;

    private Result tern(String... args) {
        return InProcessCli.run(dir.resolve("tern.toml"), null, args);
    }

    /** Queues a message as the SMTP server would, but with no server to deliver it. */
    private static String enqueue(Services services, String... recipients) throws Exception {
        return enqueue(services, false, recipients);
    }

    private static String enqueue(Services services, boolean requireTls, String... recipients) throws Exception {
        String id = services.queue().newId();
        BlobSink sink = services.queue().newBody(id);
        sink.write(ByteBuffer.wrap(BODY.getBytes(StandardCharsets.US_ASCII)));
        Envelope env = new Envelope(MailAddress.parse("s@example.org"),
                List.of(recipients).stream().map(r -> Recipient.of(MailAddress.parse(r))).toList(), "7BIT", false,
                null, null, new ClientInfo("192.0.2.7", null, "client.example", "ESMTP", "smtp", null), Instant.now())
                .withRequireTls(requireTls);
        services.queue().enqueue(id, env, sink).join();
        return id;
    }

    private static void assertNoSuchMessage(Result r) {
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("tern: no message NOPE in the queue\n");
    }

    @Test
    void aLimitedListingSaysHowManyAreQueued() throws Exception {
        TernConfig config = TestConfigs.write(dir);
        List<String> ids = new java.util.ArrayList<>();
        try (Services services = new Services(config, 2)) {
            for (int i = 0; i < 3; i++) {
                ids.add(enqueue(services, "someone" + i + "@elsewhere.test"));
            }
        }
        Result two = tern("queue", "list", "--limit", "2");
        assertThat(two.out()).contains(ids.get(0), ids.get(1)).doesNotContain(ids.get(2))
                .endsWith("-- the oldest 2 of 3 message(s)\n");
        assertThat(tern("queue", "list", "-n", "3").out()).contains(ids.get(2)).endsWith("-- 3 message(s)\n");
        assertThat(tern("queue", "list").out()).endsWith("-- 3 message(s)\n");
        assertThat(tern("queue", "list", "-n", "0").err()).isEqualTo("tern: --limit: must be 1 or more, got 0\n");
    }

    @Test
    void showSaysWhenAMessageAskedForRequireTls() throws Exception {
        TernConfig config = TestConfigs.write(dir);
        String required;
        String ordinary;
        try (Services services = new Services(config, 2)) {
            required = enqueue(services, true, "someone@elsewhere.test");
            ordinary = enqueue(services, false, "someone@elsewhere.test");
        }
        assertThat(tern("queue", "show", required).out()).contains("requiretls:  yes");
        assertThat(tern("queue", "show", ordinary).out()).doesNotContain("requiretls");
    }

    @Test
    void aHeldMessageWaitsUntilReleasedWhileTheServerRuns() throws Exception {
        TernConfig config = TestConfigs.write(dir);
        String id;
        try (Services services = new Services(config, 2)) {
            services.directory().addDomain("example.test");
            services.directory().addUser("alice@example.test", "a");
            id = enqueue(services, "alice@example.test");
        }
        assertThat(tern("queue", "hold", id).out()).isEqualTo("held " + id + "\n");
        assertThat(tern("queue", "list").out()).contains(id + "! ").contains("-- 1 message(s), 1 of them on hold (!)");
        assertThat(tern("queue", "show", id).out()).contains("held:        yes");
        assertNoSuchMessage(tern("queue", "hold", "NOPE"));
        assertNoSuchMessage(tern("queue", "release", "NOPE"));

        try (RunningServer server = new RunningServer(dir, "")) {
            // The server scans at start and then every 500 ms: several scans pass the held message by.
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                    .until(() -> server.inbox("alice@example.test").isEmpty());
            // The server runs in this JVM and its log lines go to the captured standard output too.
            assertThat(tern("queue", "release", id).out().lines()).contains("released " + id);
            await().atMost(Duration.ofSeconds(10)).until(() -> server.inbox("alice@example.test").size() == 1);
        }
        assertThat(tern("queue", "list").out()).isEqualTo("the queue is empty\n");
    }

    @Test
    void retryAndFlushMakeDeferredRecipientsDueNow() throws Exception {
        TernConfig config = TestConfigs.write(dir);
        try (Services services = new Services(config, 2)) {
            String first = enqueue(services, "x@remote.test");
            String second = enqueue(services, "y@remote.test");
            String held = enqueue(services, "z@remote.test");
            Instant later = Instant.now().plusSeconds(3600);
            services.metadata().writeAndWait(tx -> {
                for (String id : List.of(first, second, held)) {
                    for (Rows.QueueRecipient r : tx.queue().recipients(id)) {
                        tx.queue().defer(r.id(), later, "4.4.1 no answer", Instant.now());
                    }
                }
                return null;
            });
            assertThat(tern("queue", "hold", held).code()).isZero();
            assertThat(due(services)).isEmpty();
            assertThat(tern("queue", "show", first).out())
                    .contains("<x@remote.test> deferred, 1 attempt(s), next " + later.toString().substring(0, 16));

            assertThat(tern("queue", "retry", first).out()).isEqualTo(first + ": 1 deferred recipient(s) due now\n");
            assertThat(due(services)).containsExactly("x@remote.test");

            assertThat(tern("queue", "flush").out()).isEqualTo("1 deferred recipient(s) due now\n");
            assertThat(due(services)).containsExactly("x@remote.test", "y@remote.test");

            Result heldRetry = tern("queue", "retry", held);
            assertThat(heldRetry.out()).startsWith(held + ": 1 deferred recipient(s) due now, but the message is on hold")
                    .contains("tern queue release " + held);
            assertThat(due(services)).containsExactly("x@remote.test", "y@remote.test");
            assertThat(tern("queue", "release", held).code()).isZero();
            assertThat(due(services)).containsExactly("x@remote.test", "y@remote.test", "z@remote.test");

            assertThat(tern("queue", "flush").out()).isEqualTo("0 deferred recipient(s) due now\n");
            assertNoSuchMessage(tern("queue", "retry", "NOPE"));
        }
    }

    private static List<String> due(Services services) {
        return services.metadata().read(tx -> tx.queue().due(Instant.now(), 10)).stream()
                .map(Rows.QueueRecipient::address).toList();
    }
}
