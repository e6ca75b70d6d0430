package dev.tern.sieve.commands;

import dev.tern.mailbox.Flags;

import java.util.List;

/**
 * Flags as a script writes them (RFC 5232 §3): a list of strings, each holding one or more flag
 * names separated by spaces. System flags are {@code \Seen}, {@code \Answered}, {@code \Flagged},
 * {@code \Deleted} and {@code \Draft}, in any case; any other name that is an IMAP atom is a
 * keyword.
 */
final class FlagStrings {

    private FlagStrings() {
    }

    /**
     * The valid flags among the names. An invalid one (another backslash name, {@code \Recent}
     * included, or a name with characters an IMAP atom may not hold) is left out, as RFC 5232 §3
     * asks, rather than failing the script and with it the user's filing.
     */
    static Flags parse(List<String> strings) {
        Flags flags = Flags.NONE;
        for (String s : strings) {
            for (String name : s.split(" ")) {
                if (name.isEmpty()) {
                    continue;
                }
                try {
                    flags = flags.plus(Flags.of(name));
                } catch (IllegalArgumentException invalid) {
                    // ignored: not a flag a mailbox can hold
                }
            }
        }
        return flags;
    }
}
