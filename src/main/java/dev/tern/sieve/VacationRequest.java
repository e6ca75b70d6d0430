package dev.tern.sieve;

import java.time.Duration;
import java.util.List;

/**
 * A vacation action as a script gave it (RFC 5230 §4): whether a reply goes out is decided
 * later ({@link VacationReply}), against the message and the replies already sent.
 *
 * @param reason    the reply's text, or with {@code mime} a MIME entity (headers and body)
 * @param subject   the reply's subject, or null for "Auto: " and the original subject
 * @param from      the reply's From address, or null for the recipient's
 * @param addresses further addresses of the user's, besides the recipient's own (:addresses)
 * @param period    the period within which one sender gets one reply: whole days from
 *                  {@code :days} (at least one), any number of seconds from {@code :seconds}
 *                  (RFC 6131; zero for a reply to every message)
 * @param mime      the reason is a MIME entity
 * @param handle    what identifies this vacation among others of the script, or null for its texts
 */
public record VacationRequest(String reason, String subject, String from, List<String> addresses, Duration period,
                              boolean mime, String handle) {

    /** RFC 5230 §4.1: the default period. */
    public static final Duration DEFAULT_PERIOD = Duration.ofDays(7);
    /** The longest period taken; longer ones are cut to it (RFC 5230 §4.1 lets a site set a maximum). */
    public static final Duration MAX_PERIOD = Duration.ofDays(90);

    public VacationRequest {
        addresses = List.copyOf(addresses);
        period = period.isNegative() ? Duration.ZERO : period.compareTo(MAX_PERIOD) > 0 ? MAX_PERIOD : period;
    }

    /** The period of {@code :days}: at least one day (RFC 5230 §4.1). */
    public static Duration days(long days) {
        return Duration.ofDays(Math.max(1, Math.min(MAX_PERIOD.toDays(), days)));
    }

    /**
     * The key under which replies are remembered (§4.2): the handle when given, else the texts
     * that make one vacation action differ from another.
     */
    public String key() {
        return handle != null ? "handle:" + handle
                : "texts:" + reason + "\u0000" + subject + "\u0000" + from + "\u0000" + mime;
    }
}
