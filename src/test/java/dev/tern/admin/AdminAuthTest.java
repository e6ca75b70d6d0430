package dev.tern.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.admin.auth.ApiTokens;
import dev.tern.admin.auth.Scope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may do what: sessions with their CSRF token, tokens with their scopes, expiry and
 * revocation, and tenants' tokens that see nothing of other domains.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminAuthTest {

    private AdminFixture fx;
    private AdminClient admin;

    @BeforeAll
    void start(@TempDir Path dir) {
        fx = new AdminFixture(dir);
        admin = fx.admin();
        fx.addAdmin("root", "root-password");
        for (String d : List.of("shop.test", "other.test")) {
            admin.post("/api/domains", Map.of("name", d));
            admin.post("/api/accounts", Map.of("address", "owner@" + d, "password", "pw"));
        }
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    @Test
    void withoutCredentialsEveryResourceIs401() {
        AdminClient anyone = admin.anonymous();
        for (String path : List.of("/api/domains", "/api/accounts", "/api/aliases", "/api/queue", "/api/tokens",
                "/api/session")) {
            AdminClient.Answer a = anyone.get(path);
            assertThat(a.status()).as(path).isEqualTo(401);
            assertThat(a.errorCode()).isEqualTo("unauthenticated");
        }
        assertThat(anyone.post("/api/domains", Map.of("name", "anon.test")).status()).isEqualTo(401);
        assertThat(fx.services().directory().domain("anon.test")).isEmpty();
    }

    @Test
    void aTokenWithoutTheScopeIs403() {
        AdminClient reader = fx.client(List.of(Scope.ACCOUNTS_READ));
        assertThat(reader.get("/api/accounts").status()).isEqualTo(200);
        AdminClient.Answer domains = reader.get("/api/domains");
        assertThat(domains.status()).isEqualTo(403);
        assertThat(domains.errorCode()).isEqualTo("insufficient_scope");
        assertThat(domains.errorMessage()).contains("domains:read");
        AdminClient.Answer write = reader.post("/api/accounts", Map.of("address", "new@shop.test", "password", "pw"));
        assertThat(write.status()).isEqualTo(403);
        assertThat(fx.services().directory().user("new@shop.test")).isEmpty();
        assertThat(reader.get("/api/tokens").status()).isEqualTo(403);

        AdminClient writer = fx.client(List.of(Scope.ACCOUNTS_WRITE));
        assertThat(writer.get("/api/accounts").status()).as("write allows read").isEqualTo(200);
        assertThat(writer.get("/api/queue").status()).isEqualTo(403);
    }

    @Test
    void aTenantsTokenSeesOnlyItsDomains() throws Exception {
        AdminClient tenant = fx.client(List.of(Scope.DOMAINS_READ, Scope.ACCOUNTS_WRITE, Scope.QUEUE_WRITE),
                "shop.test", "partner.example");
        JsonNode domains = tenant.get("/api/domains").json();
        assertThat(domains.get("domains").findValuesAsText("name")).containsExactly("shop.test");
        assertThat(tenant.get("/api/domains/shop.test").status()).isEqualTo(200);

        AdminClient.Answer other = tenant.get("/api/domains/other.test");
        AdminClient.Answer absent = tenant.get("/api/domains/absent.test");
        assertThat(other.status()).isEqualTo(404);
        assertThat(other.errorMessage()).isEqualTo("no such domain: other.test");
        assertThat(absent.errorMessage()).isEqualTo("no such domain: absent.test");

        assertThat(tenant.get("/api/accounts").json().get("accounts").findValuesAsText("address"))
                .containsExactly("owner@shop.test");
        assertThat(tenant.get("/api/accounts?domain=other.test").status()).isEqualTo(404);
        assertThat(tenant.get("/api/accounts/owner@other.test").status()).isEqualTo(404);
        assertThat(tenant.get("/api/accounts/owner@other.test").errorMessage())
                .isEqualTo(tenant.get("/api/accounts/nobody@other.test").errorMessage().replace("nobody", "owner"));
        assertThat(tenant.delete("/api/accounts/owner@other.test").status()).isEqualTo(404);
        assertThat(tenant.patch("/api/accounts/owner@other.test", Map.of("enabled", false)).status()).isEqualTo(404);
        assertThat(fx.services().directory().user("owner@other.test")).get().extracting(a -> a.enabled())
                .isEqualTo(true);
        assertThat(tenant.post("/api/accounts", Map.of("address", "x@other.test", "password", "pw")).status())
                .isEqualTo(404);
        assertThat(fx.services().directory().user("x@other.test")).isEmpty();

        AdminClient.Answer aliasOut = tenant.post("/api/aliases", Map.of("address", "sales@shop.test",
                "targets", List.of("owner@other.test")));
        assertThat(aliasOut.status()).isEqualTo(400);
        assertThat(fx.services().directory().aliases("shop.test")).isEmpty();
        assertThat(tenant.post("/api/aliases", Map.of("address", "sales@shop.test",
                "targets", List.of("owner@shop.test"))).status()).isEqualTo(201);

        String theirs = fx.enqueue("owner@other.test", "someone@remote.example");
        String ours = fx.enqueue("owner@shop.test", "someone@remote.example");
        // Mail for partner.example (a domain of the tenant hosted elsewhere) and for another domain.
        String shared = fx.enqueue("outsider@remote.example", "a@partner.example", "x@elsewhere.example");
        assertThat(tenant.get("/api/queue").json().get("messages").findValuesAsText("id"))
                .contains(ours, shared).doesNotContain(theirs);
        assertThat(tenant.get("/api/queue?limit=1").json().get("messages").findValuesAsText("id"))
                .as("the oldest message of the tenant's, not the oldest of all filtered away").containsExactly(ours);
        assertThat(tenant.get("/api/queue/" + theirs).status()).isEqualTo(404);
        assertThat(tenant.delete("/api/queue/" + theirs).status()).isEqualTo(404);
        assertThat(fx.services().queue().message(theirs)).isPresent();
        assertThat(tenant.get("/api/queue/" + shared).status()).isEqualTo(200);
        assertThat(tenant.post("/api/queue/" + shared + "/hold", null).status()).isEqualTo(403);
        assertThat(tenant.post("/api/queue/" + ours + "/hold", null).status()).isEqualTo(204);

        assertThat(tenant.post("/api/domains", Map.of("name", "grab.test")).status()).isEqualTo(403);
        assertThat(fx.services().directory().domain("grab.test")).isEmpty();
    }

    @Test
    void tokensAreMadeListedAndRevoked() {
        AdminClient.Answer made = admin.post("/api/tokens", Map.of("name", "deploy",
                "scopes", List.of("domains:read"), "expires_in_days", 30));
        assertThat(made.status()).isEqualTo(201);
        String token = made.json().get("token").asText();
        String id = made.json().get("id").asText();
        assertThat(token).startsWith("tern_").hasSize(48);
        assertThat(made.json().get("expires_at").asText()).isNotEmpty();

        AdminClient deploy = admin.anonymous().withToken(token);
        assertThat(deploy.get("/api/domains").status()).isEqualTo(200);
        JsonNode who = deploy.get("/api/session").json();
        assertThat(who.get("kind").asText()).isEqualTo("token");
        assertThat(who.get("name").asText()).isEqualTo("deploy");

        JsonNode listed = admin.get("/api/tokens").json().get("tokens");
        assertThat(listed.findValuesAsText("id")).contains(id);
        assertThat(listed.toString()).doesNotContain(token).doesNotContain("secret");

        assertThat(admin.delete("/api/tokens/" + id).status()).isEqualTo(204);
        AdminClient.Answer revoked = deploy.get("/api/domains");
        assertThat(revoked.status()).isEqualTo(401);
        assertThat(revoked.errorMessage()).contains("not valid");
        assertThat(admin.delete("/api/tokens/" + id).status()).isEqualTo(404);

        assertThat(admin.post("/api/tokens", Map.of("name", "bad", "scopes", List.of("everything"))).status())
                .isEqualTo(400);
        AdminClient.Answer adminTenant = admin.post("/api/tokens", Map.of("name", "t", "scopes", List.of("admin"),
                "domains", List.of("shop.test")));
        assertThat(adminTenant.status()).isEqualTo(400);
        assertThat(adminTenant.errorCode()).isEqualTo("invalid_field");
    }

    @Test
    void expiredAndUnknownTokensAre401() {
        Clock lastMonth = Clock.fixed(Instant.now().minus(Duration.ofDays(30)), ZoneOffset.UTC);
        String expired = new ApiTokens(fx.services().metadata(), lastMonth)
                .create("old", List.of(Scope.ADMIN), List.of(), 1, "cli").token();
        AdminClient.Answer a = admin.anonymous().withToken(expired).get("/api/domains");
        assertThat(a.status()).isEqualTo(401);
        assertThat(a.errorCode()).isEqualTo("unauthenticated");
        assertThat(admin.anonymous().withToken("tern_made-up").get("/api/domains").status()).isEqualTo(401);
        AdminClient.Answer basic = admin.anonymous().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(admin.base() + "/api/domains")).header("Authorization", "Basic cm9vdDpwdw==")
                .build());
        assertThat(basic.status()).isEqualTo(401);
        assertThat(basic.errorMessage()).contains("Bearer");
    }

    @Test
    void aConsoleSessionNeedsItsCsrfTokenForChanges() {
        AdminClient browser = admin.anonymous();
        AdminClient.Answer wrong = browser.login("root", "not-it");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.errorCode()).isEqualTo("invalid_credentials");
        assertThat(browser.cookies()).isEmpty();

        AdminClient.Answer login = browser.login("ROOT", "root-password");
        assertThat(login.status()).isEqualTo(201);
        List<String> setCookies = login.all("set-cookie");
        assertThat(setCookies).anySatisfy(c -> assertThat(c).startsWith("tern_session=").contains("HttpOnly")
                .contains("SameSite=Strict").doesNotContain("Secure"));
        assertThat(setCookies).anySatisfy(c -> assertThat(c).startsWith("tern_csrf=").doesNotContain("HttpOnly")
                .contains("SameSite=Strict"));
        assertThat(browser.cookies().get("tern_csrf")).isEqualTo(browser.csrf());
        assertThat(login.json().get("scopes").toString()).isEqualTo("[\"admin\"]");

        JsonNode who = browser.get("/api/session").json();
        assertThat(who.get("kind").asText()).isEqualTo("session");
        assertThat(who.get("name").asText()).isEqualTo("root");

        AdminClient forged = browser.withoutCsrf();
        assertThat(forged.get("/api/domains").status()).as("reads need no CSRF token").isEqualTo(200);
        AdminClient.Answer refused = forged.post("/api/domains", Map.of("name", "csrf.test"));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.errorCode()).isEqualTo("csrf_failed");
        assertThat(fx.services().directory().domain("csrf.test")).isEmpty();
        assertThat(browser.post("/api/domains", Map.of("name", "csrf.test")).status()).isEqualTo(201);

        assertThat(browser.delete("/api/session").status()).isEqualTo(204);
        AdminClient.Answer after = forged.get("/api/session");
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.errorMessage()).contains("log in again");
    }

    @Test
    void aBearerTokenNeedsNoCsrfTokenAndAStaleCookieDoesNotBlockALogin() {
        AdminClient browser = admin.anonymous();
        browser.cookies().put("tern_session", "stale");
        assertThat(browser.login("root", "root-password").status()).isEqualTo(201);
        assertThat(admin.post("/api/domains", Map.of("name", "bearer.test")).status()).isEqualTo(201);
    }
}
