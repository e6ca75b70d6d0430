package dev.tern.config;

import java.time.Duration;

/**
 * The IMAP server ({@code [imap]} in the config file).
 *
 * @param allowPlaintextAuth  accept passwords (LOGIN, AUTHENTICATE PLAIN …) on connections without
 *                            TLS; off by default (RFC 9051 §6.2.3, RFC 8314)
 * @param maxLine             octets of one command line between literals; RFC 7162 §4 asks for at
 *                            least 8192
 * @param maxLiteral          octets of one literal: the largest message APPEND accepts
 * @param idleTimeout         autologout of a quiet connection, IDLE included; RFC 9051 §5.4 asks
 *                            for at least 30 minutes
 * @param maxConnections      simultaneous connections on each IMAP listener
 * @param maxConnectionsPerIp simultaneous connections from one client address (a mail client
 *                            opens several: one per watched folder)
 */
public record ImapSettings(boolean allowPlaintextAuth, int maxLine, long maxLiteral, Duration idleTimeout,
                           int maxConnections, int maxConnectionsPerIp) {

    /** RFC 9051 §5.4: "at least 30 minutes". */
    public static final Duration MIN_IDLE_TIMEOUT = Duration.ofMinutes(30);

    public static ImapSettings defaults() {
        return new ImapSettings(false, 64 * 1024, 50L * 1024 * 1024, MIN_IDLE_TIMEOUT, 10_000, 50);
    }

    static ImapSettings read(ConfigNode n) {
        ImapSettings d = defaults();
        int maxLine = n.positiveInt("max_line", d.maxLine());
        if (maxLine < 8192) {
            throw new ConfigException(n.key("max_line") + ": at least 8192 octets (RFC 7162 §4), got " + maxLine);
        }
        long maxLiteral = n.size("max_literal", d.maxLiteral());
        if (maxLiteral > Integer.MAX_VALUE - 2L * maxLine) {
            throw new ConfigException(n.key("max_literal") + ": at most 2 GB");
        }
        Duration idle = n.duration("idle_timeout", d.idleTimeout());
        if (idle.compareTo(MIN_IDLE_TIMEOUT) < 0) {
            throw new ConfigException(n.key("idle_timeout") + ": at least 30 minutes (RFC 9051 §5.4), got " + idle);
        }
        return new ImapSettings(n.bool("allow_plaintext_auth", d.allowPlaintextAuth()), maxLine, maxLiteral, idle,
                n.positiveInt("max_connections", d.maxConnections()),
                n.positiveInt("max_connections_per_ip", d.maxConnectionsPerIp()));
    }
}
