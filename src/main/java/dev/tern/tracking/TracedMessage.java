package dev.tern.tracking;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A message's record: what it was, where each recipient stands, and its timeline.
 *
 * @param messageId the Message-ID header without angle brackets, or null
 * @param sender    the envelope sender; empty for the null reverse path
 * @param events    oldest first
 */
public record TracedMessage(String queueId, String messageId, String sender, long size, String listener,
                            String clientAddress, String authUser, Instant receivedAt,
                            List<Recipient> recipients, List<DeliveryEvent> events) {

    public TracedMessage {
        recipients = List.copyOf(recipients);
        events = List.copyOf(events);
    }

    /** A recipient and its latest state (queued, deferred, delivered, bounced, expired, deleted). */
    public record Recipient(String address, String status, Instant updatedAt) {
    }

    /** The distinct states of the recipients, in recipient order. */
    public Set<String> statuses() {
        Set<String> out = new LinkedHashSet<>();
        recipients.forEach(r -> out.add(r.status()));
        return out;
    }

    /** The events about one recipient, and those about the whole message. */
    public List<DeliveryEvent> timeline(String recipient) {
        return events.stream().filter(e -> e.recipient() == null || e.recipient().equals(recipient)).toList();
    }
}
