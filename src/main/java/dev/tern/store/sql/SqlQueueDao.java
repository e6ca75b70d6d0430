package dev.tern.store.sql;

import dev.tern.store.QueueDao;
import dev.tern.store.Rows;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

final class SqlQueueDao implements QueueDao {

    private static final String MESSAGE_COLUMNS = "id, blob_id, sender, size, body_type, smtputf8, dsn_ret, dsn_envid, "
            + "client_address, client_helo, auth_user, listener, received_at, held, trace_fields, quarantined, message_id_header, "
            + "require_tls";
    private static final String RECIPIENT_COLUMNS = "id, message_id, address, dsn_notify, dsn_orcpt, state, attempts, warned, "
            + "next_attempt_at, last_error";
    private static final String WAITING = "state IN ('queued', 'deferred', 'inflight')";
    /** Waiting and not being delivered: a lease is never cut short, or a recipient could go out twice. */
    private static final String NOT_IN_FLIGHT = "state IN ('queued', 'deferred')";

    /** Recipients leased per statement at most (bound parameters stay well under every limit). */
    private static final int LEASE_CHUNK = 200;

    private final Jdbc db;

    SqlQueueDao(Jdbc db) {
        this.db = db;
    }

    @Override
    public List<Rows.QueueRecipient> insert(Rows.QueuedMessage m, List<Rows.NewRecipient> recipients, Instant now) {
        db.update("INSERT INTO queue_messages (" + MESSAGE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                m.id(), m.blobId(), m.sender(), m.size(), m.bodyType(), m.smtpUtf8(), m.dsnRet(), m.dsnEnvId(),
                m.clientAddress(), m.clientHelo(), m.authUser(), m.listener(), m.receivedAt(), m.held(),
                m.traceFields(), m.quarantined(), m.messageIdHeader(), m.requireTls());
        List<Rows.QueueRecipient> rows = new ArrayList<>(recipients.size());
        for (Rows.NewRecipient r : recipients) {
            long id = db.insert("INSERT INTO queue_recipients (message_id, address, dsn_notify, dsn_orcpt, state, "
                            + "attempts, next_attempt_at, updated_at) VALUES (?, ?, ?, ?, 'queued', 0, ?, ?)",
                    m.id(), r.address(), r.dsnNotify(), r.dsnOrcpt(), now, now);
            rows.add(new Rows.QueueRecipient(id, m.id(), r.address(), r.dsnNotify(), r.dsnOrcpt(), "queued", 0, now, null, false));
        }
        return rows;
    }

    @Override
    public Optional<Rows.QueuedMessage> message(String id) {
        return db.one("SELECT " + MESSAGE_COLUMNS + " FROM queue_messages WHERE id = ?", SqlQueueDao::messageRow, id);
    }

    @Override
    public List<Rows.QueueRecipient> recipients(String messageId) {
        return db.query("SELECT " + RECIPIENT_COLUMNS + " FROM queue_recipients WHERE message_id = ? ORDER BY id",
                SqlQueueDao::recipientRow, messageId);
    }

    @Override
    public Optional<Rows.QueueRecipient> recipient(long recipientId) {
        return db.one("SELECT " + RECIPIENT_COLUMNS + " FROM queue_recipients WHERE id = ?",
                SqlQueueDao::recipientRow, recipientId);
    }

    /** The first {@code limit} due recipients of one state, oldest first (a part of {@link #DUE}). */
    private static String dueIn(String state) {
        return "SELECT * FROM (SELECT r.id, r.message_id, r.address, r.dsn_notify, r.dsn_orcpt, r.state, r.attempts, "
                + "r.warned, r.next_attempt_at, r.last_error FROM queue_recipients r "
                + "JOIN queue_messages m ON m.id = r.message_id "
                + "WHERE r.state = '" + state + "' AND r.next_attempt_at <= ? AND m.held = 0 "
                + "ORDER BY r.next_attempt_at, r.id LIMIT ?) due_" + state;
    }

    /**
     * Due recipients of the three waiting states, oldest first. One part per state, each taking
     * its first ones in the order of the (state, next_attempt_at) index: with the states in one
     * IN list, the database read and sorted every due recipient before the limit (175 ms a scan with
     * 100,000 queued and many due; 26 ms this way).
     */
    static final String DUE = "SELECT * FROM (" + dueIn("queued") + " UNION ALL " + dueIn("deferred")
            + " UNION ALL " + dueIn("inflight") + ") due ORDER BY next_attempt_at, id LIMIT ?";

    @Override
    public List<Rows.QueueRecipient> due(Instant now, int limit) {
        return db.query(DUE, SqlQueueDao::recipientRow, now, limit, now, limit, now, limit, limit);
    }

