package dev.tern.smtp.server;

import dev.tern.mail.ClientInfo;
import dev.tern.mail.Envelope;
import dev.tern.mail.MailAddress;
import dev.tern.mail.Recipient;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One mail transaction (RFC 5321 §3.3): from MAIL to the end of the content, or to RSET. Holds the
 * sender and its parameters, the accepted recipients (each once, in order), every successful RCPT
 * (repeats included: LMTP answers each after the content), and once content has started, the
 * queue id and the body being written.
 */
final class Transaction {

    private final SmtpCommand.Mail mail;
    private final Map<MailAddress, Recipient> recipients = new LinkedHashMap<>();
    private final List<MailAddress> successfulRcpts = new ArrayList<>();
    private String queueId;
    private MessageBody body;
    private LineEndingCheck lineCheck;
    private boolean bdat;

    Transaction(SmtpCommand.Mail mail) {
        this.mail = mail;
    }

    SmtpCommand.Mail mail() {
        return mail;
    }

    /** Adds an accepted recipient; a repeated address is kept once, with its first parameters. */
    void addRecipient(Recipient r) {
        recipients.putIfAbsent(r.address(), r);
        successfulRcpts.add(r.address());
    }

    int recipientCount() {
        return recipients.size();
    }

    /** The address of each successful RCPT, in order, a repeated one as often as it came. */
    List<MailAddress> successfulRcpts() {
        return successfulRcpts;
    }

    List<Recipient> recipients() {
        return new ArrayList<>(recipients.values());
    }

    /** The only recipient, or null when there are several (for the Received header's {@code for}). */
    MailAddress onlyRecipient() {
        return recipients.size() == 1 ? recipients.keySet().iterator().next() : null;
    }

    void startContent(String queueId, MessageBody body, boolean bdat) {
        this.queueId = queueId;
        this.body = body;
        this.bdat = bdat;
        boolean binary = mail.body() == BodyType.BINARY_MIME;
        this.lineCheck = bdat && !binary ? new LineEndingCheck() : null;
    }

    boolean contentStarted() {
        return body != null;
    }

    boolean isBdat() {
        return bdat;
    }

    String queueId() {
        return queueId;
    }

    MessageBody body() {
        return body;
    }

    /** The BDAT bare CR/LF check, or null when none applies (DATA, or BINARYMIME). */
    LineEndingCheck lineCheck() {
        return lineCheck;
    }

    /** Throws the content away, if any was started. */
    void abort() {
        if (body != null) {
            body.abort();
        }
    }

    Envelope envelope(ClientInfo client, Instant receivedAt) {
        BodyType type = mail.body() == null ? BodyType.SEVEN_BIT : mail.body();
        Envelope given = new Envelope(mail.sender(), recipients(), type.keyword(), mail.smtpUtf8(), mail.ret(),
                mail.envId(), client, receivedAt, body == null ? null : body.reception(), mail.requireTls());
        return body == null ? given : body.envelope(given);
    }

    /** {@code from=<a@b> to=<c@d>,<e@f>} for the log line, then {@code requiretls=yes} when MAIL asked for it. */
    String describe() {
        StringBuilder sb = new StringBuilder("from=<");
        sb.append(mail.sender() == null ? "" : mail.sender()).append("> to=");
        if (recipients.isEmpty()) {
            sb.append("<>");
        }
        String sep = "";
        for (MailAddress a : recipients.keySet()) {
            sb.append(sep).append('<').append(a).append('>');
            sep = ",";
        }
        if (mail.requireTls()) {
            sb.append(" requiretls=yes");
        }
        return sb.toString();
    }
}
