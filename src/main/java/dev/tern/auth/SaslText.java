package dev.tern.auth;

import dev.tern.mail.MailAddress;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Text handling shared by the mechanisms: strict UTF-8 (a malformed sequence is a malformed
 * response, never replaced), identity comparison, and log-safe rendering of what a client sent.
 */
final class SaslText {

    private static final int MAX_LOGGED = 100;

    private SaslText() {
    }

    /** The bytes as UTF-8, or null when they are not valid UTF-8. */
    static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** The key a login name is throttled and compared by: the address's lookup key, else the name in lower case. */
    static String identityKey(String login) {
        try {
            return MailAddress.parse(login).key();
        } catch (IllegalArgumentException e) {
            return login.toLowerCase(Locale.ROOT);
        }
    }

    /** Two login names naming the same account (address local parts compare case-insensitively). */
    static boolean sameIdentity(String a, String b) {
        return identityKey(a).equals(identityKey(b));
    }

    /**
     * A client-chosen string made safe for a one-line log: printable ASCII without spaces and
     * {@code =} (so that a name cannot fake another field), others as {@code ?}, cut to 100 characters;
     * {@code -} when absent.
     */
    static String forLog(String s) {
        if (s == null || s.isEmpty()) {
            return "-";
        }
        StringBuilder sb = new StringBuilder(Math.min(s.length(), MAX_LOGGED + 3));
        for (int i = 0; i < s.length() && i < MAX_LOGGED; i++) {
            char c = s.charAt(i);
            sb.append(c > 0x20 && c < 0x7f && c != '=' ? c : '?');
        }
        if (s.length() > MAX_LOGGED) {
            sb.append("...");
        }
        return sb.toString();
    }
}
