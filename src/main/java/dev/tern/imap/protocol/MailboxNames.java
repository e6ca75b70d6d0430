package dev.tern.imap.protocol;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Mailbox names on the wire: the modified UTF-7 of RFC 3501 §5.1.3 (IMAP4rev1 clients) and the
 * rule that {@code INBOX} is case-insensitive (RFC 9051 §5.1).
 *
 * <p>Modified UTF-7: printable US-ASCII stands for itself except {@code &}, which is written
 * {@code &-}; every other run of characters is UTF-16, base64-encoded with {@code ,} instead of
 * {@code /} and no padding, between {@code &} and {@code -}. Decoding is strict (RFC 3501 says a
 * name must have one encoding only): a shift containing only printable ASCII, a zero-length
 * shift other than {@code &-}, two adjacent shifts, leftover bits or an unpaired surrogate are
 * refused, so that two different wire names never map to the same mailbox.
 */
public final class MailboxNames {

    public static final String INBOX = "INBOX";

    private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();

    private MailboxNames() {
    }

    /** {@code inbox}, {@code Inbox}… become {@code INBOX}; other names are left as they are. */
    public static String normalize(String name) {
        return name.equalsIgnoreCase(INBOX) ? INBOX : name;
    }

    /** Encodes a Java string in modified UTF-7. */
    public static String encodeModifiedUtf7(String name) {
        StringBuilder out = new StringBuilder(name.length() + 8);
        int i = 0;
        while (i < name.length()) {
            char c = name.charAt(i);
            if (c >= 0x20 && c <= 0x7e) {
                out.append(c == '&' ? "&-" : String.valueOf(c));
                i++;
                continue;
            }
            int start = i;
            while (i < name.length() && (name.charAt(i) < 0x20 || name.charAt(i) > 0x7e)) {
                i++;
            }
            byte[] utf16 = name.substring(start, i).getBytes(StandardCharsets.UTF_16BE);
            out.append('&').append(ENCODER.encodeToString(utf16).replace('/', ',')).append('-');
        }
        return out.toString();
    }

    /**
     * Decodes modified UTF-7. Throws {@link IllegalArgumentException} with a short reason when the
     * name is not valid modified UTF-7 (8-bit characters, bad shifts, see the class comment).
     */
    public static String decodeModifiedUtf7(String wire) {
        StringBuilder out = new StringBuilder(wire.length());
        int i = 0;
        boolean previousWasShift = false;
        while (i < wire.length()) {
            char c = wire.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException("mailbox name is not valid modified UTF-7 (8-bit character)");
            }
            if (c != '&') {
                out.append(c);
                i++;
                previousWasShift = false;
                continue;
            }
            int end = wire.indexOf('-', i + 1);
            if (end < 0) {
                throw new IllegalArgumentException("mailbox name is not valid modified UTF-7 (unterminated '&')");
            }
            if (end == i + 1) {
                out.append('&');
                i = end + 1;
                previousWasShift = false;
                continue;
            }
            if (previousWasShift) {
                throw new IllegalArgumentException("mailbox name is not valid modified UTF-7 (adjacent shifts)");
            }
            out.append(decodeShift(wire.substring(i + 1, end)));
            previousWasShift = true;
            i = end + 1;
        }
        return out.toString();
    }

    private static String decodeShift(String base64) {
        if (base64.indexOf('/') >= 0 || base64.indexOf('=') >= 0 || base64.length() % 4 == 1) {
            throw new IllegalArgumentException("mailbox name is not valid modified UTF-7 (bad base64)");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.replace(',', '/'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("mailbox name is not valid modified UTF-7 (bad base64)");
        }
        // Leftover bits must be zero and make less than one UTF-16 unit.
        if (bytes.length % 2 != 0 || !ENCODER.encodeToString(bytes).replace('/', ',').equals(base64)) {
            throw new IllegalArgumentException("mailbox name is not valid modified UTF-7 (partial character)");
        }
        String decoded;
        try {
            CharBuffer chars = StandardCharsets.UTF_16BE.newDecoder().decode(ByteBuffer.wrap(bytes));
            decoded = chars.toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("mailbox name is not valid modified UTF-7 (unpaired surrogate)");
        }
        for (int k = 0; k < decoded.length(); k++) {
            char d = decoded.charAt(k);
            if (d >= 0x20 && d <= 0x7e) {
                throw new IllegalArgumentException("mailbox name is not valid modified UTF-7 (encoded ASCII)");
            }
        }
        return decoded;
    }
}
