package dev.tern.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tern.store.Rows;
import dev.tern.tracking.DeliveryEvent;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON bodies of webhook POSTs:
 * {@code {"id", "type", "created_at", "webhook_id", "data": {...}}}. {@code data} has the queue id,
 * the Message-ID, the envelope sender (empty for {@code <>}) and, for recipient events, the
 * recipient, followed by the event's own fields (docs/tracking.md) as strings.
 */
final class Payloads {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Fields of the received event that {@code data} carries in their own form. */
    private static final Set<String> REPLACED = Set.of("sender", "message_id", "recipients");

    private Payloads() {
    }

    /**
     * @param recipients for a received event: the message's recipients; else ignored
     */
    static String event(String deliveryId, String webhookId, DeliveryEvent event, Rows.QueuedMessage message,
                        List<String> recipients) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("queue_id", event.queueId());
        if (message.messageIdHeader() != null) {
            data.put("message_id", message.messageIdHeader());
        }
        data.put("sender", message.sender() == null ? "" : message.sender());
        if (event.recipient() != null) {
            data.put("recipient", event.recipient());
        }
        if (event.type() == DeliveryEvent.Type.RECEIVED) {
            data.put("recipients", recipients);
        }
        for (Map.Entry<String, String> f : event.fields().entrySet()) {
            if (!REPLACED.contains(f.getKey())) {
                data.putIfAbsent(f.getKey(), f.getValue());
            }
        }
        return body(deliveryId, event.type().label(), event.at(), webhookId, data);
    }

    /** The body of a test POST. */
    static String ping(String deliveryId, String webhookId, Instant at) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("message", "a test of this webhook, sent on request");
        return body(deliveryId, Webhooks.PING, at, webhookId, data);
    }

    private static String body(String id, String type, Instant at, String webhookId, Map<String, Object> data) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("type", type);
        body.put("created_at", at.toString());
        body.put("webhook_id", webhookId);
        body.put("data", data);
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a webhook body", e);
        }
    }
}
