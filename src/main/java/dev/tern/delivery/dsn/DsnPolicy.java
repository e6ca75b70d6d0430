package dev.tern.delivery.dsn;

import java.util.Locale;

/**
 * Whether a notification may and should be sent, from what the sender asked for (RFC 3461 §4.1).
 * The queue manager asks this before building a report; the writer does not ask again.
 */
public final class DsnPolicy {

    private DsnPolicy() {
    }

    /**
     * False for the null reverse path ({@code <>}, stored as null or empty): a notification about
     * a notification could loop forever (RFC 3461 §6.1, RFC 5321 §4.5.5).
     */
    public static boolean mayNotify(String sender) {
        return sender != null && !sender.isBlank() && !sender.strip().equals("<>");
    }

    /**
     * Whether a recipient's NOTIFY asks for a report of this kind.
     *
     * <p>No NOTIFY means the RFC 3461 §4.1 default, which Tern takes as {@code FAILURE,DELAY}: a
     * failure is always reported, a delay when the queue manager sends delay warnings at all.
     * {@code NEVER} suppresses everything. {@code SUCCESS} asks for delivered, relayed (§5.2.2.2)
     * and expanded (§6.2.7.4) reports alike.
     *
     * @param storedNotify the NOTIFY values as the queue stored them (comma-separated, e.g.
     *                     {@code FAILURE,SUCCESS}), or null when the client gave none
     */
    public static boolean wants(String storedNotify, DsnAction action) {
        if (storedNotify == null || storedNotify.isBlank()) {
            return action == DsnAction.FAILED || action == DsnAction.DELAYED;
        }
        String wanted = switch (action) {
            case FAILED -> "FAILURE";
            case DELAYED -> "DELAY";
            case DELIVERED, RELAYED, EXPANDED -> "SUCCESS";
        };
        for (String value : storedNotify.split(",")) {
            String v = value.strip().toUpperCase(Locale.ROOT);
            if (v.equals("NEVER")) {
                return false;
            }
            if (v.equals(wanted)) {
                return true;
            }
        }
        return false;
    }
}
