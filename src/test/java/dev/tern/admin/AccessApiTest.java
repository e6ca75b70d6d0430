package dev.tern.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.admin.auth.Scope;
import dev.tern.security.access.AccessRule;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /api/access} as a client uses it: adding, replacing, listing and deleting rules, what it
 * refuses, who may call it (its scopes; never a tenant's token), and that the server decides by
 * what was added.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessApiTest {

    private AdminFixture fx;
    private AdminClient api;

    @BeforeAll
    void start(@TempDir Path dir) {
        fx = new AdminFixture(dir);
        fx.services().directory().addDomain("example.test");
        api = fx.client(List.of(Scope.ACCESS_WRITE));
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    @BeforeEach
    void noRules() {
        for (AccessRule r : fx.services().access().rules()) {
            fx.services().access().delete(r.pattern());
        }
    }

    private static Map<String, Object> rule(String pattern, String action, String note) {
        Map<String, Object> body = new HashMap<>();
        body.put("pattern", pattern);
        body.put("action", action);
        if (note != null) {
            body.put("note", note);
        }
        return body;
    }

    private static Map<String, Object> withKeepFor(Map<String, Object> rule, String keepFor) {
        rule.put("keep_for", keepFor);
        return rule;
    }

    @Test
    void addReplaceListAndDelete() throws Exception {
        AdminClient.Answer made = api.post("/api/access", rule("198.51.100.7/24", "reject", "spam run"));
        assertThat(made.status()).isEqualTo(201);
        assertThat(made.json().get("pattern").asText()).isEqualTo("198.51.100.0/24");
        assertThat(made.json().get("kind").asText()).isEqualTo("client");
        assertThat(made.json().get("action").asText()).isEqualTo("reject");
        assertThat(made.json().get("note").asText()).isEqualTo("spam run");
        assertThat(made.json().get("expires_at").isNull()).isTrue();
        AdminClient.Answer forADay = api.post("/api/access", withKeepFor(rule("192.0.2.99", "reject", null), "24h"));
        assertThat(forADay.status()).isEqualTo(201);
        assertThat(java.time.Duration.between(java.time.Instant.parse(forADay.json().get("created_at").asText()),
                java.time.Instant.parse(forADay.json().get("expires_at").asText()))).isEqualTo(Duration.ofHours(24));
        assertThat(api.delete("/api/access?pattern=192.0.2.99").status()).isEqualTo(204);
        assertThat(api.post("/api/access", rule("@Bücher.example", "allow", null)).json().get("pattern").asText())
                .isEqualTo("xn--bcher-kva.example");
        // The same pattern again replaces its rule.
        assertThat(api.post("/api/access", rule("198.51.100.0/24", "ALLOW", "a partner after all")).status())
                .isEqualTo(201);

        JsonNode list = api.get("/api/access").json().get("rules");
        assertThat(list).hasSize(2);
        assertThat(list.get(0).get("pattern").asText()).isEqualTo("198.51.100.0/24");
        assertThat(list.get(0).get("action").asText()).isEqualTo("allow");
        assertThat(list.get(0).get("note").asText()).isEqualTo("a partner after all");
        assertThat(list.get(1).get("kind").asText()).isEqualTo("sender");
        assertThat(list.get(1).get("note").isNull()).isTrue();
        InetAddress client = InetAddress.getByName("198.51.100.200");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->   // the server reads them within a second
                assertThat(fx.services().access().client(client)).extracting(AccessRule::action)
                        .isEqualTo(AccessRule.Action.ALLOW));

        assertThat(api.delete("/api/access?pattern=198.51.100.0%2F24").status()).isEqualTo(204);
        AdminClient.Answer again = api.delete("/api/access?pattern=198.51.100.0%2F24");
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.errorMessage()).isEqualTo("no access rule for 198.51.100.0/24");
        assertThat(api.get("/api/access").json().get("rules")).hasSize(1);
    }

    @Test
    void badRulesAreRefusedWithTheField() {
        AdminClient.Answer a = api.post("/api/access", rule("localhost", "reject", null));
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.errorMessage()).startsWith("pattern: \"localhost\" is not a domain");
        a = api.post("/api/access", rule("192.0.2.1", "block", null));
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.errorMessage()).isEqualTo("action: \"block\" is not an action: reject or allow");
        a = api.post("/api/access", rule("192.0.2.1", "reject", "x".repeat(501)));
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.errorMessage()).contains("note is longer than 500");
        assertThat(api.delete("/api/access").status()).isEqualTo(400);
        a = api.post("/api/access", withKeepFor(rule("192.0.2.1", "reject", null), "soon"));
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.errorMessage()).isEqualTo("keep_for: expected a duration such as \"24h\" or \"30d\", got \"soon\"");
        a = api.post("/api/access", withKeepFor(rule("192.0.2.1", "reject", null), "0s"));
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.errorMessage()).startsWith("keep_for: at least 1s");
        assertThat(api.get("/api/access").json().get("rules")).isEmpty();
    }

    @Test
    void scopesAndTenants() {
        AdminClient reader = fx.client(List.of(Scope.ACCESS_READ));
        assertThat(reader.get("/api/access").status()).isEqualTo(200);
        assertThat(reader.post("/api/access", rule("192.0.2.1", "reject", null)).status()).isEqualTo(403);
        assertThat(fx.client(List.of(Scope.SUPPRESSIONS_WRITE)).get("/api/access").status()).isEqualTo(403);
        AdminClient tenant = fx.client(List.of(Scope.ACCESS_WRITE), "example.test");
        AdminClient.Answer refused = tenant.get("/api/access");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.errorMessage()).contains("shared by every domain");
        assertThat(tenant.post("/api/access", rule("192.0.2.1", "reject", null)).status()).isEqualTo(403);
        assertThat(fx.admin().get("/api/access").status()).isEqualTo(200);
    }
}