    @Override
    public boolean finish(long recipientId, String state, String detail, Instant now) {
        return db.update("UPDATE queue_recipients SET state = ?, last_error = ?, attempts = attempts + 1, updated_at = ? "
                + "WHERE id = ? AND " + WAITING, state, detail, now, recipientId) > 0;
    }

    @Override
    public boolean defer(long recipientId, Instant nextAttempt, String reason, Instant now) {
        return db.update("UPDATE queue_recipients SET state = 'deferred', next_attempt_at = ?, last_error = ?, "
                + "attempts = attempts + 1, updated_at = ? WHERE id = ? AND " + WAITING,
                nextAttempt, reason, now, recipientId) > 0;
    }

    @Override
    public boolean lease(long recipientId, Instant until, Instant now) {
        return db.update("UPDATE queue_recipients SET state = 'inflight', next_attempt_at = ?, updated_at = ? "
                + "WHERE id = ? AND (" + NOT_IN_FLIGHT + " OR (state = 'inflight' AND next_attempt_at <= ?))",
                until, now, recipientId, now) > 0;
    }

    @Override
    public java.util.Set<Long> leaseAll(java.util.Collection<Long> recipientIds, Instant until, Instant now) {
        java.util.Set<Long> leased = new java.util.LinkedHashSet<>();
        List<Long> ids = List.copyOf(recipientIds);
        for (int from = 0; from < ids.size(); from += LEASE_CHUNK) {
            List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + LEASE_CHUNK));
            String marks = String.join(", ", java.util.Collections.nCopies(chunk.size(), "?"));
            String free = "(" + NOT_IN_FLIGHT + " OR (state = 'inflight' AND next_attempt_at <= ?))";
            Object[] args = new Object[chunk.size() + 4];
            args[0] = until;
            args[1] = now;
            for (int i = 0; i < chunk.size(); i++) {
                args[2 + i] = chunk.get(i);
            }
            args[chunk.size() + 2] = now;
            args[chunk.size() + 3] = now;
            leased.addAll(db.query("UPDATE queue_recipients SET state = 'inflight', next_attempt_at = ?, updated_at = ? "
                    + "WHERE id IN (SELECT id FROM queue_recipients WHERE id IN (" + marks + ") AND " + free
                    + db.forUpdateSkipLocked() + ") AND " + free + " RETURNING id", rs -> rs.getLong(1), args));
        }
        return leased;
    }

    @Override
    public int renewLeases(java.util.Collection<Long> recipientIds, Instant until) {
        int renewed = 0;
        for (long id : recipientIds) {
            renewed += db.update("UPDATE queue_recipients SET next_attempt_at = ? WHERE id = ? AND state = 'inflight'",
                    until, id);
        }
        return renewed;
    }

    @Override
    public boolean unlease(long recipientId, Instant next) {
        return db.update("UPDATE queue_recipients SET state = 'deferred', next_attempt_at = ? "
                + "WHERE id = ? AND state = 'inflight'", next, recipientId) > 0;
    }

    @Override
    public int releaseLeases(Instant now) {
        return db.update("UPDATE queue_recipients SET state = 'deferred', next_attempt_at = ?, updated_at = ? "
                + "WHERE state = 'inflight'", now, now);
    }

    @Override
    public boolean postpone(long recipientId, Instant next) {
        return db.update("UPDATE queue_recipients SET next_attempt_at = ? WHERE id = ? AND " + NOT_IN_FLIGHT,
                next, recipientId) > 0;
    }

    @Override
    public void markWarned(long recipientId) {
        db.update("UPDATE queue_recipients SET warned = 1 WHERE id = ?", recipientId);
    }

    @Override
    public int waiting(String messageId) {
        // Two transactions that record the outcomes of a message's last two recipients at once
        // would each still see the other's recipient waiting, and neither would remove the
        // message: the message row is locked first, so that they count one after the other.
        String lock = db.forUpdate();
        if (!lock.isEmpty()) {
            db.query("SELECT id FROM queue_messages WHERE id = ?" + lock, rs -> null, messageId);
        }
        return (int) db.count("SELECT COUNT(*) FROM queue_recipients WHERE message_id = ? AND " + WAITING, messageId);
    }

    @Override
    public boolean delete(String messageId) {
        db.update("DELETE FROM queue_recipients WHERE message_id = ?", messageId);
        return db.update("DELETE FROM queue_messages WHERE id = ?", messageId) > 0;
    }

    @Override
    public List<Rows.QueueSummary> list(int limit, Set<String> domains) {
        List<Object> args = new ArrayList<>();
        String visible = domains.isEmpty() ? "" : " AND " + visibleTo(domains, args);
        args.add(limit);
        List<Rows.QueuedMessage> messages = db.query("SELECT " + MESSAGE_COLUMNS + " FROM queue_messages m WHERE EXISTS "
                        + "(SELECT 1 FROM queue_recipients r WHERE r.message_id = m.id AND r." + WAITING + ")" + visible
                        + " ORDER BY received_at, id LIMIT ?", SqlQueueDao::messageRow, args.toArray());
        Map<String, Rows.QueueSummary> out = new LinkedHashMap<>();
        for (Rows.QueuedMessage m : messages) {
            List<Rows.QueueRecipient> waiting = recipients(m.id()).stream()
                    .filter(r -> Rows.QueueRecipient.isWaiting(r.state())).toList();
            out.put(m.id(), new Rows.QueueSummary(m, waiting));
        }
        return new ArrayList<>(out.values());
    }

    @Override
    public Rows.QueueStats stats() {
        Rows.QueueStats messages = db.one("SELECT COUNT(*), MIN(received_at) FROM queue_messages", rs -> {
            long count = rs.getLong(1);
            long oldest = rs.getLong(2);
            return new Rows.QueueStats(count, 0, rs.wasNull() ? null : Instant.ofEpochMilli(oldest));
        }).orElseThrow();
        long waiting = db.count("SELECT COUNT(*) FROM queue_recipients WHERE " + WAITING);
        return new Rows.QueueStats(messages.messages(), waiting, messages.oldest());
    }

    @Override
    public Rows.QueueStats stats(Set<String> domains) {
        if (domains.isEmpty()) {
            return stats();
        }
        List<Object> args = new ArrayList<>();
        String visible = visibleTo(domains, args);
        Rows.QueueStats messages = db.one("SELECT COUNT(*), MIN(m.received_at) FROM queue_messages m WHERE " + visible,
                rs -> {
                    long count = rs.getLong(1);
                    long oldest = rs.getLong(2);
                    return new Rows.QueueStats(count, 0, rs.wasNull() ? null : Instant.ofEpochMilli(oldest));
                }, args.toArray()).orElseThrow();
        long waiting = db.count("SELECT COUNT(*) FROM queue_recipients r JOIN queue_messages m ON m.id = r.message_id "
                + "WHERE r." + WAITING + " AND " + visible, args.toArray());
        return new Rows.QueueStats(messages.messages(), waiting, messages.oldest());
    }

    /**
     * The condition on a message {@code m} that its sender or one of its recipients is in one of
     * {@code domains}: a tenant's view of the queue. Its arguments are added to {@code args}.
     */
    private static String visibleTo(Set<String> domains, List<Object> args) {
        StringBuilder visible = new StringBuilder("(");
        DomainMatch.append(visible, args, "LOWER(m.sender)", domains);
        visible.append(" OR EXISTS (SELECT 1 FROM queue_recipients x WHERE x.message_id = m.id AND ");
        DomainMatch.append(visible, args, "LOWER(x.address)", domains);
        visible.append("))");
        return visible.toString();
    }

    @Override
    public boolean setHeld(String messageId, boolean held) {
        return db.update("UPDATE queue_messages SET held = ? WHERE id = ?", held, messageId) > 0;
    }

    @Override
    public int makeDue(String messageId, Instant now) {
        return db.update("UPDATE queue_recipients SET next_attempt_at = ?, updated_at = ? "
                + "WHERE message_id = ? AND " + NOT_IN_FLIGHT + " AND next_attempt_at > ?", now, now, messageId, now);
    }

    @Override
    public int makeAllDue(Instant now) {
        // Filtering on state and next_attempt_at first lets the due index pick the few rows to move.
        return db.update("UPDATE queue_recipients SET next_attempt_at = ?, updated_at = ? "
                + "WHERE " + NOT_IN_FLIGHT + " AND next_attempt_at > ? "
                + "AND message_id IN (SELECT id FROM queue_messages WHERE held = 0)", now, now, now);
    }

    private static Rows.QueuedMessage messageRow(ResultSet rs) throws SQLException {
        return new Rows.QueuedMessage(rs.getString("id"), rs.getString("blob_id"), rs.getString("sender"),
                rs.getLong("size"), rs.getString("body_type"), rs.getInt("smtputf8") != 0, rs.getString("dsn_ret"),
                rs.getString("dsn_envid"), rs.getString("client_address"), rs.getString("client_helo"),
                rs.getString("auth_user"), rs.getString("listener"), Jdbc.instant(rs, "received_at"),
                rs.getInt("held") != 0, rs.getString("trace_fields"), rs.getInt("quarantined") != 0,
                rs.getString("message_id_header"), rs.getInt("require_tls") != 0);
    }

    private static Rows.QueueRecipient recipientRow(ResultSet rs) throws SQLException {
        return new Rows.QueueRecipient(rs.getLong("id"), rs.getString("message_id"), rs.getString("address"),
                rs.getString("dsn_notify"), rs.getString("dsn_orcpt"), rs.getString("state"), rs.getInt("attempts"),
                Jdbc.instant(rs, "next_attempt_at"), rs.getString("last_error"), rs.getInt("warned") != 0);
    }
}
