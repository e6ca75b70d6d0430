package dev.tern.delivery.remote;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Bounds outbound connections: in total, and per destination, so that one slow or busy
 * destination never holds every connection and mail for the others keeps flowing (the role of
 * Postfix's default_destination_concurrency_limit). Waiters are served first come, first served,
 * except that a waiter whose destination is at its limit lets later waiters for other
 * destinations pass.
 */
final class DestinationLimiter {

    private final int total;
    private final int perDestination;
    private final Map<String, Integer> active = new HashMap<>();
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private int activeTotal;

    private record Waiter(String destination, CompletableFuture<Permit> granted) {
    }

    /** One connection's worth of capacity; release it exactly once. */
    final class Permit implements AutoCloseable {
        private final String destination;
        private boolean released;

        private Permit(String destination) {
            this.destination = destination;
        }

        @Override
        public void close() {
            synchronized (DestinationLimiter.this) {
                if (released) {
                    return;
                }
                released = true;
            }
            release(destination);
        }
    }

    DestinationLimiter(int total, int perDestination) {
        this.total = total;
        this.perDestination = perDestination;
    }

    /** Completes when a connection to {@code destination} may be used. */
    CompletableFuture<Permit> acquire(String destination) {
        CompletableFuture<Permit> f = new CompletableFuture<>();
        synchronized (this) {
            if (fits(destination)) {
                take(destination);
                f.complete(new Permit(destination));
                return f;
            }
            waiters.add(new Waiter(destination, f));
        }
        return f;
    }

    /** How many are waiting for {@code destination} (to stop taking more work for it). */
    synchronized int waiting(String destination) {
        int n = 0;
        for (Waiter w : waiters) {
            if (w.destination().equals(destination)) {
                n++;
            }
        }
        return n;
    }

    private void release(String destination) {
        Waiter next = null;
        synchronized (this) {
            activeTotal--;
            active.merge(destination, -1, (a, b) -> a + b == 0 ? null : a + b);
            for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
                Waiter w = it.next();
                if (fits(w.destination())) {
                    it.remove();
                    take(w.destination());
                    next = w;
                    break;
                }
            }
        }
        if (next != null) {
            next.granted().complete(new Permit(next.destination()));   // outside the lock: runs the waiter's work
        }
    }

    private boolean fits(String destination) {
        return activeTotal < total && active.getOrDefault(destination, 0) < perDestination;
    }

    private void take(String destination) {
        activeTotal++;
        active.merge(destination, 1, Integer::sum);
    }
}
