package dev.tern.sieve;

import org.apache.james.mime4j.codec.EncoderUtil;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * Whether a vacation action answers a message, and the answer (RFC 5230 §4.5 and §5, RFC 3834).
 * A reply never goes to the null sender, to list or automatic mail, to the user's own mail, or
 * to mail that was not addressed to the user by name (a Bcc from a list, say); it goes from the
 * null reverse path, marked {@code Auto-Submitted: auto-replied}, so that whatever answers it does
 * not answer back.
 */
public final class VacationReply {

    private static final Set<String> LIST_FIELDS = Set.of("list-id", "list-help", "list-subscribe",
            "list-unsubscribe", "list-post", "list-owner", "list-archive");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

    private VacationReply() {
    }

    /**
     * Why this message gets no reply, or null when it may get one.
     *
     * @param userAddresses the user's addresses, lower case: the account's, the recipient's as
     *                      the envelope gave it, and the vacation's {@code :addresses}
     */
    public static String refusal(FilteredMessage message, Set<String> userAddresses) {
        String sender = message.envelopeFrom().toLowerCase(Locale.ROOT);
        if (sender.isEmpty()) {
            return "the null sender";
        }
        int at = sender.lastIndexOf('@');
        String local = at < 0 ? sender : sender.substring(0, at);
        if (local.equals("mailer-daemon") || local.equals("listserv") || local.equals("majordomo")
                || local.startsWith("owner-") || local.endsWith("-request")) {
            return "an automatic sender";
        }
        if (userAddresses.contains(sender)) {
            return "the user's own mail";
        }
        String autoSubmitted = message.first("auto-submitted");
        if (autoSubmitted != null && !autoSubmitted.strip().toLowerCase(Locale.ROOT).startsWith("no")) {
            return "automatic mail (Auto-Submitted)";
        }
        for (String name : LIST_FIELDS) {
            if (message.first(name) != null) {
                return "list mail (" + name + ")";
            }
        }
        String precedence = message.first("precedence");
        if (precedence != null && Set.of("bulk", "list", "junk").contains(precedence.strip().toLowerCase(Locale.ROOT))) {
            return "bulk mail (Precedence)";
        }
        String suppress = message.first("x-auto-response-suppress");
        if (suppress != null) {
            String s = suppress.toLowerCase(Locale.ROOT);
            if (s.contains("all") || s.contains("oof")) {
                return "X-Auto-Response-Suppress";
            }
        }
        List<String> named = message.addressesIn("to", "cc", "bcc", "resent-to", "resent-cc", "resent-bcc");
        if (named.stream().noneMatch(userAddresses::contains)) {
            return "not addressed to the user";
        }
        return null;
    }

    /**
     * The reply, as it enters the queue.
     *
     * @param from the From field's address (one of the user's)
     * @param to   the original envelope sender
     */
    public static byte[] compose(VacationRequest vacation, FilteredMessage original, String from, String to,
                                 String hostname, Instant now) {
        StringBuilder m = new StringBuilder();
        m.append("From: ").append(from).append("\r\n");
        m.append("To: <").append(to).append(">\r\n");
        String subject = vacation.subject() != null ? vacation.subject()
                : "Auto: " + (original.first("subject") == null || original.first("subject").isBlank()
                ? "(no subject)" : original.first("subject"));
        m.append("Subject: ").append(encode(oneLine(subject))).append("\r\n");
        m.append("Date: ").append(DATE.format(now.atOffset(ZoneOffset.UTC))).append("\r\n");
        m.append("Message-ID: <").append(UUID.randomUUID()).append('@').append(hostname).append(">\r\n");
        String messageId = original.first("message-id");
        if (messageId != null && !messageId.isBlank()) {
            String id = oneLine(messageId).strip();
            m.append("In-Reply-To: ").append(id).append("\r\n");
            String references = original.first("references");
            m.append("References: ").append(references == null ? "" : oneLine(references).strip() + " ")
                    .append(id).append("\r\n");
        }
        m.append("Auto-Submitted: auto-replied (vacation)\r\n");
        m.append("Precedence: bulk\r\n");
        m.append("MIME-Version: 1.0\r\n");
        String reason = crlf(vacation.reason() == null ? "" : vacation.reason());
        if (vacation.mime()) {
            m.append(mimeEntity(reason));
        } else if (isPlainAscii(reason)) {
            m.append("Content-Type: text/plain; charset=us-ascii\r\n");
            m.append("Content-Transfer-Encoding: 7bit\r\n\r\n");
            m.append(reason);
        } else {
            m.append("Content-Type: text/plain; charset=utf-8\r\n");
            m.append("Content-Transfer-Encoding: base64\r\n\r\n");
            m.append(Base64.getMimeEncoder(76, new byte[]{'\r', '\n'})
                    .encodeToString(reason.getBytes(StandardCharsets.UTF_8)));
        }
        if (m.charAt(m.length() - 1) != '\n') {
            m.append("\r\n");
        }
        return m.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A {@code :mime} reason as the reply's body part: its own MIME fields (Content-*), a blank
     * line, its body. Other fields a script writes there are left out: they would land in the
     * reply's header, beside the From and To that Tern sets (a second From, a Bcc…).
     */
    static String mimeEntity(String reason) {
        String entity = reason.startsWith("\r\n") ? reason.substring(2) : reason;
        int end = entity.indexOf("\r\n\r\n");
        // without a blank line there is no header section: all of it is the body
        String header = end < 0 ? "" : entity.substring(0, end + 2);
        String body = end < 0 ? entity : entity.substring(end + 4);
        StringBuilder kept = new StringBuilder();
        boolean keeping = false;
        for (String line : header.split("\r\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                if (keeping) {
                    kept.append(line).append("\r\n");   // a folded continuation of a kept field
                }
                continue;
            }
            keeping = line.regionMatches(true, 0, "content-", 0, 8) && line.indexOf(':') > 8;
            if (keeping) {
                kept.append(line).append("\r\n");
            }
        }
        if (kept.isEmpty()) {
            kept.append("Content-Type: text/plain; charset=utf-8\r\n");
        }
        return kept + "\r\n" + body;
    }

    /** A header field's text, as RFC 2047 encoded words when it is not plain ASCII. */
    static String encode(String text) {
        return EncoderUtil.hasToBeEncoded(text, 0)
                ? EncoderUtil.encodeEncodedWord(text, EncoderUtil.Usage.TEXT_TOKEN)
                : text;
    }

    private static String oneLine(String text) {
        return text.replaceAll("[\\r\\n]+", " ");
    }

    private static String crlf(String text) {
        return dev.tern.message.LineEnds.crlf(text);
    }

    /** ASCII text whose lines fit SMTP's 998 octets: it goes as it is. */
    private static boolean isPlainAscii(String text) {
        for (String line : text.split("\r\n", -1)) {
            if (line.length() > 998) {
                return false;
            }
        }
        return text.chars().allMatch(c -> c < 0x80 && c != 0);
    }
}
