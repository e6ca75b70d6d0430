package dev.tern.delivery.dsn;

import java.time.ZoneId;

/**
 * The machine-readable part: the body of a {@code message/delivery-status} (RFC 3464 §2.1), or of a
 * {@code message/global-delivery-status} (RFC 6533 §6) for SMTPUTF8 mail. One block of per-message
 * fields, then one block per recipient, each block after an empty line, fields in the order of the
 * RFC 3464 grammar with Tern's extension fields last.
 *
 * <p>In the plain form every field is ASCII; in the global form addresses and diagnostic text keep
 * their UTF-8.
 */
final class DeliveryStatusFields {

    /** Long enough for any single-line reply (RFC 5321 §4.5.3.1.5 allows 512 octets) and a few more lines. */
    private static final int MAX_DIAGNOSTIC = 900;
    private static final int MAX_HOST = 255;

    private DeliveryStatusFields() {
    }

    static String render(DsnRequest request, ZoneId zone) {
        boolean global = request.smtpUtf8();
        StringBuilder b = new StringBuilder(512);
        if (request.envId() != null) {
            b.append(FieldText.field("Original-Envelope-Id", ReportAddress.envelopeId(request.envId(), global)));
        }
        b.append(FieldText.field("Reporting-MTA", "dns; " + request.reportingMta()));
        b.append(FieldText.field("Arrival-Date", FieldText.date(request.arrivalDate(), zone)));
        b.append(FieldText.field("X-Tern-Queue-ID", FieldText.singleLine(request.queueId(), false, 100)));
        b.append(FieldText.field("X-Tern-Sender", ReportAddress.typed(request.originalSender(), global)));
        for (DsnRecipientReport r : request.recipients()) {
            b.append("\r\n");
            recipient(b, r, global, zone);
        }
        return b.toString();
    }

    private static void recipient(StringBuilder b, DsnRecipientReport r, boolean global, ZoneId zone) {
        if (r.originalRecipient() != null) {
            b.append(FieldText.field("Original-Recipient", ReportAddress.original(r.originalRecipient(), global)));
        }
        b.append(FieldText.field("Final-Recipient", ReportAddress.typed(r.finalRecipient(), global)));
        b.append(FieldText.field("Action", r.action().keyword()));
        b.append(FieldText.field("Status", r.status()));
        if (r.remoteMta() != null && !r.remoteMta().isBlank()) {
            b.append(FieldText.field("Remote-MTA", "dns; " + FieldText.singleLine(r.remoteMta(), global, MAX_HOST)));
        }
        if (r.diagnosticCode() != null && !r.diagnosticCode().isBlank()) {
            b.append(FieldText.field("Diagnostic-Code", diagnostic(r, global)));
        }
        if (r.lastAttemptDate() != null) {
            b.append(FieldText.field("Last-Attempt-Date", FieldText.date(r.lastAttemptDate(), zone)));
        }
        if (r.willRetryUntil() != null) {
            b.append(FieldText.field("Will-Retry-Until", FieldText.date(r.willRetryUntil(), zone)));
        }
    }

    /**
     * {@code smtp; reply} when a remote server replied (RFC 3464 §2.3.6), else Tern's own
     * diagnostic type for a local reason, as Postfix uses {@code X-Postfix}.
     */
    private static String diagnostic(DsnRecipientReport r, boolean global) {
        String text = FieldText.singleLine(r.diagnosticCode(), global, MAX_DIAGNOSTIC);
        return (r.hasRemoteReply() ? "smtp; " : "X-Tern; ") + text;
    }
}
