package dev.tern.config;

import java.time.Duration;
import java.util.List;

/**
 * Greylisting ({@code [greylisting]}, RFC 6647), off by default: the first attempt of an unknown
 * (client network, sender, recipient) triplet gets 451 4.7.1, a retry after {@code delay} is
 * accepted, and the triplet then passes at once.
 *
 * @param enabled        greylist clients on the {@code smtp} listener that are not exempt
 * @param delay          how long a new triplet waits before a retry is accepted
 * @param retryWindow    a first retry later than this starts over
 * @param passedLifetime how long a triplet that passed is remembered without new mail
 * @param whitelist      never greylisted: client networks ({@code 192.0.2.0/24}), senders
 *                       ({@code from:example.org}, {@code from:user@example.org}), recipients
 *                       ({@code to:postmaster@example.org}, {@code to:example.org})
 */
public record GreylistSettings(boolean enabled, Duration delay, Duration retryWindow, Duration passedLifetime,
                               List<String> whitelist) {

    public GreylistSettings {
        whitelist = List.copyOf(whitelist);
    }

    public static GreylistSettings defaults() {
        return new GreylistSettings(false, Duration.ofMinutes(5), Duration.ofHours(4), Duration.ofDays(35), List.of());
    }

    static GreylistSettings read(ConfigNode n) {
        GreylistSettings d = defaults();
        Duration delay = n.duration("delay", d.delay());
        Duration window = n.duration("retry_window", d.retryWindow());
        Duration lifetime = n.duration("passed_lifetime", d.passedLifetime());
        if (window.compareTo(delay) <= 0) {
            throw new ConfigException(n.key("retry_window") + ": must be longer than delay (" + delay + "), got " + window);
        }
        return new GreylistSettings(n.bool("enabled", d.enabled()), delay, window, lifetime, n.stringList("whitelist"));
    }
}
