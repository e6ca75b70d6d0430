package dev.tern.mailbox;

import java.util.ArrayList;
import java.util.List;

/**
 * The rules for mailbox names: {@code /} separates levels, INBOX is matched without regard to case
 * (RFC 3501 §5.1), and names that would confuse clients or patterns are refused. Names are Unicode
 * text; their modified UTF-7 form is the IMAP layer's business.
 */
public final class MailboxNames {

    public static final char DELIMITER = '/';
    public static final String INBOX = "INBOX";
    /** Dovecot's limit for a whole name. */
    static final int MAX_LENGTH = 255;

    private MailboxNames() {
    }

    /**
     * The name as stored: a first level spelled "inbox" in any case becomes {@code INBOX}.
     *
     * @throws MailboxException INVALID_NAME for an empty name, an empty level (leading, trailing or
     *                          doubled {@code /}), control characters, the wildcards {@code *} and
     *                          {@code %}, or more than 255 characters
     */
    public static String normalize(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_LENGTH) {
            throw invalid(name, "a name has 1 to " + MAX_LENGTH + " characters");
        }
        for (String level : name.split(String.valueOf(DELIMITER), -1)) {
            if (level.isEmpty()) {
                throw invalid(name, "no level of a name may be empty");
            }
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '*' || c == '%') {
                throw invalid(name, "control characters, * and % are not allowed");
            }
        }
        int slash = name.indexOf(DELIMITER);
        String first = slash < 0 ? name : name.substring(0, slash);
        return first.equalsIgnoreCase(INBOX) ? INBOX + name.substring(first.length()) : name;
    }

    public static boolean isInbox(String normalized) {
        return normalized.equals(INBOX);
    }

    /** The superior names of a name, outermost first: {@code a}, {@code a/b} for {@code a/b/c}. */
    public static List<String> parents(String name) {
        List<String> out = new ArrayList<>();
        for (int i = name.indexOf(DELIMITER); i >= 0; i = name.indexOf(DELIMITER, i + 1)) {
            out.add(name.substring(0, i));
        }
        return out;
    }

    /** True when {@code name} is below {@code parent} at any depth. */
    public static boolean isInferior(String name, String parent) {
        return name.length() > parent.length() + 1 && name.startsWith(parent)
                && name.charAt(parent.length()) == DELIMITER;
    }

    private static MailboxException invalid(String name, String why) {
        String shown = name == null ? "" : name.length() > 40 ? name.substring(0, 40) + "..." : name;
        return new MailboxException(MailboxException.Reason.INVALID_NAME,
                "invalid mailbox name \"" + shown.replaceAll("\\p{Cntrl}", "?") + "\": " + why);
    }
}
