package dev.tern.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoreConfigTest {

    @TempDir
    Path dir;

    private TernConfig parse(String text) {
        return ConfigLoader.parse(dir.resolve("tern.toml"), "hostname = \"mx.example.org\"\n" + text);
    }

    @Test
    void embeddedByDefaultAndInTheStarterConfig() {
        assertThat(parse("").store()).isEqualTo(StoreSettings.defaults());
        assertThat(ConfigLoader.parse(dir.resolve("tern.toml"), StarterConfig.text("mx.example.org", "0.0.0.0:25"))
                .store().metadata()).isEqualTo(StoreSettings.Metadata.EMBEDDED);
    }

    @Test
    void theStarterConfigsPostgresExampleParsesOnceUncommented() throws Exception {
        Files.writeString(dir.resolve("postgres-password"), "s3cret\n");
        String text = StarterConfig.text("mx.example.org", "0.0.0.0:25")
                .replace("# [store]\n", "[store]\n")
                .replace("# metadata = \"postgres\"", "metadata = \"postgres\"")
                .replace("# [store.postgres]", "[store.postgres]")
                .replace("# url = \"jdbc:", "url = \"jdbc:")
                .replace("# user = ", "user = ")
                .replace("# password_file = \"/etc/tern/postgres-password\"", "password_file = \"postgres-password\"")
                .replace("# pool_size = ", "pool_size = ");
        StoreSettings s = ConfigLoader.parse(dir.resolve("tern.toml"), text).store();
        assertThat(s.metadata()).isEqualTo(StoreSettings.Metadata.POSTGRES);
        assertThat(s.shared()).isTrue();
        assertThat(s.postgres()).isEqualTo(new StoreSettings.Postgres("jdbc:postgresql://db.example.org:5432/tern",
                "tern", "s3cret", 16));
    }

    @Test
    void postgresNeedsAJdbcUrl() {
        assertThatThrownBy(() -> parse("[store]\nmetadata = \"postgres\"\n"))
                .hasMessageContaining("store.postgres.url").hasMessageContaining("jdbc:postgresql://");
        assertThatThrownBy(() -> parse("[store]\nmetadata = \"postgres\"\n[store.postgres]\nurl = \"postgres://db/tern\"\n"))
                .hasMessageContaining("got \"postgres://db/tern\"");
        assertThatThrownBy(() -> parse("[store.postgres]\nurl = \"jdbc:postgresql://db/tern\"\n"))
                .hasMessageContaining("metadata is \"embedded\"");
    }
}
