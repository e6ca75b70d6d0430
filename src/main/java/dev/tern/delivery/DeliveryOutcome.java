package dev.tern.delivery;

/** How one recipient's delivery ended: delivered, failed for good, or to be tried again. */
public enum DeliveryOutcome {
    DELIVERED, FAILED, DEFERRED
}
