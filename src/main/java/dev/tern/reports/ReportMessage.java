package dev.tern.reports;

import dev.tern.mail.MailAddress;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A machine-readable report sent by mail, as the aggregate report formats ask (RFC 8460 §5.3,
 * RFC 7489 §7.2.1.1): a short text for people, then the report attached in base64 under a file
 * name, in a multipart whose type the format names. All ASCII: the names and addresses in it are
 * A-labels.
 *
 * @param multipartType for example {@code multipart/report; report-type="tlsrpt"}, or {@code multipart/mixed}
 * @param extraHeaders  fields after Subject, in order (TLS-Report-Domain …)
 */
public record ReportMessage(MailAddress from, List<MailAddress> to, ZonedDateTime date, String subject,
                            String messageId, List<Map.Entry<String, String>> extraHeaders, String multipartType, String text,
                            String attachmentType, String filename, byte[] attachment) {

    private static final SecureRandom RANDOM = new SecureRandom();

    public ReportMessage {
        to = List.copyOf(to);
        extraHeaders = List.copyOf(extraHeaders);
    }

    /** The message, CRLF line endings. */
    public byte[] bytes() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        String boundary = "report-" + HexFormat.of().formatHex(b);
        StringBuilder m = new StringBuilder();
        m.append("From: <").append(from).append(">\r\n");
        m.append("To: ").append(String.join(", ", to.stream().map(a -> "<" + a + ">").toList())).append("\r\n");
        m.append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(date)).append("\r\n");
        m.append("Subject: ").append(subject).append("\r\n");
        m.append("Message-ID: <").append(messageId).append(">\r\n");
        extraHeaders.forEach(h -> m.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n"));
        m.append("Auto-Submitted: auto-generated\r\n");
        m.append("MIME-Version: 1.0\r\n");
        m.append("Content-Type: ").append(multipartType).append("; boundary=\"").append(boundary).append("\"\r\n");
        m.append("\r\n");
        m.append("--").append(boundary).append("\r\n");
        m.append("Content-Type: text/plain; charset=us-ascii\r\n\r\n");
        m.append(text).append("\r\n\r\n");
        m.append("--").append(boundary).append("\r\n");
        m.append("Content-Type: ").append(attachmentType).append("\r\n");
        m.append("Content-Transfer-Encoding: base64\r\n");
        m.append("Content-Disposition: attachment; filename=\"").append(filename).append("\"\r\n\r\n");
        m.append(Base64.getMimeEncoder(76, new byte[]{'\r', '\n'}).encodeToString(attachment)).append("\r\n");
        m.append("--").append(boundary).append("--\r\n");
        return m.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
