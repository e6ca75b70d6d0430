package dev.tern.tracking;

import dev.tern.message.MessageIdReader;
import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import dev.tern.store.StoreTx;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Looks up what happened to messages: search by Message-ID, queue id, sender, recipient, time of
 * reception and recipient state, newest first, a page at a time; and forgets messages older than
 * the retention time. Every method reads or writes the store and blocks: call it from the command
 * line, an HTTP worker or a scheduled task, never from an event loop.
 */
public final class MessageTrace {

    /** The most messages one page may hold. */
    public static final int MAX_LIMIT = 1000;
    /** The recipient states a search may ask for. */
    public static final Set<String> STATUSES = Set.of("queued", "deferred", "delivered", "bounced", "expired",
            "deleted");
    /** Messages removed per purge transaction, so that the store's writer is never held for long. */
    static final int PURGE_BATCH = 500;

    private final MetadataStore store;
    private final Clock clock;
    private final SettledHours settledHours = new SettledHours(MAX_HOURS);

    public MessageTrace(MetadataStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * The messages matching the query, newest first.
     *
     * @throws IllegalArgumentException for an unknown status, a limit out of range or a malformed cursor
     */
    public TracePage search(TraceQuery q) {
        if (q.limit() < 1 || q.limit() > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be from 1 to " + MAX_LIMIT + ", got " + q.limit());
        }
        String status = q.status() == null ? null : q.status().trim().toLowerCase(Locale.ROOT);
        if (status != null && !STATUSES.contains(status)) {
            throw new IllegalArgumentException("unknown status \"" + q.status() + "\"; expected one of "
                    + String.join(", ", STATUSES.stream().sorted().toList()));
        }
        Rows.TraceFilter filter = new Rows.TraceFilter(
                q.messageId() == null ? null : MessageIdReader.normalise(q.messageId()),
                queueId(q.queueId()), addressKey(q.sender()), addressKey(q.recipient()), q.since(), q.until(),
                status, parseCursor(q.cursor()), q.domains());
        return store.read(tx -> {
            List<Rows.TraceMessage> rows = tx.tracking().search(filter, q.limit() + 1);
            List<TracedMessage> out = new ArrayList<>();
            for (Rows.TraceMessage m : rows.subList(0, Math.min(rows.size(), q.limit()))) {
                out.add(load(tx, m));
            }
            String next = null;
            if (rows.size() > q.limit()) {
                Rows.TraceMessage last = rows.get(q.limit() - 1);
                next = last.receivedAt().toEpochMilli() + ":" + last.queueId();
            }
            return new TracePage(out, next);
        });
    }

    /** One message's record by queue id. */
    public Optional<TracedMessage> message(String queueId) {
        return store.read(tx -> tx.tracking().message(queueId).map(m -> load(tx, m)));
    }

    /** The most hours {@link #hourly} counts. */
    public static final int MAX_HOURS = 24 * 366;

    /**
     * The events of the last {@code hours} hours counted by type, one entry per hour, oldest first;
     * the last is the hour in progress. With {@code domains} not empty, only the events of mail
     * from or to those domains (A-labels): of an event about one recipient, the recipient's domain
     * or the sender's counts; of the reception of a message, the sender's or any recipient's.
     *
     * @throws IllegalArgumentException when {@code hours} is not from 1 to {@link #MAX_HOURS}
     */
    public List<HourlyCounts> hourly(int hours, Set<String> domains) {
        if (hours < 1 || hours > MAX_HOURS) {
            throw new IllegalArgumentException("hours must be from 1 to " + MAX_HOURS + ", got " + hours);
        }
        // Taken before the read: an hour is kept only when it had settled before the read began.
        Instant now = clock.instant();
        Instant first = now.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(hours - 1L));
        Instant end = first.plus(Duration.ofHours(hours));
        Set<String> keys = new TreeSet<>();
        for (String d : domains) {
            keys.add(d.toLowerCase(Locale.ROOT));
        }
        Map<Instant, Map<DeliveryEvent.Type, Long>> byHour = new TreeMap<>();
        for (int i = 0; i < hours; i++) {
            byHour.put(first.plus(Duration.ofHours(i)), new EnumMap<>(DeliveryEvent.Type.class));
        }
        // Only the hours not kept from an earlier count are read: usually the last one or two.
        Instant from = settledHours.fill(keys, first, end, byHour);
        if (from.isBefore(end)) {
            List<Rows.EventCount> rows = store.read(tx -> tx.tracking().countEvents(from, end, keys));
            for (Rows.EventCount c : rows) {
                Map<DeliveryEvent.Type, Long> hour = byHour.get(c.hour());
                DeliveryEvent.Type type = knownType(c.type());
                if (hour != null && type != null) {
                    hour.merge(type, c.count(), Long::sum);
                }
            }
            byHour.forEach((start, counts) -> {
                if (!start.isBefore(from) && SettledHours.settled(start, now)) {
                    settledHours.keep(keys, start, counts);
                }
            });
        }
        List<HourlyCounts> out = new ArrayList<>(hours);
        byHour.forEach((start, counts) -> out.add(new HourlyCounts(start, counts)));
        return out;
    }

