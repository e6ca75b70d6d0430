package dev.tern.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.admin.auth.Scope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /api/webhooks} as a client uses it: who may call it, what it refuses, and what tenants
 * see. No mail flows here (see WebhookDeliveryTest), so nothing is sent to these URLs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookApiTest {

    private AdminFixture fx;
    private AdminClient api;

    @BeforeAll
    void start(@TempDir Path dir) {
        fx = new AdminFixture(dir);
        api = fx.client(List.of(Scope.WEBHOOKS_WRITE));
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    @BeforeEach
    void noWebhooks() {
        for (var w : fx.services().webhooks().list()) {
            fx.services().webhooks().delete(w.id());
        }
    }

    private static Map<String, Object> hook(String url, List<String> events, List<String> domains) {
        Map<String, Object> body = new HashMap<>();
        body.put("url", url);
        body.put("events", events);
        if (domains != null) {
            body.put("domains", domains);
        }
        return body;
    }

    private static List<String> ids(AdminClient.Answer list) {
        List<String> out = new ArrayList<>();
        list.json().get("webhooks").forEach(w -> out.add(w.get("id").asText()));
        return out;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    @Test
    void webhooksAreMadeShownChangedAndDeletedAndTheSecretIsShownOnce() {
        AdminClient.Answer made = api.post("/api/webhooks",
                hook("https://hooks.example.com/tern", List.of("bounced", "delivered", "bounced"), null));
        assertThat(made.status()).isEqualTo(201);
        String id = made.json().get("id").asText();
        assertThat(made.json().get("url").asText()).isEqualTo("https://hooks.example.com/tern");
        assertThat(texts(made.json().get("events"))).containsExactly("delivered", "bounced");
        assertThat(made.json().get("domains")).isEmpty();
        assertThat(made.json().get("enabled").asBoolean()).isTrue();
        assertThat(made.json().get("created_at").asText()).isNotEmpty();
        String secret = made.json().get("secret").asText();
        assertThat(secret).startsWith("whsec_").hasSizeGreaterThan(40);

        AdminClient.Answer list = api.get("/api/webhooks");
        assertThat(list.status()).isEqualTo(200);
        assertThat(ids(list)).containsExactly(id);
        assertThat(list.body()).doesNotContain(secret).doesNotContain("\"secret\"");
        AdminClient.Answer one = api.get("/api/webhooks/" + id);
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json().has("secret")).isFalse();

        AdminClient.Answer changed = api.patch("/api/webhooks/" + id, Map.of("url", "http://hooks.example.com/v2",
                "events", List.of("received"), "domains", List.of("Shop.Example"), "enabled", false));
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.json().get("url").asText()).isEqualTo("http://hooks.example.com/v2");
        assertThat(texts(changed.json().get("events"))).containsExactly("received");
        assertThat(texts(changed.json().get("domains"))).containsExactly("shop.example");
        assertThat(changed.json().get("enabled").asBoolean()).isFalse();
        assertThat(fx.services().webhooks().find(id).orElseThrow().secret()).isEqualTo(secret);

        AdminClient.Answer deliveries = api.get("/api/webhooks/" + id + "/deliveries?limit=10");
        assertThat(deliveries.status()).isEqualTo(200);
        assertThat(deliveries.json().get("deliveries")).isEmpty();

        assertThat(api.delete("/api/webhooks/" + id).status()).isEqualTo(204);
        assertThat(api.get("/api/webhooks/" + id).errorCode()).isEqualTo("not_found");
        assertThat(api.delete("/api/webhooks/" + id).status()).isEqualTo(404);
        assertThat(api.get("/api/webhooks/" + id + "/deliveries").status()).isEqualTo(404);
    }

    @Test
    void webhooksNeedCredentialsWithTheirScopes() {
        Map<String, Object> body = hook("https://hooks.example.com/x", List.of("delivered"), null);
        AdminClient anonymous = api.anonymous();
        assertThat(anonymous.get("/api/webhooks").status()).isEqualTo(401);
        assertThat(anonymous.post("/api/webhooks", body).status()).isEqualTo(401);

        AdminClient queue = fx.client(List.of(Scope.QUEUE_WRITE, Scope.TRACKING_READ));
        AdminClient.Answer wrongScope = queue.get("/api/webhooks");
        assertThat(wrongScope.status()).isEqualTo(403);
        assertThat(wrongScope.errorCode()).isEqualTo("insufficient_scope");

        AdminClient reader = fx.client(List.of(Scope.WEBHOOKS_READ));
        assertThat(reader.get("/api/webhooks").status()).isEqualTo(200);
        assertThat(reader.post("/api/webhooks", body).errorCode()).isEqualTo("insufficient_scope");
        String id = api.post("/api/webhooks", body).json().get("id").asText();
        assertThat(reader.get("/api/webhooks/" + id).status()).isEqualTo(200);
        assertThat(reader.get("/api/webhooks/" + id + "/deliveries").status()).isEqualTo(200);
        assertThat(reader.patch("/api/webhooks/" + id, Map.of("enabled", false)).status()).isEqualTo(403);
        assertThat(reader.delete("/api/webhooks/" + id).status()).isEqualTo(403);
        assertThat(reader.post("/api/webhooks/" + id + "/test", null).status()).isEqualTo(403);
        assertThat(fx.services().webhooks().find(id).orElseThrow().enabled()).isTrue();

        assertThat(fx.admin().get("/api/webhooks").status()).isEqualTo(200);
    }

    @Test
    void badInputIsRefusedAndNothingIsStored() {
        List<Map<String, Object>> bad = List.of(
                hook("ftp://hooks.example.com/x", List.of("delivered"), null),
                hook("hooks.example.com/x", List.of("delivered"), null),
                hook("http://127.0.0.1:8080/x", List.of("delivered"), null),
                hook("http://localhost/x", List.of("delivered"), null),
                hook("http://10.0.0.7/x", List.of("delivered"), null),
                hook("http://169.254.169.254/latest/meta-data/", List.of("delivered"), null),
                hook("http://[::1]/x", List.of("delivered"), null),
                hook("https://hooks.example.com/x", List.of("delivered", "opened"), null),
                hook("https://hooks.example.com/x", List.of("ping"), null),
                hook("https://hooks.example.com/x", List.of(), null),
                hook("https://hooks.example.com/x", List.of("delivered"), List.of("not a domain")),
                Map.of("url", "https://hooks.example.com/x"),
                Map.of("events", List.of("delivered")),
                Map.of("url", "https://hooks.example.com/x", "events", List.of("delivered"), "secret", "mine"),
                Map.of("url", "https://hooks.example.com/x", "events", "delivered"));
        for (Map<String, Object> body : bad) {
            AdminClient.Answer a = api.post("/api/webhooks", body);
            assertThat(a.status()).as("%s -> %s", body, a.body()).isEqualTo(400);
            assertThat(a.errorCode()).as("%s", body).isEqualTo("invalid_field");
        }
        AdminClient.Answer privateAddress = api.post("/api/webhooks",
                hook("http://192.168.1.20/x", List.of("delivered"), null));
        assertThat(privateAddress.errorMessage()).contains("allow_private");
        // IPv6 forms that carry a loopback or metadata address, and IPv4 blocks that are not public
        for (String url : List.of("http://[::127.0.0.1]:5080/", "http://[64:ff9b::a9fe:a9fe]/",
                "http://[64:ff9b::7f00:1]:5080/", "http://[2002:7f00:1::]:5080/", "http://[2002:a9fe:a9fe::]/",
                "http://[2001::1]/", "http://198.18.0.1/", "http://192.0.0.1/", "http://[2001:db8::1]/")) {
            AdminClient.Answer a = api.post("/api/webhooks", hook(url, List.of("delivered"), null));
            assertThat(a.status()).as(url).isEqualTo(400);
            assertThat(a.errorCode()).as(url).isEqualTo("invalid_field");
            assertThat(a.errorMessage()).as(url).contains("is not a public address").contains("allow_private");
        }
        assertThat(api.post("/api/webhooks", "{\"url\": ").errorCode()).isEqualTo("invalid_json");
        assertThat(fx.services().webhooks().list()).isEmpty();

        String id = api.post("/api/webhooks", hook("https://hooks.example.com/x", List.of("delivered"), null))
                .json().get("id").asText();
        assertThat(api.patch("/api/webhooks/" + id, Map.of("url", "http://127.0.0.1/")).status()).isEqualTo(400);
        assertThat(api.patch("/api/webhooks/" + id, Map.of("events", List.of("clicked"))).status()).isEqualTo(400);
        assertThat(api.patch("/api/webhooks/" + id, Map.of("enabled", "no")).status()).isEqualTo(400);
        assertThat(api.get("/api/webhooks/" + id + "/deliveries?limit=0").status()).isEqualTo(400);
        var kept = fx.services().webhooks().find(id).orElseThrow();
        assertThat(kept.url()).isEqualTo("https://hooks.example.com/x");
        assertThat(kept.events()).containsExactly("delivered");
        assertThat(kept.enabled()).isTrue();
    }

    @Test
    void tenantsSeeAndMakeOnlyWebhooksOfTheirDomains() {
        String everything = api.post("/api/webhooks", hook("https://hooks.example.com/all", List.of("delivered"),
                null)).json().get("id").asText();
        String mixed = api.post("/api/webhooks", hook("https://hooks.example.com/mixed", List.of("delivered"),
                List.of("shop.example", "other.example"))).json().get("id").asText();
        String shops = api.post("/api/webhooks", hook("https://hooks.example.com/shop", List.of("delivered"),
                List.of("shop.example"))).json().get("id").asText();

        AdminClient tenant = fx.client(List.of(Scope.WEBHOOKS_WRITE), "shop.example");
        assertThat(ids(tenant.get("/api/webhooks"))).containsExactly(shops);
        for (String hidden : List.of(everything, mixed)) {
            assertThat(tenant.get("/api/webhooks/" + hidden).errorCode()).isEqualTo("not_found");
            assertThat(tenant.get("/api/webhooks/" + hidden + "/deliveries").status()).isEqualTo(404);
            assertThat(tenant.patch("/api/webhooks/" + hidden, Map.of("enabled", false)).status()).isEqualTo(404);
            assertThat(tenant.post("/api/webhooks/" + hidden + "/test", null).status()).isEqualTo(404);
            assertThat(tenant.delete("/api/webhooks/" + hidden).status()).isEqualTo(404);
        }
        assertThat(tenant.get("/api/webhooks/" + shops).status()).isEqualTo(200);

        AdminClient.Answer own = tenant.post("/api/webhooks", hook("https://hooks.shop.example/t", List.of("bounced"),
                null));
        assertThat(own.status()).isEqualTo(201);
        assertThat(texts(own.json().get("domains"))).containsExactly("shop.example");
        assertThat(tenant.post("/api/webhooks", hook("https://hooks.shop.example/t", List.of("bounced"),
                List.of("other.example"))).errorCode()).isEqualTo("forbidden");
        assertThat(tenant.post("/api/webhooks", hook("https://hooks.shop.example/t", List.of("bounced"),
                List.of())).errorCode()).isEqualTo("forbidden");
        assertThat(tenant.patch("/api/webhooks/" + shops, Map.of("domains", List.of())).errorCode())
                .isEqualTo("forbidden");
        assertThat(tenant.patch("/api/webhooks/" + shops, Map.of("domains", List.of("other.example"))).errorCode())
                .isEqualTo("forbidden");
        assertThat(tenant.patch("/api/webhooks/" + shops, Map.of("enabled", false)).status()).isEqualTo(200);
        assertThat(tenant.delete("/api/webhooks/" + shops).status()).isEqualTo(204);

        AdminClient stranger = fx.client(List.of(Scope.WEBHOOKS_WRITE), "elsewhere.example");
        assertThat(ids(stranger.get("/api/webhooks"))).isEmpty();
        assertThat(ids(api.get("/api/webhooks"))).containsExactlyInAnyOrder(everything, mixed,
                own.json().get("id").asText());
    }

    @Test
    void theRoutesAreDescribedInTheOpenApiDocument() {
        JsonNode doc = api.anonymous().get("/api/openapi.json").json();
        JsonNode paths = doc.get("paths");
        assertThat(paths.has("/api/webhooks")).isTrue();
        assertThat(paths.has("/api/webhooks/{id}/deliveries")).isTrue();
        assertThat(paths.get("/api/webhooks").get("post").get("x-tern-scope").asText()).isEqualTo("webhooks:write");
        assertThat(paths.get("/api/webhooks/{id}/test").get("post").get("x-tern-scope").asText())
                .isEqualTo("webhooks:write");
        assertThat(paths.get("/api/webhooks/{id}").get("get").get("x-tern-scope").asText()).isEqualTo("webhooks:read");
    }
}
