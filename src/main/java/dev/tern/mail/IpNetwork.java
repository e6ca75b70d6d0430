package dev.tern.mail;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A network of IP addresses: an address with its low bits cleared, and the prefix length.
 * Used to group clients that one sender controls (greylisting triplets, rate-limit keys: one
 * IPv6 host usually owns a whole /64, so counting single IPv6 addresses would count nothing) and
 * to match configured networks such as {@code 192.0.2.0/24}.
 *
 * <p>Records compare by value, so an {@code IpNetwork} is a good map key; {@link #toString()}
 * is the CIDR form ({@code 192.0.2.0/24}, {@code 2001:db8:1:2::/64}), stable enough to be stored.
 */
public record IpNetwork(InetAddress address, int prefixLength) {

    public IpNetwork {
        int bits = address.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is out of range 0-" + bits);
        }
        address = masked(address, prefixLength);
    }

    /** The network of the given prefix length around an address, whose low bits are cleared. */
    public static IpNetwork of(InetAddress address, int prefixLength) {
        return new IpNetwork(address, prefixLength);
    }

    /**
     * The network a client is most likely one sender in: {@code ipv4Prefix} bits of an IPv4
     * address (24 groups a sender's outbound pool), {@code ipv6Prefix} bits of an IPv6 one (64: a site).
     */
    public static IpNetwork around(InetAddress client, int ipv4Prefix, int ipv6Prefix) {
        return new IpNetwork(client, client instanceof Inet4Address ? ipv4Prefix : ipv6Prefix);
    }

    /**
     * Parses {@code 192.0.2.0/24}, {@code 2001:db8::/32}, or a single address ({@code 192.0.2.7},
     * {@code ::1}) taken as a host network (/32, /128). Names are refused: they would need DNS, and
     * DNS is no basis for trust.
     *
     * @throws IllegalArgumentException saying what is wrong with the text
     */
    public static IpNetwork parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        String addressText = slash < 0 ? t : t.substring(0, slash);
        InetAddress address = IpAddresses.parse(addressText).orElseThrow(() -> new IllegalArgumentException(
                "\"" + text + "\" is not an IP network such as 192.0.2.0/24 or 2001:db8::/32"));
        int bits = address.getAddress().length * 8;
        if (slash < 0) {
            return new IpNetwork(address, bits);
        }
        int prefix;
        try {
            prefix = Integer.parseInt(t.substring(slash + 1));
        } catch (NumberFormatException e) {
            prefix = -1;
        }
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException("\"" + text + "\": the prefix length must be a number from 0 to " + bits);
        }
        return new IpNetwork(address, prefix);
    }

    /** True when the address is in this network; an IPv4 address is never in an IPv6 network. */
    public boolean contains(InetAddress candidate) {
        return candidate != null && matches(candidate.getAddress(), address.getAddress(), prefixLength);
    }

    /**
     * Whether the first {@code prefix} bits of an address equal those of a network, both as raw
     * bytes (4 for IPv4, 16 for IPv6); false when their lengths differ. {@code prefix} must be
     * from 0 to the number of bits.
     */
    public static boolean matches(byte[] address, byte[] network, int prefix) {
        if (address.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (address[full] & mask) == (network[full] & mask);
    }

    @Override
    public String toString() {
        return IpAddresses.format(address) + "/" + prefixLength;
    }

    private static InetAddress masked(InetAddress address, int prefixLength) {
        byte[] b = address.getAddress();
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, prefixLength - 8 * i));
            b[i] &= (byte) (0xff00 >> keep);
        }
        try {
            // Inet6Address explicitly: getByAddress would turn ::ffff:a.b.c.d into an IPv4 address.
            return b.length == 4 ? InetAddress.getByAddress(b) : Inet6Address.getByAddress(null, b, -1);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 4 or 16 byte address is always valid", e);
        }
    }
}
