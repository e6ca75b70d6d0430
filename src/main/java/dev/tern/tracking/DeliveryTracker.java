package dev.tern.tracking;

import dev.tern.mail.ClientInfo;
import dev.tern.mail.Envelope;
import dev.tern.mail.Recipient;
import dev.tern.store.Rows;
import dev.tern.store.StoreTx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records delivery events in the caller's transaction: the one that changes the queue, so that
 * the timeline says what the queue did, no more and no less (a rolled-back delivery leaves no
 * event). Listeners hear of the events after the commit.
 *
 * <p>Each method is one call at one point of the message's way: {@code queue} records reception,
 * the delivery agents and the outcome recorder record attempts and recipient states. Nothing here
 * blocks or reads the store; {@link DeliveryEventRecorder}s may write rows of their own in the same
 * transaction (the webhook outbox).
 */
public final class DeliveryTracker {

    private static final Logger log = LoggerFactory.getLogger(DeliveryTracker.class);
    /** Increasing within this process, and roughly by time across processes (the server and the command line). */
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final Clock clock;
    private final List<DeliveryEventListener> listeners = new CopyOnWriteArrayList<>();
    private final List<DeliveryEventRecorder> recorders = new CopyOnWriteArrayList<>();

    public DeliveryTracker(Clock clock) {
        this.clock = clock;
    }

    public void addListener(DeliveryEventListener listener) {
        listeners.add(listener);
    }

    public void removeListener(DeliveryEventListener listener) {
        listeners.remove(listener);
    }

    /** Adds a recorder: it writes in the transaction of each event, before the commit. */
    public void addRecorder(DeliveryEventRecorder recorder) {
        recorders.add(recorder);
    }

    public void removeRecorder(DeliveryEventRecorder recorder) {
        recorders.remove(recorder);
    }

    /**
     * A message was accepted into the queue: its trace record, the received event, and one queued
     * event per recipient.
     */
    public void received(StoreTx tx, Rows.QueuedMessage m, Envelope envelope) {
        List<String> recipients = envelope.recipients().stream().map(r -> r.address().toString()).toList();
        String sender = m.sender() == null ? "" : m.sender();
        tx.tracking().insertMessage(new Rows.TraceMessage(m.id(), m.messageIdHeader(), sender, m.size(), m.listener(),
                m.clientAddress(), m.authUser(), m.receivedAt()), recipients, DeliveryEvent.Type.QUEUED.label());
        ClientInfo c = envelope.client();
        Map<String, String> f = new LinkedHashMap<>();
        put(f, "client_address", c.address());
        put(f, "client_name", c.reverseName());
        put(f, "helo", c.helo());
        put(f, "protocol", c.protocol());
        f.put(DeliveryEvent.TLS, encrypted(c.protocol()) ? "yes" : "no");
        put(f, "auth_user", c.authUser());
        put(f, DeliveryEvent.LISTENER, c.listener());
        f.put("size", Long.toString(m.size()));
        put(f, "message_id", m.messageIdHeader());
        f.put("sender", envelope.reversePath());
        f.put("recipients", String.join(", ", recipients));
        record(tx, m, m.id(), DeliveryEvent.Type.RECEIVED, null, f);
        for (Recipient r : envelope.recipients()) {
            record(tx, m, m.id(), DeliveryEvent.Type.QUEUED, r.address().toString(), Map.of());
        }
    }

    /** A remote delivery attempt ended for a recipient with this reply (or local reason when no server answered). */
    public void attempted(StoreTx tx, Rows.QueuedMessage m, String recipient, Relay relay, String status, String reply) {
        Map<String, String> f = new LinkedHashMap<>();
        relayFields(f, relay);
        put(f, "status", status);
        put(f, "reply", reply);
        record(tx, m, m.id(), DeliveryEvent.Type.ATTEMPT, recipient, f);
    }

    /** The recipient waits for another attempt at {@code next}. @param relay null for a local delivery */
    public void deferred(StoreTx tx, Rows.QueuedMessage m, String recipient, Relay relay, String status,
                         String reason, Instant next) {
        Map<String, String> f = stateFields(m, relay, status);
        put(f, "reason", reason);
        f.put("next_attempt", next.toString());
        state(tx, m, recipient, DeliveryEvent.Type.DEFERRED, f);
    }

    /**
     * The recipient is delivered.
     *
     * @param relay  null for a local delivery
     * @param detail the mailboxes it went to (local), or the remote server's reply
     */
    public void delivered(StoreTx tx, Rows.QueuedMessage m, String recipient, Relay relay, String status,
                          String detail) {
        Map<String, String> f = stateFields(m, relay, status);
        put(f, relay == null ? "mailbox" : "reply", detail);
        state(tx, m, recipient, DeliveryEvent.Type.DELIVERED, f);
    }