    /** Records the queue's size now, for {@link #queueHistory}. */
    public void sampleQueue(Rows.QueueStats stats) {
        Rows.QueueSample sample = new Rows.QueueSample(clock.instant(), stats.messages(), stats.waitingRecipients());
        store.writeAndWait(tx -> {
            tx.tracking().insertQueueSample(sample);
            return null;
        });
    }

    /** The queue's sizes sampled over the last {@code hours} hours, oldest first. */
    public List<Rows.QueueSample> queueHistory(int hours) {
        if (hours < 1 || hours > MAX_HOURS) {
            throw new IllegalArgumentException("hours must be from 1 to " + MAX_HOURS + ", got " + hours);
        }
        Instant since = clock.instant().minus(Duration.ofHours(hours));
        return store.read(tx -> tx.tracking().queueSamples(since));
    }

    /** The type of a stored event, or null for one this version does not know (written by a later one). */
    private static DeliveryEvent.Type knownType(String label) {
        try {
            return DeliveryEvent.Type.of(label);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Forgets messages received more than {@code retention} ago that have left the queue, with
     * their events, and queue samples as old; returns how many messages. Runs in small transactions.
     */
    public int purge(Duration retention) {
        Instant before = clock.instant().minus(retention);
        store.writeAndWait(tx -> tx.tracking().purgeQueueSamples(before));
        int purged = store.writeInPiecesAndWait(PURGE_BATCH, tx -> tx.tracking().purge(before, PURGE_BATCH));
        if (purged > 0) {
            settledHours.clear();
        }
        return purged;
    }

    private static TracedMessage load(StoreTx tx, Rows.TraceMessage m) {
        List<TracedMessage.Recipient> recipients = tx.tracking().recipients(m.queueId()).stream()
                .map(r -> new TracedMessage.Recipient(r.address(), r.status(), r.updatedAt())).toList();
        List<DeliveryEvent> events = tx.tracking().events(m.queueId()).stream()
                .map(e -> new DeliveryEvent(e.queueId(), e.seq(), e.at(), DeliveryEvent.Type.of(e.type()),
                        e.recipient(), EventFields.fromJson(e.data()))).toList();
        return new TracedMessage(m.queueId(), m.messageId(), m.sender(), m.size(), m.listener(), m.clientAddress(),
                m.authUser(), m.receivedAt(), recipients, events);
    }

    /** Lower case without angle brackets; {@code <>} is the null sender (stored as the empty string). */
    static String addressKey(String address) {
        if (address == null) {
            return null;
        }
        String a = address.trim();
        if (a.equals("<>")) {
            return "";
        }
        if (a.startsWith("<") && a.endsWith(">")) {
            a = a.substring(1, a.length() - 1);
        }
        return a.isEmpty() ? null : a.toLowerCase(Locale.ROOT);
    }

    private static Rows.TraceCursor parseCursor(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        int colon = cursor.indexOf(':');
        try {
            if (colon > 0 && colon < cursor.length() - 1) {
                return new Rows.TraceCursor(Instant.ofEpochMilli(Long.parseLong(cursor.substring(0, colon))),
                        cursor.substring(colon + 1));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("\"" + cursor + "\" is not a cursor of this search");
    }

    /** Queue ids are upper case; one typed in lower case is found too. */
    private static String queueId(String s) {
        return s == null || s.isBlank() ? null : s.trim().toUpperCase(Locale.ROOT);
    }
}
