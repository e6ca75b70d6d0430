package dev.tern.config;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DnsConfigTest {

    private static TernConfig parse(String text) {
        return ConfigLoader.parse(Path.of("/etc/tern/tern.toml"), "hostname = \"mx.example.org\"\n" + text);
    }

    private static InetSocketAddress at(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    @Test
    void defaultsAreTheSystemResolversAndFiveSeconds() {
        assertThat(parse("").dns()).isEqualTo(DnsSettings.defaults());
        assertThat(DnsSettings.defaults().nameservers()).isEmpty();
        assertThat(DnsSettings.defaults().timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(ConfigLoader.parse(Path.of("/etc/tern/tern.toml"), StarterConfig.text("mx.example.org", "0.0.0.0:25")).dns())
                .isEqualTo(DnsSettings.defaults());
    }

    @Test
    void readsNameserversWithAndWithoutPorts() throws Exception {
        DnsSettings dns = parse("""
                [dns]
                nameservers = ["192.0.2.53", "127.0.0.1:5353", "[::1]:53", "[2001:db8::53]"]
                timeout = "500ms"
                """).dns();
        assertThat(dns.nameservers()).containsExactly(at("192.0.2.53", 53), at("127.0.0.1", 5353),
                at("::1", 53), at("2001:db8::53", 53));
        assertThat(dns.timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(parse("[dns]\ntimeout = \"2m\"\n").dns().timeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(parse("[dns]\nnameservers = []\n").dns().nameservers()).isEmpty();
    }

    @Test
    void errorsNameTheKey() {
        assertThatThrownBy(() -> parse("[dns]\nnameservers = [\"dns.example.org\"]\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("dns.nameservers:").hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> parse("[dns]\nnameservers = [\"300.1.1.1\"]\n"))
                .hasMessageStartingWith("dns.nameservers:");
        assertThatThrownBy(() -> parse("[dns]\nnameservers = [\"127.0.0.1:99999\"]\n"))
                .hasMessageStartingWith("dns.nameservers:").hasMessageContaining("port");
        assertThatThrownBy(() -> parse("[dns]\nnameservers = [\"::1\"]\n"))
                .hasMessageStartingWith("dns.nameservers:").hasMessageContaining("brackets");
        assertThatThrownBy(() -> parse("[dns]\nnameservers = [\"[::1\"]\n"))
                .hasMessageStartingWith("dns.nameservers:");
        assertThatThrownBy(() -> parse("[dns]\nnameservers = [\"[nonsense]:53\"]\n"))
                .hasMessageStartingWith("dns.nameservers:");
        assertThatThrownBy(() -> parse("[dns]\nnameservers = [53]\n"))
                .hasMessageStartingWith("dns.nameservers:");
        assertThatThrownBy(() -> parse("[dns]\ntimeout = 5\n"))
                .hasMessageStartingWith("dns.timeout:");
        assertThatThrownBy(() -> parse("[dns]\ntimeout = \"0s\"\n"))
                .hasMessageStartingWith("dns.timeout:");
        assertThatThrownBy(() -> parse("[dns]\nname_servers = []\n"))
                .hasMessageStartingWith("dns.name_servers:").hasMessageContaining("unknown setting");
    }
}
