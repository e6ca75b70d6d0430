package dev.tern.config;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProxyProtocolConfigTest {

    private static TernConfig parse(String text) {
        return ConfigLoader.parse(Path.of("/etc/tern/tern.toml"), "hostname = \"mx.example.org\"\n" + text);
    }

    @Test
    void offByDefaultAndInTheStarterConfig() {
        assertThat(parse("").proxyProtocol().listeners()).isEmpty();
        assertThat(parse("").proxyProtocol().appliesTo("smtp")).isFalse();
        assertThat(ConfigLoader.parse(Path.of("/etc/tern/tern.toml"),
                StarterConfig.text("mx.example.org", "0.0.0.0:25")).proxyProtocol().listeners()).isEmpty();
    }

    @Test
    void theStarterConfigsExampleParsesOnceUncommented() throws Exception {
        String text = StarterConfig.text("mx.example.org", "0.0.0.0:25")
                .replace("# [proxy_protocol]", "[proxy_protocol]")
                .replace("# listeners = [\"smtp\", \"submissions\", \"imaps\"]", "listeners = [\"smtp\", \"submissions\", \"imaps\"]")
                .replace("# trusted = [\"10.0.0.0/8\"]", "trusted = [\"10.0.0.0/8\"]");
        ProxyProtocolSettings p = ConfigLoader.parse(Path.of("/etc/tern/tern.toml"), text).proxyProtocol();
        assertThat(p.listeners()).containsExactly("smtp", "submissions", "imaps");
        assertThat(p.trusted().contains(InetAddress.getByName("10.1.2.3"))).isTrue();
    }

    @Test
    void readsListenersAndTrustedNetworks() throws Exception {
        ProxyProtocolSettings p = parse("""
                [proxy_protocol]
                listeners = ["smtp", "imaps", "admin"]
                trusted = ["192.0.2.0/24", "2001:db8::5"]
                """).proxyProtocol();
        assertThat(p.appliesTo("smtp")).isTrue();
        assertThat(p.appliesTo("imaps")).isTrue();
        assertThat(p.appliesTo("imap")).isFalse();
        assertThat(p.trusted().contains(InetAddress.getByName("192.0.2.200"))).isTrue();
        assertThat(p.trusted().contains(InetAddress.getByName("2001:db8::5"))).isTrue();
        assertThat(p.trusted().contains(InetAddress.getByName("198.51.100.1"))).isFalse();
        assertThat(p.trusted().entries()).isEqualTo(List.of("192.0.2.0/24", "2001:db8::5/128"));
    }

    @Test
    void errorsNameTheKey() {
        assertThatThrownBy(() -> parse("[proxy_protocol]\nlisteners = [\"smtps\"]\ntrusted = [\"10.0.0.0/8\"]\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("proxy_protocol.listeners: unknown listener \"smtps\"");
        assertThatThrownBy(() -> parse("[proxy_protocol]\nlisteners = [\"smtp\"]\n"))
                .hasMessageStartingWith("proxy_protocol.trusted: list the load balancers");
        assertThatThrownBy(() -> parse("[proxy_protocol]\nlisteners = [\"smtp\"]\ntrusted = [\"lb.example.org\"]\n"))
                .hasMessageStartingWith("proxy_protocol.trusted");
        assertThatThrownBy(() -> parse("[proxy_protocol]\nheader_timeout = \"5s\"\n"))
                .hasMessageContaining("proxy_protocol.header_timeout");
    }
}
