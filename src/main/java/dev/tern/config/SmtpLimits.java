package dev.tern.config;

import java.time.Duration;

/**
 * Limits of the SMTP server ({@code [smtp]} in the config file). Defaults follow RFC 5321 §4.5.3
 * and the defaults Postfix ships with.
 *
 * @param maxMessageSize       largest message accepted, announced with SIZE (RFC 1870)
 * @param maxRecipients        recipients per transaction; more get 452 4.5.3 (RFC 5321 §4.5.3.1.8 asks for at least 100)
 * @param maxLineLength        longest command or text line, CRLF included (RFC 5321: at least 512 and 1000)
 * @param maxErrors            protocol errors before the session is closed with 421
 * @param commandTimeout       idle time allowed while waiting for a command (RFC 5321 §4.5.3.2.7: 5 minutes)
 * @param dataTimeout          idle time allowed between data chunks (RFC 5321 §4.5.3.2.5: 3 minutes)
 * @param maxConnections       simultaneous connections on all SMTP listeners together
 * @param maxConnectionsPerIp  simultaneous connections from one client address
 * @param vrfy                 answer VRFY truthfully (off by default: 252, as RFC 5321 §3.5.3 allows)
 * @param minFreeSpace         bytes the storage must keep free after a message of the size MAIL declares; with
 *                             less, MAIL gets 452 4.3.1 (Postfix's {@code queue_minfree}); 0 turns the reserve off
 * @param maxJunkCommands      NOOP, RSET, VRFY and HELP a session may send between accepted messages before each
 *                             further one counts as an error (Postfix's {@code smtpd_junk_command_limit})
 */
public record SmtpLimits(long maxMessageSize, int maxRecipients, int maxLineLength, int maxErrors,
                         Duration commandTimeout, Duration dataTimeout, int maxConnections,
                         int maxConnectionsPerIp, boolean vrfy, long minFreeSpace, int maxJunkCommands) {

    /** Postfix's default for its junk command limit. */
    public static final int DEFAULT_MAX_JUNK_COMMANDS = 100;

    /** Limits with the default junk command limit. */
    public SmtpLimits(long maxMessageSize, int maxRecipients, int maxLineLength, int maxErrors,
                      Duration commandTimeout, Duration dataTimeout, int maxConnections,
                      int maxConnectionsPerIp, boolean vrfy, long minFreeSpace) {
        this(maxMessageSize, maxRecipients, maxLineLength, maxErrors, commandTimeout, dataTimeout, maxConnections,
                maxConnectionsPerIp, vrfy, minFreeSpace, DEFAULT_MAX_JUNK_COMMANDS);
    }

    /** Limits with the default free-space reserve: one and a half times the largest message, as Postfix keeps. */
    public SmtpLimits(long maxMessageSize, int maxRecipients, int maxLineLength, int maxErrors,
                      Duration commandTimeout, Duration dataTimeout, int maxConnections,
                      int maxConnectionsPerIp, boolean vrfy) {
        this(maxMessageSize, maxRecipients, maxLineLength, maxErrors, commandTimeout, dataTimeout, maxConnections,
                maxConnectionsPerIp, vrfy, defaultReserve(maxMessageSize));
    }

    public static SmtpLimits defaults() {
        return new SmtpLimits(50L * 1024 * 1024, 1000, 4096, 20, Duration.ofMinutes(5), Duration.ofMinutes(3),
                1000, 50, false);
    }

    private static long defaultReserve(long maxMessageSize) {
        return maxMessageSize > Long.MAX_VALUE / 3 ? Long.MAX_VALUE / 2 : maxMessageSize / 2 * 3;
    }

    static SmtpLimits read(ConfigNode n) {
        SmtpLimits d = defaults();
        long maxMessageSize = n.size("max_message_size", d.maxMessageSize());
        SmtpLimits l = new SmtpLimits(
                maxMessageSize,
                n.positiveInt("max_recipients", d.maxRecipients()),
                n.positiveInt("max_line_length", d.maxLineLength()),
                n.positiveInt("max_errors", d.maxErrors()),
                n.duration("command_timeout", d.commandTimeout()),
                n.duration("data_timeout", d.dataTimeout()),
                n.positiveInt("max_connections", d.maxConnections()),
                n.positiveInt("max_connections_per_ip", d.maxConnectionsPerIp()),
                n.bool("vrfy", d.vrfy()),
                n.sizeOrZero("min_free_space", defaultReserve(maxMessageSize)),
                n.positiveInt("max_junk_commands", d.maxJunkCommands()));
        if (l.maxLineLength() < 1000) {
            throw new ConfigException(n.key("max_line_length") + ": must be at least 1000 (RFC 5321 §4.5.3.1.6), got " + l.maxLineLength());
        }
        if (l.maxMessageSize() < 64 * 1024) {
            throw new ConfigException(n.key("max_message_size") + ": must be at least 64KB (RFC 5321 §4.5.3.1.7), got "
                    + l.maxMessageSize() + " bytes");
        }
        if (l.maxRecipients() < 100) {
            throw new ConfigException(n.key("max_recipients") + ": must be at least 100 (RFC 5321 §4.5.3.1.8), got " + l.maxRecipients());
        }
        return l;
    }
}
