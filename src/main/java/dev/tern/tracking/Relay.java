package dev.tern.tracking;

/**
 * The other server of a remote delivery attempt, as its events record it.
 *
 * @param host    the host name tried, or null when none could be reached (no address, DNS failure)
 * @param address its IP address, or null
 * @param tls     the TLS protocol and cipher the message travelled with, or null for plaintext
 */
public record Relay(String host, String address, String tls) {

    /** A remote delivery that reached no server. */
    public static Relay none() {
        return new Relay(null, null, null);
    }
}
