package dev.tern.config;

import java.time.Duration;

/**
 * The suppression list ({@code [suppression]}; docs/suppressions.md).
 *
 * @param hardBounces add an address of another domain when its server refuses it permanently as
 *                    nonexistent or disabled (5.1.1, 5.1.10, 5.2.1…)
 * @param keepFor     how long such an entry stays; {@link Duration#ZERO}: until removed
 */
public record SuppressionSettings(boolean hardBounces, Duration keepFor) {

    public static SuppressionSettings defaults() {
        return new SuppressionSettings(true, Duration.ofDays(30));
    }

    static SuppressionSettings read(ConfigNode n) {
        SuppressionSettings d = defaults();
        return new SuppressionSettings(n.bool("hard_bounces", d.hardBounces()), n.durationOrZero("keep_for", d.keepFor()));
    }
}
