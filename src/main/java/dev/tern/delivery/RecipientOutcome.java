package dev.tern.delivery;

import dev.tern.delivery.dsn.DsnAction;
import dev.tern.store.Rows;
import dev.tern.tracking.Relay;

/**
 * What one delivery attempt did for one recipient: the input of {@link OutcomeRecorder}, which
 * stores it and sends the notifications it calls for.
 *
 * @param recipient  the queue row
 * @param kind       delivered, deferred (try again later) or failed (bounce)
 * @param status     RFC 3463 enhanced status code, e.g. "2.0.0", "4.4.1", "5.1.1"
 * @param diagnostic the remote server's reply ("550 5.1.1 <x@y>: no such user") or a local reason
 *                   a sender can read; never an exception text
 * @param remoteMta  the host name of the server that answered, or null
 * @param remoteDsn  the receiving server took the DSN request on (it announced DSN), so it, not
 *                   Tern, sends any further notification
 * @param relay      for a remote delivery, the server the attempt reached (or {@link Relay#none()}):
 *                   tracking records the attempt; null for a local delivery
 * @param success    for a delivered recipient, the action a success notification reports when it
 *                   is not the default (delivered here, relayed to a remote server): relayed or
 *                   expanded for an address forwarded elsewhere; null otherwise
 */
public record RecipientOutcome(Rows.QueueRecipient recipient, Kind kind, String status, String diagnostic,
                               String remoteMta, boolean remoteDsn, Relay relay, DsnAction success) {

    /** An outcome whose success notification, if any, says delivered or relayed as usual. */
    public RecipientOutcome(Rows.QueueRecipient recipient, Kind kind, String status, String diagnostic,
                            String remoteMta, boolean remoteDsn, Relay relay) {
        this(recipient, kind, status, diagnostic, remoteMta, remoteDsn, relay, null);
    }

    /** A local outcome. */
    public RecipientOutcome(Rows.QueueRecipient recipient, Kind kind, String status, String diagnostic,
                            String remoteMta, boolean remoteDsn) {
        this(recipient, kind, status, diagnostic, remoteMta, remoteDsn, null);
    }

    /** The same outcome of a remote attempt that reached {@code relay}. */
    public RecipientOutcome withRelay(Relay relay) {
        return new RecipientOutcome(recipient, kind, status, diagnostic, remoteMta, remoteDsn, relay, success);
    }

    public enum Kind {
        DELIVERED,
        DEFERRED,
        FAILED
    }

    public static RecipientOutcome deferred(Rows.QueueRecipient r, String status, String diagnostic, String remoteMta) {
        return new RecipientOutcome(r, Kind.DEFERRED, status, diagnostic, remoteMta, false);
    }

    /**
     * A recipient delivered by forwarding (RFC 3461 §6.2.7.4): the copy that leaves asks the next
     * servers for no notification, so a success report says relayed, or expanded when the address
     * led to several destinations.
     */
    public static RecipientOutcome forwarded(Rows.QueueRecipient r, boolean expanded) {
        return new RecipientOutcome(r, Kind.DELIVERED, "2.0.0", "forwarded", null, false, null,
                expanded ? DsnAction.EXPANDED : DsnAction.RELAYED);
    }

    public static RecipientOutcome failed(Rows.QueueRecipient r, String status, String diagnostic, String remoteMta) {
        return new RecipientOutcome(r, Kind.FAILED, status, diagnostic, remoteMta, false);
    }

    /** The detail kept in the queue and logged: the status and the diagnostic. */
    public String detail() {
        return diagnostic == null ? status : diagnostic.startsWith(status) || diagnostic.matches("^\\d{3} .*") ? diagnostic
                : status + " " + diagnostic;
    }
}
