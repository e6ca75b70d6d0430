package dev.tern.delivery.remote;

import dev.tern.delivery.dane.DaneHost;
import dev.tern.mail.IpAddresses;
import java.net.InetSocketAddress;

/**
 * One address to try for a next hop.
 *
 * @param hostName the MX (or route, or smarthost) host name: what a certificate is checked against
 *                 and what logs and bounces name as the remote MTA
 * @param address  where to connect
 * @param dane     what the host's DNSSEC-validated TLSA records ask of the session, or null when
 *                 DANE does not apply to it
 */
record Target(String hostName, InetSocketAddress address, DaneHost dane) {

    Target(String hostName, InetSocketAddress address) {
        this(hostName, address, null);
    }

    Target withDane(DaneHost policy) {
        return new Target(hostName, address, policy);
    }

    @Override
    public String toString() {
        return hostName + "[" + IpAddresses.format(address.getAddress()) + "]:" + address.getPort();
    }
}
