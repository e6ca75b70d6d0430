package dev.tern.sieve;

import java.util.List;

/**
 * A vacation action as a script gave it (RFC 5230 §4): whether a reply goes out is decided
 * later ({@link VacationReply}), against the message and the replies already sent.
 *
 * @param reason    the reply's text, or with {@code mime} a MIME entity (headers and body)
 * @param subject   the reply's subject, or null for "Auto: " and the original subject
 * @param from      the reply's From address, or null for the recipient's
 * @param addresses further addresses of the user's, besides the recipient's own (:addresses)
 * @param days      the period within which one sender gets one reply, in days (at least 1)
 * @param mime      the reason is a MIME entity
 * @param handle    what identifies this vacation among others of the script, or null for its texts
 */
public record VacationRequest(String reason, String subject, String from, List<String> addresses, int days,
                              boolean mime, String handle) {

    /** RFC 5230 §4.1: the default period. */
    public static final int DEFAULT_DAYS = 7;
    /** The longest period taken; longer ones are cut to it (RFC 5230 §4.1 lets a site set a maximum). */
    public static final int MAX_DAYS = 90;

    public VacationRequest {
        addresses = List.copyOf(addresses);
        days = Math.max(1, Math.min(MAX_DAYS, days));
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
