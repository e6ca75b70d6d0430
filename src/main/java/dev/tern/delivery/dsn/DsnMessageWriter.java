package dev.tern.delivery.dsn;

import dev.tern.mail.DsnRet;
import org.apache.james.mime4j.codec.QuotedPrintableOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes a delivery status notification: a complete RFC 5322 message with CRLF line endings, a
 * {@code multipart/report} (RFC 6522) of three parts: the text for people, the
 * {@code message/delivery-status} for programs (RFC 3464), and the original message or its header
 * section. For SMTPUTF8 mail the RFC 6533 global types are used, which may carry UTF-8.
 *
 * <p>What is returned of the original: the whole message when the report tells of a failure and
 * the sender did not ask for RET=HDRS (Postfix's choice when RET is absent) and the message is at
 * most the size limit; otherwise its header section. Delay and success reports never return the
 * body (RFC 3461 §4.3 asks for content only with failures).
 *
 * <p>Memory: the original is read once, and at most the size limit plus one byte of it (plus a
 * bounded header section) is held; the rest of the stream is left unread. The caller owns and
 * closes both streams.
 */
public final class DsnMessageWriter {

    /** The largest original returned whole, as Postfix's bounce_size_limit. */
    public static final int DEFAULT_SIZE_LIMIT = 50_000;
    /** A configured limit above this would let one report hold too much of a message in memory. */
    public static final int MAX_SIZE_LIMIT = 64 * 1024 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clock clock;
    private final int sizeLimit;

    public DsnMessageWriter(Clock clock) {
        this(clock, DEFAULT_SIZE_LIMIT);
    }

    /**
     * @param sizeLimit the largest original message, in bytes, that a report returns whole
     */
    public DsnMessageWriter(Clock clock, int sizeLimit) {
        if (sizeLimit < 0 || sizeLimit > MAX_SIZE_LIMIT) {
            throw new IllegalArgumentException("the size limit for returned messages must be 0 to " + MAX_SIZE_LIMIT);
        }
        this.clock = clock;
        this.sizeLimit = sizeLimit;
    }

    /** Writes a report that returns nothing of the original (its content is no longer available). */
    public WrittenDsn write(DsnRequest request, OutputStream out) throws IOException {
        return write(request, null, out);
    }

    /**
     * Writes the report about {@code request} to {@code out}.
     *
     * @param original the original message as queued, read from its start; null when it is not available
     */
    public WrittenDsn write(DsnRequest request, InputStream original, OutputStream out) throws IOException {
        boolean global = request.smtpUtf8();
        boolean wholeWanted = request.reportsFailure() && request.ret() != DsnRet.HDRS;
        ReturnedOriginal returned = original == null ? ReturnedOriginal.none()
                : ReturnedOriginal.read(original, wholeWanted, sizeLimit);

        String subject = HumanReadableReport.subject(request.mostSeriousAction());
        Part text = textPart(HumanReadableReport.render(request, returned.kind(), sizeLimit, clock.getZone()), global);
        Part status = statusPart(DeliveryStatusFields.render(request, clock.getZone()), global);
        Part originalPart = originalPart(returned, global);
        List<Part> parts = originalPart == null ? List.of(text, status) : List.of(text, status, originalPart);

        boolean eightBit = parts.stream().anyMatch(p -> p.eightBit);
        String boundary = boundaryNotIn(parts);
        String messageId = clock.millis() + "." + HexFormat.of().formatHex(randomBytes(12)) + "@" + request.reportingMta();

        StringBuilder head = new StringBuilder(512);
        head.append(FieldText.field("From", "Mail Delivery System <MAILER-DAEMON@" + request.reportingMta() + ">"));
        head.append(FieldText.field("To", "<" + FieldText.singleLine(request.originalSender(), true, 998) + ">"));
        head.append(FieldText.field("Subject", subject));
        head.append(FieldText.field("Date", FieldText.date(clock.instant(), clock.getZone())));
        head.append(FieldText.field("Message-ID", "<" + messageId + ">"));
        head.append(FieldText.field("Auto-Submitted", "auto-replied"));
        head.append(FieldText.field("MIME-Version", "1.0"));
        head.append(FieldText.field("Content-Type", "multipart/report; report-type="
                + (global ? "global-delivery-status" : "delivery-status") + "; boundary=\"" + boundary + "\""));
        if (eightBit) {
            head.append(FieldText.field("Content-Transfer-Encoding", "8bit"));
        }
        head.append("\r\n");
        head.append("This is a MIME-encapsulated delivery status notification (RFC 3464).\r\n");
        out.write(head.toString().getBytes(StandardCharsets.UTF_8));
        for (Part p : parts) {
            out.write(("\r\n--" + boundary + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(p.header.getBytes(StandardCharsets.US_ASCII));
            out.write(p.body);
        }
        out.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return new WrittenDsn(messageId, subject, returned.kind(), eightBit);
    }

    /** One body part: its header section (with the empty line that ends it) and its body. */
    private record Part(String header, byte[] body, boolean eightBit) {
    }

    /**
     * The text is UTF-8: as is when ASCII or when the report may be 8-bit anyway (SMTPUTF8 implies
     * 8BITMIME, RFC 6531 §3.1), else quoted-printable so that a plain report stays 7-bit.
     */
    private static Part textPart(String text, boolean global) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        String encoding = FieldText.isAscii(text) ? "7bit" : global ? "8bit" : "quoted-printable";
        byte[] body = encoding.equals("quoted-printable") ? quotedPrintable(utf8) : utf8;
        return new Part(partHeader("Notification", "text/plain; charset=utf-8", encoding), body,
                encoding.equals("8bit"));
    }

    private static Part statusPart(String fields, boolean global) {
        boolean eightBit = !FieldText.isAscii(fields);   // only the global form may carry UTF-8
        String type = global ? "message/global-delivery-status" : "message/delivery-status";
        return new Part(partHeader("Delivery report", type, eightBit ? "8bit" : "7bit"),
                fields.getBytes(StandardCharsets.UTF_8), eightBit);
    }

    private static Part originalPart(ReturnedOriginal returned, boolean global) {
        String description;
        String type;
        switch (returned.kind()) {
            case FULL_MESSAGE -> {
                description = "Undelivered Message";
                type = global ? "message/global" : "message/rfc822";
            }
            case HEADERS, HEADERS_BECAUSE_TOO_LARGE -> {
                description = "Message Headers";
                type = global ? "message/global-headers" : "text/rfc822-headers";
            }
            default -> {
                return null;
            }
        }
        boolean eightBit = returned.eightBit();
        return new Part(partHeader(description, type, eightBit ? "8bit" : "7bit"), returned.content(), eightBit);
    }

    private static String partHeader(String description, String contentType, String encoding) {
        return FieldText.field("Content-Description", description)
                + FieldText.field("Content-Type", contentType)
                + FieldText.field("Content-Transfer-Encoding", encoding)
                + "\r\n";
    }

    /**
     * A random boundary, checked against every part: the parts are all in memory, so a collision,
     * however unlikely, is avoided for certain rather than by chance.
     */
    private static String boundaryNotIn(List<Part> parts) {
        while (true) {
            String boundary = "=_tern-dsn_" + HexFormat.of().formatHex(randomBytes(16));
            byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
            if (parts.stream().noneMatch(p -> contains(p.body, delimiter))) {
                return boundary;
            }
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static byte[] quotedPrintable(byte[] utf8) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(utf8.length * 2);
        try (QuotedPrintableOutputStream qp = new QuotedPrintableOutputStream(out, false)) {
            qp.write(utf8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] b = out.toByteArray();
        int n = b.length;
        if (n >= 2 && b[n - 2] == '\r' && b[n - 1] == '\n') {
            return b;
        }
        byte[] withEnd = Arrays.copyOf(b, n + 2);
        withEnd[n] = '\r';
        withEnd[n + 1] = '\n';
        return withEnd;
    }

    private static byte[] randomBytes(int n) {
        byte[] r = new byte[n];
        RANDOM.nextBytes(r);
        return r;
    }
}
