package dev.tern.sieve;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import java.util.UUID;

/**
 * The mail a mailto notification sends (RFC 5436 §2.7): from the user, to the URI's addresses,
 * marked {@code Auto-Submitted: auto-notified} so that no filter answers it. Its subject is the
 * URI's, else the script's {@code :message}, else the default, "[New mail] " and who wrote the
 * message about what; its body the URI's, else that text with the message's From, Subject and Date.
 */
public final class NotifyMessage {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

    private NotifyMessage() {
    }

    /**
     * Whether no notification may go for this message, and why (RFC 5436 §2.7: none about mail a
     * machine sent, so that two filters cannot notify each other without end); null when it may.
     */
    public static String refusal(FilteredMessage message) {
        String autoSubmitted = message.first("auto-submitted");
        if (autoSubmitted != null && !autoSubmitted.strip().toLowerCase(Locale.ROOT).startsWith("no")) {
            return "automatic mail (Auto-Submitted)";
        }
        return null;
    }

    /** The notification's content. */
    public static byte[] compose(NotifyRequest request, FilteredMessage original, String from, String hostname,
                                 Instant now) {
        String about = oneLine(original.first("from") == null ? original.envelopeFrom() : original.first("from"));
        String subject = oneLine(original.first("subject") == null ? "(no subject)" : original.first("subject"));
        String text = request.message() != null ? request.message() : "[New mail] " + about + ": " + subject;
        StringBuilder m = new StringBuilder();
        m.append("From: ").append(from).append("\r\n");
        m.append("To: ").append(String.join(", ", request.recipients().stream().map(r -> "<" + r + ">").toList()))
                .append("\r\n");
        m.append("Subject: ").append(VacationReply.encode(oneLine(request.subject() != null ? request.subject() : text)))
                .append("\r\n");
        m.append("Date: ").append(DATE.format(now.atOffset(ZoneOffset.UTC))).append("\r\n");
        m.append("Message-ID: <").append(UUID.randomUUID()).append('@').append(hostname).append(">\r\n");
        m.append("Auto-Submitted: auto-notified\r\n");
        m.append("Precedence: bulk\r\n");
        if (!request.importance().equals("2")) {
            m.append("Importance: ").append(request.importance().equals("1") ? "high" : "low").append("\r\n");
        }
        m.append("MIME-Version: 1.0\r\n");
        String body = request.body() != null ? request.body()
                : text + "\n\nFrom: " + about + "\nSubject: " + subject
                + (original.first("date") == null ? "" : "\nDate: " + oneLine(original.first("date"))) + "\n";
        body = dev.tern.message.LineEnds.crlf(body);
        m.append("Content-Type: text/plain; charset=utf-8\r\n");
        m.append("Content-Transfer-Encoding: base64\r\n\r\n");
        m.append(Base64.getMimeEncoder(76, new byte[]{'\r', '\n'}).encodeToString(body.getBytes(StandardCharsets.UTF_8)))
                .append("\r\n");
        return m.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String oneLine(String text) {
        return text.replaceAll("[\\r\\n]+[ \\t]*", " ").strip();
    }
}
