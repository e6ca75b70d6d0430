package dev.tern.delivery.dsn;

/**
 * What the writer produced, for the one who queues it. A report about SMTPUTF8 mail is itself
 * SMTPUTF8 mail (its To may be a UTF-8 address) and is queued as such.
 *
 * @param messageId the Message-ID given to the report, without angle brackets
 * @param subject   its Subject
 * @param returned  how much of the original it carries
 * @param eightBit  some part is 8-bit: the report must be sent with BODY=8BITMIME (RFC 6152)
 */
public record WrittenDsn(String messageId, String subject, ReturnedContent returned, boolean eightBit) {
}
