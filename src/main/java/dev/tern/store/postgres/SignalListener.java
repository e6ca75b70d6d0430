package dev.tern.store.postgres;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Receives the signals of the other nodes: one connection of its own (outside the pool, since it
 * stays in LISTEN for the life of the store), on which one daemon thread waits for notifications
 * and hands them to the listeners of their channel. Only that thread touches the connection:
 * subscribing queues the LISTEN for it and waits until it is done, so that a signal committed
 * after {@link #subscribe} returns is heard. When the connection breaks, the thread opens another
 * and listens on every channel again; signals sent meanwhile are lost, so listeners treat them as
 * hints and read the store for the truth.
 */
final class SignalListener implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SignalListener.class);
    private static final int POLL_MILLIS = 200;
    /** How often an idle connection is checked, so that a silently dead one is noticed. */
    private static final long CHECK_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long MAX_BACKOFF_MILLIS = 10_000;
    private static final long SUBSCRIBE_WAIT_SECONDS = 10;

    private final String url;
    private final Properties properties;
    private final String nodeId;
    private final Map<String, List<Consumer<String>>> listeners = new ConcurrentHashMap<>();
    /** Channels to LISTEN (true) or UNLISTEN (false) on, with who waits for it. */
    private final Map<String, Change> changes = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean closed;
    private volatile Connection connection;

    private record Change(boolean listen, CompletableFuture<Void> done) {
    }

    SignalListener(String url, Properties properties, String nodeId) {
        this.url = url;
        this.properties = properties;
        this.nodeId = nodeId;
        this.thread = new Thread(this::run, "tern-pg-signals");
        thread.setDaemon(true);
        thread.start();
    }

    AutoCloseable subscribe(String channel, Consumer<String> listener) {
        NotifySignals.checkChannel(channel);
        CompletableFuture<Void> listening = null;
        synchronized (listeners) {
            List<Consumer<String>> list = listeners.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>());
            if (list.isEmpty()) {
                listening = change(channel, true);
            }
            list.add(listener);
        }
        if (listening != null) {
            await(listening, channel);
        }
        return () -> unsubscribe(channel, listener);
    }

    private void unsubscribe(String channel, Consumer<String> listener) {
        synchronized (listeners) {
            List<Consumer<String>> list = listeners.get(channel);
            if (list != null && list.remove(listener) && list.isEmpty()) {
                listeners.remove(channel);
                change(channel, false);
            }
        }
    }

    private CompletableFuture<Void> change(String channel, boolean listen) {
        Change c = new Change(listen, new CompletableFuture<>());
        Change before = changes.put(channel, c);
        if (before != null) {
            before.done().complete(null);   // superseded by the newer change
        }
        if (closed) {
            c.done().complete(null);
        }
        return c.done();
    }

    /**
     * Waits for the LISTEN. Should the database be unreachable, the subscription stays and takes
     * effect once the connection is back: the caller is not held longer than this.
     */
    private static void await(CompletableFuture<Void> done, String channel) {
        try {
            done.get(SUBSCRIBE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            log.warn("not yet listening on {}: the database is not reachable; signals will be heard once it is", channel);
        } catch (ExecutionException e) {
            log.warn("listening on {} failed: {}", channel, e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        long backoff = 500;
        while (!closed) {
            try (Connection c = DriverManager.getConnection(url, properties)) {
                connection = c;
                c.setAutoCommit(true);
                PGConnection pg = c.unwrap(PGConnection.class);
                relisten(c);
                backoff = 500;
                long lastCheck = System.nanoTime();
                while (!closed) {
                    applyChanges(c);
                    PGNotification[] received = pg.getNotifications(POLL_MILLIS);
                    if (received != null && received.length > 0) {
                        dispatch(received);
                        lastCheck = System.nanoTime();
                    } else if (System.nanoTime() - lastCheck > CHECK_NANOS) {
                        try (Statement s = c.createStatement()) {
                            s.execute("SELECT 1");
                        }
                        lastCheck = System.nanoTime();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    break;
                }
                log.warn("signal connection to the database lost ({}); reconnecting in {} ms", e.getMessage(), backoff);
                sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            } finally {
                connection = null;
            }
        }
        changes.values().forEach(ch -> ch.done().complete(null));
    }

    /** After (re)connecting: LISTEN on every channel that has listeners. */
    private void relisten(Connection c) throws SQLException {
        Set<String> channels;
        synchronized (listeners) {
            channels = Set.copyOf(listeners.keySet());
        }
        for (String channel : channels) {
            execute(c, "LISTEN " + NotifySignals.checkChannel(channel));
        }
    }

    private void applyChanges(Connection c) throws SQLException {
        for (String channel : List.copyOf(changes.keySet())) {
            Change ch = changes.get(channel);
            if (ch == null) {
                continue;
            }
            execute(c, (ch.listen() ? "LISTEN " : "UNLISTEN ") + NotifySignals.checkChannel(channel));
            changes.remove(channel, ch);
            ch.done().complete(null);
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private void dispatch(PGNotification[] received) {
        for (PGNotification n : received) {
            String payload = NotifySignals.fromOthers(nodeId, n.getParameter());
            if (payload == null) {
                continue;   // this node's own
            }
            List<Consumer<String>> list = listeners.getOrDefault(n.getName(), List.of());
            for (Consumer<String> l : new ArrayList<>(list)) {
                try {
                    l.accept(payload);
                } catch (RuntimeException e) {
                    log.warn("a listener of signal channel {} failed: {}", n.getName(), e.toString());
                }
            }
        }
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                log.debug("closing the signal connection: {}", e.getMessage());
            }
        }
    }
}
