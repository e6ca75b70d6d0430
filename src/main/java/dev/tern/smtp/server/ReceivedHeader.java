package dev.tern.smtp.server;

import dev.tern.mail.IpAddresses;
import dev.tern.mail.MailAddress;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The Received trace header the server puts first in every message (RFC 5321 §4.4, folded as
 * RFC 5322 §3.2.2 allows), with TLS and authentication in comments as Postfix writes them:
 * <pre>
 * Received: from HELO (NAME [1.2.3.4])
 *         (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384)
 *         (Authenticated sender: user@example.com)
 *         by HOSTNAME (Tern) with ESMTPSA id QUEUEID
 *         for &lt;rcpt@example.com&gt;; Sun, 29 Nov 2026 01:47:26 +0000
 * </pre>
 * The {@code for} clause appears only for a single recipient (it would otherwise disclose the
 * other recipients); NAME is the client's host name when reverse DNS gave one that forward DNS
 * confirms, else absent; {@code with} is the RFC 3848 / RFC 6531 §3.7.3 protocol keyword. The HELO
 * name is the client's word, so it is reduced to characters that cannot break the header. When the
 * client is hidden ({@code [submission] hide_client_ip}) the {@code from} clause is left out, so
 * the header starts with {@code by}.
 */
final class ReceivedHeader {

    private static final int MAX_HELO = 255;
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH);

    /** A date as formatted, for the second and offset it was formatted for. */
    private record FormattedDate(long epochSecond, java.time.ZoneOffset offset, String text) {
    }

    /**
     * The last date formatted: messages received in the same second share it (formatting one cost
     * more than the rest of the header). Any event loop may replace it; each reads a whole record.
     */
    private static volatile FormattedDate lastDate = new FormattedDate(Long.MIN_VALUE, java.time.ZoneOffset.UTC, "");

    /**
     * Where a message came from.
     *
     * @param verifiedName the client's host name confirmed by reverse and forward DNS, or null
     * @param tls      "TLSv1.3 with cipher …", or null without TLS
     * @param authUser the authenticated identity, or null
     * @param hidden   leave out the HELO name and address
     */
    record Origin(String helo, InetAddress client, String verifiedName, String tls, String authUser, boolean hidden) {
    }

    private ReceivedHeader() {
    }

    static String format(String helo, InetAddress client, String hostname, String protocol, String queueId,
                         MailAddress onlyRecipient, ZonedDateTime when) {
        return format(new Origin(helo, client, null, null, null, false), hostname, protocol, queueId, onlyRecipient, when);
    }

    static String format(Origin origin, String hostname, String protocol, String queueId, MailAddress onlyRecipient,
                         ZonedDateTime when) {
        StringBuilder sb = new StringBuilder(256);
        String sep = "Received: ";
        if (!origin.hidden()) {
            sb.append(sep).append("from ").append(safeHelo(origin.helo()));
            // A client on a Unix socket has no address: the TCP-info of RFC 5321 §4.4 is left out.
            if (origin.client() != null) {
                sb.append(" (");
                if (origin.verifiedName() != null) {
                    sb.append(safeHelo(origin.verifiedName())).append(' ');
                }
                sb.append(addressLiteral(origin.client())).append(')');
            }
            sep = "\r\n\t";
        }
        if (origin.tls() != null) {
            sb.append(sep).append("(using ").append(SmtpReply.printable(origin.tls())).append(')');
            sep = "\r\n\t";
        }
        if (origin.authUser() != null) {
            sb.append(sep).append("(Authenticated sender: ").append(safeComment(origin.authUser())).append(')');
            sep = "\r\n\t";
        }
        sb.append(sep).append("by ").append(hostname).append(" (Tern) with ").append(protocol).append(" id ").append(queueId);
        if (onlyRecipient != null) {
            sb.append("\r\n\tfor <").append(onlyRecipient).append(">; ");
        } else {
            sb.append(";\r\n\t");
        }
        sb.append(date(when)).append("\r\n");
        return sb.toString();
    }

    /** The RFC 5322 date-time of {@code when}, to the second, as {@link #DATE} formats it. */
    static String date(ZonedDateTime when) {
        FormattedDate last = lastDate;
        long second = when.toEpochSecond();
        if (last.epochSecond() == second && last.offset().equals(when.getOffset())) {
            return last.text();
        }
        String text = DATE.format(when);
        lastDate = new FormattedDate(second, when.getOffset(), text);
        return text;
    }

    /** RFC 5321 §4.1.3: {@code [1.2.3.4]} or {@code [IPv6:…]}. */
    static String addressLiteral(InetAddress address) {
        if (address == null) {
            return "unknown";
        }
        // RFC 5952's form (::1, 2001:db8::1), without a zone: what Postfix writes and people grep for.
        String ip = IpAddresses.format(address);
        return address instanceof Inet6Address ? "[IPv6:" + ip + "]" : "[" + ip + "]";
    }

    /** Text that cannot end the comment or the header: no parentheses, backslashes or controls. */
    private static String safeComment(String text) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length() && sb.length() < MAX_HELO; i++) {
            char c = text.charAt(i);
            sb.append(c < 33 || c > 126 || c == '(' || c == ')' || c == '\\' ? '_' : c);
        }
        return sb.toString();
    }

    private static String safeHelo(String helo) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < helo.length() && sb.length() < MAX_HELO; i++) {
            char c = helo.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || ".-_:[]".indexOf(c) >= 0;
            sb.append(ok ? c : '_');
        }
        return sb.toString();
    }
}
