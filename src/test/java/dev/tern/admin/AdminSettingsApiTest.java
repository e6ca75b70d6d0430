package dev.tern.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.admin.auth.Scope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /api/settings}: the configuration in effect, with no secret in it, for settings:read only. */
class AdminSettingsApiTest {

    static final String SMARTHOST_PASSWORD = "hunter2-smarthost-Pa55";

    @TempDir
    Path dir;
    AdminFixture fx;

    @BeforeEach
    void start() {
        fx = new AdminFixture(dir, """
                [delivery.smarthost]
                host = "smtp.provider.example"
                username = "apikey"
                password = "%s"
                """.formatted(SMARTHOST_PASSWORD), s -> s);
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    @Test
    void theConfigurationIsShownWithoutItsSecrets() {
        AdminClient.Answer a = fx.client(List.of(Scope.SETTINGS_READ)).get("/api/settings");
        assertThat(a.status()).isEqualTo(200);
        JsonNode s = a.json();
        assertThat(s.get("hostname").asText()).isEqualTo(fx.services().config().hostname());
        assertThat(s.get("listeners").has("smtp")).isTrue();
        assertThat(s.get("listeners").has("admin")).isTrue();
        JsonNode smarthost = s.get("delivery").get("smarthost");
        assertThat(smarthost.get("username").asText()).isEqualTo("apikey");
        assertThat(smarthost.get("password").asText()).isEqualTo("[redacted]");
        assertThat(a.body()).doesNotContain(SMARTHOST_PASSWORD).doesNotContain("hunter2");
        assertThat(s.get("checks").get("exempt").isArray()).isTrue();
        assertThat(s.get("smtp").get("max_message_size").asLong()).isPositive();
    }

    @Test
    void everyValueNamedLikeASecretIsRedacted() {
        assertThat(dev.tern.admin.api.SettingsRoutes.isSecret("password_file")).isTrue();
        assertThat(dev.tern.admin.api.SettingsRoutes.isSecret("secret")).isTrue();
        assertThat(dev.tern.admin.api.SettingsRoutes.isSecret("key")).isTrue();
        assertThat(dev.tern.admin.api.SettingsRoutes.isSecret("keytab")).isTrue();
        assertThat(dev.tern.admin.api.SettingsRoutes.isSecret("hostname")).isFalse();
    }

    @Test
    void itNeedsTheSettingsScope() {
        assertThat(fx.client(List.of(Scope.ACCOUNTS_READ)).get("/api/settings").status()).isEqualTo(403);
        assertThat(new AdminClient(fx.port()).get("/api/settings").status()).isEqualTo(401);
        assertThat(fx.client(List.of(Scope.SETTINGS_READ)).send("PUT", "/api/settings", "{}").status())
                .isEqualTo(405);
    }
}
