package dev.tern.mailbox;

/** How a STORE changes flags (RFC 3501 §6.4.6): {@code +FLAGS}, {@code -FLAGS} or {@code FLAGS}. */
public enum FlagOperation {
    ADD, REMOVE, REPLACE
}
