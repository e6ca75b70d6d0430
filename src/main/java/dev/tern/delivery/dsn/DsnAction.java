package dev.tern.delivery.dsn;

import java.util.Locale;

/**
 * The RFC 3464 §2.3.3 {@code Action} of one recipient in a report. Declared from the most to the
 * least serious, so that a report about several recipients is titled by the first it contains.
 */
public enum DsnAction {
    /** Delivery failed for good; the sender must act. */
    FAILED,
    /** Not delivered yet; still being retried. */
    DELAYED,
    /** Passed on to a system that will send no further notifications (RFC 3461 §5.2.2.2). */
    RELAYED,
    /** Delivered to an alias or list that forwards it to other addresses (RFC 3461 §6.2.7.4). */
    EXPANDED,
    /** Delivered to the recipient's mailbox. */
    DELIVERED;

    /** The field value: {@code failed}, {@code delayed}, {@code relayed}, {@code expanded}, {@code delivered}. */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The more serious of two actions. */
    public static DsnAction mostSerious(DsnAction a, DsnAction b) {
        return a.ordinal() <= b.ordinal() ? a : b;
    }
}
