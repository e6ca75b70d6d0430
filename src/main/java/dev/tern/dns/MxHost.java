package dev.tern.dns;

import java.net.InetAddress;
import java.util.List;

/**
 * One host to try for a domain's mail.
 *
 * @param name       the exchange's host name, lower case, without the final dot
 * @param preference its MX preference (0 for an implicit MX); lower is tried first
 * @param addresses  its addresses, IPv6 before IPv4, never empty
 */
public record MxHost(String name, int preference, List<InetAddress> addresses) {

    public MxHost {
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("an MX host without addresses cannot be tried: " + name);
        }
    }
}
