package dev.tern.mail;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Which IP addresses are globally reachable: the test for where the server may be told to send
 * requests (webhooks) without reaching into its own host or network.
 *
 * <p>Follows the IANA IPv4 and IPv6 Special-Purpose Address Registries: a block they list as not
 * globally reachable is refused, and so are IPv4 multicast and every IPv6 address outside
 * 2000::/3, the only block IANA hands out as global unicast (this takes in ::1, ::, the
 * IPv4-compatible ::a.b.c.d, unique local fc00::/7, link-local fe80::/10, multicast ff00::/8, the
 * discard block 100::/64 and the local-use NAT64 prefix 64:ff9b:1::/48, whose embedded IPv4
 * address sits where the local network chose). Addresses that carry an IPv4 address to be reached
 * through it — IPv4-mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96 (RFC 6052) and 6to4 2002::/16
 * (RFC 3056) — are judged by that IPv4 address: {@code 64:ff9b::7f00:1} is 127.0.0.1. Teredo
 * (2001::/32) hides its client's address behind a relay; it is refused with the rest of 2001::/23.
 */
public final class SpecialPurposeAddresses {

    /** IPv4 blocks that are not globally reachable; 240.0.0.0/4 holds 255.255.255.255. */
    private static final List<IpNetwork> IPV4 = networks("0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10",
            "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24",
            "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4");
    private static final IpNetwork GLOBAL_UNICAST = IpNetwork.parse("2000::/3");
    /** The blocks of 2000::/3 that are not globally reachable: IETF protocol assignments and documentation. */
    private static final List<IpNetwork> IPV6 = networks("2001::/23", "2001:db8::/32", "3fff::/20");
    private static final IpNetwork NAT64 = IpNetwork.parse("64:ff9b::/96");
    private static final IpNetwork SIX_TO_FOUR = IpNetwork.parse("2002::/16");

    private SpecialPurposeAddresses() {
    }

    /** True when the address is globally reachable: neither this host, nor a private network, nor reserved. */
    public static boolean isGloballyReachable(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 4) {
            return isGloballyReachableIpv4(b);
        }
        if (isIpv4Mapped(b) || NAT64.contains(address)) {
            return isGloballyReachableIpv4(Arrays.copyOfRange(b, 12, 16));
        }
        if (SIX_TO_FOUR.contains(address)) {
            return isGloballyReachableIpv4(Arrays.copyOfRange(b, 2, 6));
        }
        return GLOBAL_UNICAST.contains(address) && IPV6.stream().noneMatch(n -> n.contains(address));
    }

    private static boolean isGloballyReachableIpv4(byte[] ipv4) {
        return IPV4.stream().noneMatch(n -> IpNetwork.matches(ipv4, n.address().getAddress(), n.prefixLength()));
    }

    /** ::ffff:a.b.c.d (the JDK makes most of them IPv4 addresses, but not every way of building one does). */
    private static boolean isIpv4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    }

    private static List<IpNetwork> networks(String... cidrs) {
        return Stream.of(cidrs).map(IpNetwork::parse).toList();
    }
}
