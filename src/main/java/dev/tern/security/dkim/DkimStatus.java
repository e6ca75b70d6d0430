package dev.tern.security.dkim;

import java.util.Locale;

/**
 * The result of checking one signature, with the names RFC 8601 §2.7.1 gives them in an
 * {@code Authentication-Results:} field.
 */
public enum DkimStatus {

    /** The signature verified: the signing domain takes responsibility for the message. */
    PASS,
    /** The signature did not verify: the message (body or signed fields) changed, or it was forged. */
    FAIL,
    /** The signature could not be judged for a reason none of the others covers. */
    NEUTRAL,
    /**
     * The signature may verify, but it is not accepted as it is: it expired, it covers only part of
     * the body ({@code l=}), it uses a weak algorithm, or the message carries too many signatures.
     */
    POLICY,
    /** A DNS failure that may go away: the check can be tried again later. */
    TEMPERROR,
    /** The signature or its key is broken or missing for good: a new attempt gives the same answer. */
    PERMERROR;

    /** The result keyword of RFC 8601 ({@code pass}, {@code fail}, …). */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }
}
