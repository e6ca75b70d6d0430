package dev.tern.imap.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory all IMAP connections together may hold in literals: buffered synchronizing literals
 * above {@link #SMALL}, and what each APPEND message holds while it streams into the store (its
 * sink's in-memory start and the octets waiting for the store, {@link AppendReceiver#MESSAGE_MEMORY}),
 * non-synchronizing ones included. Each connection is bounded by the limits; this bounds their
 * sum, so that many clients appending at once get {@code NO [UNAVAILABLE]} (and try again)
 * instead of exhausting the heap.
 */
public final class LiteralBudget {

    /** Literals up to this size need no budget: a line's worth of memory. */
    static final long SMALL = 256 * 1024;

    private final AtomicLong available;

    public LiteralBudget(long octets) {
        this.available = new AtomicLong(octets);
    }

    /** A quarter of the heap: room for the literal, the parsed command and the stored copy. */
    public static LiteralBudget ofHeap() {
        return new LiteralBudget(Runtime.getRuntime().maxMemory() / 4);
    }

    boolean tryTake(long octets) {
        while (true) {
            long left = available.get();
            if (left < octets) {
                return false;
            }
            if (available.compareAndSet(left, left - octets)) {
                return true;
            }
        }
    }

    void release(long octets) {
        available.addAndGet(octets);
    }
}
