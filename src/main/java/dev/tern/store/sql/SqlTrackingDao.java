package dev.tern.store.sql;

import dev.tern.store.Rows;
import dev.tern.store.TrackingDao;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

final class SqlTrackingDao implements TrackingDao {

    private static final String MESSAGE_COLUMNS = "queue_id, message_id, sender, size, listener, client_address, "
            + "auth_user, received_at";

    /** Events are counted per hour: {@code at / HOUR_MILLIS} is the same integer division in SQLite and PostgreSQL. */
    private static final long HOUR_MILLIS = 3_600_000L;

    private final Jdbc db;
    /** What this transaction recorded: written when it ends, or before it reads tracking rows. */
    private final TrackingRows unwritten = new TrackingRows();

    SqlTrackingDao(Jdbc db) {
        this.db = db;
    }

    /** Writes the rows recorded in this transaction; the backend calls it before the commit. */
    void flush() {
        unwritten.write(db);
    }

    @Override
    public void insertMessage(Rows.TraceMessage m, List<String> recipients, String status) {
        unwritten.message(m);
        int position = 0;
        for (String r : new LinkedHashSet<>(recipients)) {
            unwritten.recipient(m.queueId(), position++, r, status, m.receivedAt());
        }
    }

    @Override
    public void insertEvent(Rows.DeliveryEvent e) {
        unwritten.event(e);
    }

    @Override
    public boolean setStatus(String queueId, String recipient, String status, Instant at) {
        if (unwritten.setStatus(queueId, recipient, status, at)) {
            return true;
        }
        return db.update("UPDATE trace_recipients SET status = ?, updated_at = ? WHERE queue_id = ? AND address = ?",
                status, at, queueId, recipient) > 0;
    }

    @Override
    public List<Rows.TraceMessage> search(Rows.TraceFilter f, int limit) {
        flush();
        StringBuilder sql = new StringBuilder("SELECT " + MESSAGE_COLUMNS + " FROM trace_messages m WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (f.queueId() != null) {
            sql.append(" AND queue_id = ?");
            args.add(f.queueId());
        }
        if (f.messageId() != null) {
            sql.append(" AND message_id = ?");
            args.add(f.messageId());
        }
        if (f.senderKey() != null) {
            addressCondition(sql, args, "sender_key", f.senderKey());
        }
        if (f.since() != null) {
            sql.append(" AND received_at >= ?");
            args.add(f.since());
        }
        if (f.until() != null) {
            sql.append(" AND received_at < ?");
            args.add(f.until());
        }
        if (f.recipientKey() != null && !f.recipientKey().startsWith("@")) {
            // One address: the messages sent to it, found once through the recipients' address
            // index, rather than a check of every message of the retention period in turn.
            sql.append(" AND m.queue_id IN (SELECT r.queue_id FROM trace_recipients r WHERE r.address_key = ?");
            args.add(f.recipientKey());
            if (f.status() != null) {
                sql.append(" AND r.status = ?");
                args.add(f.status());
            }
            sql.append(")");
        } else if (f.recipientKey() != null || f.status() != null) {
            sql.append(" AND EXISTS (SELECT 1 FROM trace_recipients r WHERE r.queue_id = m.queue_id");
            if (f.recipientKey() != null) {
                addressCondition(sql, args, "r.address_key", f.recipientKey());
            }
            if (f.status() != null) {
                sql.append(" AND r.status = ?");
                args.add(f.status());
            }
            sql.append(")");
        }
        if (!f.domains().isEmpty()) {
            sql.append(" AND (");
            DomainMatch.append(sql, args, "m.sender_key", f.domains());
            sql.append(" OR EXISTS (SELECT 1 FROM trace_recipients d WHERE d.queue_id = m.queue_id AND ");
            DomainMatch.append(sql, args, "d.address_key", f.domains());
            sql.append("))");
        }
        if (f.before() != null) {
            sql.append(" AND (received_at < ? OR (received_at = ? AND queue_id < ?))");
            args.add(f.before().receivedAt());
            args.add(f.before().receivedAt());
            args.add(f.before().queueId());
        }
        sql.append(" ORDER BY received_at DESC, queue_id DESC LIMIT ?");
        args.add(limit);
        return db.query(sql.toString(), SqlTrackingDao::messageRow, args.toArray());
    }

