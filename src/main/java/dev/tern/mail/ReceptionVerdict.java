package dev.tern.mail;

/**
 * What the checks run while a message was received concluded, beyond accepting it.
 *
 * @param traceFields header fields to put above the content at final delivery, each ending in
 *                    CRLF (an Authentication-Results field, RFC 8601 §5); null for none
 * @param quarantined deliver to the recipients' Junk mailbox instead of the INBOX (a DMARC
 *                    quarantine policy, RFC 7489 §6.3)
 */
public record ReceptionVerdict(String traceFields, boolean quarantined) {

    public static final ReceptionVerdict NONE = new ReceptionVerdict(null, false);

    /** What two checks concluded together: both sets of fields, this one's first; junk if either says so. */
    public ReceptionVerdict plus(ReceptionVerdict other) {
        String fields = traceFields == null ? other.traceFields
                : other.traceFields == null ? traceFields : traceFields + other.traceFields;
        return new ReceptionVerdict(fields, quarantined || other.quarantined);
    }
}
