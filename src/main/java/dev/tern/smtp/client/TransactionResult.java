package dev.tern.smtp.client;

/**
 * The outcome of one whole transaction ({@link SmtpConnection#transaction}).
 *
 * @param envelope the replies to MAIL and each RCPT
 * @param content  the reply that decided the message (after the final "." or the last BDAT
 *                 chunk, or the refusal of DATA), or null when no recipient was accepted and
 *                 the transaction was abandoned with RSET
 */
public record TransactionResult(EnvelopeResult envelope, ServerReply content) {

    /** True when the server took the message for every recipient it accepted. */
    public boolean delivered() {
        return content != null && content.isPositive();
    }
}
