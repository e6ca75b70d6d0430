package dev.tern.security.greylist;

import dev.tern.mail.IpNetwork;

import java.net.InetAddress;
import java.util.Locale;

/**
 * What greylisting remembers of a delivery attempt (RFC 6647 §4.2). The client counts by network,
 * an IPv4 /24 or an IPv6 /64: large senders retry from another host of the same pool.
 *
 * @param sender    lower case; empty for the null reverse-path
 * @param recipient lower case
 */
record Triplet(IpNetwork network, String sender, String recipient) {

    static final int IPV4_PREFIX = 24;
    static final int IPV6_PREFIX = 64;

    static Triplet of(InetAddress client, String sender, String recipient) {
        return new Triplet(IpNetwork.around(client, IPV4_PREFIX, IPV6_PREFIX),
                sender == null ? "" : sender.toLowerCase(Locale.ROOT), recipient.toLowerCase(Locale.ROOT));
    }

    String networkKey() {
        return network.toString();
    }
}
