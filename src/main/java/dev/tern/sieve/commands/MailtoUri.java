package dev.tern.sieve.commands;

import dev.tern.mail.MailAddress;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A {@code mailto:} URI (RFC 6068) as the mailto notification method reads it (RFC 5436): the
 * addresses to notify (those before the {@code ?} and in {@code to} and {@code cc} fields), and
 * the {@code subject} and {@code body} it asks for. Other header fields it names are left out
 * (RFC 5436 §2.2: a script may not set From, Auto-Submitted or trace fields this way).
 *
 * @param recipients the addresses, each a valid mailbox address
 * @param subject    the subject it gives, or null
 * @param body       the body it gives, or null
 */
public record MailtoUri(List<String> recipients, String subject, String body) {

    /** Addresses one notification may go to. */
    static final int MAX_RECIPIENTS = 8;

    /**
     * Reads the URI.
     *
     * @throws IllegalArgumentException when it is no mailto URI, or names no valid address
     */
    public static MailtoUri parse(String uri) {
        if (uri.length() < 7 || !uri.substring(0, 7).equalsIgnoreCase("mailto:")) {
            throw new IllegalArgumentException("not a mailto: URI");
        }
        String rest = uri.substring(7);
        int q = rest.indexOf('?');
        String path = q < 0 ? rest : rest.substring(0, q);
        List<String> recipients = new ArrayList<>();
        addAddresses(path, recipients);
        String subject = null;
        String body = null;
        if (q >= 0) {
            for (String field : rest.substring(q + 1).split("&")) {
                int eq = field.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("\"" + field + "\" is no header field");
                }
                String name = decode(field.substring(0, eq)).toLowerCase(Locale.ROOT);
                String value = field.substring(eq + 1);
                switch (name) {
                    case "to", "cc" -> addAddresses(value, recipients);
                    case "subject" -> subject = decode(value);
                    case "body" -> body = decode(value);
                    default -> {
                        // other fields are not the script's to set (RFC 5436 §2.2)
                    }
                }
            }
        }
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("no address to notify");
        }
        if (recipients.size() > MAX_RECIPIENTS) {
            throw new IllegalArgumentException("more than " + MAX_RECIPIENTS + " addresses");
        }
        return new MailtoUri(List.copyOf(recipients), subject, body);
    }

    /** Whether the text is a mailto URI that can be used. */
    public static boolean valid(String uri) {
        try {
            parse(uri);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void addAddresses(String encoded, List<String> out) {
        if (encoded.isEmpty()) {
            return;
        }
        for (String part : encoded.split(",")) {
            String address = decode(part).strip();
            if (address.isEmpty()) {
                continue;
            }
            try {
                MailAddress.parse(address);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("\"" + address + "\" is not an address");
            }
            if (!out.contains(address)) {
                out.add(address);
            }
        }
    }

    /** Percent-decodes UTF-8 (RFC 3986 §2.1; a "+" is a plus, RFC 6068 §5); a bad escape is refused. */
    static String decode(String text) {
        try {
            return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad percent escape in \"" + text + "\"");
        }
    }

    /** Percent-encodes all but RFC 3986's unreserved characters, as set's {@code :encodeurl} does (RFC 5435 §6). */
    public static String encode(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
                    || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }
}
