package dev.tern.store.sql;

import dev.tern.store.Rows;
import dev.tern.store.WebhookDao;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

final class SqlWebhookDao implements WebhookDao {

    private static final String WEBHOOK_COLUMNS = "id, url, secret, events, domains, enabled, created_at";
    private static final String DELIVERY_COLUMNS = "d.id, d.webhook_id, d.event_type, d.payload, d.state, d.attempts, "
            + "d.next_attempt_at, d.last_status, d.last_error, d.created_at, d.updated_at, d.delivered_at";
    /** Pending deliveries of enabled webhooks. */
    private static final String SENDABLE = "d.state = 'pending' AND EXISTS "
            + "(SELECT 1 FROM webhooks w WHERE w.id = d.webhook_id AND w.enabled = 1)";

    private final Jdbc db;
    /** Shared by the transactions of one writer; null where none is kept (readers, PostgreSQL). */
    private final EnabledWebhooksCache cache;
    /** Where {@link #cache} is kept: says whether another connection committed since it was filled. */
    private final LongSupplier stamp;
    private final Consumer<Runnable> afterCommit;
    /** Without a shared cache: the list read once for this transaction. */
    private List<Rows.Webhook> enabled;
    /** This transaction changed webhooks: it reads them from the table until it ends. */
    private boolean changed;

    SqlWebhookDao(Jdbc db, EnabledWebhooksCache cache, LongSupplier stamp, Consumer<Runnable> afterCommit) {
        this.db = db;
        this.cache = stamp == null ? null : cache;
        this.stamp = stamp;
        this.afterCommit = afterCommit;
    }

    /** Forgets what was read of the enabled webhooks, here and (after the commit too) in the shared cache. */
    private void changed() {
        enabled = null;
        if (cache != null) {
            if (!changed) {
                afterCommit.accept(cache::invalidate);
            }
            cache.invalidate();
        }
        changed = true;
    }

