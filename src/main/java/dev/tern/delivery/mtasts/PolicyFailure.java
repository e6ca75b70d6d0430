package dev.tern.delivery.mtasts;

/**
 * Why a domain's announced MTA-STS policy is not in force, as the TLS reports name it (RFC 8460
 * §4.3.2.2).
 */
public enum PolicyFailure {
    /** The policy could not be fetched: no address, no connection, an HTTP error, a timeout. */
    FETCH_ERROR("sts-policy-fetch-error"),
    /** The policy host's certificate did not check out (RFC 8461 §3.3). */
    WEBPKI_INVALID("sts-webpki-invalid"),
    /** The policy was fetched but is not a valid policy (RFC 8461 §3.2). */
    INVALID("sts-policy-invalid");

    private final String resultType;

    PolicyFailure(String resultType) {
        this.resultType = resultType;
    }

    /** The RFC 8460 result type. */
    public String resultType() {
        return resultType;
    }

    /** A fetch that failed this way. */
    static final class Failed extends IllegalStateException {
        final PolicyFailure kind;

        Failed(PolicyFailure kind, String message) {
            super(message);
            this.kind = kind;
        }
    }

    /** What a fetch failure was; a failure that says nothing is a fetch error. */
    static PolicyFailure of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof Failed f) {
                return f.kind;
            }
        }
        return FETCH_ERROR;
    }
}
