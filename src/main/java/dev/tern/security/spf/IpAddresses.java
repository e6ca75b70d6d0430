package dev.tern.security.spf;

import org.xbill.DNS.Address;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * What SPF reads and writes of IP addresses in its own way: IPv4-mapped clients taken as IPv4, the
 * strict address grammar of ip4/ip6 mechanisms, and the text forms of the %{i} and %{c} macros.
 * Network matching is {@link dev.tern.mail.IpNetwork#matches}.
 */
final class IpAddresses {

    /** ip4-network: four decimal octets without leading zeros (RFC 7208 §5.6). */
    private static final Pattern IP4 = Pattern.compile(
            "(0|[1-9][0-9]?|1[0-9][0-9]|2[0-4][0-9]|25[0-5])(\\.(0|[1-9][0-9]?|1[0-9][0-9]|2[0-4][0-9]|25[0-5])){3}");
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private IpAddresses() {
    }

    /** An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 address it carries (RFC 7208 §5). */
    static InetAddress normalize(InetAddress ip) {
        if (ip instanceof Inet6Address) {
            byte[] b = ip.getAddress();
            boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
            for (int i = 0; mapped && i < 10; i++) {
                mapped = b[i] == 0;
            }
            if (mapped) {
                try {
                    return InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16));
                } catch (UnknownHostException e) {
                    throw new IllegalStateException(e); // four bytes are always an address
                }
            }
        }
        return ip;
    }

    /** The four octets of a strictly written IPv4 address, or null. */
    static byte[] parseIp4(String text) {
        if (!IP4.matcher(text).matches()) {
            return null;
        }
        String[] parts = text.split("\\.");
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            b[i] = (byte) Integer.parseInt(parts[i]);
        }
        return b;
    }

    /** The sixteen octets of an IPv6 address in any RFC 4291 §2.2 form, or null. */
    static byte[] parseIp6(String text) {
        return text.indexOf(':') < 0 ? null : Address.toByteArray(text, Address.IPv6);
    }

    /** %{i}: dotted quad for IPv4, 32 dot-separated nibbles for IPv6 (§7.3). */
    static String dotted(InetAddress ip) {
        if (ip instanceof Inet4Address) {
            return ip.getHostAddress();
        }
        StringBuilder out = new StringBuilder(63);
        for (byte b : ip.getAddress()) {
            if (out.length() > 0) {
                out.append('.');
            }
            out.append(HEX[(b >> 4) & 0xf]).append('.').append(HEX[b & 0xf]);
        }
        return out.toString();
    }

    /** %{c}: dotted quad, or IPv6 in the RFC 5952 form (lower case, longest zero run as "::"). */
    static String readable(InetAddress ip) {
        return dev.tern.mail.IpAddresses.format(ip);
    }
}
