package dev.tern.milter;

/** A filter failed: it cannot be reached, did not answer in time, or broke the protocol. */
final class MilterException extends RuntimeException {

    MilterException(String message) {
        super(message, null, false, false);
    }

    MilterException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
