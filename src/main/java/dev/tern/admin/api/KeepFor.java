package dev.tern.admin.api;

import dev.tern.admin.http.ApiException;
import dev.tern.config.Durations;

import java.time.Duration;

/**
 * The {@code keep_for} field of the routes whose entries may end by themselves (suppressions,
 * access rules): a duration such as {@code 24h} or {@code 30d}. Refused here, naming the field,
 * when it is no duration or longer than {@link #MAX}, before its end would fall outside the times
 * the store keeps; whether zero or less makes sense is the entry's own rule.
 */
final class KeepFor {

    /** The longest: a century, far beyond any reason to let an entry end by itself. */
    static final Duration MAX = Duration.ofDays(36_500);

    private KeepFor() {
    }

    /** The duration of the field; null when it is left out (the entry stays until deleted). */
    static Duration parse(String text) {
        if (text == null) {
            return null;
        }
        Duration d;
        try {
            d = Durations.parse(text);
        } catch (IllegalArgumentException | ArithmeticException e) {
            // more days than a Duration holds is an ArithmeticException
            throw ApiException.invalidField("keep_for: expected a duration such as \"24h\" or \"30d\", got \""
                    + text + "\"");
        }
        if (d.compareTo(MAX) > 0) {
            throw ApiException.invalidField("keep_for: at most " + MAX.toDays() + "d; leave it out to keep it "
                    + "until it is deleted");
        }
        return d;
    }
}
