package dev.tern.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.admin.auth.Scope;
import dev.tern.mailbox.MailboxAccess;
import dev.tern.mailbox.MailboxException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code /api/accounts/{address}/mailboxes} and {@code .../acl}: mailboxes listed and shared over the admin API. */
class MailboxApiTest {

    @TempDir
    Path dir;
    AdminFixture fx;
    long bob;

    @BeforeEach
    void start() {
        fx = new AdminFixture(dir);
        fx.services().directory().addDomain("example.test");
        fx.services().directory().addDomain("other.test");
        fx.services().directory().addUser("anna@example.test", "pw-anna-1");
        bob = fx.services().directory().addUser("bob@example.test", "pw-bob-12").id();
        fx.services().directory().addUser("olaf@other.test", "pw-olaf-1");
        long anna = fx.services().directory().user("anna@example.test").orElseThrow().id();
        fx.services().mailboxes().create(anna, "Projects/Team", null);
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    private MailboxAccess access() {
        return fx.services().mailboxes().access();
    }

    @Test
    void aMailboxIsSharedChangedReadAndTakenBack() {
        AdminClient api = fx.client(List.of(Scope.ACCOUNTS_READ, Scope.ACCOUNTS_WRITE));
        JsonNode boxes = api.get("/api/accounts/anna@example.test/mailboxes").json();
        assertThat(boxes.get("mailboxes").findValuesAsText("name")).contains("INBOX", "Projects", "Projects/Team");
        assertThat(boxes.get("mailboxes").get(0).get("size_bytes").asLong()).isZero();

        String team = "/api/accounts/anna@example.test/acl/bob@example.test?mailbox=Projects/Team";
        AdminClient.Answer put = api.send("PUT", team, "{\"rights\": \"lrs\"}");
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertThat(put.json().get("rights").asText()).isEqualTo("lrs");
        assertThat(access().reach(bob, "Shared/anna@example.test/Projects/Team").rights().letters()).isEqualTo("lrs");
        assertThat(api.send("PUT", team, "{\"rights\": \"+wi\"}").json().get("rights").asText()).isEqualTo("lrswi");
        assertThat(api.send("PUT", "/api/accounts/anna@example.test/acl/anyone?mailbox=Projects/Team",
                "{\"rights\": \"l\"}").status()).isEqualTo(200);

        JsonNode acl = api.get("/api/accounts/anna@example.test/acl?mailbox=Projects/Team").json();
        assertThat(acl.get("mailbox").asText()).isEqualTo("Projects/Team");
        assertThat(acl.get("entries").findValuesAsText("identifier"))
                .containsExactly("anna@example.test", "anyone", "bob@example.test");
        assertThat(acl.get("entries").get(0).get("owner").asBoolean()).isTrue();
        assertThat(acl.get("entries").get(2).get("rights").asText()).isEqualTo("lrswi");

        assertThat(api.send("PUT", team, "{\"rights\": \"lrQ\"}").status()).isEqualTo(400);
        assertThat(api.send("PUT", team, "{}").status()).isEqualTo(400);
        assertThat(api.send("PUT", "/api/accounts/anna@example.test/acl/anna@example.test?mailbox=INBOX",
                "{\"rights\": \"lr\"}").status()).as("the owner's rights").isEqualTo(400);
        assertThat(api.send("PUT", "/api/accounts/anna@example.test/acl/bob@example.test?mailbox=Nowhere",
                "{\"rights\": \"lr\"}").status()).isEqualTo(404);
        assertThat(api.get("/api/accounts/anna@example.test/acl").status()).as("no mailbox named").isEqualTo(400);

        assertThat(api.delete(team).status()).isEqualTo(204);
        assertThat(access().reach(bob, "Shared/anna@example.test/Projects/Team").rights().letters())
                .as("what anyone of example.test has").isEqualTo("l");
        assertThat(api.delete("/api/accounts/anna@example.test/acl/anyone?mailbox=Projects/Team").status())
                .isEqualTo(204);
        assertThatThrownBy(() -> access().reach(bob, "Shared/anna@example.test/Projects/Team"))
                .isInstanceOf(MailboxException.class).hasMessageContaining("no mailbox named");
    }

    @Test
    void aTenantSharesOnlyWithinItsDomainsAndReadersCannotShare() {
        AdminClient tenant = fx.client(List.of(Scope.ACCOUNTS_READ, Scope.ACCOUNTS_WRITE), "example.test");
        assertThat(tenant.send("PUT", "/api/accounts/anna@example.test/acl/olaf@other.test?mailbox=INBOX",
                "{\"rights\": \"lr\"}").status()).as("an account of another tenant").isEqualTo(404);
        assertThat(tenant.get("/api/accounts/olaf@other.test/mailboxes").status()).isEqualTo(404);
        assertThat(tenant.send("PUT", "/api/accounts/anna@example.test/acl/bob@example.test?mailbox=INBOX",
                "{\"rights\": \"lr\"}").status()).isEqualTo(200);
        AdminClient reader = fx.client(List.of(Scope.ACCOUNTS_READ));
        assertThat(reader.send("PUT", "/api/accounts/anna@example.test/acl/bob@example.test?mailbox=INBOX",
                "{\"rights\": \"lr\"}").status()).isEqualTo(403);
        assertThat(reader.get("/api/accounts/anna@example.test/acl?mailbox=INBOX").status()).isEqualTo(200);
    }
}
