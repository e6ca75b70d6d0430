package dev.tern.delivery.dsn;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes RFC 3461 §4 xtext, the form ENVID and ORCPT travel in over SMTP and are stored in:
 * {@code "+" HEX HEX} stands for one octet, every other character for itself. Reports carry the
 * decoded value (RFC 3464 §2.2.1 and §2.3.1).
 */
final class Xtext {

    private Xtext() {
    }

    /**
     * The decoded text, when the octets are UTF-8 (ASCII included); null when the value is not
     * well-formed xtext or decodes to something that is not text. The caller then keeps the
     * encoded form, which is always safe to show.
     */
    static String decode(String xtext) {
        ByteArrayOutputStream octets = new ByteArrayOutputStream(xtext.length());
        for (int i = 0; i < xtext.length(); i++) {
            char c = xtext.charAt(i);
            if (c == '+') {
                if (i + 2 >= xtext.length()) {
                    return null;
                }
                int hi = Character.digit(xtext.charAt(i + 1), 16);
                int lo = Character.digit(xtext.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                octets.write(hi * 16 + lo);
                i += 2;
            } else if (c < '!' || c > '~' || c == '=') {
                return null;
            } else {
                octets.write(c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(octets.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
