package dev.tern.tracking;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * One step in the life of a message: what happened, when, to which recipient (null for the whole
 * message), and its details as named text fields in the order they were written (see
 * {@code docs/tracking.md} for each type's).
 *
 * @param seq orders the events of one message
 */
public record DeliveryEvent(String queueId, long seq, Instant at, Type type, String recipient,
                            Map<String, String> fields) {

    /** Of received events: the listener the message came in on (smtp, submission, bounce…). */
    public static final String LISTENER = "listener";
    /** Of received events: "yes" when the client's connection was encrypted, else "no". */
    public static final String TLS = "tls";
    /** Of recipient states (deferred, delivered, bounced, expired): "local" or "remote". */
    public static final String DESTINATION = "destination";
    /** Of recipient states: seconds from reception to this event, with a decimal point. */
    public static final String DELAY = "delay";
    /** Of remote attempts and remote recipient states: the TLS protocol and cipher, absent for plaintext. */
    public static final String TLS_CIPHER = "tls_cipher";

    public DeliveryEvent {
        fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
    }

    /** What happened. */
    public enum Type {
        /** The message was accepted and made durable: client, TLS, user, listener, size, Message-ID, envelope. */
        RECEIVED,
        /** A recipient entered the queue. */
        QUEUED,
        /** A delivery attempt to another server ended for a recipient: host, address, TLS, reply. */
        ATTEMPT,
        /** The recipient waits for another attempt: reason, next attempt. */
        DEFERRED,
        /** Delivered: the local mailbox, or the remote server's reply. */
        DELIVERED,
        /** Failed for good: status and diagnostic. */
        BOUNCED,
        /** Still undelivered at the end of the queue lifetime. */
        EXPIRED,
        /** Removed from the queue by an operator before it was delivered. */
        DELETED;

        /** Made once: every event and recipient state of every message stores it. */
        private final String label = name().toLowerCase(Locale.ROOT);

        /** The name stored and shown: lower case. */
        public String label() {
            return label;
        }

        public static Type of(String label) {
            return valueOf(label.toUpperCase(Locale.ROOT));
        }

        /** True for the types that set a recipient's latest state. */
        public boolean isState() {
            return this != RECEIVED && this != ATTEMPT;
        }
    }

    /** A field's value, or null when the event has none of that name. */
    public String field(String name) {
        return fields.get(name);
    }
}
