package dev.tern.message;

import dev.tern.mail.MailAddress;
import org.apache.james.mime4j.codec.EncoderUtil;
import org.apache.james.mime4j.codec.QuotedPrintableOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A plain-text message (RFC 5322, MIME RFC 2045) built from a few fields: what {@code tern send}
 * sends. Lines end in CRLF whatever the body used; the body is {@code text/plain; charset=UTF-8}
 * in the lightest transfer encoding that is correct for it and for the server:
 * {@code 7bit} for ASCII, {@code 8bit} for other text when the server takes 8BITMIME, else
 * {@code quoted-printable} (also for lines over 998 octets, RFC 5322 §2.1.1). A subject or extra
 * header that is not ASCII is written as RFC 2047 encoded words.
 */
public final class TextMessage {

    /** The longest line RFC 5322 §2.1.1 allows, without CRLF. */
    static final int MAX_LINE = 998;
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

    private final byte[] bytes;
    private final String transferEncoding;
    private final boolean utf8Headers;

    private TextMessage(byte[] bytes, String transferEncoding, boolean utf8Headers) {
        this.bytes = bytes;
        this.transferEncoding = transferEncoding;
        this.utf8Headers = utf8Headers;
    }

    /** The whole message, CRLF line endings. */
    public byte[] bytes() {
        return bytes.clone();
    }

    public int size() {
        return bytes.length;
    }

    /** {@code 7bit}, {@code 8bit} or {@code quoted-printable}. */
    public String transferEncoding() {
        return transferEncoding;
    }

    /** True when the body is 8-bit: MAIL needs BODY=8BITMIME (RFC 6152). */
    public boolean eightBit() {
        return transferEncoding.equals("8bit");
    }