    @Override
    public void insertWebhook(Rows.Webhook w) {
        changed();
        db.update("INSERT INTO webhooks (" + WEBHOOK_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)", w.id(), w.url(),
                w.secret(), String.join(" ", w.events()), domains(w.domains()), w.enabled(), w.createdAt());
    }

    @Override
    public Optional<Rows.Webhook> webhook(String id) {
        return db.one("SELECT " + WEBHOOK_COLUMNS + " FROM webhooks WHERE id = ?", SqlWebhookDao::webhookRow, id);
    }

    @Override
    public List<Rows.Webhook> webhooks() {
        return db.query("SELECT " + WEBHOOK_COLUMNS + " FROM webhooks ORDER BY created_at, id",
                SqlWebhookDao::webhookRow);
    }

    @Override
    public List<Rows.Webhook> enabledWebhooks() {
        if (cache != null && !changed) {
            return cache.get(stamp.getAsLong(), this::readEnabled);
        }
        if (enabled == null || changed) {
            enabled = readEnabled();
        }
        return enabled;
    }

    private List<Rows.Webhook> readEnabled() {
        return db.query("SELECT " + WEBHOOK_COLUMNS + " FROM webhooks WHERE enabled = 1 ORDER BY created_at, id",
                SqlWebhookDao::webhookRow);
    }

    @Override
    public boolean updateWebhook(Rows.Webhook w) {
        changed();
        return db.update("UPDATE webhooks SET url = ?, events = ?, domains = ?, enabled = ? WHERE id = ?", w.url(),
                String.join(" ", w.events()), domains(w.domains()), w.enabled(), w.id()) > 0;
    }

    @Override
    public boolean deleteWebhook(String id) {
        changed();
        db.update("DELETE FROM webhook_deliveries WHERE webhook_id = ?", id);
        return db.update("DELETE FROM webhooks WHERE id = ?", id) > 0;
    }

    @Override
    public void insertDelivery(Rows.WebhookDelivery d) {
        db.update("INSERT INTO webhook_deliveries (id, webhook_id, event_type, payload, state, attempts, "
                        + "next_attempt_at, last_status, last_error, created_at, updated_at, delivered_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                d.id(), d.webhookId(), d.eventType(), d.payload(), d.state(), d.attempts(), d.nextAttemptAt(),
                d.lastStatus(), d.lastError(), d.createdAt(), d.updatedAt(), d.deliveredAt());
    }

    @Override
    public Optional<Rows.WebhookDelivery> delivery(String id) {
        return db.one("SELECT " + DELIVERY_COLUMNS + " FROM webhook_deliveries d WHERE d.id = ?",
                SqlWebhookDao::deliveryRow, id);
    }

    @Override
    public List<Rows.WebhookDelivery> deliveries(String webhookId, int limit) {
        return db.query("SELECT " + DELIVERY_COLUMNS + " FROM webhook_deliveries d WHERE d.webhook_id = ? "
                + "ORDER BY d.created_at DESC, d.id DESC LIMIT ?", SqlWebhookDao::deliveryRow, webhookId, limit);
    }

    @Override
    public Optional<Instant> nextDue() {
        return db.one("SELECT MIN(d.next_attempt_at) FROM webhook_deliveries d WHERE " + SENDABLE,
                rs -> {
                    long t = rs.getLong(1);
                    return rs.wasNull() ? null : Instant.ofEpochMilli(t);
                });
    }

    /**
     * Claims the due deliveries the subquery picks. The outer conditions are checked again on each
     * row as it is updated: under PostgreSQL's READ COMMITTED, a row another sender claimed
     * meanwhile no longer matches and is skipped. They are written so that no index can serve them
     * ({@code state || ''}, {@code next_attempt_at + 0}): SQLite otherwise walked the due index
     * over every pending delivery, testing each against the subquery's few, on the store's writer
     * (60 ms for a backlog of 200,000 while a receiver is down); now it reads the picked rows by key.
     */
    static final String CLAIM = "UPDATE webhook_deliveries SET claim = ?, next_attempt_at = ? "
            + "WHERE state || '' = 'pending' AND next_attempt_at + 0 <= ? AND id IN (SELECT d.id FROM "
            + "webhook_deliveries d WHERE " + SENDABLE + " AND d.next_attempt_at <= ? "
            + "ORDER BY d.next_attempt_at, d.id LIMIT ?)";

    @Override
    public List<Rows.ClaimedDelivery> claim(String claim, Instant now, Instant leaseUntil, int limit) {
        db.update(CLAIM, claim, leaseUntil, now, now, limit);
        return db.query("SELECT " + DELIVERY_COLUMNS + ", w.url, w.secret FROM webhook_deliveries d "
                        + "JOIN webhooks w ON w.id = d.webhook_id WHERE d.claim = ? AND d.state = 'pending' "
                        + "ORDER BY d.created_at, d.id",
                rs -> new Rows.ClaimedDelivery(deliveryRow(rs), rs.getString("url"), rs.getString("secret")), claim);
    }

    @Override
    public boolean recordAttempt(String deliveryId, String claim, String state, Integer status, String error,
                                 Instant nextAttemptAt, Instant now) {
        return db.update("UPDATE webhook_deliveries SET state = ?, attempts = attempts + 1, last_status = ?, "
                        + "last_error = ?, next_attempt_at = ?, claim = NULL, updated_at = ?, delivered_at = ? "
                        + "WHERE id = ? AND claim = ? AND state = 'pending'",
                state, status, error, nextAttemptAt, now, state.equals("delivered") ? now : null, deliveryId,
                claim) > 0;
    }

    @Override
    public int purgeDeliveries(Instant before, int limit) {
        return db.update("DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries "
                + "WHERE state IN ('delivered', 'failed') AND updated_at < ? LIMIT ?)", before, limit);
    }

    private static String domains(List<String> domains) {
        return domains.isEmpty() ? null : String.join(" ", domains);
    }

    private static List<String> words(String text) {
        return text == null || text.isBlank() ? List.of() : Arrays.asList(text.trim().split(" +"));
    }

    private static Rows.Webhook webhookRow(ResultSet rs) throws SQLException {
        return new Rows.Webhook(rs.getString("id"), rs.getString("url"), rs.getString("secret"),
                words(rs.getString("events")), words(rs.getString("domains")), rs.getInt("enabled") != 0,
                Jdbc.instant(rs, "created_at"));
    }

    private static Rows.WebhookDelivery deliveryRow(ResultSet rs) throws SQLException {
        int status = rs.getInt("last_status");
        Integer lastStatus = rs.wasNull() ? null : status;
        long delivered = rs.getLong("delivered_at");
        Instant deliveredAt = rs.wasNull() ? null : Instant.ofEpochMilli(delivered);
        return new Rows.WebhookDelivery(rs.getString("id"), rs.getString("webhook_id"), rs.getString("event_type"),
                rs.getString("payload"), rs.getString("state"), rs.getInt("attempts"),
                Jdbc.instant(rs, "next_attempt_at"), lastStatus, rs.getString("last_error"),
                Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "updated_at"), deliveredAt);
    }
}
