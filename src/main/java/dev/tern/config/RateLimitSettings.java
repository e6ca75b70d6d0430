package dev.tern.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rate limits ({@code [rate_limits]}): per client address on the {@code smtp} listener (clients
 * that are not exempt from the checks), per authenticated user on every SMTP listener. Each is
 * written {@code "COUNT/WINDOW"}, as {@code "60/1m"}, or {@code "off"}; a null rate is off.
 *
 * @param connectionsPerIp  new connections from one address (over the limit: 421 4.7.0 and close)
 * @param messagesPerIp     transactions (MAIL) from one address (over: 451 4.7.1)
 * @param recipientsPerIp   accepted recipients from one address (over: 451 4.7.1)
 * @param messagesPerUser   transactions of one authenticated user
 * @param recipientsPerUser recipients of one authenticated user
 */
public record RateLimitSettings(Rate connectionsPerIp, Rate messagesPerIp, Rate recipientsPerIp, Rate messagesPerUser,
                                Rate recipientsPerUser) {

    /** At most {@code count} events in any {@code window}. */
    public record Rate(int count, Duration window) {
        @Override
        public String toString() {
            return count + "/" + window;
        }
    }

    private static final Pattern RATE = Pattern.compile("(\\d{1,9})\\s*/\\s*(\\S+)");

    public static RateLimitSettings defaults() {
        return new RateLimitSettings(new Rate(60, Duration.ofMinutes(1)), new Rate(120, Duration.ofMinutes(1)),
                new Rate(1000, Duration.ofMinutes(1)), null, null);
    }

    public static RateLimitSettings off() {
        return new RateLimitSettings(null, null, null, null, null);
    }

    static RateLimitSettings read(ConfigNode n) {
        RateLimitSettings d = defaults();
        return new RateLimitSettings(rate(n, "connections_per_ip", d.connectionsPerIp()),
                rate(n, "messages_per_ip", d.messagesPerIp()), rate(n, "recipients_per_ip", d.recipientsPerIp()),
                rate(n, "messages_per_user", d.messagesPerUser()), rate(n, "recipients_per_user", d.recipientsPerUser()));
    }

    private static Rate rate(ConfigNode n, String key, Rate fallback) {
        String v = n.string(key, fallback == null ? "off" : fallback.count() + "/" + TomlText.duration(fallback.window()));
        if (v.equalsIgnoreCase("off") || v.isBlank()) {
            return null;
        }
        Matcher m = RATE.matcher(v.trim());
        if (!m.matches()) {
            throw new ConfigException(n.key(key) + ": expected \"COUNT/WINDOW\" such as \"60/1m\", or \"off\"; got \"" + v + "\"");
        }
        int count = Integer.parseInt(m.group(1));
        Duration window = ConfigNode.parseDuration(m.group(2));
        if (window == null) {
            throw new ConfigException(n.key(key) + ": \"" + m.group(2) + "\" is not a duration such as \"1m\" or \"1h\"");
        }
        if (count < 1 || window.isZero() || window.isNegative() || window.compareTo(Duration.ofDays(1)) > 0) {
            throw new ConfigException(n.key(key) + ": the count must be at least 1 and the window between 1s and 1d; got \"" + v + "\"");
        }
        return new Rate(count, window);
    }
}
