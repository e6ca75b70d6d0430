package dev.tern.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.admin.auth.Scope;
import dev.tern.testing.RawSmtpClient;
import dev.tern.testing.ScriptedSmtpServer;
import dev.tern.tracking.TraceQuery;
import dev.tern.tracking.TracedMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Delivery records, statistics and health over the admin API, after real SMTP traffic: mail
 * delivered to a local mailbox, to another server (a scripted one on loopback), refused by it
 * (with the bounce delivered back), and deferred for want of DNS.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminTrackingApiTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private ScriptedSmtpServer remote;
    private AdminFixture fx;
    private AdminClient api;
    /** Queue ids: delivered locally, delivered remotely (from shop.test), bounced, deferred. */
    private String local;
    private String remoteDelivered;
    private String bounced;
    private String deferred;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        ScriptedSmtpServer.Options o = new ScriptedSmtpServer.Options();
        o.refusedRecipients = Set.of("nobody@remote.test");
        remote = new ScriptedSmtpServer(o);
        fx = new AdminFixture(dir, "[smtp]\nrelay_from = [\"127.0.0.0/8\"]\n"
                + "[delivery]\nretry_first = \"1s\"\nretry_max = \"2s\"\n"
                + "[delivery.routes]\n\"remote.test\" = \"127.0.0.1:" + remote.port() + "\"\n", s -> s);
        api = fx.admin();
        var directory = fx.services().directory();
        directory.addDomain("example.test");
        directory.addDomain("shop.test");
        directory.addUser("alice@example.test", "alice pw");
        directory.addUser("bob@shop.test", "bob pw");

        local = send("carol@elsewhere.test", List.of("alice@example.test"), "local-1@elsewhere.test");
        remoteDelivered = send("bob@shop.test", List.of("dan@remote.test"), "remote-1@shop.test");
        bounced = send("alice@example.test", List.of("nobody@remote.test"), "bounce-1@example.test");
        deferred = send("carol@elsewhere.test", List.of("eve@faraway.test"), "deferred-1@elsewhere.test");
        await().atMost(WAIT).until(() -> status(local).equals("delivered") && status(remoteDelivered).equals("delivered")
                && status(bounced).equals("bounced") && status(deferred).equals("deferred")
                && fx.server.inbox("alice@example.test").size() == 2);
        // The bounce to alice has been delivered too.
        await().atMost(WAIT).until(() -> fx.services().trace().search(TraceQuery.all().withSender("<>")).messages()
                .stream().allMatch(m -> m.statuses().equals(Set.of("delivered"))));
    }

    @AfterAll
    void stop() throws Exception {
        fx.close();
        remote.close();
    }

    private String status(String queueId) {
        return fx.services().trace().message(queueId).map(m -> m.recipients().get(0).status()).orElse("");
    }

    private String send(String from, List<String> to, String messageId) throws Exception {
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", fx.server.smtpPort(), 10_000)) {
            RawSmtpClient.expect(c.reply(), "220");
            RawSmtpClient.expect(c.command("EHLO client.example.test"), "250");
            String reply = RawSmtpClient.expect(c.sendMail(from, to, "From: " + from + "\r\nSubject: tracked\r\n"
                    + "Message-ID: <" + messageId + ">\r\n\r\nHello\r\n"), "250");
            c.command("QUIT");
            return reply.substring(reply.lastIndexOf(' ') + 1).trim();
        }
    }

    private static List<String> ids(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.get("messages").forEach(m -> out.add(m.get("queue_id").asText()));
        return out;
    }

    private static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void theSearchAnswersEveryMessageWithItsRecipientsAndTimeline() {
        AdminClient.Answer a = api.get("/api/trace");
        assertThat(a.status()).isEqualTo(200);
        JsonNode page = a.json();
        assertThat(page.has("next_cursor")).isTrue();
        assertThat(page.get("next_cursor").isNull()).isTrue();
        assertThat(ids(page)).contains(local, remoteDelivered, bounced, deferred).hasSize(5);
        assertThat(ids(page).indexOf(deferred)).as("newest first").isLessThan(ids(page).indexOf(local));

        JsonNode m = api.get("/api/trace/" + local).json();
        assertThat(m.get("queue_id").asText()).isEqualTo(local);
        assertThat(m.get("message_id").asText()).isEqualTo("local-1@elsewhere.test");
        assertThat(m.get("sender").asText()).isEqualTo("carol@elsewhere.test");
        assertThat(m.get("size").asLong()).isPositive();
        assertThat(m.get("listener").asText()).isEqualTo("smtp");
        assertThat(m.get("client_address").asText()).isEqualTo("127.0.0.1");
        assertThat(m.has("auth_user")).isTrue();
        assertThat(m.get("auth_user").isNull()).isTrue();
        assertThat(Instant.parse(m.get("received_at").asText())).isBefore(Instant.now().plusSeconds(1));
        assertThat(m.get("recipients").toString())
                .isEqualTo("[{\"address\":\"alice@example.test\",\"status\":\"delivered\"}]");
        List<String> types = new ArrayList<>();
        m.get("events").forEach(e -> types.add(e.get("type").asText()));
        assertThat(types).containsExactly("received", "queued", "delivered");
        JsonNode received = m.get("events").get(0);
        assertThat(received.get("recipient").isNull()).isTrue();
        assertThat(received.get("at").asText()).endsWith("Z");
        assertThat(received.at("/fields/helo").asText()).isEqualTo("client.example.test");
        assertThat(received.at("/fields/message_id").asText()).isEqualTo("local-1@elsewhere.test");
        JsonNode delivered = m.get("events").get(2);
        assertThat(delivered.get("recipient").asText()).isEqualTo("alice@example.test");
        assertThat(delivered.at("/fields/destination").asText()).isEqualTo("local");

        JsonNode b = api.get("/api/trace/" + bounced.toLowerCase()).json();
        assertThat(b.at("/recipients/0/status").asText()).isEqualTo("bounced");
        List<String> bouncedTypes = new ArrayList<>();
        b.get("events").forEach(e -> bouncedTypes.add(e.get("type").asText()));
        assertThat(bouncedTypes).containsExactly("received", "queued", "attempt", "bounced");
        assertThat(b.at("/events/2/fields/reply").asText()).startsWith("550 5.1.1");

        AdminClient.Answer unknown = api.get("/api/trace/NOSUCHID");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.errorCode()).isEqualTo("not_found");
    }

    @Test
    void eachFilterNarrowsTheSearchAndPagesGoOn() {
        assertThat(ids(api.get("/api/trace?message_id=" + q("<remote-1@shop.test>")).json()))
                .containsExactly(remoteDelivered);
        assertThat(ids(api.get("/api/trace?queue_id=" + deferred.toLowerCase()).json())).containsExactly(deferred);
        assertThat(ids(api.get("/api/trace?from=" + q("@Elsewhere.test")).json())).containsExactly(deferred, local);
        assertThat(ids(api.get("/api/trace?from=" + q("<>")).json())).hasSize(1).doesNotContain(local);
        assertThat(ids(api.get("/api/trace?to=" + q("@remote.test")).json()))
                .containsExactly(bounced, remoteDelivered);
        assertThat(ids(api.get("/api/trace?status=bounced").json())).containsExactly(bounced);
        assertThat(ids(api.get("/api/trace?status=DEFERRED").json())).containsExactly(deferred);
        assertThat(ids(api.get("/api/trace?since=1h").json())).hasSize(5);
        assertThat(ids(api.get("/api/trace?since=7d&until=" + q(Instant.now().minus(Duration.ofHours(1)).toString()))
                .json())).isEmpty();
        assertThat(ids(api.get("/api/trace?until=2000-01-01").json())).isEmpty();

        List<String> all = ids(api.get("/api/trace").json());
        List<String> paged = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = api.get("/api/trace?limit=2" + (cursor == null ? "" : "&cursor=" + q(cursor))).json();
            paged.addAll(ids(page));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
            pages++;
        } while (cursor != null);
        assertThat(paged).isEqualTo(all);
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void aTenantFindsOnlyTheMailOfItsDomains() {
        AdminClient shop = fx.client(List.of(Scope.TRACKING_READ), "shop.test");
        JsonNode page = shop.get("/api/trace").json();
        assertThat(ids(page)).containsExactly(remoteDelivered);
        assertThat(page.get("next_cursor").isNull()).isTrue();
        // A full page of one says nothing about the mail of others.
        assertThat(shop.get("/api/trace?limit=1").json().get("next_cursor").isNull()).isTrue();
        assertThat(ids(shop.get("/api/trace?from=" + q("@elsewhere.test")).json())).isEmpty();
        assertThat(shop.get("/api/trace/" + remoteDelivered).status()).isEqualTo(200);
        AdminClient.Answer other = shop.get("/api/trace/" + local);
        assertThat(other.status()).isEqualTo(404);
        assertThat(other.errorMessage()).isEqualTo(api.get("/api/trace/NOSUCHID").errorMessage()
                .replace("NOSUCHID", local));

        AdminClient example = fx.client(List.of(Scope.TRACKING_READ), "example.test");
        List<String> seen = ids(example.get("/api/trace").json());
        assertThat(seen).contains(local, bounced).doesNotContain(remoteDelivered, deferred).hasSize(3);
        JsonNode firstPage = example.get("/api/trace?limit=2").json();
        String cursor = firstPage.get("next_cursor").asText();
        JsonNode second = example.get("/api/trace?limit=2&cursor=" + q(cursor)).json();
        assertThat(ids(firstPage).size() + ids(second).size()).isEqualTo(3);
        assertThat(second.get("next_cursor").isNull()).isTrue();
        assertThat(example.get("/api/trace/" + deferred).status()).isEqualTo(404);
    }

    @Test
    void statsCountTheEventsOfEachHourAndTheQueue() {
        JsonNode stats = api.get("/api/stats?hours=24").json();
        JsonNode buckets = stats.get("buckets");
        assertThat(buckets).hasSize(24);
        Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);
        Instant last = Instant.parse(buckets.get(23).get("start").asText());
        assertThat(last).isIn(hour, hour.minus(Duration.ofHours(1)));
        assertThat(Instant.parse(buckets.get(0).get("start").asText())).isEqualTo(last.minus(Duration.ofHours(23)));
        long[] sums = sums(buckets);
        assertThat(sums[0]).as("received: four messages and a bounce").isEqualTo(5);
        assertThat(sums[1]).as("delivered: local, remote, the bounce").isEqualTo(3);
        assertThat(sums[2]).as("deferred").isGreaterThanOrEqualTo(1);
        assertThat(sums[3]).as("bounced").isEqualTo(1);
        assertThat(sums[4]).as("expired").isZero();
        JsonNode queue = stats.get("queue");
        assertThat(queue.get("messages").asLong()).isEqualTo(1);
        assertThat(queue.get("recipients").asLong()).isEqualTo(1);
        assertThat(fx.services().queue().message(deferred)).get().satisfies(m ->
                assertThat(queue.get("oldest_received_at").asText()).isEqualTo(m.receivedAt().toString()));

        assertThat(api.get("/api/stats").json().get("buckets")).hasSize(24);
        assertThat(api.get("/api/stats?hours=1").json().get("buckets")).hasSize(1);
        assertThat(api.get("/api/stats?hours=720").json().get("buckets")).hasSize(720);
    }

    @Test
    void theQueueIsSampledOverTimeForTheServerButNotShownToTenants() {
        fx.services().trace().sampleQueue(fx.services().queue().stats(java.util.Set.of()));
        JsonNode history = api.get("/api/stats?hours=1").json().get("queue_history");
        assertThat(history.size()).isGreaterThanOrEqualTo(1);
        JsonNode last = history.get(history.size() - 1);
        assertThat(last.get("messages").asLong()).isEqualTo(fx.services().queue().stats(java.util.Set.of()).messages());
        assertThat(last.get("at").asText()).isNotBlank();
        JsonNode tenant = fx.client(List.of(Scope.TRACKING_READ), "shop.test").get("/api/stats").json();
        assertThat(tenant.get("queue_history")).isEmpty();
    }

    @Test
    void aTenantsStatsCountOnlyItsDomains() {
        JsonNode shop = fx.client(List.of(Scope.TRACKING_READ), "shop.test").get("/api/stats").json();
        assertThat(sums(shop.get("buckets"))).containsExactly(1, 1, 0, 0, 0);
        assertThat(shop.get("queue").toString())
                .isEqualTo("{\"messages\":0,\"recipients\":0,\"oldest_received_at\":null}");
        JsonNode example = fx.client(List.of(Scope.TRACKING_READ), "example.test").get("/api/stats").json();
        assertThat(sums(example.get("buckets"))).as("the local delivery, the bounced mail and its bounce")
                .containsExactly(3, 2, 0, 1, 0);
        JsonNode elsewhere = fx.client(List.of(Scope.TRACKING_READ), "faraway.test").get("/api/stats").json();
        assertThat(elsewhere.at("/queue/messages").asLong()).isEqualTo(1);
    }

    private static long[] sums(JsonNode buckets) {
        long[] s = new long[5];
        for (JsonNode b : buckets) {
            s[0] += b.get("received").asLong();
            s[1] += b.get("delivered").asLong();
            s[2] += b.get("deferred").asLong();
            s[3] += b.get("bounced").asLong();
            s[4] += b.get("expired").asLong();
        }
        return s;
    }

    @Test
    void healthShowsTheListenersTheCertificateTheDiskAndTheVersion() {
        AdminClient.Answer a = fx.client(List.of(Scope.SETTINGS_READ)).get("/api/health");
        assertThat(a.status()).isEqualTo(200);
        JsonNode h = a.json();
        List<String> names = new ArrayList<>();
        h.get("listeners").forEach(l -> {
            names.add(l.get("name").asText());
            assertThat(l.get("up").asBoolean()).isTrue();
        });
        assertThat(names).contains("smtp", "admin");
        JsonNode smtp = h.get("listeners").get(names.indexOf("smtp"));
        assertThat(smtp.get("addresses").toString()).isEqualTo("[\"127.0.0.1:" + fx.server.smtpPort() + "\"]");
        JsonNode cert = h.get("certificate");
        assertThat(cert.get("subject").asText()).contains("mx.tern.test");
        assertThat(cert.get("self_signed").asBoolean()).isTrue();
        assertThat(cert.get("days_left").asLong()).isPositive();
        assertThat(Instant.parse(cert.get("not_after").asText())).isAfter(Instant.now());
        assertThat(cert.get("issuer").asText()).isEqualTo(cert.get("subject").asText());
        JsonNode disk = h.get("disk");
        assertThat(Path.of(disk.get("path").asText())).endsWith(Path.of("data"));
        assertThat(disk.get("free_bytes").asLong()).isPositive();
        assertThat(disk.get("total_bytes").asLong()).isGreaterThanOrEqualTo(disk.get("free_bytes").asLong());
        assertThat(h.get("version").asText()).isEqualTo(dev.tern.server.TernServer.VERSION);
    }

    @Test
    void theRoutesNeedCredentialsAndTheirScope() {
        AdminClient anonymous = api.anonymous();
        for (String path : List.of("/api/trace", "/api/trace/" + local, "/api/stats", "/api/health")) {
            AdminClient.Answer a = anonymous.get(path);
            assertThat(a.status()).as(path).isEqualTo(401);
            assertThat(a.errorCode()).isEqualTo("unauthenticated");
        }
        AdminClient queueReader = fx.client(List.of(Scope.QUEUE_READ, Scope.SETTINGS_READ));
        for (String path : List.of("/api/trace", "/api/trace/" + local, "/api/stats")) {
            AdminClient.Answer a = queueReader.get(path);
            assertThat(a.status()).as(path).isEqualTo(403);
            assertThat(a.errorCode()).isEqualTo("insufficient_scope");
        }
        assertThat(fx.client(List.of(Scope.TRACKING_READ)).get("/api/health").status()).isEqualTo(403);
        assertThat(fx.client(List.of(Scope.TRACKING_READ)).get("/api/stats").status()).isEqualTo(200);
    }

    @Test
    void badParametersAre400() {
        for (String query : List.of("since=yesterday", "until=2025-13-01", "since=-1h",
                "since=" + q("+1000000000-01-01T00:00:00Z"), "until=" + q("-999999999-01-01T00:00:00Z"),
                "since=" + q("+10000-01-01T00:00:00Z"), "limit=0", "limit=201",
                "limit=x", "status=lost", "cursor=nonsense", "cursor=" + q("12:"))) {
            AdminClient.Answer a = api.get("/api/trace?" + query);
            assertThat(a.status()).as(query).isEqualTo(400);
            assertThat(a.errorCode()).as(query).isEqualTo("invalid_field");
        }
        assertThat(api.get("/api/trace?limit=200").status()).isEqualTo(200);
        for (String hours : List.of("0", "721", "-3", "x", "1.5")) {
            AdminClient.Answer a = api.get("/api/stats?hours=" + hours);
            assertThat(a.status()).as(hours).isEqualTo(400);
            assertThat(a.errorCode()).isEqualTo("invalid_field");
            assertThat(a.errorMessage()).contains("hours");
        }
        assertThat(api.get("/api/trace?since=yesterday").errorMessage()).contains("since");
        assertThat(api.get("/api/trace?until=" + q("-999999999-01-01T00:00:00Z")).errorMessage())
                .startsWith("until must be").contains("9999");
        assertThat(api.get("/api/trace?since=" + q("0000-01-01T00:00:00Z")).status()).isEqualTo(200);
    }

    @Test
    void theRoutesAreInTheOpenApiDocument() {
        JsonNode doc = api.anonymous().get("/api/openapi.json").json();
        assertThat(doc.at("/paths/~1api~1trace/get/x-tern-scope").asText()).isEqualTo("tracking:read");
        assertThat(doc.at("/paths/~1api~1trace~1{queue_id}/get/x-tern-scope").asText()).isEqualTo("tracking:read");
        assertThat(doc.at("/paths/~1api~1stats/get/x-tern-scope").asText()).isEqualTo("tracking:read");
        assertThat(doc.at("/paths/~1api~1health/get/x-tern-scope").asText()).isEqualTo("settings:read");
        List<String> params = new ArrayList<>();
        doc.at("/paths/~1api~1trace/get/parameters").forEach(p -> params.add(p.get("name").asText()));
        assertThat(params).containsExactly("message_id", "queue_id", "from", "to", "since", "until", "status", "limit",
                "cursor");
        assertThat(doc.at("/components/schemas/TraceMessage/properties/received_at/type").asText())
                .isEqualTo("string");
        assertThat(doc.at("/components/schemas/Bucket/properties/delivered/type").asText()).isEqualTo("integer");
        assertThat(doc.at("/components/schemas/Health/properties/certificate/$ref").asText())
                .endsWith("/Certificate");
    }

    @Test
    void tracedRecordsAgreeWithTheService() {
        TracedMessage m = fx.services().trace().message(remoteDelivered).orElseThrow();
        JsonNode json = api.get("/api/trace/" + remoteDelivered).json();
        assertThat(json.get("events")).hasSize(m.events().size());
        assertThat(json.at("/events/0/at").asText()).isEqualTo(m.events().get(0).at().toString());
    }
}
