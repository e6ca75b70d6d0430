package dev.tern.mail;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IpNetworkTest {

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void networksAreParsedMaskedAndPrinted() throws Exception {
        assertThat(IpNetwork.parse("192.0.2.77/24").toString()).isEqualTo("192.0.2.0/24");
        assertThat(IpNetwork.parse(" 192.0.2.7 ").toString()).isEqualTo("192.0.2.7/32");
        assertThat(IpNetwork.parse("2001:DB8:0:0:1::/32").toString()).isEqualTo("2001:db8::/32");
        assertThat(IpNetwork.parse("::1").toString()).isEqualTo("::1/128");
        assertThat(IpNetwork.parse("172.16.0.0/12").contains(ip("172.31.255.255"))).isTrue();
        assertThat(IpNetwork.parse("172.16.0.0/12").contains(ip("172.32.0.0"))).isFalse();
        assertThat(IpNetwork.parse("fc00::/7").contains(ip("fdff::1"))).isTrue();
        assertThat(IpNetwork.parse("0.0.0.0/0").contains(ip("2001:db8::1"))).as("families apart").isFalse();
    }

    @Test
    void clientsAreGroupedByNetwork() throws Exception {
        assertThat(IpNetwork.around(ip("192.0.2.77"), 24, 64)).isEqualTo(IpNetwork.around(ip("192.0.2.1"), 24, 64));
        assertThat(IpNetwork.around(ip("2001:db8:1:2:a::1"), 24, 64).toString()).isEqualTo("2001:db8:1:2::/64");
    }

    @Test
    void bitsAreComparedUpToThePrefix() throws Exception {
        byte[] net = ip("192.0.2.128").getAddress();
        assertThat(IpNetwork.matches(ip("192.0.2.200").getAddress(), net, 25)).isTrue();
        assertThat(IpNetwork.matches(ip("192.0.2.127").getAddress(), net, 25)).isFalse();
        assertThat(IpNetwork.matches(ip("198.51.100.1").getAddress(), net, 0)).isTrue();
        assertThat(IpNetwork.matches(ip("192.0.2.128").getAddress(), net, 32)).isTrue();
        assertThat(IpNetwork.matches(ip("::1").getAddress(), net, 0)).as("families apart").isFalse();
    }

    @Test
    void namesAndNonsenseAreRefused() {
        for (String bad : new String[]{"localhost", "example.org/24", "192.0.2.1/33", "::1/129", "1.2.3", "1.2.3.4/x",
                "01.2.3.4", ".:1", "fe80::1%eth0"}) {
            assertThatThrownBy(() -> IpNetwork.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
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
