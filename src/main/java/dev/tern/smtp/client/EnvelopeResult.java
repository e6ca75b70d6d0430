package dev.tern.smtp.client;

import java.util.List;

/**
 * The server's answers to MAIL and to each RCPT of one transaction. Refusals are results, not
 * exceptions: the caller decides what a refused recipient means (bounce it, try it later, or
 * abandon the transaction with {@link SmtpConnection#reset()}).
 *
 * @param mail       the reply to MAIL
 * @param recipients one entry per RCPT, in the order given; without pipelining, RCPTs are not sent after a refused MAIL,
 *                   and their entries then have a null reply
 */
public record EnvelopeResult(ServerReply mail, List<RecipientReply> recipients) {

    public EnvelopeResult {
        recipients = List.copyOf(recipients);
    }

    /** One RCPT and what the server said to it (null when it was not sent). */
    public record RecipientReply(RcptTo rcpt, ServerReply reply) {

        public boolean accepted() {
            return reply != null && reply.isPositive();
        }
    }

    public boolean mailAccepted() {
        return mail.isPositive();
    }

    /** The recipients the server accepted (none when MAIL was refused). */
    public List<RecipientReply> accepted() {
        return mailAccepted() ? recipients.stream().filter(RecipientReply::accepted).toList() : List.of();
    }

    /** The recipients the server refused, or that were not sent because MAIL was refused. */
    public List<RecipientReply> refused() {
        return mailAccepted() ? recipients.stream().filter(r -> !r.accepted()).toList() : recipients;
    }

    /** True when MAIL and every RCPT were accepted. */
    public boolean allAccepted() {
        return mailAccepted() && refused().isEmpty();
    }
}
