package dev.tern.mailimport;

import dev.tern.mailbox.MessageService;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Dovecot's {@code pop3_uidl_format}: how the server a mailbox comes from made each message's POP3
 * unique id, so that an import can give the messages the same ones. Dovecot's variables are read:
 * {@code %u} the message's IMAP UID, {@code %v} the mailbox's UIDVALIDITY, {@code %f} the Maildir
 * file name without its flags, each with an optional width ({@code %08u}, zero-padded with a
 * leading 0) and {@code X} for hexadecimal (lower case, as Dovecot 2.3 writes it:
 * {@code %08Xu%08Xv}, its default); {@code %%} is a percent sign. Variables that need what an
 * import cannot know ({@code %m}, the MD5 of the header; {@code %g}, Dovecot's GUID) are refused.
 */
final class Pop3UidlFormat {

    /** Dovecot's default since 1.1. */
    static final String DOVECOT_DEFAULT = "%08Xu%08Xv";

    private sealed interface Part {
    }

    private record Text(String text) implements Part {
    }

    private record Variable(char name, int width, boolean zeroPad, boolean hex) implements Part {
    }

    private final String format;
    private final List<Part> parts;

    private Pop3UidlFormat(String format, List<Part> parts) {
        this.format = format;
        this.parts = parts;
    }

    /** @throws IllegalArgumentException naming what cannot be read */
    static Pop3UidlFormat parse(String format) {
        List<Part> parts = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        int i = 0;
        while (i < format.length()) {
            char c = format.charAt(i++);
            if (c != '%') {
                text.append(c);
                continue;
            }
            if (i < format.length() && format.charAt(i) == '%') {
                text.append('%');
                i++;
                continue;
            }
            boolean zeroPad = i < format.length() && format.charAt(i) == '0';
            int width = 0;
            while (i < format.length() && Character.isDigit(format.charAt(i))) {
                width = width * 10 + (format.charAt(i++) - '0');
            }
            boolean hex = false;
            while (i < format.length() && (format.charAt(i) == 'X' || format.charAt(i) == 'x')) {
                hex = true;
                i++;
            }
            if (i >= format.length()) {
                throw new IllegalArgumentException("POP3 UIDL format " + format + " ends inside a %-variable");
            }
            char name = format.charAt(i++);
            if (name != 'u' && name != 'v' && name != 'f') {
                throw new IllegalArgumentException("POP3 UIDL format " + format + ": %" + name + " cannot be known by an "
                        + "import; it can use %u (UID), %v (UIDVALIDITY) and %f (Maildir file name)");
            }
            if (!text.isEmpty()) {
                parts.add(new Text(text.toString()));
                text.setLength(0);
            }
            parts.add(new Variable(name, width, zeroPad, hex));
        }
        if (!text.isEmpty()) {
            parts.add(new Text(text.toString()));
        }
        if (parts.stream().noneMatch(p -> p instanceof Variable)) {
            throw new IllegalArgumentException("POP3 UIDL format " + format + " has no %u, %v or %f: every message would "
                    + "get the same id");
        }
        return new Pop3UidlFormat(format, List.copyOf(parts));
    }

    /**
     * The id of one message, or null when the format needs what is not known here (0 for an
     * unknown UID or UIDVALIDITY, null for no file name) or makes no valid POP3 id.
     */
    String expand(long uid, long uidValidity, String fileBase) {
        StringBuilder out = new StringBuilder();
        for (Part p : parts) {
            if (p instanceof Text t) {
                out.append(t.text());
                continue;
            }
            Variable v = (Variable) p;
            String value;
            if (v.name() == 'f') {
                value = fileBase;
            } else {
                long n = v.name() == 'u' ? uid : uidValidity;
                value = n <= 0 ? null : v.hex() ? Long.toHexString(n).toLowerCase(Locale.ROOT) : Long.toString(n);
            }
            if (value == null) {
                return null;
            }
            if (value.length() < v.width()) {
                out.append((v.zeroPad() ? "0" : " ").repeat(v.width() - value.length()));
            }
            out.append(value);
        }
        String id = out.toString();
        return MessageService.isPop3Uidl(id) ? id : null;
    }

    @Override
    public String toString() {
        return format;
    }
}
