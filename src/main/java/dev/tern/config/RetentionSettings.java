package dev.tern.config;

import java.time.Duration;

/**
 * How long messages stay in the mailboxes that fill up unattended ({@code [retention]};
 * docs/configuration.md): each account's Trash and Junk (the mailboxes of special use
 * {@code \Trash} and {@code \Junk}), counted from when a message was put there.
 *
 * @param trash how long a message stays in Trash; {@link Duration#ZERO}: until its user removes it
 * @param junk  how long a message stays in Junk; {@link Duration#ZERO}: until its user removes it
 */
public record RetentionSettings(Duration trash, Duration junk) {

    /** As Gmail, Outlook.com and Stalwart empty them. */
    public static RetentionSettings defaults() {
        return new RetentionSettings(Duration.ofDays(30), Duration.ofDays(30));
    }

    static RetentionSettings read(ConfigNode n) {
        RetentionSettings d = defaults();
        return new RetentionSettings(atLeastAnHour(n, "trash", d.trash()), atLeastAnHour(n, "junk", d.junk()));
    }

    private static Duration atLeastAnHour(ConfigNode n, String name, Duration fallback) {
        Duration d = n.durationOrZero(name, fallback);
        if (!d.isZero() && d.compareTo(Duration.ofHours(1)) < 0) {
            throw new ConfigException(n.key(name) + ": at least \"1h\" (messages are looked at every hour), or \"0\" "
                    + "to keep them until their user removes them; got " + d);
        }
        return d;
    }
}
