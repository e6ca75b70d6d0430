package dev.tern.security.dmarc;

import dev.tern.mail.MailAddress;
import dev.tern.security.dkim.HeaderField;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.dom.address.AddressList;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.address.DefaultAddressParser;
import org.apache.james.mime4j.field.address.ParseException;
import org.apache.james.mime4j.field.address.TokenMgrError;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Finds the author domain in a message's header fields (RFC 7489 §6.6.1), with Mime4j's RFC 5322
 * address parser: groups, quoted local parts, comments and encoded display names are its job.
 *
 * <p>A message has a usable author domain when it has exactly one {@code From:} field whose
 * addresses all have one and the same domain. RFC 7489 leaves several From fields and several
 * domains to the receiver; Tern reports them as a problem, and the caller decides (the SMTP receiver
 * may refuse such messages, as RFC 7489 §6.6.1 allows).
 */
final class AuthorDomains {

    private static final Pattern DOMAIN = Pattern.compile(
            "[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?(?:\\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?)*");

    private AuthorDomains() {
    }

    static AuthorDomain of(List<HeaderField> headers) {
        List<HeaderField> from = headers.stream().filter(f -> f.name().equals("from")).toList();
        if (from.isEmpty()) {
            return AuthorDomain.none("no From field");
        }
        if (from.size() > 1) {
            return AuthorDomain.none("several From fields");
        }
        List<Mailbox> mailboxes = mailboxes(from.get(0).value());
        if (mailboxes == null) {
            return AuthorDomain.none("From is not an address list");
        }
        if (mailboxes.isEmpty()) {
            return AuthorDomain.none("From has no address");
        }
        String domain = null;
        for (Mailbox m : mailboxes) {
            String d = normalize(m.getDomain());
            if (d == null) {
                return AuthorDomain.none(m.getDomain() == null || m.getDomain().isEmpty()
                        ? "From address has no domain" : "From domain is not a domain name: " + m.getDomain());
            }
            if (domain != null && !domain.equals(d)) {
                return AuthorDomain.none("From has addresses in several domains");
            }
            domain = d;
        }
        return AuthorDomain.of(domain);
    }

    /**
     * A domain in the form DMARC compares and looks up: lower case, A-labels, no final dot; null when
     * it is not a domain name (an address literal, stray characters).
     */
    static String normalize(String domain) {
        if (domain == null) {
            return null;
        }
        String d = domain.trim();
        if (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        d = MailAddress.toAsciiDomain(d).toLowerCase(Locale.ROOT);
        return !d.isEmpty() && d.length() <= 253 && DOMAIN.matcher(d).matches() ? d : null;
    }

    /** The mailboxes of an address list, groups flattened; null when the value is not one. */
    private static List<Mailbox> mailboxes(String rawValue) {
        // The field holds octets one char each: UTF-8 addresses (RFC 6532) become text again here.
        String value = new String(rawValue.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8)
                .replace("\r\n", "").trim();
        if (value.isEmpty()) {
            return List.of();
        }
        try {
            AddressList list = DefaultAddressParser.DEFAULT.parseAddressList(value, DecodeMonitor.SILENT);
            return list.flatten();
        } catch (ParseException | TokenMgrError | RuntimeException e) {
            return null;
        }
    }
}
