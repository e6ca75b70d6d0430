package dev.tern.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.admin.auth.ApiTokens;
import dev.tern.admin.auth.Scope;
import dev.tern.mail.ClientInfo;
import dev.tern.mail.Envelope;
import dev.tern.mail.MailAddress;
import dev.tern.mail.Recipient;
import dev.tern.store.BlobSink;
import dev.tern.store.Rows;
import dev.tern.testing.InProcessCli;
import dev.tern.testing.RawSmtpClient;
import dev.tern.testing.RunningServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Webhooks end to end: mail received over SMTP and delivered to a local mailbox, its events POSTed
 * to a receiver on loopback, signed, retried, filtered, and sent after a restart.
 */
class WebhookDeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int WAIT_SECONDS = 20;
    /** Loopback receivers need allow_private. */
    private static final String CONFIG = "[webhooks]\nallow_private = true\n";
    private static final String ADMIN = "admin = [\"127.0.0.1:0\"]\n";

    @TempDir
    Path dir;
    RunningServer tern;
    WebhookReceiver receiver;
    String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void receiver() throws Exception {
        receiver = new WebhookReceiver();
    }

    @AfterEach
    void stop() {
        if (tern != null) {
            tern.close();
        }
        receiver.close();
    }

    /** Milliseconds between attempts, {@code count} times. */
    private static RetrySchedule fast(int count) {
        return new RetrySchedule(Collections.nCopies(count, Duration.ofMillis(100)));
    }

    private void start(RetrySchedule retries) {
        tern = RunningServer.prepared(dir, CONFIG, ADMIN, s -> s.withWebhookRetries(retries));
        token = new ApiTokens(tern.services().metadata(), Clock.systemUTC())
                .create("test", List.of(Scope.WEBHOOKS_WRITE), List.of(), null, "cli").token();
    }

    private void startWithMailboxes(RetrySchedule retries) {
        start(retries);
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addDomain("shop.test");
        tern.services().directory().addUser("alice@example.test", "alice pw");
        tern.services().directory().addUser("bob@shop.test", "bob pw");
    }

    record Answer(int status, JsonNode json) {
    }

    private Answer api(String method, String path, Object body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + tern.port("admin") + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token);
        if (body != null) {
            b.header("Content-Type", "application/json").method(method,
                    HttpRequest.BodyPublishers.ofString(WebhookReceiver.JSON.writeValueAsString(body)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body().isEmpty() ? null : WebhookReceiver.JSON.readTree(r.body()));
    }

    /** Makes a webhook through the API; returns its answer (with the secret). */
    private JsonNode webhook(String path, List<String> events, List<String> domains) throws Exception {
        Map<String, Object> body = new HashMap<>();
        body.put("url", receiver.url(path));
        body.put("events", events);
        if (domains != null) {
            body.put("domains", domains);
        }
        Answer a = api("POST", "/api/webhooks", body);
        assertThat(a.status()).as("%s", a.json()).isEqualTo(201);
        return a.json();
    }

    private List<JsonNode> deliveries(String webhookId) throws Exception {
        Answer a = api("GET", "/api/webhooks/" + webhookId + "/deliveries", null);
        assertThat(a.status()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        a.json().get("deliveries").forEach(out::add);
        return out;
    }

    /** Sends one message over SMTP; returns its queue id. */
    private String send(String from, String to, String messageId) throws Exception {
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 10_000)) {
            RawSmtpClient.expect(c.reply(), "220");
            RawSmtpClient.expect(c.command("EHLO client.example.test"), "250");
            String reply = RawSmtpClient.expect(c.sendMail(from, List.of(to), "From: " + from
                    + "\r\nSubject: hooked\r\nMessage-ID: <" + messageId + ">\r\n\r\nHello\r\n"), "250");
            c.command("QUIT");
            return reply.substring(reply.lastIndexOf(' ') + 1).trim();
        }
    }

    /** Queues a message as if submitted on the submission listener by an authenticated user. */
    private String submit(String from, String to) throws Exception {
        String id = tern.services().queue().newId();
        BlobSink sink = tern.services().queue().newBody(id);
        sink.write(ByteBuffer.wrap(("From: " + from + "\r\nSubject: submitted\r\n\r\nHi\r\n")
                .getBytes(StandardCharsets.US_ASCII)));
        Envelope env = new Envelope(MailAddress.parse(from), List.of(Recipient.of(MailAddress.parse(to))), "7BIT",
                false, null, null, new ClientInfo("127.0.0.1", null, "laptop", "ESMTPSA", "submission", from),
                Instant.now());
        tern.services().queue().enqueue(id, env, sink).join();
        return id;
    }

    @Test
    void aDeliveredMessageIsPostedSignedWithTheWebhooksSecret() throws Exception {
        startWithMailboxes(fast(3));
        JsonNode hook = webhook("/hook", List.of("received", "delivered"), null);
        String id = hook.get("id").asText();
        String secret = hook.get("secret").asText();
        assertThat(secret).startsWith(Webhooks.SECRET_PREFIX);

        String queueId = send("carol@elsewhere.test", "alice@example.test", "one@elsewhere.test");
        Map<String, WebhookReceiver.Request> byType = new HashMap<>();
        for (int i = 0; i < 2; i++) {
            WebhookReceiver.Request r = receiver.next(WAIT_SECONDS);
            byType.put(r.json().get("type").asText(), r);
        }
        assertThat(byType).containsOnlyKeys("received", "delivered");

        WebhookReceiver.Request delivered = byType.get("delivered");
        assertThat(delivered.method()).isEqualTo("POST");
        assertThat(delivered.path()).isEqualTo("/hook");
        assertThat(delivered.header("Content-Type")).isEqualTo("application/json");
        assertThat(delivered.header("Tern-Webhook-Id")).isEqualTo(id);
        assertThat(delivered.signedWith(secret)).isTrue();
        assertThat(delivered.signedWith(secret + "x")).isFalse();
        JsonNode body = delivered.json();
        assertThat(delivered.header("Tern-Delivery-Id")).isEqualTo(body.get("id").asText());
        assertThat(body.get("webhook_id").asText()).isEqualTo(id);
        assertThat(Instant.parse(body.get("created_at").asText())).isNotNull();
        JsonNode data = body.get("data");
        assertThat(data.get("queue_id").asText()).isEqualTo(queueId);
        assertThat(data.get("message_id").asText()).isEqualTo("one@elsewhere.test");
        assertThat(data.get("sender").asText()).isEqualTo("carol@elsewhere.test");
        assertThat(data.get("recipient").asText()).isEqualTo("alice@example.test");
        assertThat(data.get("status").asText()).isEqualTo("2.0.0");
        assertThat(data.get("destination").asText()).isEqualTo("local");
        assertThat(data.get("mailbox").asText()).contains("alice@example.test INBOX");

        WebhookReceiver.Request received = byType.get("received");
        assertThat(received.signedWith(secret)).isTrue();
        JsonNode rdata = received.json().get("data");
        assertThat(rdata.get("queue_id").asText()).isEqualTo(queueId);
        assertThat(rdata.get("recipients")).hasSize(1);
        assertThat(rdata.get("recipients").get(0).asText()).isEqualTo("alice@example.test");
        assertThat(rdata.get("listener").asText()).isEqualTo("smtp");
        assertThat(rdata.get("client_address").asText()).isEqualTo("127.0.0.1");
        assertThat(received.header("Tern-Delivery-Id")).isNotEqualTo(delivered.header("Tern-Delivery-Id"));

        await().atMost(WAIT).untilAsserted(() -> assertThat(deliveries(id))
                .allSatisfy(d -> {
                    assertThat(d.get("state").asText()).isEqualTo("delivered");
                    assertThat(d.get("attempts").asInt()).isEqualTo(1);
                    assertThat(d.get("last_status").asInt()).isEqualTo(200);
                    assertThat(d.has("delivered_at")).isTrue();
                    assertThat(d.has("next_attempt_at")).isFalse();
                })
                .extracting(d -> d.get("event_type").asText()).containsExactlyInAnyOrder("received", "delivered"));
    }

    @Test
    void aRefusedPostIsRetriedUntilTheReceiverAcceptsIt() throws Exception {
        startWithMailboxes(fast(3));
        receiver.answering(500);
        JsonNode hook = webhook("/retry", List.of("delivered"), null);
        String id = hook.get("id").asText();

        send("carol@elsewhere.test", "alice@example.test", "two@elsewhere.test");
        WebhookReceiver.Request first = receiver.next(WAIT_SECONDS);
        WebhookReceiver.Request second = receiver.next(WAIT_SECONDS);
        assertThat(second.header("Tern-Delivery-Id")).isEqualTo(first.header("Tern-Delivery-Id"));
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(second.signedWith(hook.get("secret").asText())).isTrue();

        await().atMost(WAIT).untilAsserted(() -> {
            List<JsonNode> all = deliveries(id);
            assertThat(all).hasSize(1);
            JsonNode d = all.get(0);
            assertThat(d.get("id").asText()).isEqualTo(first.header("Tern-Delivery-Id"));
            assertThat(d.get("event_type").asText()).isEqualTo("delivered");
            assertThat(d.get("state").asText()).isEqualTo("delivered");
            assertThat(d.get("attempts").asInt()).isEqualTo(2);
            assertThat(d.get("last_status").asInt()).isEqualTo(200);
        });
        assertThat(receiver.pending()).isEmpty();
    }

    @Test
    void aDeliveryFailsForGoodWhenItsRetriesRunOut() throws Exception {
        startWithMailboxes(fast(2));
        receiver.answering(503, 503, 503, 503);
        JsonNode hook = webhook("/down", List.of("delivered"), null);
        String id = hook.get("id").asText();

        send("carol@elsewhere.test", "alice@example.test", "three@elsewhere.test");
        for (int i = 0; i < 3; i++) {
            receiver.next(WAIT_SECONDS);
        }
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode d = deliveries(id).get(0);
            assertThat(d.get("state").asText()).isEqualTo("failed");
            assertThat(d.get("attempts").asInt()).isEqualTo(3);
            assertThat(d.get("last_status").asInt()).isEqualTo(503);
            assertThat(d.get("last_error").asText()).isEqualTo("HTTP 503");
        });
        assertThat(receiver.pending()).isEmpty();
    }

    @Test
    void onlySubscribedEventsOfTheWebhooksDomainsAreSent() throws Exception {
        startWithMailboxes(fast(3));
        String example = webhook("/example", List.of("delivered"), List.of("example.test")).get("id").asText();
        String shop = webhook("/shop", List.of("delivered"), List.of("SHOP.test")).get("id").asText();
        String bounces = webhook("/bounces", List.of("bounced", "expired"), null).get("id").asText();
        String inbound = webhook("/inbound", List.of("received"), null).get("id").asText();

        // Submitted mail is delivered (to example.test) but is not "received" from another server.
        String submitted = submit("alice@example.test", "alice@example.test");
        WebhookReceiver.Request first = receiver.next(WAIT_SECONDS);
        assertThat(first.path()).isEqualTo("/example");
        assertThat(first.json().get("data").get("queue_id").asText()).isEqualTo(submitted);

        String inboundId = send("carol@elsewhere.test", "bob@shop.test", "four@elsewhere.test");
        List<WebhookReceiver.Request> next = List.of(receiver.next(WAIT_SECONDS), receiver.next(WAIT_SECONDS));
        assertThat(next).extracting(WebhookReceiver.Request::path).containsExactlyInAnyOrder("/shop", "/inbound");
        for (WebhookReceiver.Request r : next) {
            assertThat(r.json().get("data").get("queue_id").asText()).isEqualTo(inboundId);
        }

        // Every delivery is written with its event: once these events were sent, none other is on its way.
        var rows = tern.services().metadata().read(tx -> Map.of(
                example, tx.webhooks().deliveries(example, 10), shop, tx.webhooks().deliveries(shop, 10),
                bounces, tx.webhooks().deliveries(bounces, 10), inbound, tx.webhooks().deliveries(inbound, 10)));
        assertThat(rows.get(example)).extracting(Rows.WebhookDelivery::eventType).containsExactly("delivered");
        assertThat(rows.get(shop)).extracting(Rows.WebhookDelivery::eventType).containsExactly("delivered");
        assertThat(rows.get(bounces)).isEmpty();
        assertThat(rows.get(inbound)).extracting(Rows.WebhookDelivery::eventType).containsExactly("received");
        assertThat(receiver.pending()).isEmpty();
    }

    @Test
    void webhooksChangedByTheCommandLineWhileTheServerRunsApplyFromTheNextEvent() throws Exception {
        startWithMailboxes(fast(3));
        // The server has looked for webhooks, and found none, before the command line adds one.
        send("carol@elsewhere.test", "alice@example.test", "before@elsewhere.test");

        String added = commandLine("webhook", "add", receiver.url("/cli"), "--event", "delivered");
        String id = added.substring("webhook ".length(), "webhook ".length() + 16);
        String queueId = send("carol@elsewhere.test", "alice@example.test", "after@elsewhere.test");
        WebhookReceiver.Request first = receiver.next(WAIT_SECONDS);
        assertThat(first.path()).isEqualTo("/cli");
        assertThat(first.json().get("data").get("queue_id").asText()).isEqualTo(queueId);

        // `tern` commands open their own store on the same data directory, as this does.
        try (dev.tern.server.Services other = new dev.tern.server.Services(
                dev.tern.config.ConfigLoader.load(dir.resolve("tern.toml")), 2)) {
            other.webhooks().update(id, new Webhooks.Change(null, null, null, false));
        }
        send("carol@elsewhere.test", "alice@example.test", "disabled@elsewhere.test");
        // The deliveries are written with the event, before the 250: none was for the disabled webhook.
        List<Rows.WebhookDelivery> ofDisabled = tern.services().metadata().read(tx -> tx.webhooks().deliveries(id, 10));
        assertThat(ofDisabled).hasSize(1);

        commandLine("webhook", "delete", id);
        String marker = webhook("/api", List.of("delivered"), null).get("id").asText();
        String last = send("carol@elsewhere.test", "alice@example.test", "deleted@elsewhere.test");
        WebhookReceiver.Request next = receiver.next(WAIT_SECONDS);
        assertThat(next.path()).isEqualTo("/api");
        assertThat(next.json().get("data").get("queue_id").asText()).isEqualTo(last);
        List<Rows.WebhookDelivery> ofMarker = tern.services().metadata().read(tx -> tx.webhooks().deliveries(marker, 10));
        assertThat(ofMarker).hasSize(1);
        assertThat(receiver.pending()).isEmpty();
    }

    /** Runs a `tern` command on this server's configuration; returns what it printed. */
    private String commandLine(String... args) {
        InProcessCli.Result r = InProcessCli.runStdoutOnly(dir.resolve("tern.toml"), null, args);
        assertThat(r.code()).as("tern %s", String.join(" ", args)).isZero();
        return r.out();
    }

    @Test
    void aPingIsSentOnRequest() throws Exception {
        start(fast(3));
        JsonNode hook = webhook("/ping", List.of("bounced"), null);
        String id = hook.get("id").asText();
        Answer a = api("POST", "/api/webhooks/" + id + "/test", null);
        assertThat(a.status()).isEqualTo(202);
        String deliveryId = a.json().get("delivery_id").asText();

        WebhookReceiver.Request r = receiver.next(WAIT_SECONDS);
        assertThat(r.json().get("type").asText()).isEqualTo("ping");
        assertThat(r.json().get("id").asText()).isEqualTo(deliveryId);
        assertThat(r.header("Tern-Delivery-Id")).isEqualTo(deliveryId);
        assertThat(r.signedWith(hook.get("secret").asText())).isTrue();
        await().atMost(WAIT).untilAsserted(() -> assertThat(deliveries(id).get(0).get("state").asText())
                .isEqualTo("delivered"));

        Answer disabled = api("PATCH", "/api/webhooks/" + id, Map.of("enabled", false));
        assertThat(disabled.status()).isEqualTo(200);
        assertThat(disabled.json().get("enabled").asBoolean()).isFalse();
        assertThat(api("POST", "/api/webhooks/" + id + "/test", null).status()).isEqualTo(409);
    }

    @Test
    void withoutAllowPrivateNothingIsPostedToAPrivateAddress() throws Exception {
        tern = RunningServer.prepared(dir, "", ADMIN, s -> s.withWebhookRetries(fast(3)));
        // Made before the setting was turned off, say: the host is checked again before each POST.
        String url = receiver.url("/private").replace("127.0.0.1", "localhost");
        tern.services().metadata().writeAndWait(tx -> {
            tx.webhooks().insertWebhook(new Rows.Webhook("0123456789abcdef", url, "whsec_x", List.of("delivered"),
                    List.of(), true, Instant.now()));
            return null;
        });
        Rows.WebhookDelivery ping = tern.services().webhooks().ping("0123456789abcdef");
        await().atMost(WAIT).untilAsserted(() -> {
            Rows.WebhookDelivery d = tern.services().metadata().read(tx -> tx.webhooks().delivery(ping.id()))
                    .orElseThrow();
            assertThat(d.state()).isEqualTo("failed");
            assertThat(d.lastStatus()).isNull();
            assertThat(d.lastError()).contains("is not public");
        });
        assertThat(receiver.pending()).isEmpty();
    }

    @Test
    void aPendingDeliveryIsSentAfterTheServerRestarts() throws Exception {
        RetrySchedule patient = new RetrySchedule(Collections.nCopies(200, Duration.ofMillis(100)));
        startWithMailboxes(patient);
        int[] refusals = new int[200];
        java.util.Arrays.fill(refusals, 500);
        receiver.answering(refusals);
        JsonNode hook = webhook("/restart", List.of("delivered"), null);
        String id = hook.get("id").asText();
        send("carol@elsewhere.test", "alice@example.test", "five@elsewhere.test");
        String deliveryId = receiver.next(WAIT_SECONDS).header("Tern-Delivery-Id");
        receiver.next(WAIT_SECONDS);
        tern.close();
        tern = null;

        // Only now does the receiver accept: what it accepts is sent by the restarted server.
        receiver.answeringOk();
        start(patient);
        WebhookReceiver.Request after = receiver.next(WAIT_SECONDS);
        assertThat(after.header("Tern-Delivery-Id")).isEqualTo(deliveryId);
        assertThat(after.signedWith(hook.get("secret").asText())).isTrue();
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode d = deliveries(id).get(0);
            assertThat(d.get("state").asText()).isEqualTo("delivered");
            assertThat(d.get("attempts").asInt()).isGreaterThanOrEqualTo(3);
            assertThat(d.get("last_status").asInt()).isEqualTo(200);
        });
    }
}
