package dev.tern.security.dkim;

/**
 * Checking a signature stopped early: the status it gets and why. Expected outcomes, not faults, so
 * no stack trace is recorded.
 */
final class SignatureCheckException extends Exception {

    private final DkimStatus status;

    SignatureCheckException(DkimStatus status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    /** A permanent error: the signature or its key is unusable. */
    SignatureCheckException(String reason) {
        this(DkimStatus.PERMERROR, reason);
    }

    DkimStatus status() {
        return status;
    }
}
