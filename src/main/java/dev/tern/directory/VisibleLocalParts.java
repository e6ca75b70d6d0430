package dev.tern.directory;

import dev.tern.mail.MailAddress;

import java.text.Normalizer;

/**
 * Refuses, for a new account, alias or SMTP credential, a local part that would look the same as
 * another: one holding characters that are not seen (format characters such as U+200B ZERO WIDTH
 * SPACE, U+FEFF, the soft hyphen U+00AD, U+2060 WORD JOINER and the bidirectional controls such as
 * U+202E), spaces (U+00A0 NO-BREAK SPACE among them), line and paragraph separators or control
 * characters — Unicode categories Cf, Zs, Zl, Zp and Cc — or one not in Normalization Form C, where
 * "é" written as e and a combining accent is another address than "é" in one character, shown
 * alike. Such a name lets whoever may make accounts make one that passes for another's.
 *
 * <p>Nothing is changed silently: the operator is told what to type instead. Only the making of
 * names is checked; how mail is matched to them is not this class's concern.
 */
public final class VisibleLocalParts {

    private VisibleLocalParts() {
    }

    /** @throws DirectoryException saying what is wrong with the local part, and what to write instead */
    public static void check(MailAddress address) {
        String local = address.localPart();
        if (local.codePoints().anyMatch(VisibleLocalParts::unseen)) {
            throw new DirectoryException("the local part of \"" + shown(address.toString()) + "\" holds "
                    + describe(local) + ": a new address may not hold spaces, invisible or control characters, "
                    + "which make it look like another");
        }
        if (!Normalizer.isNormalized(local, Normalizer.Form.NFC)) {
            String nfc = Normalizer.normalize(local, Normalizer.Form.NFC);
            throw new DirectoryException("the local part of \"" + shown(address.toString()) + "\" is not in Unicode "
                    + "Normalization Form C (NFC): write it \"" + nfc + "\", each accented letter as one character");
        }
    }

    private static boolean unseen(int c) {
        return switch (Character.getType(c)) {
            case Character.FORMAT, Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR,
                 Character.PARAGRAPH_SEPARATOR, Character.CONTROL,
                 Character.SURROGATE -> true;   // a lone surrogate, from a JSON escape, is no character at all
            default -> false;
        };
    }

    /** The first character refused, named: "U+200B ZERO WIDTH SPACE". */
    private static String describe(String local) {
        int c = local.codePoints().filter(VisibleLocalParts::unseen).findFirst().orElseThrow();
        String name = Character.getName(c);
        return String.format("U+%04X", c) + (name == null ? "" : " " + name);
    }

    /** The text with every refused character written as <U+XXXX>, so that the message shows it. */
    private static String shown(String text) {
        StringBuilder sb = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (unseen(c)) {
                sb.append(String.format("<U+%04X>", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.toString();
    }
}
