package dev.tern.store.sql;

import dev.tern.store.Rows;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The tracking rows a transaction has recorded and not yet written: they go in at the end of the
 * transaction, one multi-row INSERT per table, instead of one statement per row. A message that
 * is received, queued and delivered in one transaction made a statement of each of its five or
 * more rows (and an UPDATE of its recipient's state), all on the writer thread that every
 * accepted message waits for; now it makes three. A recipient whose state changes before the end
 * is written with its last state.
 *
 * <p>Whoever reads tracking rows in the same transaction must {@link #write} them first.
 */
final class TrackingRows {

    /** Rows per statement: far below the bound variables SQLite and PostgreSQL allow. */
    private static final int ROWS_PER_STATEMENT = 100;
    private static final String MESSAGE_INSERT = "INSERT INTO trace_messages (queue_id, message_id, sender, size, "
            + "listener, client_address, auth_user, received_at, sender_key) VALUES ";
    private static final String RECIPIENT_INSERT = "INSERT INTO trace_recipients (queue_id, position, address, "
            + "address_key, status, updated_at) VALUES ";
    private static final String EVENT_INSERT = "INSERT INTO delivery_events (queue_id, seq, at, type, recipient, data) "
            + "VALUES ";
    /** The statements by row count, made once so that each is the same string every time (statement cache keys). */
    private static final String[] MESSAGE_SQL = new String[ROWS_PER_STATEMENT + 1];
    private static final String[] RECIPIENT_SQL = new String[ROWS_PER_STATEMENT + 1];
    private static final String[] EVENT_SQL = new String[ROWS_PER_STATEMENT + 1];

    private static final class Recipient {
        final String queueId;
        final int position;
        final String address;
        String status;
        Instant updatedAt;

        Recipient(String queueId, int position, String address, String status, Instant updatedAt) {
            this.queueId = queueId;
            this.position = position;
            this.address = address;
            this.status = status;
            this.updatedAt = updatedAt;
        }
    }

    private final List<Rows.TraceMessage> messages = new ArrayList<>(1);
    private final List<Recipient> recipients = new ArrayList<>(2);
    private final List<Rows.DeliveryEvent> events = new ArrayList<>(4);

    void message(Rows.TraceMessage m) {
        messages.add(m);
    }

    void recipient(String queueId, int position, String address, String status, Instant at) {
        recipients.add(new Recipient(queueId, position, address, status, at));
    }

    void event(Rows.DeliveryEvent e) {
        events.add(e);
    }

    /** Sets the state of a recipient recorded here; false when it is not among them. */
    boolean setStatus(String queueId, String address, String status, Instant at) {
        boolean found = false;
        for (Recipient r : recipients) {
            if (r.address.equals(address) && r.queueId.equals(queueId)) {
                r.status = status;
                r.updatedAt = at;
                found = true;
            }
        }
        return found;
    }

    /** Writes and forgets the rows held here. */
    void write(Jdbc db) {
        if (!messages.isEmpty()) {
            insert(db, messages, MESSAGE_SQL, MESSAGE_INSERT, 9, (m, args) -> {
                args.add(m.queueId());
                args.add(m.messageId());
                args.add(m.sender());
                args.add(m.size());
                args.add(m.listener());
                args.add(m.clientAddress());
                args.add(m.authUser());
                args.add(m.receivedAt());
                args.add(m.sender().toLowerCase(Locale.ROOT));
            });
            messages.clear();
        }
        if (!recipients.isEmpty()) {
            insert(db, recipients, RECIPIENT_SQL, RECIPIENT_INSERT, 6, (r, args) -> {
                args.add(r.queueId);
                args.add(r.position);
                args.add(r.address);
                args.add(r.address.toLowerCase(Locale.ROOT));
                args.add(r.status);
                args.add(r.updatedAt);
            });
            recipients.clear();
        }
        if (!events.isEmpty()) {
            insert(db, events, EVENT_SQL, EVENT_INSERT, 6, (e, args) -> {
                args.add(e.queueId());
                args.add(e.seq());
                args.add(e.at());
                args.add(e.type());
                args.add(e.recipient());
                args.add(e.data());
            });
            events.clear();
        }
    }

    private interface Columns<T> {
        void add(T row, List<Object> args);
    }

    private static <T> void insert(Jdbc db, List<T> rows, String[] statements, String insert, int columns,
                                   Columns<T> values) {
        for (int from = 0; from < rows.size(); from += ROWS_PER_STATEMENT) {
            int n = Math.min(ROWS_PER_STATEMENT, rows.size() - from);
            List<Object> args = new ArrayList<>(n * columns);
            for (int i = from; i < from + n; i++) {
                values.add(rows.get(i), args);
            }
            db.update(statement(statements, insert, columns, n), args.toArray());
        }
    }

    private static String statement(String[] statements, String insert, int columns, int rows) {
        String sql = statements[rows];
        if (sql == null) {
            String one = "(?" + ", ?".repeat(columns - 1) + ")";
            sql = insert + String.join(", ", java.util.Collections.nCopies(rows, one));
            statements[rows] = sql;   // a race makes an equal string: harmless
        }
        return sql;
    }
}
