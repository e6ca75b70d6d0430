package dev.tern.config;

/**
 * The ManageSieve server ({@code [managesieve]} in the config file).
 *
 * @param maxConnections      simultaneous connections on the managesieve listener
 * @param maxConnectionsPerIp simultaneous connections from one client address (a webmail host
 *                            connects for all of its users from one address)
 */
public record ManageSieveSettings(int maxConnections, int maxConnectionsPerIp) {

    public static ManageSieveSettings defaults() {
        return new ManageSieveSettings(1000, 20);
    }

    static ManageSieveSettings read(ConfigNode n) {
        ManageSieveSettings d = defaults();
        return new ManageSieveSettings(n.positiveInt("max_connections", d.maxConnections()),
                n.positiveInt("max_connections_per_ip", d.maxConnectionsPerIp()));
    }
}
