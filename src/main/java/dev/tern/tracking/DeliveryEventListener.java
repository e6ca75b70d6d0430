package dev.tern.tracking;

/**
 * Told of each delivery event once the transaction that recorded it is committed (never of one
 * that was rolled back), in the order of that transaction. Runs on the thread that committed,
 * which is the store's writer: an implementation must return at once and never block (count,
 * or hand the event to an executor of its own). What it throws is logged and otherwise ignored.
 */
@FunctionalInterface
public interface DeliveryEventListener {

    void onEvent(DeliveryEvent event);
}
