package dev.tern.mailbox;

import java.util.Locale;
import java.util.Optional;

/** The system flags of RFC 3501 §2.3.2 (\Recent is not stored: see docs/adr/0010-mailbox-layer.md). */
public enum SystemFlag {
    SEEN("\\Seen", 1),
    ANSWERED("\\Answered", 2),
    FLAGGED("\\Flagged", 4),
    DELETED("\\Deleted", 8),
    DRAFT("\\Draft", 16);

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
        String n = name.toLowerCase(Locale.ROOT);
        for (SystemFlag f : values()) {
            if (f.imapName.toLowerCase(Locale.ROOT).equals(n)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
