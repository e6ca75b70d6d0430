package dev.tern.delivery.remote;

import dev.tern.smtp.client.SmtpConnection;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Idle SMTP sessions kept open after a delivery, so the next message for the same host skips the
 * connection, greeting, EHLO and TLS handshake (Postfix's connection cache). A session is reused
 * only by deliveries that would have opened an identical one (same address, TLS level and
 * credentials: the key), at most {@link #MAX_USES} times and only while idle for less than the
 * configured time; closed sessions are dropped when taken.
 */
final class ConnectionCache implements AutoCloseable {

    /** Messages one session carries before it is closed, to spread load and bound a session's life. */
    static final int MAX_USES = 100;

    private record Idle(SmtpConnection connection, int uses, long since) {
    }

    /** A session taken from the cache, with the number of messages it has carried. */
    record Cached(SmtpConnection connection, int uses) {
    }

    private final long maxIdleNanos;
    private final Map<String, ArrayDeque<Idle>> idle = new HashMap<>();
    private boolean closed;

    ConnectionCache(Duration maxIdle) {
        this.maxIdleNanos = maxIdle.toNanos();
    }

    /** An open idle session for {@code key}, or null. */
    Cached take(String key) {
        List<SmtpConnection> stale = new ArrayList<>();
        Cached found = null;
        synchronized (this) {
            ArrayDeque<Idle> q = idle.get(key);
            while (q != null && !q.isEmpty()) {
                Idle i = q.pollLast();   // the most recently used: the least likely to have timed out
                if (i.connection().isOpen() && System.nanoTime() - i.since() < maxIdleNanos) {
                    found = new Cached(i.connection(), i.uses());
                    break;
                }
                stale.add(i.connection());
            }
            if (q != null && q.isEmpty()) {
                idle.remove(key);
            }
        }
        stale.forEach(SmtpConnection::close);
        return found;
    }

    /** Keeps a session that finished a transaction cleanly, or closes it when it has done enough. */
    void offer(String key, SmtpConnection connection, int uses) {
        boolean keep;
        synchronized (this) {
            keep = !closed && uses < MAX_USES && connection.isOpen() && maxIdleNanos > 0;
            if (keep) {
                idle.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(new Idle(connection, uses, System.nanoTime()));
            }
        }
        if (!keep) {
            quit(connection);
        }
    }

    /** Closes sessions idle for too long; called periodically. */
    void expire() {
        List<SmtpConnection> old = new ArrayList<>();
        long now = System.nanoTime();
        synchronized (this) {
            for (Iterator<ArrayDeque<Idle>> it = idle.values().iterator(); it.hasNext(); ) {
                ArrayDeque<Idle> q = it.next();
                q.removeIf(i -> {
                    boolean expired = now - i.since() >= maxIdleNanos || !i.connection().isOpen();
                    if (expired) {
                        old.add(i.connection());
                    }
                    return expired;
                });
                if (q.isEmpty()) {
                    it.remove();
                }
            }
        }
        old.forEach(ConnectionCache::quit);
    }

    synchronized int size() {
        return idle.values().stream().mapToInt(ArrayDeque::size).sum();
    }

    @Override
    public void close() {
        List<SmtpConnection> all = new ArrayList<>();
        synchronized (this) {
            closed = true;
            idle.values().forEach(q -> q.forEach(i -> all.add(i.connection())));
            idle.clear();
        }
        all.forEach(ConnectionCache::quit);
    }

    private static void quit(SmtpConnection c) {
        if (c.isOpen()) {
            c.quit().exceptionally(e -> null);
        } else {
            c.close();
        }
    }
}
