package dev.tern.imap.protocol;

import java.util.List;

/** Builds the {@link Envelope} of a message from its header (RFC 9051 §7.5.2). */
final class EnvelopeReader {

    private EnvelopeReader() {
    }

    static Envelope read(MimeHeader header) {
        List<EnvelopeAddress> from = addresses(header, "From");
        List<EnvelopeAddress> sender = addresses(header, "Sender");
        List<EnvelopeAddress> replyTo = addresses(header, "Reply-To");
        return new Envelope(header.first("Date"), header.first("Subject"), from,
                sender == null ? from : sender, replyTo == null ? from : replyTo,
                addresses(header, "To"), addresses(header, "Cc"), addresses(header, "Bcc"),
                header.first("In-Reply-To"), header.first("Message-ID"));
    }

    /** Null when the field is absent or holds no address: the envelope then says NIL. */
    private static List<EnvelopeAddress> addresses(MimeHeader header, String field) {
        String value = header.first(field);
        if (value == null) {
            return null;
        }
        List<EnvelopeAddress> list = AddressListParser.parse(value);
        return list.isEmpty() ? null : List.copyOf(list);
    }
}