    /** True when a header carries raw UTF-8 (an address with UTF-8): MAIL needs SMTPUTF8 (RFC 6531, RFC 6532). */
    public boolean utf8Headers() {
        return utf8Headers;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects the fields; {@link #build()} checks them and writes the message. */
    public static final class Builder {
        private MailAddress from;
        private List<MailAddress> to = List.of();
        private String subject = "";
        private String body = "";
        private ZonedDateTime date = ZonedDateTime.now();
        private String messageId;
        private boolean allow8bit;
        private final List<String[]> extra = new ArrayList<>();

        public Builder from(MailAddress a) {
            this.from = a;
            return this;
        }

        public Builder to(List<MailAddress> addresses) {
            this.to = List.copyOf(addresses);
            return this;
        }

        public Builder subject(String s) {
            this.subject = Objects.requireNonNull(s);
            return this;
        }

        /** The body text; any line endings. */
        public Builder body(String text) {
            this.body = Objects.requireNonNull(text);
            return this;
        }

        public Builder date(ZonedDateTime d) {
            this.date = d;
            return this;
        }

        /** The Message-ID without angle brackets; by default a random one in the sender's domain. */
        public Builder messageId(String id) {
            this.messageId = id;
            return this;
        }

        /** The server takes 8-bit content (it announced 8BITMIME). */
        public Builder allow8bit(boolean allowed) {
            this.allow8bit = allowed;
            return this;
        }

        /**
         * A header field of {@code name: value} form: replaces the built field of the same name
         * (From, To, Subject, Date, Message-ID…), else is added after them.
         *
         * @throws IllegalArgumentException when it is not a valid header field
         */
        public Builder header(String field) {
            int colon = field.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("a header is written 'Name: value': " + field);
            }
            String name = field.substring(0, colon).trim();
            String value = field.substring(colon + 1).trim();
            if (!name.matches("[!-9;-~]+")) {
                throw new IllegalArgumentException("not a header field name: " + name);
            }
            checkOneLine("header " + name, value);
            extra.add(new String[]{name, value});
            return this;
        }

        public TextMessage build() {
            if (from == null || to.isEmpty()) {
                throw new IllegalArgumentException("a message needs a sender and at least one recipient");
            }
            checkOneLine("subject", subject);
            List<String[]> fields = new ArrayList<>();
            fields.add(new String[]{"From", from.toString()});
            fields.add(new String[]{"To", String.join(", ", to.stream().map(MailAddress::toString).toList())});
            fields.add(new String[]{"Subject", subject});
            fields.add(new String[]{"Date", DATE.format(date)});
            fields.add(new String[]{"Message-ID", "<" + (messageId != null ? messageId : randomId()) + ">"});
            fields.add(new String[]{"MIME-Version", "1.0"});
            fields.add(new String[]{"Content-Type", "text/plain; charset=UTF-8"});
            String text = crlf(body);
            String encoding = isAscii(text) && linesFit(text) ? "7bit" : allow8bit && linesFit(text) ? "8bit" : "quoted-printable";
            fields.add(new String[]{"Content-Transfer-Encoding", encoding});
            List<String[]> added = new ArrayList<>();
            for (String[] e : extra) {
                int i = indexOf(fields, e[0]);
                if (i >= 0) {
                    fields.set(i, e);
                } else {
                    added.add(e);
                }
            }
            fields.addAll(added);
            boolean utf8Headers = from.needsUtf8() || to.stream().anyMatch(MailAddress::needsUtf8);
            StringBuilder head = new StringBuilder();
            for (String[] f : fields) {
                head.append(f[0]).append(": ").append(headerValue(f[0], f[1])).append("\r\n");
            }
            head.append("\r\n");
            ByteArrayOutputStream out = new ByteArrayOutputStream(head.length() + text.length() + 64);
            out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
            out.writeBytes(encoding.equals("quoted-printable") ? quotedPrintable(text)
                    : text.getBytes(StandardCharsets.UTF_8));
            return new TextMessage(out.toByteArray(), encoding, utf8Headers);
        }

        private static int indexOf(List<String[]> fields, String name) {
            for (int i = 0; i < fields.size(); i++) {
                if (fields.get(i)[0].equalsIgnoreCase(name)) {
                    return i;
                }
            }
            return -1;
        }

        private String randomId() {
            byte[] r = new byte[12];
            new SecureRandom().nextBytes(r);
            return System.currentTimeMillis() + "." + HexFormat.of().formatHex(r) + "@" + from.asciiDomain();
        }
    }

    /** Unstructured text (Subject, extra headers) that is not ASCII becomes encoded words, one per folded line. */
    private static String headerValue(String name, String value) {
        boolean addressField = name.equalsIgnoreCase("From") || name.equalsIgnoreCase("To");
        if (isAscii(value) || addressField) {
            return value;
        }
        return EncoderUtil.encodeEncodedWord(value, EncoderUtil.Usage.TEXT_TOKEN, name.length() + 2, StandardCharsets.UTF_8, null)
                .replace(" =?", "\r\n =?");
    }

    private static void checkOneLine(String what, String value) {
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " must be one line without control characters");
        }
    }

    /** Every line ending as CRLF, and a CRLF at the end. */
    static String crlf(String text) {
        return LineEnds.crlfTerminated(text);
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static boolean linesFit(String text) {
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf("\r\n", start);
            if (end < 0) {
                end = text.length();
            }
            if (text.substring(start, end).getBytes(StandardCharsets.UTF_8).length > MAX_LINE) {
                return false;
            }
            start = end + 2;
        }
        return true;
    }

    private static byte[] quotedPrintable(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (QuotedPrintableOutputStream qp = new QuotedPrintableOutputStream(out, false)) {
            qp.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] b = out.toByteArray();
        boolean endsWithCrlf = b.length >= 2 && b[b.length - 2] == '\r' && b[b.length - 1] == '\n';
        if (!endsWithCrlf && b.length > 0) {
            out.write('\r');
            out.write('\n');
        }
        return out.toByteArray();
    }
}