    /** The recipient failed for good. @param relay null for a local delivery */
    public void bounced(StoreTx tx, Rows.QueuedMessage m, String recipient, Relay relay, String status,
                        String diagnostic) {
        Map<String, String> f = stateFields(m, relay, status);
        put(f, "diagnostic", diagnostic);
        state(tx, m, recipient, DeliveryEvent.Type.BOUNCED, f);
    }

    /** The recipient was still not delivered when the message's queue lifetime ran out. */
    public void expired(StoreTx tx, Rows.QueuedMessage m, String recipient, Relay relay, String status,
                        String lastError) {
        Map<String, String> f = stateFields(m, relay, status);
        put(f, "diagnostic", lastError);
        state(tx, m, recipient, DeliveryEvent.Type.EXPIRED, f);
    }

    /** An operator removed the message from the queue; {@code waiting} are the recipients not yet done. */
    public void deleted(StoreTx tx, String queueId, List<String> waiting) {
        for (String r : waiting) {
            tx.tracking().setStatus(queueId, r, DeliveryEvent.Type.DELETED.label(), clock.instant());
            record(tx, null, queueId, DeliveryEvent.Type.DELETED, r, Map.of());
        }
    }

    private Map<String, String> stateFields(Rows.QueuedMessage m, Relay relay, String status) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put(DeliveryEvent.DESTINATION, relay == null ? "local" : "remote");
        if (relay != null) {
            relayFields(f, relay);
        }
        put(f, "status", status);
        f.put(DeliveryEvent.DELAY, seconds(Math.max(0, Duration.between(m.receivedAt(), clock.instant()).toMillis())));
        return f;
    }

    /** Milliseconds as seconds with three decimals ("12.345"), without the cost of a Formatter. */
    static String seconds(long millis) {
        long frac = millis % 1000;
        return (millis / 1000) + (frac < 10 ? ".00" : frac < 100 ? ".0" : ".") + frac;
    }

    private static void relayFields(Map<String, String> f, Relay relay) {
        put(f, "remote_host", relay.host());
        put(f, "remote_address", relay.address());
        f.put(DeliveryEvent.TLS, relay.tls() != null ? "yes" : "no");
        put(f, DeliveryEvent.TLS_CIPHER, relay.tls());
    }

    private void state(StoreTx tx, Rows.QueuedMessage m, String recipient, DeliveryEvent.Type type,
                       Map<String, String> fields) {
        tx.tracking().setStatus(m.id(), recipient, type.label(), clock.instant());
        record(tx, m, m.id(), type, recipient, fields);
    }

    /** @param m the queued message, or null when only its id is known */
    private void record(StoreTx tx, Rows.QueuedMessage m, String queueId, DeliveryEvent.Type type, String recipient,
                        Map<String, String> fields) {
        Instant at = clock.instant();
        DeliveryEvent event = new DeliveryEvent(queueId, nextSeq(at), at, type, recipient, fields);
        tx.tracking().insertEvent(new Rows.DeliveryEvent(queueId, event.seq(), at, type.label(), recipient,
                EventFields.toJson(event.fields())));
        for (DeliveryEventRecorder r : recorders) {
            try {
                r.record(tx, event, m);
            } catch (RuntimeException e) {
                // Said once the event is kept: the transaction may yet be rolled back and run again.
                tx.afterCommit(() -> log.warn("a delivery event recorder failed on {} {}: {}", queueId, type.label(),
                        e.toString()));
            }
        }
        if (!listeners.isEmpty()) {
            tx.afterCommit(() -> notifyListeners(event));
        }
    }

    private void notifyListeners(DeliveryEvent event) {
        for (DeliveryEventListener l : listeners) {
            try {
                l.onEvent(event);
            } catch (RuntimeException e) {
                log.warn("a delivery event listener failed on {} {}: {}", event.queueId(), event.type().label(),
                        e.toString());
            }
        }
    }

    /** Microseconds-ish since the epoch, strictly increasing in this process. */
    private static long nextSeq(Instant at) {
        long floor = at.toEpochMilli() * 1000;
        return SEQUENCE.updateAndGet(last -> Math.max(last + 1, floor));
    }

    /** RFC 3848: ESMTPS, ESMTPSA, UTF8SMTPS and UTF8SMTPSA say the client used TLS. */
    static boolean encrypted(String protocol) {
        return protocol != null && (protocol.endsWith("SMTPS") || protocol.endsWith("SMTPSA"));
    }

    private static void put(Map<String, String> f, String key, String value) {
        if (value != null) {
            f.put(key, value);
        }
    }
}
