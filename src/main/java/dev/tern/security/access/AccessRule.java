package dev.tern.security.access;

import dev.tern.mail.IpNetwork;
import dev.tern.mail.MailAddress;
import dev.tern.store.Rows;

import java.time.Instant;
import java.util.Locale;

/**
 * One access rule: a client network ({@code 203.0.113.7}, {@code 203.0.113.0/24},
 * {@code 2001:db8::/48}), a sender address ({@code user@example.org}) or a sender domain
 * ({@code example.org} or {@code @example.org}, subdomains included), or a recipient address or
 * domain written after {@code to:} ({@code to:noreply@example.org}, {@code to:example.org}), and
 * what is done to mail that matches it.
 *
 * @param pattern the normalised form: the network with its prefix length, the address's lookup
 *                key, the domain in A-labels; {@code to:} before a recipient's
 * @param note      why, in the operator's words; may be null
 * @param expiresAt when it stops applying by itself; null when it stays until deleted
 */
public record AccessRule(String pattern, Kind kind, Action action, String note, Instant createdAt,
                         Instant expiresAt) {

    /** Longest note kept. */
    public static final int MAX_NOTE = 500;

    /** What a rule matches. */
    public enum Kind {
        /** The address of the client that connects. */
        CLIENT,
        /** The envelope sender (MAIL FROM): an address, or every address of a domain. */
        SENDER,
        /** An envelope recipient (RCPT TO): an address, or every address of a domain. */
        RECIPIENT
    }

    /** What a recipient rule's pattern starts with. */
    public static final String RECIPIENT_PREFIX = "to:";

    /** What a rule does to what it matches. */
    public enum Action {
        /**
         * A client is refused at connection ({@code 554 5.7.1}); a sender at MAIL
         * ({@code 550 5.7.1}); a recipient at its RCPT ({@code 550 5.7.1}).
         */
        REJECT,
        /**
         * A client skips the block lists, greylisting and the per-address rate limits; a sender
         * skips greylisting; a recipient skips the block lists and greylisting for mail to it.
         */
        ALLOW;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** {@code reject} or {@code allow}. */
        public static Action of(String word) {
            for (Action a : values()) {
                if (a.word().equals(word)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("\"" + word + "\" is not an action: reject or allow");
        }
    }

    /**
     * The rule for what an operator typed.
     *
     * @throws IllegalArgumentException saying what is wrong with the pattern or the note
     */
    public static AccessRule of(String text, Action action, String note, Instant createdAt, Instant expiresAt) {
        if (note != null && note.length() > MAX_NOTE) {
            throw new IllegalArgumentException("the note is longer than " + MAX_NOTE + " characters");
        }
        if (note != null && note.chars().anyMatch(c -> c < 32 || c == 127)) {
            throw new IllegalArgumentException("the note has control characters");
        }
        String t = text == null ? "" : text.trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty pattern: give a client network (203.0.113.0/24), "
                    + "a sender address (user@example.org) or domain (example.org), "
                    + "or a recipient address or domain after to: (to:user@example.org)");
        }
        if (t.regionMatches(true, 0, RECIPIENT_PREFIX, 0, RECIPIENT_PREFIX.length())) {
            String r = t.substring(RECIPIENT_PREFIX.length()).trim();
            return new AccessRule(RECIPIENT_PREFIX + addressOrDomain(r, text), Kind.RECIPIENT, action, note,
                    createdAt, expiresAt);
        }
        if (t.startsWith("@") || t.contains("@")) {
            return new AccessRule(addressOrDomain(t, text), Kind.SENDER, action, note, createdAt, expiresAt);
        }
        if (t.contains(":") || t.contains("/") || t.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
            IpNetwork network = IpNetwork.parse(t);
            return new AccessRule(network.toString(), Kind.CLIENT, action, note, createdAt, expiresAt);
        }
        return new AccessRule(domain(t, text), Kind.SENDER, action, note, createdAt, expiresAt);
    }

    /** The lookup key of an address, or a domain ({@code example.org} or {@code @example.org}) in A-labels. */
    private static String addressOrDomain(String t, String text) {
        if (t.startsWith("@")) {
            return domain(t.substring(1), text);
        }
        if (t.contains("@")) {
            try {
                return MailAddress.parse(t).key();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("\"" + text + "\" is not an address: " + e.getMessage());
            }
        }
        return domain(t, text);
    }

    private static String domain(String d, String text) {
        if (!d.contains(".")) {
            throw new IllegalArgumentException("\"" + text + "\" is not a domain such as example.org");
        }
        try {
            MailAddress.checkDomain(d);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not a domain: " + e.getMessage());
        }
        if (d.startsWith("[")) {
            throw new IllegalArgumentException("\"" + text + "\" is an address literal: give the network instead");
        }
        return MailAddress.toAsciiDomain(d);
    }

    static AccessRule fromRow(Rows.AccessRule r) {
        return new AccessRule(r.pattern(), Kind.valueOf(r.kind().toUpperCase(Locale.ROOT)), Action.of(r.action()),
                r.note(), r.createdAt(), r.expiresAt());
    }

    Rows.AccessRule toRow() {
        return new Rows.AccessRule(pattern, kind.name().toLowerCase(Locale.ROOT), action.word(), note, createdAt,
                expiresAt);
    }
}
