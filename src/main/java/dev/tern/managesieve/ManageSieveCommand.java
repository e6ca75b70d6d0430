package dev.tern.managesieve;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One ManageSieve command as the client sent it (RFC 5804 §4), its arguments already checked
 * against the command table ({@link ManageSieveVerb}).
 *
 * @param strings the string arguments in order, as octets (quoted strings unescaped, literals as sent)
 * @param number  the number argument (HAVESPACE's size), or -1 when the command has none
 */
record ManageSieveCommand(ManageSieveVerb verb, List<byte[]> strings, long number) {

    int stringCount() {
        return strings.size();
    }

    byte[] octets(int i) {
        return strings.get(i);
    }

    /** String argument {@code i} as UTF-8 text, or null when its octets are not UTF-8. */
    String text(int i) {
        return utf8(strings.get(i));
    }

    /** Strict UTF-8 decoding: null for malformed input, rather than replacement characters. */
    static String utf8(byte[] octets) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(octets)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
