package dev.tern.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.admin.auth.Scope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code /api/accounts/{address}/sieve}: an account's Sieve scripts over the admin API. */
class SieveApiTest {

    @TempDir
    Path dir;
    AdminFixture fx;

    @BeforeEach
    void start() {
        fx = new AdminFixture(dir);
        fx.services().directory().addDomain("example.test");
        fx.services().directory().addDomain("other.test");
        fx.services().directory().addUser("anna@example.test", "pw-anna-1");
        fx.services().directory().addUser("olaf@other.test", "pw-olaf-1");
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    @Test
    void aScriptIsCheckedStoredActivatedRenamedAndDeleted() {
        AdminClient api = fx.client(List.of(Scope.ACCOUNTS_READ, Scope.ACCOUNTS_WRITE));
        AdminClient.Answer bad = api.send("PUT", "/api/accounts/anna@example.test/sieve/away",
                "{\"script\": \"require \\\"vacation\\\";\\nvacation :days \\\"x\\\" \\\"away\\\";\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("line 2").contains(":days needs a number");

        AdminClient.Answer put = api.send("PUT", "/api/accounts/anna@example.test/sieve/away",
                "{\"script\": \"require \\\"vacation\\\";\\nvacation :days 3 \\\"I am away.\\\";\", \"active\": true}");
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertThat(put.json().get("active").asBoolean()).isTrue();
        assertThat(fx.services().directory().user("anna@example.test").orElseThrow().filtered()).isTrue();
        assertThat(api.get("/api/accounts/anna@example.test").json().get("sieve_active").asBoolean()).isTrue();

        JsonNode list = api.get("/api/accounts/anna@example.test/sieve").json();
        assertThat(list.get("scripts")).hasSize(1);
        assertThat(list.get("scripts").get(0).get("name").asText()).isEqualTo("away");

        AdminClient.Answer renamed = api.patch("/api/accounts/anna@example.test/sieve/away", Map.of("name", "holidays"));
        assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
        assertThat(renamed.json().get("name").asText()).isEqualTo("holidays");
        assertThat(renamed.json().get("active").asBoolean()).isTrue();
        assertThat(api.get("/api/accounts/anna@example.test/sieve/holidays").json().get("script").asText())
                .contains("I am away.");

        AdminClient.Answer off = api.patch("/api/accounts/anna@example.test/sieve/holidays", Map.of("active", false));
        assertThat(off.json().get("active").asBoolean()).isFalse();
        assertThat(fx.services().directory().user("anna@example.test").orElseThrow().filtered()).isFalse();
        assertThat(api.get("/api/accounts/anna@example.test").json().get("sieve_active").asBoolean()).isFalse();

        assertThat(api.delete("/api/accounts/anna@example.test/sieve/holidays").status()).isEqualTo(204);
        assertThat(api.get("/api/accounts/anna@example.test/sieve/holidays").status()).isEqualTo(404);
        assertThat(api.get("/api/accounts/nobody@example.test/sieve").status()).isEqualTo(404);
    }

    @Test
    void aTenantSeesOnlyItsDomainsAccountsAndReadersCannotWrite() {
        AdminClient tenant = fx.client(List.of(Scope.ACCOUNTS_READ, Scope.ACCOUNTS_WRITE), "example.test");
        assertThat(tenant.get("/api/accounts/olaf@other.test/sieve").status()).isIn(403, 404);
        assertThat(tenant.send("PUT", "/api/accounts/olaf@other.test/sieve/x", "{\"script\": \"keep;\"}").status())
                .isIn(403, 404);
        AdminClient reader = fx.client(List.of(Scope.ACCOUNTS_READ));
        assertThat(reader.send("PUT", "/api/accounts/anna@example.test/sieve/x", "{\"script\": \"keep;\"}").status())
                .isEqualTo(403);
        assertThat(fx.services().sieveScripts().list(fx.services().directory().user("olaf@other.test").orElseThrow().id()))
                .isEmpty();
    }
}
