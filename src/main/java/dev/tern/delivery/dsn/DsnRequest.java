package dev.tern.delivery.dsn;

import dev.tern.mail.DsnRet;
import dev.tern.store.Rows;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything a delivery status notification about one queued message says.
 *
 * @param reportingMta   this server's host name: the From domain, the Message-ID's right side, Reporting-MTA
 * @param queueId        the queue id of the message the report is about
 * @param originalSender the envelope sender ({@code local@domain}), who receives the report; never the null sender
 * @param envId          the ENVID as stored (xtext, RFC 3461 §4.4), or null
 * @param ret            the RET the sender asked for, or null
 * @param arrivalDate    when Tern accepted the message
 * @param smtpUtf8       the message came with SMTPUTF8: the report uses the RFC 6533 global types
 * @param recipients     the recipients the report is about, at least one, in the order to list them
 */
public record DsnRequest(String reportingMta, String queueId, String originalSender, String envId, DsnRet ret,
                         Instant arrivalDate, boolean smtpUtf8, List<DsnRecipientReport> recipients) {

    public DsnRequest {
        Objects.requireNonNull(reportingMta, "reportingMta");
        Objects.requireNonNull(queueId, "queueId");
        Objects.requireNonNull(arrivalDate, "arrivalDate");
        if (!DsnPolicy.mayNotify(originalSender)) {
            throw new IllegalArgumentException("a message from the null sender never gets a delivery status notification");
        }
        if (!reportingMta.matches("[A-Za-z0-9][A-Za-z0-9.-]*")) {
            throw new IllegalArgumentException("the reporting MTA must be a host name: " + reportingMta);
        }
        if (originalSender.indexOf('\r') >= 0 || originalSender.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("the sender must be one address on one line");
        }
        recipients = List.copyOf(recipients);
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("a report is about at least one recipient");
        }
    }

    /**
     * A request for a queued message, with its envelope fields as the queue stored them. A
     * REQUIRETLS message's report returns its header section only, whatever RET asked (RFC 8689
     * §5: the report may cross servers its sender did not trust with the content).
     */
    public static DsnRequest of(String reportingMta, Rows.QueuedMessage message, List<DsnRecipientReport> recipients) {
        DsnRet ret = message.requireTls() ? DsnRet.HDRS
                : message.dsnRet() == null ? null : DsnRet.valueOf(message.dsnRet());
        return new DsnRequest(reportingMta, message.id(), message.sender(), message.dsnEnvId(), ret,
                message.receivedAt(), message.smtpUtf8(), recipients);
    }

    /** The most serious action among the recipients: it titles the report. */
    public DsnAction mostSeriousAction() {
        DsnAction worst = recipients.get(0).action();
        for (DsnRecipientReport r : recipients) {
            worst = DsnAction.mostSerious(worst, r.action());
        }
        return worst;
    }

    /** True when the report is about at least one failed recipient. */
    public boolean reportsFailure() {
        return mostSeriousAction() == DsnAction.FAILED;
    }
}
