package dev.tern.config;

import java.time.Duration;

/** Durations written as in the config file ({@code "30s"}, {@code "5m"}, {@code "1h"}, {@code "30d"}), for commands. */
public final class Durations {

    private Durations() {
    }

    /**
     * The duration a text names.
     *
     * @throws IllegalArgumentException when it names none
     */
    public static Duration parse(String text) {
        Duration d = ConfigNode.parseDuration(text);
        if (d == null) {
            throw new IllegalArgumentException("expected a duration such as \"12h\" or \"30d\", got \"" + text + "\"");
        }
        return d;
    }
}
