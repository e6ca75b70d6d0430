package dev.tern.delivery.tlsrpt;

import dev.tern.mail.MailAddress;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A domain's SMTP TLS reporting record (RFC 8460 §3), the TXT record at {@code _smtp._tls.DOMAIN}:
 * {@code v=TLSRPTv1; rua=mailto:tlsrpt@example.com,https://reports.example.com/tlsrpt}.
 *
 * @param mailto the addresses of its {@code mailto:} URIs
 * @param https  its {@code https:} URIs, as written
 */
public record TlsRptRecord(List<MailAddress> mailto, List<String> https) {

    private static final String VERSION = "v=TLSRPTv1";
    /**
     * Addresses of each kind used at most: the record is a stranger's, and a long list would make
     * this server send its reports, under its name, to whoever that stranger lists.
     */
    static final int MAX_URIS = 5;

    /**
     * The record among a name's TXT strings, or null: none, or more than one, begin with
     * {@code v=TLSRPTv1} (the domain then does not ask for reports, §3), or it names no usable URI.
     */
    public static TlsRptRecord parse(List<String> txt) {
        List<String> candidates = new ArrayList<>();
        for (String t : txt) {
            String s = t.strip();
            if (s.startsWith(VERSION) && (s.length() == VERSION.length() || s.substring(VERSION.length()).strip().startsWith(";"))) {
                candidates.add(s);
            }
        }
        if (candidates.size() != 1) {
            return null;
        }
        List<MailAddress> mailto = new ArrayList<>();
        List<String> https = new ArrayList<>();
        String[] fields = candidates.get(0).substring(VERSION.length()).split(";");
        for (String field : fields) {
            String f = field.strip();
            if (!f.startsWith("rua=")) {
                continue;   // extensions are ignored (§3)
            }
            for (String uri : f.substring(4).split(",")) {
                String u = uri.strip();
                String lower = u.toLowerCase(Locale.ROOT);
                if (lower.startsWith("mailto:")) {
                    MailAddress a = address(u.substring(7));
                    if (a != null && !mailto.contains(a) && mailto.size() < MAX_URIS) {
                        mailto.add(a);
                    }
                } else if (lower.startsWith("https://") && !https.contains(u) && https.size() < MAX_URIS) {
                    https.add(u);
                }
            }
        }
        return mailto.isEmpty() && https.isEmpty() ? null : new TlsRptRecord(List.copyOf(mailto), List.copyOf(https));
    }

    private static MailAddress address(String text) {
        int query = text.indexOf('?');   // mailto:a@b?subject=… — only the address counts
        String a = query >= 0 ? text.substring(0, query) : text;
        try {
            return MailAddress.parse(URLDecoder.decode(a.replace("+", "%2B"), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
