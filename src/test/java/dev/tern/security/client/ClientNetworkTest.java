package dev.tern.security.client;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientNetworkTest {

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void networksAreParsedMaskedAndPrinted() throws Exception {
        assertThat(ClientNetwork.parse("192.0.2.77/24").toString()).isEqualTo("192.0.2.0/24");
        assertThat(ClientNetwork.parse(" 192.0.2.7 ").toString()).isEqualTo("192.0.2.7/32");
        assertThat(ClientNetwork.parse("2001:DB8:0:0:1::/32").toString()).isEqualTo("2001:db8::/32");
        assertThat(ClientNetwork.parse("::1").toString()).isEqualTo("::1/128");
        assertThat(ClientNetwork.parse("172.16.0.0/12").contains(ip("172.31.255.255"))).isTrue();
        assertThat(ClientNetwork.parse("172.16.0.0/12").contains(ip("172.32.0.0"))).isFalse();
        assertThat(ClientNetwork.parse("fc00::/7").contains(ip("fdff::1"))).isTrue();
        assertThat(ClientNetwork.parse("0.0.0.0/0").contains(ip("2001:db8::1"))).as("families apart").isFalse();
    }

    @Test
    void clientsAreGroupedByNetwork() throws Exception {
        assertThat(ClientNetwork.around(ip("192.0.2.77"), 24, 64)).isEqualTo(ClientNetwork.around(ip("192.0.2.1"), 24, 64));
        assertThat(ClientNetwork.around(ip("2001:db8:1:2:a::1"), 24, 64).toString()).isEqualTo("2001:db8:1:2::/64");
    }

    @Test
    void namesAndNonsenseAreRefused() {
        for (String bad : new String[]{"localhost", "example.org/24", "192.0.2.1/33", "::1/129", "1.2.3", "1.2.3.4/x",
                "01.2.3.4", ".:1", "fe80::1%eth0"}) {
            assertThatThrownBy(() -> ClientNetwork.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void ipv6IsPrintedInTheShortForm() throws Exception {
        assertThat(IpAddresses.format(ip("2001:db8:0:0:0:0:2:1"))).isEqualTo("2001:db8::2:1");
        assertThat(IpAddresses.format(ip("2001:db8:0:1:1:1:1:1"))).isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(IpAddresses.format(ip("2001:0:0:1:0:0:0:1"))).isEqualTo("2001:0:0:1::1");
        assertThat(IpAddresses.format(ip("::"))).isEqualTo("::");
        assertThat(IpAddresses.format(ip("fe80::"))).isEqualTo("fe80::");
    }
}
