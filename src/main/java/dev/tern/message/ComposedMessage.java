package dev.tern.message;

import org.apache.james.mime4j.codec.EncoderUtil;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.dom.field.ParseException;
import org.apache.james.mime4j.field.address.DefaultAddressParser;
import org.apache.james.mime4j.message.BodyPartBuilder;
import org.apache.james.mime4j.message.DefaultMessageWriter;
import org.apache.james.mime4j.message.MultipartBuilder;
import org.apache.james.mime4j.stream.NameValuePair;
import org.apache.james.mime4j.stream.RawField;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A message (RFC 5322, MIME RFC 2045/2046) built from the fields an application gives the HTTP
 * send API, written by Mime4j: text and HTML as {@code multipart/alternative}, attachments in
 * {@code multipart/mixed} around it, text in UTF-8 quoted-printable and attachments in base64 (so
 * the message is 7-bit), names and subjects that are not ASCII as RFC 2047 encoded words. Lines
 * end in CRLF.
 */
public final class ComposedMessage {

    /** Header fields a caller may not set: the builder writes them, or they describe the MIME structure. */
    static final Set<String> RESERVED = Set.of("from", "to", "cc", "bcc", "reply-to", "subject", "date", "message-id",
            "mime-version", "content-type", "content-transfer-encoding", "received", "return-path");

    /** An attached file. */
    public record Attachment(String filename, String contentType, byte[] content) {
    }

    /**
     * @param from        the author, {@code a@example.org} or {@code Name <a@example.org>}
     * @param headers     further fields (List-Unsubscribe, X-…); none of {@link #RESERVED}
     * @param messageId   the Message-ID without its angle brackets
     */
    public record Fields(String from, List<String> to, List<String> cc, String replyTo, String subject, String text,
                         String html, Map<String, String> headers, List<Attachment> attachments, String messageId) {
    }

    private ComposedMessage() {
    }

    /**
     * The address of a mailbox as the From field gives it ({@code Name <a@example.org>} or
     * {@code a@example.org}).
     *
     * @throws IllegalArgumentException when it is not one mailbox
     */
    public static String address(String mailbox) {
        return parse(mailbox).getAddress();
    }

    /** @throws IllegalArgumentException saying which field is wrong */
    public static byte[] write(Fields f) {
        if ((f.text() == null || f.text().isEmpty()) && (f.html() == null || f.html().isEmpty())
                && f.attachments().isEmpty()) {
            throw new IllegalArgumentException("the message needs text, html or an attachment");
        }
        try {
            Message.Builder m = Message.Builder.of()
                    .setFrom(parse(f.from()))
                    .setDate(new Date())
                    .setMessageId("<" + f.messageId() + ">");
            if (!f.to().isEmpty()) {
                m.setTo(mailboxes(f.to()));
            }
            if (!f.cc().isEmpty()) {
                m.setCc(mailboxes(f.cc()));
            }
            if (f.replyTo() != null) {
                m.setReplyTo(parse(f.replyTo()));
            }
            if (f.subject() != null) {
                m.setSubject(oneLine("subject", f.subject()));
            }
            for (Map.Entry<String, String> h : f.headers().entrySet()) {
                String name = h.getKey();
                if (!HeaderNames.isValid(name, 76)) {
                    throw new IllegalArgumentException("\"" + name + "\" is not a header field name");
                }
                if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
                    throw new IllegalArgumentException("header " + name + " is set from its own field, or by Tern");
                }
                String value = oneLine("header " + name, h.getValue());
                m.addField(new RawField(name, EncoderUtil.encodeIfNecessary(value, EncoderUtil.Usage.TEXT_TOKEN,
                        name.length() + 2)));
            }
            BodyPartBuilder content = content(f.text(), f.html());
            if (f.attachments().isEmpty()) {
                m.setBody(content.build().getBody());
                copyContentFields(content, m);
            } else {
                MultipartBuilder mixed = MultipartBuilder.create("mixed");
                if (content != null) {
                    mixed.addBodyPart(content);
                }
                for (Attachment a : f.attachments()) {
                    mixed.addBodyPart(attachment(a));
                }
                m.setBody(mixed.build());
            }
            return DefaultMessageWriter.asBytes(m.build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text and HTML parts: one of them, or both as alternatives; null when there are neither. */
    private static BodyPartBuilder content(String text, String html) throws IOException {
        boolean hasText = text != null && !text.isEmpty();
        boolean hasHtml = html != null && !html.isEmpty();
        if (hasText && hasHtml) {
            return BodyPartBuilder.create().setBody(MultipartBuilder.create("alternative")
                    .addBodyPart(textPart(text, "plain")).addBodyPart(textPart(html, "html")).build());
        }
        return hasText ? textPart(text, "plain") : hasHtml ? textPart(html, "html") : null;
    }

    private static BodyPartBuilder textPart(String text, String subtype) throws IOException {
        return BodyPartBuilder.create().setBody(LineEnds.crlf(text), subtype, StandardCharsets.UTF_8)
                .setContentType("text/" + subtype, new NameValuePair("charset", "utf-8"))
                .setContentTransferEncoding("quoted-printable");
    }

    private static BodyPartBuilder attachment(Attachment a) throws IOException {
        String name = oneLine("attachment filename", a.filename());
        if (name.isBlank()) {
            throw new IllegalArgumentException("an attachment needs a filename");
        }
        String type = a.contentType() == null || a.contentType().isBlank() ? "application/octet-stream"
                : a.contentType().strip().toLowerCase(Locale.ROOT);
        if (!type.matches("[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*")) {
            throw new IllegalArgumentException("\"" + a.contentType() + "\" is not a media type such as application/pdf");
        }
        return BodyPartBuilder.create().setBody(a.content(), type)
                .setContentType(type, new NameValuePair("name", name))
                .setContentTransferEncoding("base64")
                .setContentDisposition("attachment", name);
    }

    /** A single part's Content-Type and Content-Transfer-Encoding become the message's own. */
    private static void copyContentFields(BodyPartBuilder part, Message.Builder m) {
        org.apache.james.mime4j.dom.Entity built = part.build();
        for (org.apache.james.mime4j.stream.Field field : built.getHeader().getFields()) {
            m.setField(field);
        }
    }

    private static Mailbox parse(String mailbox) {
        if (mailbox == null || mailbox.isBlank()) {
            throw new IllegalArgumentException("an address is missing");
        }
        try {
            return DefaultAddressParser.DEFAULT.parseMailbox(oneLine("address", mailbox));
        } catch (ParseException | RuntimeException e) {
            throw new IllegalArgumentException("\"" + mailbox + "\" is not an address such as Name <a@example.org>");
        }
    }

    private static List<Mailbox> mailboxes(List<String> list) {
        List<Mailbox> out = new ArrayList<>(list.size());
        list.forEach(a -> out.add(parse(a)));
        return out;
    }

    private static String oneLine(String what, String value) {
        if (value == null) {
            throw new IllegalArgumentException(what + " is missing");
        }
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " must be one line");
        }
        return value;
    }

}
