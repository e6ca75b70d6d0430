package dev.tern.credentials;

/**
 * The answer to "may this credential send as this address now?".
 *
 * @param reason in words for a person; for a refusal, the text of the SMTP reply
 */
public record SendPermit(Outcome outcome, String reason) {

    public enum Outcome {
        ALLOWED,
        /** Revoked since it authenticated, or gone. */
        REVOKED,
        /** The address is not in its scope, or its domain is no longer local. */
        OUT_OF_SCOPE,
        /** Its rate limit allows no more messages now. */
        RATE_LIMITED
    }

    public boolean allowed() {
        return outcome == Outcome.ALLOWED;
    }
}
