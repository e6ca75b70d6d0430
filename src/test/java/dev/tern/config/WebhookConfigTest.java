package dev.tern.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookConfigTest {

    private static TernConfig parse(String text) {
        return ConfigLoader.parse(Path.of("/etc/tern/tern.toml"), "hostname = \"mx.example.org\"\n" + text);
    }

    @Test
    void privateAddressesAreRefusedByDefault() {
        assertThat(parse("").webhooks()).isEqualTo(WebhookSettings.defaults());
        assertThat(WebhookSettings.defaults().allowPrivate()).isFalse();
        assertThat(WebhookSettings.defaults().timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(ConfigLoader.parse(Path.of("/etc/tern/tern.toml"),
                StarterConfig.text("mx.example.org", "0.0.0.0:25")).webhooks()).isEqualTo(WebhookSettings.defaults());
    }

    @Test
    void readsEveryKey() {
        WebhookSettings w = parse("""
                [webhooks]
                allow_private = true
                max_concurrent = 2
                timeout = "3s"
                retention = "2d"
                """).webhooks();
        assertThat(w).isEqualTo(new WebhookSettings(true, 2, Duration.ofSeconds(3), Duration.ofDays(2)));
    }

    @Test
    void errorsNameTheKey() {
        assertThatThrownBy(() -> parse("[webhooks]\nallow_private = \"yes\"\n")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("webhooks.allow_private:");
        assertThatThrownBy(() -> parse("[webhooks]\nmax_concurrent = 0\n")).hasMessageStartingWith("webhooks.max_concurrent:");
        assertThatThrownBy(() -> parse("[webhooks]\ntimeout = \"5m\"\n")).hasMessageStartingWith("webhooks.timeout:");
        assertThatThrownBy(() -> parse("[webhooks]\nretention = \"10m\"\n")).hasMessageStartingWith("webhooks.retention:");
        assertThatThrownBy(() -> parse("[webhooks]\nsecret = \"x\"\n")).hasMessageContaining("webhooks.secret");
    }
}
