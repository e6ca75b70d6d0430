package dev.tern.tracking;

import dev.tern.store.Rows;
import dev.tern.testing.RawSmtpClient;
import dev.tern.testing.RunningServer;
import dev.tern.testing.ScriptedSmtpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Delivery tracking end to end: messages received over SMTP and delivered to a local mailbox or
 * to another server (a scripted one on loopback, reached through a fixed route), then looked up.
 */
class DeliveryTrackingTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    RunningServer tern;
    ScriptedSmtpServer remote;

    @AfterEach
    void stop() throws Exception {
        if (tern != null) {
            tern.close();
        }
        if (remote != null) {
            remote.close();
        }
    }

    /** Tern for example.test, relaying for loopback clients; mail for remote.test goes to the scripted server. */
    private void start(ScriptedSmtpServer.Options remoteOptions) throws Exception {
        String route = "";
        if (remoteOptions != null) {
            remote = new ScriptedSmtpServer(remoteOptions);
            route = "\n[delivery]\nretry_first = \"1s\"\nretry_max = \"2s\"\n"
                    + "[delivery.routes]\n\"remote.test\" = \"127.0.0.1:" + remote.port() + "\"\n";
        }
        tern = new RunningServer(dir, "[smtp]\nrelay_from = [\"127.0.0.0/8\"]\n" + route);
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addUser("alice@example.test", "alice pw");
        tern.services().directory().addUser("bob@example.test", "bob pw");
    }

    private static String content(String messageId) {
        return "From: carol@elsewhere.test\r\nTo: someone\r\nSubject: tracked\r\nMessage-ID: \r\n <" + messageId
                + ">\r\n\r\nHello\r\n";
    }

    /** Sends one message over SMTP; returns its queue id. */
    private String send(String from, List<String> to, String messageId) throws Exception {
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 10_000)) {
            RawSmtpClient.expect(c.reply(), "220");
            RawSmtpClient.expect(c.command("EHLO client.example.test"), "250");
            String reply = RawSmtpClient.expect(c.sendMail(from, to, content(messageId)), "250");
            c.command("QUIT");
            return reply.substring(reply.lastIndexOf(' ') + 1).trim();
        }
    }

    private TracedMessage traced(String queueId) {
        return tern.services().trace().message(queueId).orElseThrow();
    }

    private static List<String> types(TracedMessage m, String recipient) {
        return m.timeline(recipient).stream().map(e -> e.type().label()).toList();
    }

    private static DeliveryEvent first(TracedMessage m, DeliveryEvent.Type type) {
        return m.events().stream().filter(e -> e.type() == type).findFirst().orElseThrow();
    }

    @Test
    void aMessageDeliveredLocallyIsReceivedQueuedAndDelivered() throws Exception {
        start(null);
        List<DeliveryEvent> heard = new CopyOnWriteArrayList<>();
        tern.services().tracker().addListener(heard::add);
        String id = send("carol@elsewhere.test", List.of("alice@example.test"), "local-1@elsewhere.test");
        await().atMost(WAIT).until(() -> tern.inbox("alice@example.test").size() == 1);

        TracedMessage m = traced(id);
        assertThat(m.messageId()).isEqualTo("local-1@elsewhere.test");
        assertThat(m.sender()).isEqualTo("carol@elsewhere.test");
        assertThat(m.listener()).isEqualTo("smtp");
        assertThat(m.recipients()).extracting(TracedMessage.Recipient::address, TracedMessage.Recipient::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("alice@example.test", "delivered"));
        assertThat(types(m, "alice@example.test")).containsExactly("received", "queued", "delivered");
        DeliveryEvent received = first(m, DeliveryEvent.Type.RECEIVED);
        assertThat(received.fields()).containsEntry("client_address", "127.0.0.1")
                .containsEntry("helo", "client.example.test").containsEntry("tls", "no")
                .containsEntry("listener", "smtp").containsEntry("message_id", "local-1@elsewhere.test")
                .containsEntry("sender", "<carol@elsewhere.test>").containsEntry("recipients", "alice@example.test")
                .containsKey("size");
        DeliveryEvent delivered = first(m, DeliveryEvent.Type.DELIVERED);
        assertThat(delivered.fields()).containsEntry("destination", "local").containsEntry("status", "2.0.0")
                .containsKey("delay");
        assertThat(delivered.field("mailbox")).contains("alice@example.test INBOX uid=1");
        // The queue kept the Message-ID with the message while it was there.
        assertThat(heard).extracting(DeliveryEvent::type)
                .containsSubsequence(DeliveryEvent.Type.RECEIVED, DeliveryEvent.Type.QUEUED,
                        DeliveryEvent.Type.DELIVERED);
    }

    @Test
    void aLargeMessageHasItsMessageIdReadBackFromItsFile() throws Exception {
        start(null);
        String line = "x".repeat(76) + "\r\n";
        String big = "Subject: big\r\nMessage-ID: <big-1@elsewhere.test>\r\n\r\n" + line.repeat(2000);
        String id;
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 10_000)) {
            RawSmtpClient.expect(c.reply(), "220");
            RawSmtpClient.expect(c.command("EHLO client.example.test"), "250");
            String reply = RawSmtpClient.expect(c.sendMail("carol@elsewhere.test", List.of("bob@example.test"), big),
                    "250");
            id = reply.substring(reply.lastIndexOf(' ') + 1).trim();
        }
        TracedMessage m = traced(id);
        assertThat(m.size()).isGreaterThan(dev.tern.queue.MailQueue.INLINE_LIMIT);
        assertThat(m.messageId()).isEqualTo("big-1@elsewhere.test");
        assertThat(ids(tern.services().trace().search(TraceQuery.all().withMessageId("big-1@elsewhere.test"))))
                .containsExactly(id);
    }

    @Test
    void aRemoteDeliveryRefusedFirstWith451IsAttemptedDeferredAttemptedAndDelivered() throws Exception {
        ScriptedSmtpServer.Options o = new ScriptedSmtpServer.Options();
        o.temporaryRcptFailures = 1;
        start(o);
        String id = send("alice@example.test", List.of("dan@remote.test"), "remote-1@example.test");
        await().atMost(WAIT).until(() -> remote.messages().size() == 1);
        await().atMost(WAIT).until(() -> traced(id).recipients().get(0).status().equals("delivered"));

        TracedMessage m = traced(id);
        assertThat(types(m, "dan@remote.test"))
                .containsExactly("received", "queued", "attempt", "deferred", "attempt", "delivered");
        List<DeliveryEvent> attempts = m.events().stream().filter(e -> e.type() == DeliveryEvent.Type.ATTEMPT).toList();
        assertThat(attempts.get(0).fields()).containsEntry("remote_host", "127.0.0.1")
                .containsEntry("remote_address", "127.0.0.1").containsEntry("tls", "no")
                .containsEntry("status", "4.3.0");
        assertThat(attempts.get(0).field("reply")).startsWith("451 4.3.0");
        assertThat(attempts.get(1).field("reply")).startsWith("250");
        DeliveryEvent deferred = first(m, DeliveryEvent.Type.DEFERRED);
        assertThat(deferred.fields()).containsEntry("destination", "remote").containsKey("next_attempt");
        assertThat(deferred.field("reason")).contains("451 4.3.0");
        DeliveryEvent delivered = first(m, DeliveryEvent.Type.DELIVERED);
        assertThat(delivered.fields()).containsEntry("destination", "remote").containsEntry("remote_host", "127.0.0.1");
        assertThat(delivered.field("reply")).startsWith("250");
        // The queue entry is gone; the record stays.
        assertThat(tern.services().queue().message(id)).isEmpty();
    }

    @Test
    void aRemote550IsAttemptedAndBounced() throws Exception {
        ScriptedSmtpServer.Options o = new ScriptedSmtpServer.Options();
        o.refusedRecipients = Set.of("nobody@remote.test");
        start(o);
        String id = send("alice@example.test", List.of("nobody@remote.test"), "remote-2@example.test");
        await().atMost(WAIT).until(() -> traced(id).recipients().get(0).status().equals("bounced"));

        TracedMessage m = traced(id);
        assertThat(types(m, "nobody@remote.test")).containsExactly("received", "queued", "attempt", "bounced");
        DeliveryEvent bounced = first(m, DeliveryEvent.Type.BOUNCED);
        assertThat(bounced.fields()).containsEntry("status", "5.1.1").containsEntry("destination", "remote");
        assertThat(bounced.field("diagnostic")).contains("550 5.1.1");
        // The bounce to alice is traced too: written by Tern, delivered locally.
        await().atMost(WAIT).until(() -> tern.inbox("alice@example.test").size() == 1);
        TracePage bounces = tern.services().trace().search(TraceQuery.all().withSender("<>"));
        assertThat(bounces.messages()).singleElement().satisfies(b -> {
            assertThat(b.listener()).isEqualTo("bounce");
            assertThat(b.recipients()).extracting(TracedMessage.Recipient::status).containsExactly("delivered");
            assertThat(b.messageId()).isNotNull();
        });
    }

    @Test
    void searchFiltersEachNarrowTheResultAndPagesGoOn() throws Exception {
        start(null);
        Instant before = Instant.now().minusSeconds(1);
        String a = send("carol@elsewhere.test", List.of("alice@example.test"), "s-1@elsewhere.test");
        String b = send("dave@other.test", List.of("bob@example.test"), "s-2@other.test");
        String c = send("Carol@Elsewhere.test", List.of("alice@example.test", "bob@example.test"), "s-3@elsewhere.test");
        await().atMost(WAIT).until(() -> tern.services().trace().search(TraceQuery.all().withStatus("delivered"))
                .messages().size() == 3);
        MessageTrace trace = tern.services().trace();

        assertThat(ids(trace.search(TraceQuery.all()))).containsExactly(c, b, a);
        assertThat(ids(trace.search(TraceQuery.all().withMessageId("<s-2@other.test>")))).containsExactly(b);
        assertThat(ids(trace.search(TraceQuery.all().withMessageId("s-3@elsewhere.test")))).containsExactly(c);
        assertThat(ids(trace.search(TraceQuery.all().withQueueId(a.toLowerCase())))).containsExactly(a);
        assertThat(ids(trace.search(TraceQuery.all().withSender("carol@elsewhere.test")))).containsExactly(c, a);
        assertThat(ids(trace.search(TraceQuery.all().withSender("@other.test")))).containsExactly(b);
        assertThat(ids(trace.search(TraceQuery.all().withRecipient("<BOB@example.test>")))).containsExactly(c, b);
        assertThat(ids(trace.search(TraceQuery.all().withSince(before)))).containsExactly(c, b, a);
        assertThat(ids(trace.search(TraceQuery.all().withUntil(before)))).isEmpty();
        assertThat(ids(trace.search(TraceQuery.all().withSince(Instant.now().plusSeconds(60))))).isEmpty();
        assertThat(ids(trace.search(TraceQuery.all().withStatus("delivered")))).containsExactly(c, b, a);
        assertThat(ids(trace.search(TraceQuery.all().withStatus("bounced")))).isEmpty();
        assertThat(ids(trace.search(TraceQuery.all().withSender("carol@elsewhere.test")
                .withRecipient("bob@example.test")))).containsExactly(c);

        TracePage first = trace.search(TraceQuery.all().withLimit(2));
        assertThat(ids(first)).containsExactly(c, b);
        assertThat(first.nextCursor()).isNotNull();
        TracePage second = trace.search(TraceQuery.all().withLimit(2).withCursor(first.nextCursor()));
        assertThat(ids(second)).containsExactly(a);
        assertThat(second.nextCursor()).isNull();

        assertThatThrownBy(() -> trace.search(TraceQuery.all().withStatus("lost")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown status");
        assertThatThrownBy(() -> trace.search(TraceQuery.all().withCursor("nonsense")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> trace.search(TraceQuery.all().withLimit(0)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anOperatorDeletingAQueuedMessageIsOnItsTimeline() throws Exception {
        start(null);
        // No route and no DNS for other.test: the recipient waits, deferred.
        String id = send("alice@example.test", List.of("erin@other.test"), "held-1@example.test");
        await().atMost(WAIT).until(() -> traced(id).recipients().get(0).status().equals("deferred"));
        assertThat(tern.services().queue().delete(id)).isTrue();
        TracedMessage m = traced(id);
        assertThat(m.recipients().get(0).status()).isEqualTo("deleted");
        assertThat(types(m, "erin@other.test")).endsWith("deferred", "deleted");
    }

    @Test
    void retentionPurgeRemovesOldRecordsOnly() throws Exception {
        start(null);
        String recent = send("carol@elsewhere.test", List.of("alice@example.test"), "recent@elsewhere.test");
        await().atMost(WAIT).until(() -> tern.inbox("alice@example.test").size() == 1);
        Instant old = Instant.now().minus(Duration.ofDays(31));
        tern.services().metadata().writeAndWait(tx -> {
            tx.tracking().insertMessage(new Rows.TraceMessage("OLDMESSAGE01", "old@elsewhere.test",
                    "carol@elsewhere.test", 10, "smtp", "127.0.0.1", null, old), List.of("alice@example.test"),
                    "delivered");
            tx.tracking().insertEvent(new Rows.DeliveryEvent("OLDMESSAGE01", 1, old, "received", null, "{}"));
            tx.tracking().insertEvent(new Rows.DeliveryEvent("OLDMESSAGE01", 2, old, "delivered",
                    "alice@example.test", "{}"));
            return null;
        });
        assertThat(tern.services().trace().message("OLDMESSAGE01")).isPresent();

        int purged = tern.services().trace().purge(Duration.ofDays(30));

        assertThat(purged).isEqualTo(1);
        assertThat(tern.services().trace().message("OLDMESSAGE01")).isEmpty();
        List<Rows.DeliveryEvent> oldEvents = tern.services().metadata().read(tx -> tx.tracking().events("OLDMESSAGE01"));
        assertThat(oldEvents).isEmpty();
        assertThat(traced(recent).events()).hasSize(3);
    }

    private static List<String> ids(TracePage page) {
        return page.messages().stream().map(TracedMessage::queueId).toList();
    }
}
