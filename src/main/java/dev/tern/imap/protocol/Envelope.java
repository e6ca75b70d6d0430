package dev.tern.imap.protocol;

import java.util.List;

/**
 * The ENVELOPE of a message (RFC 9051 §7.5.2): header values as they appear, unfolded, with
 * encoded words left as they are; null where the header is absent. Address lists are null when
 * the field is absent or has no address. {@code sender} and {@code replyTo} already default to
 * {@code from}, as the RFC requires.
 */
public record Envelope(String date, String subject, List<EnvelopeAddress> from, List<EnvelopeAddress> sender,
                       List<EnvelopeAddress> replyTo, List<EnvelopeAddress> to, List<EnvelopeAddress> cc,
                       List<EnvelopeAddress> bcc, String inReplyTo, String messageId) {
}
