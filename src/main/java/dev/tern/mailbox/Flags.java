package dev.tern.mailbox;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The flags of a message: system flags and keywords (RFC 3501 §2.3.2). Immutable. Keywords compare
 * without regard to case, as IMAP wants, and keep the spelling they were first given.
 *
 * <p>Stored as a bit set for the system flags and a space-separated, sorted text for keywords, so
 * that a mailbox's unseen and deleted counts come from one query.
 */
public final class Flags {

    public static final Flags NONE = new Flags(0, new TreeSet<>(String.CASE_INSENSITIVE_ORDER));

    /** Longest keyword accepted; IMAP sets no limit, clients never need more. */
    static final int MAX_KEYWORD = 100;

    private final int system;
    private final SortedSet<String> keywords;

    private Flags(int system, SortedSet<String> keywords) {
        this.system = system;
        this.keywords = keywords;
    }

    /** Flags from their IMAP names: system flags with their backslash, keywords as atoms. */
    public static Flags of(String... names) {
        return of(List.of(names));
    }

    /**
     * @throws IllegalArgumentException for an unknown system flag ({@code \Recent} included: it
     *                                  cannot be set) or a keyword that is not an IMAP atom
     */
    public static Flags of(Collection<String> names) {
        int system = 0;
        SortedSet<String> keywords = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        for (String name : names) {
            if (name.startsWith("\\")) {
                system |= SystemFlag.named(name)
                        .orElseThrow(() -> new IllegalArgumentException("not a flag that can be set: " + name)).bit();
            } else {
                checkKeyword(name);
                keywords.add(name);
            }
        }
        return new Flags(system, keywords);
    }

    public static Flags of(SystemFlag... flags) {
        int system = 0;
        for (SystemFlag f : flags) {
            system |= f.bit();
        }
        return new Flags(system, NONE.keywords);
    }

    /** Flags as stored: the system flag bits and the keyword text. */
    public static Flags fromStored(int systemBits, String keywordText) {
        if (keywordText == null || keywordText.isBlank()) {
            return new Flags(systemBits, NONE.keywords);    // most messages: no set of their own
        }
        SortedSet<String> keywords = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        if (keywordText != null && !keywordText.isBlank()) {
            Collections.addAll(keywords, keywordText.trim().split(" +"));
        }
        return new Flags(systemBits, keywords);
    }

    private static void checkKeyword(String k) {
        if (k.isEmpty() || k.length() > MAX_KEYWORD) {
            throw new IllegalArgumentException("not a keyword: \"" + k + "\"");
        }
        for (int i = 0; i < k.length(); i++) {
            char c = k.charAt(i);
            // atom-specials of RFC 3501 §9, and non-ASCII
            if (c <= 0x20 || c >= 0x7f || "(){%*\"\\]".indexOf(c) >= 0) {
                throw new IllegalArgumentException("not a keyword: \"" + k + "\"");
            }
        }
    }

    public boolean has(SystemFlag flag) {
        return (system & flag.bit()) != 0;
    }

    public boolean hasKeyword(String keyword) {
        return keywords.contains(keyword);
    }

    /** The system flags as stored. */
    public int systemBits() {
        return system;
    }

    /** The keywords as stored: sorted, space-separated. */
    public String keywordText() {
        return String.join(" ", keywords);
    }

    /** Whether any keyword is set (most messages have none). */
    public boolean hasKeywords() {
        return !keywords.isEmpty();
    }

    public SortedSet<String> keywords() {
        return Collections.unmodifiableSortedSet(keywords);
    }

    /** Every flag's IMAP name: the system flags in a fixed order, then the keywords. */
    public List<String> names() {
        List<String> out = new ArrayList<>();
        for (SystemFlag f : SystemFlag.VALUES) {
            if (has(f)) {
                out.add(f.imapName());
            }
        }
        out.addAll(keywords);
        return out;
    }

    public Flags plus(Flags other) {
        SortedSet<String> k = new TreeSet<>(keywords);
        k.addAll(other.keywords);
        return new Flags(system | other.system, k);
    }

    public Flags minus(Flags other) {
        SortedSet<String> k = new TreeSet<>(keywords);
        k.removeAll(other.keywords);
        return new Flags(system & ~other.system, k);
    }

    /** The result of a STORE with this operation on these flags. */
    public Flags apply(FlagOperation op, Flags operand) {
        return switch (op) {
            case ADD -> plus(operand);
            case REMOVE -> minus(operand);
            case REPLACE -> operand;
        };
    }

    public boolean isEmpty() {
        return system == 0 && keywords.isEmpty();
    }

    /** The right RFC 4314 §4 asks for to change a system flag: {@code s} for \Seen, {@code t} for \Deleted, else {@code w}. */
    public static char rightFor(SystemFlag flag) {
        return flag == SystemFlag.SEEN ? 's' : flag == SystemFlag.DELETED ? 't' : 'w';
    }

    /**
     * These flags where {@code rights} let a user change them, {@code before} where they do not
     * (RFC 4314 §4): \Seen needs {@code s}, \Deleted {@code t}, every other flag and keyword {@code w}.
     */
    public Flags within(MailboxRights rights, Flags before) {
        if (rights.equals(MailboxRights.ALL)) {
            return this;
        }
        int mask = 0;
        for (SystemFlag f : SystemFlag.VALUES) {
            if (rights.has(rightFor(f))) {
                mask |= f.bit();
            }
        }
        int bits = (system & mask) | (before.system & ~mask);
        return new Flags(bits, rights.has('w') ? keywords : before.keywords);
    }

    /** The flags of these a user with {@code rights} may set or clear. */
    public Flags changeableWith(MailboxRights rights) {
        return within(rights, NONE);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Flags f && f.system == system && lowerCase(f.keywords).equals(lowerCase(keywords));
    }

    @Override
    public int hashCode() {
        return 31 * system + lowerCase(keywords).hashCode();
    }

    private static List<String> lowerCase(SortedSet<String> s) {
        return s.stream().map(k -> k.toLowerCase(Locale.ROOT)).toList();
    }

    @Override
    public String toString() {
        return "(" + String.join(" ", names()) + ")";
    }
}
