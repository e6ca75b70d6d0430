package dev.tern.mail;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The sender addresses an identity is limited to, in MAIL FROM and in the From: header: whole
 * domains ({@code @example.org}) and single addresses ({@code noreply@example.org}, which also
 * covers its {@code +tag} forms). SMTP credentials of applications carry one; accounts have none
 * (their senders are what they own, see {@code directory.SenderPolicy}).
 *
 * @param patterns address lookup keys and {@code @} + A-label domains, without duplicates
 */
public record SenderScope(List<String> patterns) {

    public SenderScope {
        patterns = List.copyOf(new LinkedHashSet<>(patterns));
        if (patterns.isEmpty()) {
            throw new IllegalArgumentException("a sender scope needs at least one address or @domain");
        }
    }

    /** A scope of addresses and {@code @domain}s as a person writes them; each is normalized. */
    public static SenderScope of(List<String> senders) {
        List<String> out = new ArrayList<>();
        for (String s : senders) {
            out.add(pattern(s));
        }
        return new SenderScope(out);
    }

    /** The scope as stored by {@link #format()}. */
    public static SenderScope parse(String stored) {
        return new SenderScope(List.of(stored.trim().split("\\s+")));
    }

    /** The patterns, space-separated. */
    public String format() {
        return String.join(" ", patterns);
    }

    /**
     * Whether the scope covers an address: its domain is in the scope, or the address itself,
     * or (with a recipient delimiter such as "+") the address without its tag.
     *
     * @param recipientDelimiter the plus-addressing separator, or empty when there is none
     */
    public boolean allows(MailAddress address, String recipientDelimiter) {
        if (patterns.contains("@" + address.asciiDomain()) || patterns.contains(address.key())) {
            return true;
        }
        return !recipientDelimiter.isEmpty()
                && patterns.contains(address.withoutTag(recipientDelimiter.charAt(0)).key());
    }

    /** The domains the scope names, A-labels, in order. */
    public Set<String> domains() {
        Set<String> out = new LinkedHashSet<>();
        for (String p : patterns) {
            out.add(p.substring(p.indexOf('@') + 1));
        }
        return out;
    }

    /** One sender in stored form: an address lookup key, or {@code @} and an A-label domain. */
    public static String pattern(String sender) {
        String s = sender.trim();
        try {
            if (s.startsWith("@")) {
                String domain = s.substring(1).toLowerCase(java.util.Locale.ROOT);
                domain = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
                return "@" + MailAddress.parse("x@" + domain).asciiDomain();
            }
            return MailAddress.parse(s).key();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("\"" + sender + "\" is neither an address nor @domain: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return format();
    }
}
