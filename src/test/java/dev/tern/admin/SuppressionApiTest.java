package dev.tern.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.admin.auth.Scope;
import dev.tern.store.Rows;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /api/suppressions} as a client uses it: what it lists, adds, shows and deletes, who may
 * call it, what it refuses, and that tenants' tokens are kept off the server-wide list.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SuppressionApiTest {

    static final String LOCAL = "example.test";

    private AdminFixture fx;
    private AdminClient api;

    @BeforeAll
    void start(@TempDir Path dir) {
        fx = new AdminFixture(dir);
        fx.services().directory().addDomain(LOCAL);
        api = fx.client(List.of(Scope.SUPPRESSIONS_WRITE));
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    @BeforeEach
    void emptyList() {
        for (Rows.Suppression s : fx.services().suppressions().list(null, null, 10_000)) {
            fx.services().suppressions().delete(s.address());
        }
    }

    private static Map<String, Object> entry(String address, String note, String keepFor) {
        Map<String, Object> body = new HashMap<>();
        body.put("address", address);
        if (note != null) {
            body.put("note", note);
        }
        if (keepFor != null) {
            body.put("keep_for", keepFor);
        }
        return body;
    }

    private static List<String> addresses(AdminClient.Answer page) {
        List<String> out = new ArrayList<>();
        page.json().get("suppressions").forEach(s -> out.add(s.get("address").asText()));
        return out;
    }

    @Test
    void anAddressIsAddedShownListedAndDeleted() {
        AdminClient.Answer made = api.post("/api/suppressions", entry(" Bob@Example.COM ", "asked us to stop", "30d"));
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        JsonNode e = made.json();
        assertThat(e.get("address").asText()).isEqualTo("bob@example.com");
        assertThat(e.get("domain").asText()).isEqualTo("example.com");
        assertThat(e.get("reason").asText()).isEqualTo("manual");
        assertThat(e.get("detail").asText()).isEqualTo("asked us to stop");
        assertThat(e.get("status").isNull()).isTrue();
        assertThat(e.get("queue_id").isNull()).isTrue();
        Instant created = Instant.parse(e.get("created_at").asText());
        assertThat(Duration.between(created, Instant.parse(e.get("expires_at").asText()))).isEqualTo(Duration.ofDays(30));

        // The entry is the service's: delivery reads the same list.
        Rows.Suppression stored = fx.services().suppressions().find("bob@example.com").orElseThrow();
        assertThat(stored.reason()).isEqualTo("manual");
        assertThat(stored.detail()).isEqualTo("asked us to stop");

        AdminClient.Answer shown = api.get("/api/suppressions/bob@example.com");
        assertThat(shown.status()).isEqualTo(200);
        assertThat(shown.json()).isEqualTo(e);
        assertThat(api.get("/api/suppressions").json().get("suppressions")).containsExactly(e);

        // Without keep_for, it stays until deleted.
        AdminClient.Answer forever = api.post("/api/suppressions", entry("carol@example.net", null, null));
        assertThat(forever.status()).isEqualTo(201);
        assertThat(forever.json().get("expires_at").isNull()).isTrue();
        assertThat(forever.json().get("detail").isNull()).isTrue();

        assertThat(api.delete("/api/suppressions/bob@example.com").status()).isEqualTo(204);
        assertThat(fx.services().suppressions().find("bob@example.com")).isEmpty();
        AdminClient.Answer gone = api.get("/api/suppressions/bob@example.com");
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.errorMessage()).isEqualTo("bob@example.com is not on the suppression list");
        assertThat(api.delete("/api/suppressions/bob@example.com").errorCode()).isEqualTo("not_found");
        assertThat(addresses(api.get("/api/suppressions"))).containsExactly("carol@example.net");
    }

    @Test
    void aHardBounceIsShownWithItsRefusal() {
        fx.services().metadata().writeAndWait(tx -> fx.services().suppressions().recordRefusal(tx,
                "gone@example.org", "5.1.1", "550 5.1.1 <gone@example.org>: no such user", "1M8K3SS18737Q"));
        JsonNode e = api.get("/api/suppressions/GONE@example.org").json();
        assertThat(e.get("reason").asText()).isEqualTo("bounce");
        assertThat(e.get("status").asText()).isEqualTo("5.1.1");
        assertThat(e.get("detail").asText()).contains("no such user");
        assertThat(e.get("queue_id").asText()).isEqualTo("1M8K3SS18737Q");
    }

    @Test
    void theListIsPagedAndFilteredByDomainAndADomainIsDeletedAtOnce() {
        for (String a : List.of("a@one.example", "b@one.example", "c@one.example", "a@two.example", "b@two.example")) {
            assertThat(api.post("/api/suppressions", entry(a, null, null)).status()).isEqualTo(201);
        }
        AdminClient.Answer first = api.get("/api/suppressions?limit=2");
        assertThat(addresses(first)).containsExactly("a@one.example", "a@two.example");
        String cursor = first.json().get("next_cursor").asText();
        AdminClient.Answer second = api.get("/api/suppressions?limit=2&cursor=" + cursor);
        assertThat(addresses(second)).containsExactly("b@one.example", "b@two.example");
        AdminClient.Answer last = api.get("/api/suppressions?limit=2&cursor=" + second.json().get("next_cursor").asText());
        assertThat(addresses(last)).containsExactly("c@one.example");
        assertThat(last.json().get("next_cursor").isNull()).isTrue();
        // A page that holds exactly what is left is the last one too.
        assertThat(api.get("/api/suppressions?limit=5").json().get("next_cursor").isNull()).isTrue();

        assertThat(addresses(api.get("/api/suppressions?domain=TWO.example"))).containsExactly("a@two.example",
                "b@two.example");

        AdminClient.Answer deleted = api.delete("/api/suppressions?domain=One.Example");
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json().get("domain").asText()).isEqualTo("one.example");
        assertThat(deleted.json().get("deleted").asInt()).isEqualTo(3);
        assertThat(addresses(api.get("/api/suppressions"))).containsExactly("a@two.example", "b@two.example");
        assertThat(api.delete("/api/suppressions?domain=one.example").json().get("deleted").asInt()).isZero();

        // Without the domain, nothing is deleted: a bare DELETE never empties the list.
        AdminClient.Answer bare = api.delete("/api/suppressions");
        assertThat(bare.status()).isEqualTo(400);
        assertThat(bare.errorMessage()).contains("domain is required");
        assertThat(fx.services().suppressions().list(null, null, 10)).hasSize(2);
    }

    @Test
    void badInputIsAnsweredWithAReadableMessageAndNothingIsStored() {
        record Case(Map<String, Object> body, String message) {
        }
        List<Case> cases = List.of(
                new Case(entry("not an address", null, null), "\"not an address\" is not a valid address"),
                new Case(entry("alice@" + LOCAL, null, null), "is an address of a local domain"),
                new Case(entry("alice@Example.Test", null, null), "is an address of a local domain"),
                new Case(entry("x@example.com", null, "soon"), "keep_for: expected a duration such as"),
                new Case(entry("x@example.com", null, "30 years"), "keep_for: expected a duration such as"),
                new Case(entry("x@example.com", null, "99999999999999999999d"), "keep_for: expected a duration"),
                new Case(entry("x@example.com", null, "999999999999d"), "keep_for: at most 36500d"),
                new Case(entry("x@example.com", null, "0"), "a suppression lasts a positive time"),
                new Case(Map.of("note", "no address"), "address"),
                new Case(Map.of("address", "x@example.com", "reason", "bounce"), "reason"),
                new Case(Map.of("address", "x@example.com", "keep_for", 30), "keep_for"));
        for (Case c : cases) {
            AdminClient.Answer a = api.post("/api/suppressions", c.body());
            assertThat(a.status()).as("%s -> %s", c.body(), a.body()).isEqualTo(400);
            assertThat(a.errorCode()).as("%s", c.body()).isEqualTo("invalid_field");
            assertThat(a.errorMessage()).as("%s", c.body()).contains(c.message());
        }
        assertThat(fx.services().suppressions().list(null, null, 10)).isEmpty();

        assertThat(api.get("/api/suppressions/not%20an%20address").errorMessage())
                .contains("is not a valid address");
        assertThat(api.delete("/api/suppressions/not%20an%20address").status()).isEqualTo(400);
        assertThat(api.get("/api/suppressions?limit=0").errorMessage()).contains("limit must be");
        assertThat(api.get("/api/suppressions?domain=not%20a%20domain").status()).isEqualTo(400);
        assertThat(api.delete("/api/suppressions?domain=not%20a%20domain").status()).isEqualTo(400);
    }

    @Test
    void theRoutesNeedTheirScopes() {
        fx.services().suppressions().add("kept@example.com", null, null);
        AdminClient anonymous = api.anonymous();
        assertThat(anonymous.get("/api/suppressions").status()).isEqualTo(401);
        assertThat(anonymous.post("/api/suppressions", entry("x@example.com", null, null)).status()).isEqualTo(401);

        // The queue's scopes are not the list's: holding a message is not stopping all mail to an address.
        AdminClient queue = fx.client(List.of(Scope.QUEUE_WRITE, Scope.TRACKING_READ));
        AdminClient.Answer wrongScope = queue.get("/api/suppressions");
        assertThat(wrongScope.status()).isEqualTo(403);
        assertThat(wrongScope.errorCode()).isEqualTo("insufficient_scope");
        assertThat(queue.delete("/api/suppressions/kept@example.com").status()).isEqualTo(403);

        AdminClient reader = fx.client(List.of(Scope.SUPPRESSIONS_READ));
        assertThat(addresses(reader.get("/api/suppressions"))).containsExactly("kept@example.com");
        assertThat(reader.get("/api/suppressions/kept@example.com").status()).isEqualTo(200);
        assertThat(reader.post("/api/suppressions", entry("x@example.com", null, null)).errorCode())
                .isEqualTo("insufficient_scope");
        assertThat(reader.delete("/api/suppressions/kept@example.com").errorCode()).isEqualTo("insufficient_scope");
        assertThat(reader.delete("/api/suppressions?domain=example.com").errorCode()).isEqualTo("insufficient_scope");
        assertThat(fx.services().suppressions().find("kept@example.com")).isPresent();
        assertThat(fx.services().suppressions().find("x@example.com")).isEmpty();

        assertThat(fx.admin().get("/api/suppressions").status()).isEqualTo(200);
    }

    @Test
    void tokensLimitedToDomainsMayNeitherReadNorChangeTheServerWideList() {
        fx.services().suppressions().add("kept@example.com", null, null);
        // Limited to a local domain, or even to the domain of the entries: the list is no tenant's.
        for (String domain : List.of(LOCAL, "example.com")) {
            AdminClient tenant = fx.client(List.of(Scope.SUPPRESSIONS_WRITE), domain);
            List<AdminClient.Answer> answers = List.of(
                    tenant.get("/api/suppressions"),
                    tenant.get("/api/suppressions?domain=example.com"),
                    tenant.get("/api/suppressions/kept@example.com"),
                    tenant.post("/api/suppressions", entry("new@example.com", null, null)),
                    tenant.delete("/api/suppressions/kept@example.com"),
                    tenant.delete("/api/suppressions?domain=example.com"));
            for (AdminClient.Answer a : answers) {
                assertThat(a.status()).as(a.body()).isEqualTo(403);
                assertThat(a.errorCode()).isEqualTo("forbidden");
                assertThat(a.errorMessage()).contains("shared by every domain");
            }
        }
        assertThat(fx.services().suppressions().find("kept@example.com")).isPresent();
        assertThat(fx.services().suppressions().find("new@example.com")).isEmpty();
    }

    @Test
    void theRoutesAreDescribedInTheOpenApiDocument() {
        JsonNode paths = api.anonymous().get("/api/openapi.json").json().get("paths");
        assertThat(paths.get("/api/suppressions").get("get").get("x-tern-scope").asText())
                .isEqualTo("suppressions:read");
        assertThat(paths.get("/api/suppressions").get("post").get("x-tern-scope").asText())
                .isEqualTo("suppressions:write");
        assertThat(paths.get("/api/suppressions").get("delete").get("x-tern-scope").asText())
                .isEqualTo("suppressions:write");
        assertThat(paths.get("/api/suppressions/{address}").get("get").get("x-tern-scope").asText())
                .isEqualTo("suppressions:read");
        assertThat(paths.get("/api/suppressions/{address}").get("delete").get("x-tern-scope").asText())
                .isEqualTo("suppressions:write");
    }
}
