package dev.tern.webhooks;

import dev.tern.directory.Directory;
import dev.tern.directory.DirectoryException;
import dev.tern.mail.MailAddress;
import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import dev.tern.store.StoreTx;
import dev.tern.tracking.DeliveryEvent;
import dev.tern.tracking.DeliveryEventRecorder;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Webhooks: what the admin API and `tern webhook` make, list, change and delete, and the outbox
 * they fill. As a {@link DeliveryEventRecorder} on the delivery tracker, it writes one delivery
 * per matching webhook in the transaction that records the event: an event that commits has its
 * deliveries committed with it, and a restart or crash loses none. The
 * {@link WebhookDispatcher} sends them.
 *
 * <p>A webhook hears of the event types it subscribes to: {@code received} (mail that arrived on
 * the {@code smtp} listener, from other servers), {@code delivered}, {@code deferred},
 * {@code bounced} and {@code expired}. With domains, only of the messages whose sender, or the
 * recipient the event is about (any recipient, for {@code received}), is in one of them.
 */
public final class Webhooks implements DeliveryEventRecorder {

    /** The event types a webhook may subscribe to. */
    public static final List<String> EVENT_TYPES = List.of("received", "delivered", "deferred", "bounced", "expired");
    /** The type of the test POST, which nobody subscribes to. */
    public static final String PING = "ping";
    /** The listener whose mail is sent as {@code received}: mail from other servers. */
    static final String INBOUND_LISTENER = "smtp";
    /** Every secret starts with this, to be recognised by people and secret scanners. */
    public static final String SECRET_PREFIX = "whsec_";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final MetadataStore store;
    private final Clock clock;
    private final boolean allowPrivate;
    private final List<Runnable> enqueuedListeners = new CopyOnWriteArrayList<>();

    /**
     * A webhook just made.
     *
     * @param secret the HMAC key; shown in this answer only
     */
    public record Created(Rows.Webhook webhook, String secret) {
        @Override
        public String toString() {
            return "Created[" + webhook.id() + "]";
        }
    }

    /** A change to a webhook: each null field stays as it is; an empty {@code domains} means every domain. */
    public record Change(String url, Collection<String> events, Collection<String> domains, Boolean enabled) {
    }

    /** @param allowPrivate {@code [webhooks] allow_private}: accept URLs on loopback and private addresses */
    public Webhooks(MetadataStore store, Clock clock, boolean allowPrivate) {
        this.store = store;
        this.clock = clock;
        this.allowPrivate = allowPrivate;
    }

    /** Told after a commit that added deliveries (the dispatcher wakes up). */
    public void onEnqueued(Runnable listener) {
        enqueuedListeners.add(listener);
    }

    public void removeEnqueuedListener(Runnable listener) {
        enqueuedListeners.remove(listener);
    }

    /** True when URLs on private addresses are accepted. */
    public boolean allowPrivate() {
        return allowPrivate;
    }

    /**
     * Makes a webhook, enabled, with a new secret.
     *
     * @param domains A-label or Unicode domain names; empty for every domain
     * @throws WebhookException when the URL, an event type or a domain is not acceptable
     */
    public Created create(String url, Collection<String> events, Collection<String> domains) {
        String checkedUrl = WebhookUrls.check(url, allowPrivate).toString();
        List<String> types = eventTypes(events);
        List<String> keys = domainKeys(domains);
        String secret = SECRET_PREFIX + random(32);
        Rows.Webhook row = new Rows.Webhook(hex(8), checkedUrl, secret, types, keys, true, clock.instant());
        store.writeAndWait(tx -> {
            tx.webhooks().insertWebhook(row);
            return null;
        });
        return new Created(row, secret);
    }

    /** Every webhook, oldest first. */
    public List<Rows.Webhook> list() {
        return store.read(tx -> tx.webhooks().webhooks());
    }

    public Optional<Rows.Webhook> find(String id) {
        return store.read(tx -> tx.webhooks().webhook(id));
    }

    /** Changes a webhook; returns it as it is now. */
    public Rows.Webhook update(String id, Change change) {
        String url = change.url() == null ? null : WebhookUrls.check(change.url(), allowPrivate).toString();
        List<String> types = change.events() == null ? null : eventTypes(change.events());
        List<String> keys = change.domains() == null ? null : domainKeys(change.domains());
        return store.writeAndWait(tx -> {
            Rows.Webhook w = tx.webhooks().webhook(id).orElseThrow(() -> WebhookException.notFound(id));
            Rows.Webhook changed = new Rows.Webhook(w.id(), url != null ? url : w.url(), w.secret(),
                    types != null ? types : w.events(), keys != null ? keys : w.domains(),
                    change.enabled() != null ? change.enabled() : w.enabled(), w.createdAt());
            tx.webhooks().updateWebhook(changed);
            if (changed.enabled() && !w.enabled()) {
                tx.afterCommit(this::enqueued);
            }
            return changed;
        });
    }

    /** Deletes a webhook with its deliveries, sent or not. */
    public void delete(String id) {
        if (!store.writeAndWait(tx -> tx.webhooks().deleteWebhook(id))) {
            throw WebhookException.notFound(id);
        }
    }

