package dev.tern.config;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientNetworksTest {

    private static ClientNetworks parse(String... entries) {
        return ClientNetworks.parse("smtp.relay_from", List.of(entries));
    }

    @Test
    void emptyByDefault() {
        TernConfig c = ConfigLoader.parse(Path.of("/etc/tern/tern.toml"), "hostname = \"mx.example.test\"\n");
        assertThat(c.relayFrom().isEmpty()).isTrue();
        assertThat(c.relayFrom().contains("127.0.0.1")).isFalse();
    }

    @Test
    void readFromTheSmtpTable() {
        TernConfig c = ConfigLoader.parse(Path.of("/etc/tern/tern.toml"), """
                hostname = "mx.example.test"
                [smtp]
                relay_from = ["127.0.0.0/8", "192.0.2.7", "2001:db8::/32"]
                """);
        assertThat(c.relayFrom().contains("127.1.2.3")).isTrue();
        assertThat(c.relayFrom().contains("192.0.2.7")).isTrue();
        assertThat(c.relayFrom().contains("192.0.2.8")).isFalse();
        assertThat(c.relayFrom().contains("2001:db8:0:0:0:0:0:1")).isTrue();
        assertThat(c.relayFrom().contains("2001:db9::1")).isFalse();
    }

    @Test
    void lmtpClientsAreLoopbackUnlessConfigured() {
        TernConfig c = ConfigLoader.parse(Path.of("/etc/tern/tern.toml"), "hostname = \"mx.example.test\"\n");
        assertThat(c.lmtp().allowFrom().entries()).containsExactly("127.0.0.0/8", "::1/128");
        c = ConfigLoader.parse(Path.of("/etc/tern/tern.toml"), """
                hostname = "mx.example.test"
                [listeners]
                lmtp = ["10.0.0.5:24"]
                [lmtp]
                allow_from = ["10.0.0.0/24"]
                """);
        assertThat(c.listener("lmtp")).hasSize(1);
        assertThat(c.lmtp().allowFrom().contains("10.0.0.9")).isTrue();
        assertThat(c.lmtp().allowFrom().contains("127.0.0.1")).isFalse();
        assertThatThrownBy(() -> ConfigLoader.parse(Path.of("/etc/tern/tern.toml"), """
                hostname = "mx.example.test"
                [lmtp]
                allow_from = ["mta.example.test"]
                """))
                .hasMessageStartingWith("lmtp.allow_from: \"mta.example.test\" is not a network");
        assertThatThrownBy(() -> ConfigLoader.parse(Path.of("/etc/tern/tern.toml"), """
                hostname = "mx.example.test"
                [lmtp]
                allowed = ["127.0.0.1"]
                """))
                .hasMessageContaining("lmtp.allowed");
    }

    @Test
    void matchesByPrefix() throws Exception {
        ClientNetworks n = parse("10.0.0.0/9", "::1", "[fd00::]/8", "0.0.0.0/0");
        assertThat(n.contains(InetAddress.getByName("10.127.255.255"))).isTrue();
        assertThat(n.contains("0:0:0:0:0:0:0:1")).isTrue();
        assertThat(n.contains("fdab::5")).isTrue();
        assertThat(n.contains("fe80::1")).isFalse();
        assertThat(n.contains("203.0.113.9")).isTrue();   // 0.0.0.0/0: every IPv4 client

        ClientNetworks ten = parse("10.0.0.0/9");
        assertThat(ten.contains("10.128.0.1")).isFalse();
        assertThat(ten.contains("::ffff:10.1.1.1")).isTrue();   // an IPv4 client on a dual-stack socket
    }

    @Test
    void ipv4OctetsMayHaveLeadingZeros() {
        ClientNetworks n = parse("010.000.000.000/8");
        assertThat(n.contains("10.9.8.7")).isTrue();
        assertThat(n.contains("010.9.8.7")).isTrue();
        assertThat(n.contains("8.9.8.7")).isFalse();
    }

    @Test
    void anythingButAnAddressIsNotContained() {
        ClientNetworks n = parse("0.0.0.0/0");
        assertThat(n.contains("unknown")).isFalse();
        assertThat(n.contains((String) null)).isFalse();
        assertThat(n.contains("localhost")).isFalse();
    }

    @Test
    void errorsNameTheKeyAndTheEntry() {
        assertThatThrownBy(() -> parse("localhost"))
                .hasMessage("smtp.relay_from: \"localhost\" is not a network such as \"127.0.0.0/8\", \"192.0.2.7\" or \"2001:db8::/32\"");
        assertThatThrownBy(() -> parse("300.1.1.1")).hasMessageContaining("\"300.1.1.1\" is not a network");
        assertThatThrownBy(() -> parse("10.0.0.0/33"))
                .hasMessage("smtp.relay_from: \"10.0.0.0/33\" has a prefix length that is not 0-32");
        assertThatThrownBy(() -> parse("10.1.2.3/8"))
                .hasMessage("smtp.relay_from: \"10.1.2.3/8\" has host bits set after the prefix; did you mean \"10.0.0.0/8\"?");
        assertThatThrownBy(() -> parse("2001:db8::1/32"))
                .hasMessage("smtp.relay_from: \"2001:db8::1/32\" has host bits set after the prefix; did you mean \"2001:db8:0:0:0:0:0:0/32\"?");
        assertThatThrownBy(() -> ConfigLoader.parse(Path.of("/etc/tern/tern.toml"), """
                [smtp]
                relay_from = [8]
                """)).hasMessageContaining("smtp.relay_from: every entry must be a string");
    }
}
