package dev.tern.config;

/**
 * The POP3 server ({@code [pop3]} in the config file).
 *
 * @param allowPlaintextAuth accept passwords (USER/PASS, AUTH PLAIN …) on connections without TLS;
 *                           off by default (RFC 2595 §2.2, RFC 8314)
 * @param maxConnections      simultaneous connections on each POP3 listener
 * @param maxConnectionsPerIp simultaneous connections from one client address
 */
public record Pop3Settings(boolean allowPlaintextAuth, int maxConnections, int maxConnectionsPerIp) {

    public static Pop3Settings defaults() {
        return new Pop3Settings(false, 1000, 20);
    }

    static Pop3Settings read(ConfigNode n) {
        Pop3Settings d = defaults();
        return new Pop3Settings(n.bool("allow_plaintext_auth", d.allowPlaintextAuth()),
                n.positiveInt("max_connections", d.maxConnections()),
                n.positiveInt("max_connections_per_ip", d.maxConnectionsPerIp()));
    }
}
