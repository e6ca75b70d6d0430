package dev.tern.suppression;

/** A change to the suppression list that cannot be made, with a message for whoever asked for it. */
public final class SuppressionException extends IllegalArgumentException {

    public SuppressionException(String message) {
        super(message);
    }
}
