package dev.tern.config;

import java.time.Duration;

/**
 * Webhooks ({@code [webhooks]}): HTTP POSTs of delivery events to URLs made with the admin API or
 * `tern webhook add`.
 *
 * @param allowPrivate  accept webhook URLs on loopback, private and link-local addresses; off by
 *                      default, so that whoever may make a webhook cannot make the server POST to
 *                      services on its own host or network (server-side request forgery)
 * @param maxConcurrent POSTs in progress at once, from this node
 * @param timeout       how long a POST may take to connect, and then to be answered
 * @param retention     how long delivered and failed deliveries stay listed
 */
public record WebhookSettings(boolean allowPrivate, int maxConcurrent, Duration timeout, Duration retention) {

    public static WebhookSettings defaults() {
        return new WebhookSettings(false, 8, Duration.ofSeconds(10), Duration.ofDays(7));
    }

    static WebhookSettings read(ConfigNode n) {
        WebhookSettings d = defaults();
        int concurrent = n.positiveInt("max_concurrent", d.maxConcurrent());
        if (concurrent > 256) {
            throw new ConfigException(n.key("max_concurrent") + ": at most 256, got " + concurrent);
        }
        Duration timeout = n.duration("timeout", d.timeout());
        if (timeout.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new ConfigException(n.key("timeout") + ": at most 1m, got " + timeout);
        }
        Duration retention = n.duration("retention", d.retention());
        if (retention.compareTo(Duration.ofHours(1)) < 0) {
            throw new ConfigException(n.key("retention") + ": must be at least 1h, got " + retention);
        }
        return new WebhookSettings(n.bool("allow_private", d.allowPrivate()), concurrent, timeout, retention);
    }
}
