package dev.tern.mail;

import java.util.regex.Pattern;

/**
 * Recognises the address literals of RFC 5321 §4.1.3 exactly as its grammar writes them:
 * {@code [192.0.2.1]} and {@code [IPv6:2001:db8::1]}. The general form {@code [tag:...]} with
 * other tags, which no standard defines, is not one.
 *
 * <p>The IPv6 grammar is narrower than what {@link java.net.InetAddress} reads, and it is the one
 * that counts in an address: {@code "::"} stands for at least two groups of zeros, so at most six
 * groups go with it (four when an IPv4 part follows); there is no zone id ({@code %eth0}); the
 * IPv4 part is a dotted quad without leading zeros, as an IPv4 literal is.
 */
final class AddressLiteral {

    private static final String IPV6_TAG = "IPv6:";
    private static final Pattern HEX_GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");

    private AddressLiteral() {
    }

    /** Whether the text, brackets included, is an IPv4 or IPv6 address literal. */
    static boolean isValid(String text) {
        if (text.length() < 3 || text.charAt(0) != '[' || text.charAt(text.length() - 1) != ']') {
            return false;
        }
        String inner = text.substring(1, text.length() - 1);
        // RFC 5234 §2.3: the quoted "IPv6:" of the grammar matches in any case.
        if (inner.regionMatches(true, 0, IPV6_TAG, 0, IPV6_TAG.length())) {
            return isIpv6(inner.substring(IPV6_TAG.length()));
        }
        return IpAddresses.IPV4.matcher(inner).matches();
    }

    /**
     * RFC 5321 §4.1.3 {@code IPv6-addr = IPv6-full / IPv6-comp / IPv6v4-full / IPv6v4-comp}: eight
     * groups, or at most six around "::"; six groups and an IPv4 address, or at most four around
     * "::" before one.
     */
    static boolean isIpv6(String text) {
        String groups = text;
        int full = 8;
        if (text.indexOf('.') >= 0) {
            int colon = text.lastIndexOf(':');
            if (colon < 0 || !IpAddresses.IPV4.matcher(text.substring(colon + 1)).matches()) {
                return false;
            }
            // Keep the "::" when it comes right before the IPv4 part (::192.0.2.1, 1::192.0.2.1);
            // otherwise drop the colon that separates the last group from it.
            groups = text.startsWith("::", colon - 1) ? text.substring(0, colon + 1) : text.substring(0, colon);
            full = 6;
        }
        int gap = groups.indexOf("::");
        if (gap < 0) {
            return groupCount(groups) == full;
        }
        if (groups.indexOf("::", gap + 1) >= 0) {
            return false;   // a second "::", or ":::"
        }
        int before = groupCount(groups.substring(0, gap));
        int after = groupCount(groups.substring(gap + 2));
        // "::" is at least two groups of zeros, so at most full - 2 groups go with it.
        return before >= 0 && after >= 0 && before + after <= full - 2;
    }

    /** The number of colon-separated hex groups; 0 for the empty text, -1 when malformed. */
    private static int groupCount(String text) {
        if (text.isEmpty()) {
            return 0;
        }
        String[] groups = text.split(":", -1);
        for (String g : groups) {
            if (!HEX_GROUP.matcher(g).matches()) {
                return -1;
            }
        }
        return groups.length;
    }
}
