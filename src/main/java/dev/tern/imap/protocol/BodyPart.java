package dev.tern.imap.protocol;

import java.util.List;
import java.util.Locale;

/**
 * One entity of a message's MIME tree: what BODYSTRUCTURE says about it (RFC 9051 §7.5.2) and
 * where its header and body lie in the message, so that sections can be served by reading byte
 * ranges.
 *
 * <p>Offsets are absolute positions in the message: the MIME header is
 * {@code [headerStart, bodyStart)} (blank line included) and the body {@code [bodyStart, bodyEnd)}
 * (the line break before a following boundary belongs to the boundary, RFC 2046 §5.1.1).
 *
 * @param type        lower case, e.g. {@code text}
 * @param subtype     lower case, e.g. {@code plain}
 * @param parameters  Content-Type parameters as name/value pairs in order, names lower case
 * @param encoding    Content-Transfer-Encoding as given, {@code 7bit} when absent
 * @param lines       body lines for text/* and message/rfc822, else -1
 * @param disposition Content-Disposition value (lower case) or null
 * @param dispositionParameters its parameters as name/value pairs, names lower case
 * @param language    Content-Language tags, or null
 * @param envelope    for message/rfc822 and for the top-level message: the message's envelope
 * @param parts       multipart: the body parts; message/rfc822: exactly one, the enclosed
 *                    message (its header starts at this part's body); otherwise empty
 */
public record BodyPart(String type, String subtype, List<String> parameters, String id, String description,
                       String encoding, String md5, String disposition, List<String> dispositionParameters,
                       List<String> language, String location, long headerStart, long bodyStart, long bodyEnd,
                       long lines, Envelope envelope, List<BodyPart> parts) {

    public BodyPart {
        parameters = List.copyOf(parameters);
        dispositionParameters = List.copyOf(dispositionParameters);
        language = language == null ? null : List.copyOf(language);
        parts = List.copyOf(parts);
    }

    public boolean isMultipart() {
        return type.equals("multipart");
    }

    /** message/rfc822 and message/global (RFC 6532) enclose a whole message. */
    public boolean isMessage() {
        return type.equals("message") && (subtype.equals("rfc822") || subtype.equals("global"));
    }

    public boolean isText() {
        return type.equals("text");
    }

    public long size() {
        return bodyEnd - bodyStart;
    }

    /** The value of a Content-Type parameter (name case-insensitive), or null. */
    public String parameter(String name) {
        for (int i = 0; i + 1 < parameters.size(); i += 2) {
            if (parameters.get(i).equals(name.toLowerCase(Locale.ROOT))) {
                return parameters.get(i + 1);
            }
        }
        return null;
    }
}
