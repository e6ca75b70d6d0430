package dev.tern.delivery.dsn;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a report says about one recipient (RFC 3464 §2.3).
 *
 * @param finalRecipient    the address delivery was attempted to, as stored in the queue ({@code local@domain})
 * @param originalRecipient the recipient's ORCPT as stored, {@code addr-type;xtext} (RFC 3461 §4.2), or null
 *                          when the client gave none
 * @param action            what happened
 * @param status            the RFC 3463 enhanced status code, e.g. {@code 5.1.1}
 * @param remoteMta         the host name of the server that answered, or null when none did
 * @param diagnosticCode    the remote reply (e.g. {@code 550 5.1.1 <x@y>: no such user}) or a local reason a
 *                          sender can read; null when there is none. Never an exception text or a file path.
 * @param lastAttemptDate   when delivery was last tried, or null
 * @param willRetryUntil    for {@link DsnAction#DELAYED} only: when Tern gives up; else null
 */
public record DsnRecipientReport(String finalRecipient, String originalRecipient, DsnAction action, String status,
                                 String remoteMta, String diagnosticCode, Instant lastAttemptDate,
                                 Instant willRetryUntil) {

    /** RFC 3463 §2: class "." subject "." detail, with a class a report can carry. */
    private static final Pattern STATUS = Pattern.compile("[245]\\.\\d{1,3}\\.\\d{1,3}");
    /** Text that starts with an SMTP reply code (RFC 5321 §4.2), single- or multi-line. */
    private static final Pattern SMTP_REPLY = Pattern.compile("[2-5]\\d\\d([ -].*)?", Pattern.DOTALL);

    public DsnRecipientReport {
        Objects.requireNonNull(finalRecipient, "finalRecipient");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(status, "status");
        if (finalRecipient.isBlank() || hasLineBreak(finalRecipient)) {
            throw new IllegalArgumentException("the final recipient must be one address on one line");
        }
        if (originalRecipient != null && (originalRecipient.indexOf(';') <= 0 || hasLineBreak(originalRecipient))) {
            throw new IllegalArgumentException("the original recipient is stored as addr-type;xtext");
        }
        if (!STATUS.matcher(status).matches()) {
            throw new IllegalArgumentException("not an RFC 3463 status code: " + status);
        }
        if (willRetryUntil != null && action != DsnAction.DELAYED) {
            throw new IllegalArgumentException("only a delayed recipient has a retry deadline");
        }
    }

    /**
     * True when the diagnostic is a reply from the remote MTA (reported as {@code smtp;}) rather
     * than a local reason, such as a connection that timed out before any reply.
     */
    public boolean hasRemoteReply() {
        return remoteMta != null && !remoteMta.isBlank() && diagnosticCode != null
                && SMTP_REPLY.matcher(diagnosticCode.strip()).matches();
    }

    private static boolean hasLineBreak(String s) {
        return s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0;
    }
}
