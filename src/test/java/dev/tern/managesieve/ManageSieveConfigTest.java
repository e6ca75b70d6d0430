package dev.tern.managesieve;

import dev.tern.config.ConfigException;
import dev.tern.config.ConfigLoader;
import dev.tern.config.ListenAddress;
import dev.tern.config.ManageSieveSettings;
import dev.tern.config.StarterConfig;
import dev.tern.config.TernConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The managesieve listener and the {@code [managesieve]} section of the config file. */
class ManageSieveConfigTest {

    private static final Path FILE = Path.of("/etc/tern/tern.toml");

    private static TernConfig parse(String text) {
        return ConfigLoader.parse(FILE, "hostname = \"mx.example.test\"\n" + text);
    }

    @Test
    void theListenerAndItsDefaults() {
        TernConfig c = parse("[listeners]\nmanagesieve = [\"0.0.0.0:4190\"]\n");
        assertThat(c.listener("managesieve")).containsExactly(new ListenAddress("0.0.0.0", 4190));
        assertThat(c.managesieve()).isEqualTo(ManageSieveSettings.defaults());
        assertThat(TernConfig.LISTENER_NAMES).contains("managesieve");
    }

    @Test
    void connectionLimitsAreReadAndChecked() {
        TernConfig c = parse("[managesieve]\nmax_connections = 50\nmax_connections_per_ip = 200\n");
        assertThat(c.managesieve()).isEqualTo(new ManageSieveSettings(50, 200));
        assertThatThrownBy(() -> parse("[managesieve]\nmax_connections = 0\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("managesieve.max_connections");
        assertThatThrownBy(() -> parse("[managesieve]\nallow_plaintext_auth = true\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("managesieve.allow_plaintext_auth");
        assertThatThrownBy(() -> parse("[listeners]\nmanagesieve = [\"0.0.0.0\"]\n"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("listeners.managesieve:");
    }

    @Test
    void theStarterConfigHasItCommentedOut() {
        String text = StarterConfig.text("mx.example.org", "0.0.0.0:25");
        assertThat(text).contains("# managesieve = [\"0.0.0.0:4190\"]");
        TernConfig c = ConfigLoader.parse(FILE, text.replace("# managesieve = [", "managesieve = ["));
        assertThat(c.listener("managesieve")).containsExactly(new ListenAddress("0.0.0.0", 4190));
    }
}
