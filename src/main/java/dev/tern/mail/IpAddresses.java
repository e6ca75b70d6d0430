package dev.tern.mail;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * IP address text without DNS: strict parsing of literals (so that a host name is never looked up
 * by accident, as {@link InetAddress#getByName} would) and the RFC 5952 form of IPv6 addresses.
 */
public final class IpAddresses {

    /** Dotted quad, each part 0 to 255 without leading zeros. */
    static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    /** Starts with a hex digit or a colon, as the JDK needs to take it as a literal rather than a name. */
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*");

    private IpAddresses() {
    }

    /**
     * An IPv4 address in dotted-quad form ({@code 192.0.2.1}, no leading zeros) or an IPv6 address
     * ({@code 2001:db8::1}, {@code ::ffff:192.0.2.1}); anything else, names included, is empty.
     */
    public static Optional<InetAddress> parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 45) {
            return Optional.empty();
        }
        boolean v4 = IPV4.matcher(text).matches();
        if (!v4 && !(IPV6.matcher(text).matches() && text.indexOf(':') >= 0)) {
            return Optional.empty();
        }
        try {
            // A literal by now: getByName parses it without asking DNS.
            InetAddress a = InetAddress.getByName(text);
            return Optional.of(a);
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /**
     * An address literal of SMTP (RFC 5321 §4.1.3): {@code [192.0.2.1]} or {@code [IPv6:2001:db8::1]}.
     * Empty for anything else, including the general form {@code [tag:...]} with other tags, which
     * no standard defines.
     */
    public static Optional<InetAddress> parseSmtpLiteral(String text) {
        if (text == null || !AddressLiteral.isValid(text)) {
            return Optional.empty();
        }
        String inner = text.substring(1, text.length() - 1);
        return parse(inner.regionMatches(true, 0, "IPv6:", 0, 5) ? inner.substring(5) : inner);
    }

    /** IPv4 dotted quad; IPv6 in the RFC 5952 form: lower case, longest run of zero groups as "::". */
    public static String format(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group is not shortened (RFC 5952 §4.2.2)
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLength - 1;
                continue;
            }
            if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(groups[i]));
        }
        return s.toString().toLowerCase(Locale.ROOT);
    }

    /**
     * True for addresses of this host or of private networks: unspecified, loopback, link-local
     * (cloud metadata services), site-local and unique local (RFC 1918, RFC 4193), carrier-grade
     * NAT (RFC 6598), multicast and broadcast.
     */
    public static boolean isPrivate(InetAddress a) {
        if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first == 0 || (first == 100 && second >= 64 && second < 128) || first >= 240;
        }
        if (a instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) {
                return true;   // fc00::/7 unique local
            }
            boolean mapped = true;   // ::ffff:a.b.c.d, should a resolver give one
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                try {
                    return isPrivate(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16)));
                } catch (UnknownHostException e) {
                    return true;
                }
            }
        }
        return false;
    }
}
