package dev.tern.delivery.remote;

import dev.tern.mail.IpAddresses;
import java.net.InetSocketAddress;

/**
 * One address to try for a next hop.
 *
 * @param hostName the MX (or route, or smarthost) host name: what a certificate is checked against
 *                 and what logs and bounces name as the remote MTA
 * @param address  where to connect
 */
record Target(String hostName, InetSocketAddress address) {

    @Override
    public String toString() {
        return hostName + "[" + IpAddresses.format(address.getAddress()) + "]:" + address.getPort();
    }
}