    /** An exact address, or with {@code @domain} every address of that domain. */
    private static void addressCondition(StringBuilder sql, List<Object> args, String column, String key) {
        if (key.startsWith("@")) {
            sql.append(" AND ").append(column).append(" LIKE ? ESCAPE '\\'");
            args.add("%" + key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_"));
        } else {
            sql.append(" AND ").append(column).append(" = ?");
            args.add(key);
        }
    }

    @Override
    public Optional<Rows.TraceMessage> message(String queueId) {
        flush();
        return db.one("SELECT " + MESSAGE_COLUMNS + " FROM trace_messages WHERE queue_id = ?",
                SqlTrackingDao::messageRow, queueId);
    }

    @Override
    public List<Rows.TraceRecipient> recipients(String queueId) {
        flush();
        return db.query("SELECT queue_id, address, status, updated_at FROM trace_recipients WHERE queue_id = ? "
                        + "ORDER BY position",
                rs -> new Rows.TraceRecipient(rs.getString("queue_id"), rs.getString("address"),
                        rs.getString("status"), Jdbc.instant(rs, "updated_at")), queueId);
    }

    @Override
    public List<Rows.DeliveryEvent> events(String queueId) {
        flush();
        return db.query("SELECT queue_id, seq, at, type, recipient, data FROM delivery_events WHERE queue_id = ? "
                        + "ORDER BY seq",
                rs -> new Rows.DeliveryEvent(rs.getString("queue_id"), rs.getLong("seq"), Jdbc.instant(rs, "at"),
                        rs.getString("type"), rs.getString("recipient"), rs.getString("data")), queueId);
    }

    @Override
    public List<Rows.EventCount> countEvents(Instant since, Instant until, Set<String> domains) {
        flush();
        StringBuilder sql = new StringBuilder("SELECT e.type, e.at / " + HOUR_MILLIS + " AS bucket, COUNT(*) AS n "
                + "FROM delivery_events e WHERE e.at >= ? AND e.at < ?");
        List<Object> args = new ArrayList<>(List.of(since, until));
        if (!domains.isEmpty()) {
            sql.append(" AND ((e.recipient IS NOT NULL AND ");
            DomainMatch.append(sql, args, "LOWER(e.recipient)", domains);
            sql.append(") OR EXISTS (SELECT 1 FROM trace_messages m WHERE m.queue_id = e.queue_id AND ");
            DomainMatch.append(sql, args, "m.sender_key", domains);
            sql.append(") OR (e.recipient IS NULL AND EXISTS (SELECT 1 FROM trace_recipients r "
                    + "WHERE r.queue_id = e.queue_id AND ");
            DomainMatch.append(sql, args, "r.address_key", domains);
            sql.append(")))");
        }
        sql.append(" GROUP BY e.type, e.at / " + HOUR_MILLIS + " ORDER BY bucket, e.type");
        return db.query(sql.toString(), rs -> new Rows.EventCount(rs.getString("type"),
                Instant.ofEpochMilli(rs.getLong("bucket") * HOUR_MILLIS), rs.getLong("n")), args.toArray());
    }

    @Override
    public int purge(Instant before, int limit) {
        flush();
        List<String> old = db.query("SELECT queue_id FROM trace_messages m WHERE received_at < ? "
                        + "AND NOT EXISTS (SELECT 1 FROM queue_messages q WHERE q.id = m.queue_id) "
                        + "ORDER BY received_at LIMIT ?", rs -> rs.getString(1), before, limit);
        for (String id : old) {
            db.update("DELETE FROM delivery_events WHERE queue_id = ?", id);
            db.update("DELETE FROM trace_recipients WHERE queue_id = ?", id);
            db.update("DELETE FROM trace_messages WHERE queue_id = ?", id);
        }
        if (old.size() < limit) {
            // Events of messages never traced (queued before tracking began) go by their own age.
            db.update("DELETE FROM delivery_events WHERE at < ? AND NOT EXISTS "
                    + "(SELECT 1 FROM trace_messages m WHERE m.queue_id = delivery_events.queue_id)", before);
        }
        return old.size();
    }

    private static Rows.TraceMessage messageRow(ResultSet rs) throws SQLException {
        return new Rows.TraceMessage(rs.getString("queue_id"), rs.getString("message_id"), rs.getString("sender"),
                rs.getLong("size"), rs.getString("listener"), rs.getString("client_address"),
                rs.getString("auth_user"), Jdbc.instant(rs, "received_at"));
    }

    @Override
    public void insertQueueSample(Rows.QueueSample sample) {
        db.update("INSERT INTO queue_samples (sampled_at, messages, recipients) VALUES (?, ?, ?) "
                + "ON CONFLICT (sampled_at) DO NOTHING", sample.at(), sample.messages(), sample.recipients());
    }

    @Override
    public List<Rows.QueueSample> queueSamples(Instant since) {
        return db.query("SELECT sampled_at, messages, recipients FROM queue_samples WHERE sampled_at >= ? "
                        + "ORDER BY sampled_at",
                rs -> new Rows.QueueSample(Jdbc.instant(rs, "sampled_at"), rs.getLong("messages"),
                        rs.getLong("recipients")), since);
    }

    @Override
    public int purgeQueueSamples(Instant before) {
        return db.update("DELETE FROM queue_samples WHERE sampled_at < ?", before);
    }
}