    /** A webhook's deliveries, newest first. */
    public List<Rows.WebhookDelivery> deliveries(String id, int limit) {
        return store.read(tx -> {
            if (tx.webhooks().webhook(id).isEmpty()) {
                throw WebhookException.notFound(id);
            }
            return tx.webhooks().deliveries(id, limit);
        });
    }

    /** Queues a {@code ping} to the webhook, due now; returns its delivery. */
    public Rows.WebhookDelivery ping(String id) {
        Instant now = clock.instant();
        Rows.WebhookDelivery d = store.writeAndWait(tx -> {
            Rows.Webhook w = tx.webhooks().webhook(id).orElseThrow(() -> WebhookException.notFound(id));
            if (!w.enabled()) {
                throw new WebhookException(WebhookException.Kind.CONFLICT, "webhook " + id
                        + " is disabled; enable it to send to it");
            }
            String deliveryId = hex(12);
            Rows.WebhookDelivery row = pending(deliveryId, id, PING, Payloads.ping(deliveryId, id, now), now);
            tx.webhooks().insertDelivery(row);
            tx.afterCommit(this::enqueued);
            return row;
        });
        return d;
    }

    /** Writes a delivery for each enabled webhook that wants this event, in the event's transaction. */
    @Override
    public void record(StoreTx tx, DeliveryEvent event, Rows.QueuedMessage message) {
        String type = event.type().label();
        if (message == null || !EVENT_TYPES.contains(type)
                || (event.type() == DeliveryEvent.Type.RECEIVED
                && !INBOUND_LISTENER.equals(event.field(DeliveryEvent.LISTENER)))) {
            return;
        }
        List<Rows.Webhook> hooks = tx.webhooks().enabledWebhooks();
        if (hooks.isEmpty()) {
            return;
        }
        List<String> recipients = null;
        Set<String> domains = null;
        boolean added = false;
        for (Rows.Webhook w : hooks) {
            if (!w.events().contains(type)) {
                continue;
            }
            if (recipients == null) {
                recipients = event.type() == DeliveryEvent.Type.RECEIVED
                        ? tx.tracking().recipients(event.queueId()).stream().map(Rows.TraceRecipient::address).toList()
                        : List.of();
                domains = domainsOf(message.sender(), event.type() == DeliveryEvent.Type.RECEIVED ? recipients
                        : event.recipient() == null ? List.of() : List.of(event.recipient()));
            }
            if (!w.domains().isEmpty() && w.domains().stream().noneMatch(domains::contains)) {
                continue;
            }
            String deliveryId = hex(12);
            tx.webhooks().insertDelivery(pending(deliveryId, w.id(), type,
                    Payloads.event(deliveryId, w.id(), event, message, recipients), event.at()));
            added = true;
        }
        if (added) {
            tx.afterCommit(this::enqueued);
        }
    }

    private void enqueued() {
        for (Runnable r : enqueuedListeners) {
            r.run();
        }
    }

    private static Rows.WebhookDelivery pending(String id, String webhookId, String type, String payload, Instant at) {
        return new Rows.WebhookDelivery(id, webhookId, type, payload, "pending", 0, at, null, null, at, at, null);
    }

    /** The A-label domains of the sender and these recipients. */
    private static Set<String> domainsOf(String sender, List<String> recipients) {
        Set<String> out = new TreeSet<>();
        addDomain(out, sender);
        for (String r : recipients) {
            addDomain(out, r);
        }
        return out;
    }

    private static void addDomain(Set<String> out, String address) {
        if (address == null || address.isEmpty()) {
            return;
        }
        try {
            out.add(MailAddress.parse(address).asciiDomain());
        } catch (IllegalArgumentException e) {
            // not an address: no domain to match
        }
    }

    /** The event types, checked, in the order of {@link #EVENT_TYPES}. */
    static List<String> eventTypes(Collection<String> events) {
        if (events == null || events.isEmpty()) {
            throw WebhookException.invalid("a webhook needs at least one event type: " + String.join(", ", EVENT_TYPES));
        }
        Set<String> wanted = new LinkedHashSet<>();
        for (String e : events) {
            String t = e == null ? "" : e.strip().toLowerCase(Locale.ROOT);
            if (!EVENT_TYPES.contains(t)) {
                throw WebhookException.invalid("unknown event type \"" + e + "\"; the event types are: "
                        + String.join(", ", EVENT_TYPES));
            }
            wanted.add(t);
        }
        return EVENT_TYPES.stream().filter(wanted::contains).toList();
    }

    /** The domains as stored: A-labels, lower case, sorted, each once. */
    static List<String> domainKeys(Collection<String> domains) {
        if (domains == null) {
            return List.of();
        }
        Set<String> keys = new TreeSet<>();
        for (String d : domains) {
            try {
                keys.add(Directory.domainKey(d == null ? "" : d));
            } catch (DirectoryException e) {
                throw WebhookException.invalid(e.getMessage());
            }
        }
        return new ArrayList<>(keys);
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String hex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
