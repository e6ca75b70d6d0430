package dev.tern.config;

import java.time.Duration;

/**
 * The admin listener: HTTP API, web console, metrics ({@code [admin]} in the config file; the
 * addresses are {@code [listeners] admin}).
 *
 * @param tls                 serve HTTPS with the server certificate of {@code [tls]}; off by default,
 *                            for a listener on loopback (a non-loopback address without TLS is
 *                            warned about at start)
 * @param sessionLifetime     how long a console login lasts
 * @param maxBodySize         the largest request body; larger ones are refused with 413
 * @param idleTimeout         a connection with no request in progress and no traffic for this long is closed
 * @param maxConnections      simultaneous connections on the admin listener
 * @param maxConnectionsPerIp simultaneous connections from one client address
 */
public record AdminSettings(boolean tls, Duration sessionLifetime, int maxBodySize, Duration idleTimeout,
                            int maxConnections, int maxConnectionsPerIp) {

    public static AdminSettings defaults() {
        return new AdminSettings(false, Duration.ofHours(12), 1024 * 1024, Duration.ofSeconds(60), 256, 64);
    }

    static AdminSettings read(ConfigNode n) {
        AdminSettings d = defaults();
        long maxBody = n.size("max_body_size", d.maxBodySize());
        if (maxBody > 64L * 1024 * 1024) {
            throw new ConfigException(n.key("max_body_size") + ": at most 64MB, got " + maxBody + " bytes");
        }
        Duration lifetime = n.duration("session_lifetime", d.sessionLifetime());
        if (lifetime.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new ConfigException(n.key("session_lifetime") + ": at least 1 minute, got " + lifetime);
        }
        return new AdminSettings(n.bool("tls", d.tls()), lifetime, (int) maxBody,
                n.duration("idle_timeout", d.idleTimeout()),
                n.positiveInt("max_connections", d.maxConnections()),
                n.positiveInt("max_connections_per_ip", d.maxConnectionsPerIp()));
    }
}
