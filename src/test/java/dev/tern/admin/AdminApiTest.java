package dev.tern.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.admin.auth.Scope;
import dev.tern.admin.http.ApiResponse;
import dev.tern.admin.http.Route;
import dev.tern.admin.http.RouteGroup;
import dev.tern.directory.Account;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every resource of the admin API, used as an admin would, against a running server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminApiTest {

    private AdminFixture fx;
    private AdminClient api;

    /** A route another package adds: it must be served and described like the built-in ones. */
    record Greeting(String text) {
    }

    @BeforeAll
    void start(@TempDir Path dir) {
        RouteGroup extra = table -> table.get("/api/greetings/{name}", "Greet someone")
                .scope(Scope.SETTINGS_READ).param("name", "who to greet").response(Greeting.class)
                .handle(r -> ApiResponse.ok(new Greeting("hello " + r.param("name"))));
        fx = new AdminFixture(dir, "", s -> s.withAdminRoutes(services -> extra).withMetrics(() -> "tern_up 1\n"));
        api = fx.admin();
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    @Test
    void domainsAreAddedShownWithTheirDnsRecordsListedAndDeleted() {
        AdminClient.Answer added = api.post("/api/domains", Map.of("name", "Example.ORG"));
        assertThat(added.status()).isEqualTo(201);
        assertThat(added.json().get("name").asText()).isEqualTo("example.org");
        assertThat(added.json().get("dkim_keys")).hasSize(2);
        assertThat(fx.services().directory().domain("example.org")).isPresent();

        JsonNode shown = api.get("/api/domains/example.org").json();
        assertThat(shown.get("accounts").asInt()).isZero();
        List<String> types = new ArrayList<>();
        for (JsonNode r : shown.get("dns_records")) {
            types.add(r.get("type").asText());
        }
        assertThat(types).startsWith("MX", "TXT", "TXT", "TXT", "TXT", "TXT").contains("SRV", "CNAME");
        assertThat(shown.get("dns_records").findValuesAsText("name")).contains("_tern-verify.example.org.");
        assertThat(shown.get("ownership_verified").asBoolean()).isFalse();
        assertThat(shown.get("dns_records").get(0).get("zone_line").asText())
                .isEqualTo("example.org. IN MX 10 mx.tern.test.");

        JsonNode list = api.get("/api/domains").json();
        assertThat(list.get("domains").findValuesAsText("name")).contains("example.org");

        assertThat(api.post("/api/domains", Map.of("name", "example.org")).errorCode()).isEqualTo("conflict");
        assertThat(api.delete("/api/domains/example.org").status()).isEqualTo(204);
        AdminClient.Answer gone = api.get("/api/domains/example.org");
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.errorCode()).isEqualTo("not_found");
        assertThat(fx.services().directory().domain("example.org")).isEmpty();
    }

    @Test
    void aDomainWithAccountsIsNotDeleted() {
        api.post("/api/domains", Map.of("name", "busy.test"));
        api.post("/api/accounts", Map.of("address", "one@busy.test", "password", "secret-1"));
        AdminClient.Answer refused = api.delete("/api/domains/busy.test");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.errorMessage()).contains("still has 1 account(s)");
        assertThat(fx.services().directory().domain("busy.test")).isPresent();
    }

    @Test
    void accountsAreAddedChangedAndDeleted() {
        api.post("/api/domains", Map.of("name", "a.test"));
        AdminClient.Answer added = api.post("/api/accounts", Map.of("address", "Alice@a.test"));
        assertThat(added.status()).isEqualTo(201);
        assertThat(added.json().get("address").asText()).isEqualTo("alice@a.test");
        assertThat(added.json().get("display").asText()).isEqualTo("Alice@a.test");
        assertThat(added.json().get("enabled").asBoolean()).isTrue();
        String generated = added.json().get("password").asText();
        assertThat(generated).hasSize(16);
        assertThat(fx.services().directory().checkPassword("alice@a.test", generated)).isTrue();

        AdminClient.Answer withPassword = api.post("/api/accounts", Map.of("address", "bob@a.test", "password",
                "bobs-secret"));
        assertThat(withPassword.json().has("password")).isFalse();
        assertThat(fx.services().directory().checkPassword("bob@a.test", "bobs-secret")).isTrue();

        JsonNode list = api.get("/api/accounts?domain=a.test").json();
        assertThat(list.get("accounts").findValuesAsText("address")).containsExactly("alice@a.test", "bob@a.test");
        assertThat(api.get("/api/accounts/alice%40a.test").json().get("domain").asText()).isEqualTo("a.test");
        assertThat(api.get("/api/accounts/ALICE@a.test").json().has("password")).isFalse();

        AdminClient.Answer disabled = api.patch("/api/accounts/alice@a.test", Map.of("enabled", false));
        assertThat(disabled.status()).isEqualTo(200);
        assertThat(disabled.json().get("enabled").asBoolean()).isFalse();
        assertThat(fx.services().directory().user("alice@a.test")).get().extracting(Account::enabled).isEqualTo(false);
        assertThat(fx.services().directory().checkPassword("alice@a.test", generated)).isFalse();

        AdminClient.Answer reset = api.patch("/api/accounts/alice@a.test", Map.of("enabled", true,
                "generate_password", true));
        String second = reset.json().get("password").asText();
        assertThat(second).isNotEqualTo(generated);
        assertThat(fx.services().directory().checkPassword("alice@a.test", second)).isTrue();

        AdminClient.Answer set = api.patch("/api/accounts/alice@a.test", Map.of("password", "chosen"));
        assertThat(set.json().has("password")).isFalse();
        assertThat(fx.services().directory().checkPassword("alice@a.test", "chosen")).isTrue();

        assertThat(api.delete("/api/accounts/bob@a.test").status()).isEqualTo(204);
        assertThat(fx.services().directory().user("bob@a.test")).isEmpty();
        assertThat(api.get("/api/accounts/bob@a.test").status()).isEqualTo(404);
        assertThat(api.post("/api/accounts", Map.of("address", "x@nodomain.test")).status()).isEqualTo(404);
    }

    @Test
    void anAccountMayBeAddedWithAHashFromAnotherServer() {
        fx.services().directory().addDomain("h.test");
        String sha512 = dev.tern.directory.ForeignPasswordHashTest.DOVEADM.get("SHA512-CRYPT");
        AdminClient.Answer added = api.post("/api/accounts", Map.of("address", "dan@h.test", "password_hash", sha512));
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        assertThat(added.json().has("password")).isFalse();
        assertThat(fx.services().directory().credentials("dan@h.test").orElseThrow().passwordHash()).isEqualTo(sha512);
        assertThat(dev.tern.directory.PasswordHasher.verify("correct horse",
                fx.services().directory().credentials("dan@h.test").orElseThrow().passwordHash())).isTrue();

        String bcrypt = dev.tern.directory.ForeignPasswordHashTest.DOVEADM.get("BLF-CRYPT");
        assertThat(api.patch("/api/accounts/dan@h.test", Map.of("password_hash", bcrypt)).status()).isEqualTo(200);
        assertThat(fx.services().directory().credentials("dan@h.test").orElseThrow().passwordHash()).isEqualTo(bcrypt);

        AdminClient.Answer both = api.post("/api/accounts", Map.of("address", "eve@h.test", "password", "x",
                "password_hash", sha512));
        assertThat(both.status()).isEqualTo(400);
        assertThat(both.body()).contains("password_hash takes the place of password");
        AdminClient.Answer unknown = api.post("/api/accounts", Map.of("address", "eve@h.test", "password_hash", "{NTLM}00"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body()).contains("{NTLM} is not one Tern can check");
        assertThat(api.patch("/api/accounts/dan@h.test", Map.of("password_hash", sha512, "generate_password", true))
                .status()).isEqualTo(400);
        assertThat(fx.services().directory().user("eve@h.test")).isEmpty();
    }

    @Test
    void quotasAreSetShownWithTheUsageAndRemoved() throws Exception {
        api.post("/api/domains", Map.of("name", "q.test"));
        api.post("/api/accounts", Map.of("address", "carol@q.test", "password", "pw"));
        JsonNode fresh = api.get("/api/accounts/carol@q.test").json();
        assertThat(fresh.has("quota_bytes")).isTrue();
        assertThat(fresh.get("quota_bytes").isNull()).isTrue();
        assertThat(fresh.get("used_bytes").asLong()).isZero();

        fx.enqueue("s@example.org", "carol@q.test");
        Account carol = fx.services().directory().user("carol@q.test").orElseThrow();
        long used = fx.services().mailboxes().usage(carol.id());
        assertThat(used).isPositive();

        AdminClient.Answer set = api.patch("/api/accounts/carol@q.test", Map.of("quota_bytes", 5_000_000_000L));
        assertThat(set.status()).isEqualTo(200);
        assertThat(set.json().get("quota_bytes").asLong()).isEqualTo(5_000_000_000L);
        assertThat(set.json().get("used_bytes").asLong()).isEqualTo(used);
        assertThat(fx.services().directory().user("carol@q.test").orElseThrow().quotaBytes()).isEqualTo(5_000_000_000L);
        JsonNode listed = api.get("/api/accounts?domain=q.test").json().get("accounts").get(0);
        assertThat(listed.get("quota_bytes").asLong()).isEqualTo(5_000_000_000L);
        assertThat(listed.get("used_bytes").asLong()).isEqualTo(used);

        assertThat(api.patch("/api/accounts/carol@q.test", Map.of("quota_bytes", 0)).json().get("quota_bytes").asLong())
                .isZero();
        for (String bad : new String[]{"-1", "1.5", "\"1GB\"", "true", "99999999999999999999"}) {
            AdminClient.Answer refused = api.send("PATCH", "/api/accounts/carol@q.test", "{\"quota_bytes\": " + bad + "}");
            assertThat(refused.status()).as(bad).isEqualTo(400);
            assertThat(refused.body()).contains("invalid_field");
        }
        assertThat(fx.services().directory().user("carol@q.test").orElseThrow().quotaBytes()).isZero();

        AdminClient.Answer cleared = api.send("PATCH", "/api/accounts/carol@q.test", "{\"quota_bytes\": null}");
        assertThat(cleared.status()).isEqualTo(200);
        assertThat(cleared.json().get("quota_bytes").isNull()).isTrue();
        assertThat(fx.services().directory().user("carol@q.test").orElseThrow().quotaBytes()).isNull();
        assertThat(api.send("PATCH", "/api/accounts/carol@q.test", "{}").status()).isEqualTo(400);
    }

    @Test
    void aliasesAreAddedListedAndDeleted() {
        api.post("/api/domains", Map.of("name", "b.test"));
        api.post("/api/accounts", Map.of("address", "bob@b.test", "password", "pw"));
        api.post("/api/accounts", Map.of("address", "carol@b.test", "password", "pw"));
        AdminClient.Answer added = api.post("/api/aliases", Map.of("address", "info@b.test",
                "targets", List.of("bob@b.test")));
        assertThat(added.status()).isEqualTo(201);
        AdminClient.Answer more = api.post("/api/aliases", Map.of("address", "info@b.test",
                "targets", List.of("carol@b.test")));
        assertThat(AdminClient.JSON.convertValue(more.json().get("targets"), List.class))
                .containsExactly("bob@b.test", "carol@b.test");
        assertThat(fx.services().directory().aliases("b.test")).containsKey("info@b.test");
        AdminClient.Answer forward = api.post("/api/aliases", Map.of("address", "out@b.test",
                "targets", List.of("someone@elsewhere.example")));
        assertThat(forward.status()).as("a target in another domain is forwarded to").isEqualTo(201);
        AdminClient.Answer literal = api.post("/api/aliases", Map.of("address", "lit@b.test",
                "targets", List.of("x@[192.0.2.1]")));
        assertThat(literal.status()).isEqualTo(400);
        assertThat(literal.json().toString()).contains("address literal");
        assertThat(api.delete("/api/aliases/out@b.test").status()).isEqualTo(204);

        JsonNode list = api.get("/api/aliases?domain=b.test").json();
        assertThat(list.get("aliases").get(0).get("address").asText()).isEqualTo("info@b.test");

        assertThat(api.delete("/api/aliases/info@b.test?target=bob@b.test").status()).isEqualTo(204);
        assertThat(fx.services().directory().aliases("b.test").get("info@b.test")).containsExactly("carol@b.test");
        assertThat(api.delete("/api/aliases/info@b.test").status()).isEqualTo(204);
        assertThat(fx.services().directory().aliases("b.test")).isEmpty();
        assertThat(api.delete("/api/aliases/info@b.test").status()).isEqualTo(404);
    }

    @Test
    void queuedMessagesAreListedShownHeldRetriedReleasedAndDeleted() throws Exception {
        String id = fx.enqueue("sender@example.org", "someone@remote.example");
        JsonNode list = api.get("/api/queue").json();
        assertThat(list.get("messages").findValuesAsText("id")).contains(id);

        JsonNode shown = api.get("/api/queue/" + id).json();
        assertThat(shown.get("sender").asText()).isEqualTo("sender@example.org");
        assertThat(shown.get("recipients").get(0).get("address").asText()).isEqualTo("someone@remote.example");

        assertThat(api.post("/api/queue/" + id + "/hold", null).status()).isEqualTo(204);
        assertThat(fx.services().queue().message(id)).get().extracting(m -> m.held()).isEqualTo(true);
        JsonNode retried = api.post("/api/queue/" + id + "/retry", null).json();
        assertThat(retried.get("held").asBoolean()).isTrue();
        assertThat(api.post("/api/queue/" + id + "/release", null).status()).isEqualTo(204);
        assertThat(fx.services().queue().message(id)).get().extracting(m -> m.held()).isEqualTo(false);

        assertThat(api.delete("/api/queue/" + id).status()).isEqualTo(204);
        assertThat(fx.services().queue().message(id)).isEmpty();
        assertThat(api.get("/api/queue/" + id).errorCode()).isEqualTo("not_found");
        assertThat(api.post("/api/queue/NOPE/hold", null).status()).isEqualTo(404);
    }

    @Test
    void theOpenApiDocumentListsEveryRoute() {
        AdminClient.Answer doc = api.anonymous().get("/api/openapi.json");
        assertThat(doc.status()).isEqualTo(200);
        JsonNode json = doc.json();
        assertThat(json.get("openapi").asText()).isEqualTo("3.1.0");
        List<Route> routes = fx.server.server().adminApi().routes().routes();
        assertThat(routes).hasSizeGreaterThanOrEqualTo(24);
        int operations = 0;
        for (JsonNode item : json.get("paths")) {
            operations += item.size();
        }
        assertThat(operations).isEqualTo(routes.size());
        for (Route r : routes) {
            JsonNode op = json.get("paths").path(r.pattern()).path(r.method().toLowerCase(Locale.ROOT));
            assertThat(op.isObject()).as(r.method() + " " + r.pattern()).isTrue();
            assertThat(op.get("summary").asText()).isEqualTo(r.summary());
            assertThat(op.get("x-tern-scope").asText()).isNotEmpty();
            if (r.requestType() != null) {
                String ref = op.at("/requestBody/content/application~1json/schema/$ref").asText();
                String name = ref.substring(ref.lastIndexOf('/') + 1);
                assertThat(json.at("/components/schemas/" + name + "/properties").isObject()).as(ref).isTrue();
            }
        }
        JsonNode greet = json.at("/paths/~1api~1greetings~1{name}/get");
        assertThat(greet.get("x-tern-scope").asText()).isEqualTo("settings:read");
        assertThat(greet.get("parameters").get(0).get("in").asText()).isEqualTo("path");
        assertThat(json.at("/components/schemas/Greeting/properties/text/type").asText()).isEqualTo("string");
        assertThat(json.at("/components/schemas/NewAccount/required").toString()).isEqualTo("[\"address\"]");
        assertThat(json.at("/components/schemas/NewAccount/properties/cram_md5/type").asText()).isEqualTo("boolean");
    }

    @Test
    void routesOfOtherPackagesAreServed() {
        assertThat(fx.client(List.of(Scope.SETTINGS_READ)).get("/api/greetings/ann").json().get("text").asText())
                .isEqualTo("hello ann");
        assertThat(fx.client(List.of(Scope.QUEUE_READ)).get("/api/greetings/ann").status()).isEqualTo(403);
    }

    @Test
    void metricsAreOpenFromLoopbackAndElseNeedTheirScope() {
        AdminClient.Answer open = api.anonymous().get("/metrics");
        assertThat(open.status()).isEqualTo(200);
        assertThat(open.body()).isEqualTo("tern_up 1\n");
        assertThat(open.header("content-type")).startsWith("text/plain; version=0.0.4");
        assertThat(fx.client(List.of(Scope.QUEUE_READ)).get("/metrics").status()).isEqualTo(403);
        assertThat(fx.client(List.of(Scope.SETTINGS_READ)).get("/metrics").status()).isEqualTo(200);
    }

    @Test
    void theConsolePageAndItsFilesAreServed() {
        AdminClient anyone = api.anonymous();
        AdminClient.Answer page = anyone.get("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("content-type")).isEqualTo("text/html; charset=utf-8");
        assertThat(page.body()).contains("console").contains("/api/openapi.json");
        assertThat(page.header("x-frame-options")).isEqualTo("DENY");
        assertThat(anyone.get("/console.css").header("content-type")).startsWith("text/css");
        assertThat(anyone.get("/missing.html").status()).isEqualTo(404);
        assertThat(anyone.get("/%2E%2E/logback.xml").status()).isEqualTo(404);
        assertThat(anyone.get("/..%2Flogback.xml").status()).isEqualTo(404);
        assertThat(anyone.get("/api/nothing").errorCode()).isEqualTo("not_found");
    }

    @Test
    void everyAnswerCarriesItsRequestId() {
        AdminClient.Answer a = api.get("/api/domains");
        assertThat(a.header("x-request-id")).matches("[0-9a-f]+");
        assertThat(a.header("cache-control")).isEqualTo("no-store");
    }
}
