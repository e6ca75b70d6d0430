package dev.tern.mailbox;

/**
 * A set of the rights of RFC 4314 §2.1 that an account has on a mailbox:
 * {@code l} lookup, {@code r} read, {@code s} keep seen, {@code w} write other flags, {@code i}
 * insert, {@code p} post, {@code k} create children, {@code x} delete the mailbox, {@code t}
 * delete messages (\Deleted), {@code e} expunge, {@code a} administer (the access control list).
 * Written in that order. RFC 2086's {@code c} is read as {@code k} and {@code d} as {@code xte}
 * (§2.1.1); both are written back, as Dovecot does, when all they stand for is there.
 */
public final class MailboxRights {

    /** The rights in the order they are written. */
    public static final String LETTERS = "lrswipkxtea";

    public static final MailboxRights NONE = new MailboxRights(0);
    /** What the owner of a mailbox has. */
    public static final MailboxRights ALL = new MailboxRights((1 << LETTERS.length()) - 1);

    private final int bits;

    private MailboxRights(int bits) {
        this.bits = bits;
    }

    /**
     * The rights a string of letters names (lower case, any order, {@code c} and {@code d} as above).
     *
     * @throws IllegalArgumentException naming the first letter that is no right
     */
    public static MailboxRights parse(String letters) {
        int bits = 0;
        for (int i = 0; i < letters.length(); i++) {
            char c = letters.charAt(i);
            bits |= switch (c) {
                case 'c' -> bit('k');
                case 'd' -> bit('x') | bit('t') | bit('e');
                default -> {
                    int at = LETTERS.indexOf(c);
                    if (at < 0) {
                        throw new IllegalArgumentException(Character.isUpperCase(c)
                                ? "rights are lower-case letters" : "\"" + printable(c) + "\" is no right (rights: "
                                + LETTERS + ")");
                    }
                    yield 1 << at;
                }
            };
        }
        return new MailboxRights(bits);
    }

    private static String printable(char c) {
        return c >= 0x21 && c < 0x7f ? String.valueOf(c) : String.format("U+%04X", (int) c);
    }

    private static int bit(char right) {
        return 1 << LETTERS.indexOf(right);
    }

    /** True when the set holds {@code right}, one of {@link #LETTERS}. */
    public boolean has(char right) {
        int at = LETTERS.indexOf(right);
        if (at < 0) {
            throw new IllegalArgumentException("no right " + right);
        }
        return (bits & (1 << at)) != 0;
    }

    public boolean isEmpty() {
        return bits == 0;
    }

    public MailboxRights plus(MailboxRights other) {
        return new MailboxRights(bits | other.bits);
    }

    public MailboxRights minus(MailboxRights other) {
        return new MailboxRights(bits & ~other.bits);
    }

    /**
     * RFC 4314 §5.2: a mailbox opens read-write when the user may insert, expunge or change some
     * flag (all flags are shared between the users of a mailbox here).
     */
    public boolean writable() {
        return has('i') || has('e') || has('s') || has('w') || has('t');
    }

    /** As stored: the letters of {@link #LETTERS} that are in the set, in that order. */
    public String letters() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < LETTERS.length(); i++) {
            if ((bits & (1 << i)) != 0) {
                out.append(LETTERS.charAt(i));
            }
        }
        return out.toString();
    }

    /** As IMAP answers (MYRIGHTS, ACL): {@link #letters()}, then {@code c} and {@code d} when all they stand for is in. */
    public String withObsoleteLetters() {
        String out = letters();
        if (has('k')) {
            out += "c";
        }
        if (has('x') && has('t') && has('e')) {
            out += "d";
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MailboxRights r && r.bits == bits;
    }

    @Override
    public int hashCode() {
        return bits;
    }

    @Override
    public String toString() {
        return letters();
    }
}
