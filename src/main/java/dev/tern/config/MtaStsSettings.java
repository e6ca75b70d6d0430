package dev.tern.config;

import java.time.Duration;
import java.util.Locale;

/**
 * The MTA-STS policy (RFC 8461) this server publishes for its domains ({@code [mta_sts]}): served
 * at {@code https://mta-sts.DOMAIN/.well-known/mta-sts.txt} by the {@code autoconfigs} listener,
 * announced by the {@code _mta-sts} record that {@code domain show} prints.
 *
 * @param mode   {@code testing} (senders deliver as before and may report), {@code enforce} (senders
 *               deliver only over verified TLS to this server), {@code none} (withdraws a policy),
 *               or {@code off}: nothing published or served
 * @param maxAge how long senders keep the policy
 */
public record MtaStsSettings(Mode mode, Duration maxAge) {

    public enum Mode { TESTING, ENFORCE, NONE, OFF }

    /** RFC 8461 §3.2: at most 31557600 seconds. */
    static final Duration MAX_AGE_LIMIT = Duration.ofSeconds(31_557_600);

    public static MtaStsSettings defaults() {
        return new MtaStsSettings(Mode.TESTING, Duration.ofDays(7));
    }

    static MtaStsSettings read(ConfigNode n) {
        String text = n.string("mode", "testing");
        Mode mode;
        try {
            mode = Mode.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(n.key("mode") + ": expected \"testing\", \"enforce\", \"none\" or \"off\", got \""
                    + text + "\"");
        }
        Duration maxAge = n.duration("max_age", defaults().maxAge());
        if (maxAge.compareTo(Duration.ofDays(1)) < 0 || maxAge.compareTo(MAX_AGE_LIMIT) > 0) {
            throw new ConfigException(n.key("max_age") + ": must be between 1d and 365d, got " + maxAge);
        }
        return new MtaStsSettings(mode, maxAge);
    }
}
