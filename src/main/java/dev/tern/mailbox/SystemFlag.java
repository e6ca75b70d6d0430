package dev.tern.mailbox;

import java.util.Optional;

/** The system flags of RFC 3501 §2.3.2 (\Recent is not stored: see docs/adr/0010-mailbox-layer.md). */
public enum SystemFlag {
    SEEN("\\Seen", 1),
    ANSWERED("\\Answered", 2),
    FLAGGED("\\Flagged", 4),
    DELETED("\\Deleted", 8),
    DRAFT("\\Draft", 16);

    /** {@link #values()} copies its array at each call; a search asks for each message. Not to be changed. */
    static final SystemFlag[] VALUES = values();

    private final String imapName;
    private final int bit;

    SystemFlag(String imapName, int bit) {
        this.imapName = imapName;
        this.bit = bit;
    }

    /** The name as IMAP writes it, backslash included. */
    public String imapName() {
        return imapName;
    }

    /** The flag's bit in the stored {@code system_flags} column. */
    public int bit() {
        return bit;
    }

    /** The flag of an IMAP name, compared without regard to case ({@code \SEEN} is {@code \Seen}). */
    public static Optional<SystemFlag> named(String name) {
        for (SystemFlag f : VALUES) {
            if (f.imapName.equals(name)) {    // as written here, as clients mostly do: the cheap test first
                return Optional.of(f);
            }
        }
        for (SystemFlag f : VALUES) {
            if (f.imapName.equalsIgnoreCase(name)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
