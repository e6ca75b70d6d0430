package dev.tern.imap.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the tokens of RFC 9051 §9 from the bytes of one command (literals inline, as
 * {@link CommandFramer} delivers them). Every method either consumes a whole token or throws
 * {@link ParseFailure} with a message for the client.
 */
final class CommandReader {

    private final byte[] in;
    private int pos;

    CommandReader(byte[] in) {
        this.in = in;
    }

    boolean atEnd() {
        return pos >= in.length;
    }

    int peek() {
        return pos < in.length ? in[pos] & 0xff : -1;
    }

    int peek(int ahead) {
        return pos + ahead < in.length ? in[pos + ahead] & 0xff : -1;
    }

    boolean tryChar(char c) {
        if (peek() == c) {
            pos++;
            return true;
        }
        return false;
    }

    void expect(char c, String what) {
        if (!tryChar(c)) {
            throw new ParseFailure("Expected " + what);
        }
    }

    void space() {
        expect(' ', "a space");
    }

    /** Consumes {@code word} (case-insensitive) when it comes next as a whole atom. */
    boolean tryWord(String word) {
        int n = word.length();
        if (pos + n > in.length) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (Character.toUpperCase((char) in[pos + i]) != Character.toUpperCase(word.charAt(i))) {
                return false;
            }
        }
        int after = pos + n < in.length ? in[pos + n] & 0xff : -1;
        if (after != -1 && isAtomChar(after)) {
            return false;
        }
        pos += n;
        return true;
    }

    static boolean isAtomChar(int c) {
        return c > 0x20 && c < 0x7f && c != '(' && c != ')' && c != '{' && c != '%' && c != '*'
                && c != '"' && c != '\\' && c != ']';
    }

    private static boolean isListChar(int c) {
        return isAtomChar(c) || c == '%' || c == '*' || c == ']';
    }

    String atom(String what) {
        int start = pos;
        while (pos < in.length && isAtomChar(in[pos] & 0xff)) {
            pos++;
        }
        if (pos == start) {
            throw new ParseFailure("Expected " + what);
        }
        return ascii(start, pos);
    }

    /** The tag: ASTRING-CHAR except '+' (RFC 9051 §9). */
    String tag() {
        int start = pos;
        while (pos < in.length && (isAtomChar(in[pos] & 0xff) || in[pos] == ']') && in[pos] != '+') {
            pos++;
        }
        if (pos == start) {
            throw new ParseFailure("Missing or invalid tag");
        }
        return ascii(start, pos);
    }

    /** Letters, digits and dots: fetch attribute names, section parts. */
    String word(String what) {
        int start = pos;
        while (pos < in.length && (Character.isLetterOrDigit(in[pos]) || in[pos] == '.' || in[pos] == '-')
                && in[pos] > 0) {
            pos++;
        }
        if (pos == start) {
            throw new ParseFailure("Expected " + what);
        }
        return ascii(start, pos);
    }

    String astring(String what) {
        return decodeUtf8(astringBytes(what), what);
    }

    byte[] astringBytes(String what) {
        int c = peek();
        if (c == '"' || c == '{') {
            return stringBytes(what);
        }
        int start = pos;
        while (pos < in.length && (isAtomChar(in[pos] & 0xff) || in[pos] == ']')) {
            pos++;
        }
        if (pos == start) {
            throw new ParseFailure("Expected " + what);
        }
        return Arrays.copyOfRange(in, start, pos);
    }

    /** list-mailbox of RFC 9051: list-chars (with {@code % * ]}) or a string. */
    String listMailbox(String what) {
        int c = peek();
        if (c == '"' || c == '{') {
            return string(what);
        }
        int start = pos;
        while (pos < in.length && isListChar(in[pos] & 0xff)) {
            pos++;
        }
        if (pos == start) {
            throw new ParseFailure("Expected " + what);
        }
        return ascii(start, pos);
    }

    String string(String what) {
        return decodeUtf8(stringBytes(what), what);
    }

    /** Quoted string or literal, as bytes. */
    byte[] stringBytes(String what) {
        int c = peek();
        if (c == '"') {
            return quoted(what);
        }
        if (c == '{') {
            return literal(false).bytes;
        }
        throw new ParseFailure("Expected " + what + " (quoted string or literal)");
    }

    /** nstring: NIL or a string. */
    String nstring(String what) {
        if (tryWord("NIL")) {
            return null;
        }
        return string(what);
    }

    private byte[] quoted(String what) {
        pos++;
        byte[] out = new byte[Math.max(0, in.length - pos)];
        int n = 0;
        while (pos < in.length) {
            byte b = in[pos++];
            if (b == '"') {
                return Arrays.copyOf(out, n);
            }
            if (b == '\\') {
                if (pos >= in.length || (in[pos] != '"' && in[pos] != '\\')) {
                    throw new ParseFailure("Invalid escape in " + what
                            + ": a backslash in a quoted string may only precede \" or \\");
                }
                b = in[pos++];
            } else if (b == '\r' || b == '\n' || b == 0) {
                throw new ParseFailure("Invalid character in " + what + ": a quoted string cannot hold CR, LF or NUL");
            }
            out[n++] = b;
        }
        throw new ParseFailure("Unterminated quoted string in " + what);
    }

    record Literal(byte[] bytes, boolean binary) {
    }

    /** {@code {n}CRLF}, {@code {n+}CRLF} (RFC 7888), or {@code ~{n}CRLF} when binary is allowed. */
    Literal literal(boolean binaryAllowed) {
        boolean binary = false;
        if (binaryAllowed && peek() == '~' && peek(1) == '{') {
            pos++;
            binary = true;
        }
        expect('{', "a literal");
        int start = pos;
        while (pos < in.length && in[pos] >= '0' && in[pos] <= '9') {
            pos++;
        }
        if (pos == start || pos - start > 18) {
            throw new ParseFailure("Invalid literal length");
        }
        long size = Long.parseLong(ascii(start, pos));
        tryChar('+');
        expect('}', "'}' after the literal length");
        expect('\r', "CRLF after a literal length");
        expect('\n', "CRLF after a literal length");
        if (size > in.length - pos) {
            throw new ParseFailure("Literal shorter than announced");
        }
        byte[] bytes = Arrays.copyOfRange(in, pos, pos + (int) size);
        pos += (int) size;
        if (!binary && indexOf(bytes, (byte) 0) >= 0) {
            throw new ParseFailure("NUL in a literal (use literal8 ~{n} for binary content)");
        }
        return new Literal(bytes, binary);
    }

    long number(String what) {
        int start = pos;
        while (pos < in.length && in[pos] >= '0' && in[pos] <= '9') {
            pos++;
        }
        if (pos == start || pos - start > 19) {
            throw new ParseFailure("Expected " + what + " (a number)");
        }
        try {
            return Long.parseLong(ascii(start, pos));
        } catch (NumberFormatException e) {
            throw new ParseFailure(what + " out of range");
        }
    }

    long nzNumber(String what) {
        long n = number(what);
        if (n == 0) {
            throw new ParseFailure(what + " must not be zero");
        }
        return n;
    }

    SequenceSet sequenceSet() {
        int start = pos;
        while (pos < in.length && ((in[pos] >= '0' && in[pos] <= '9') || in[pos] == ':' || in[pos] == ','
                || in[pos] == '*' || in[pos] == '$')) {
            pos++;
        }
        try {
            return SequenceSet.parse(ascii(start, pos));
        } catch (IllegalArgumentException e) {
            throw new ParseFailure("Invalid sequence set: " + e.getMessage());
        }
    }

    /** A flag: {@code \Seen} (system or extension flag) or a keyword atom. */
    String flag() {
        if (tryChar('\\')) {
            return "\\" + atom("a flag name after '\\'");
        }
        return atom("a flag");
    }

    String decodeUtf8(byte[] bytes, String what) {
        return decode(bytes, StandardCharsets.UTF_8, what);
    }

    static String decode(byte[] bytes, Charset charset, String what) {
        try {
            return charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ParseFailure("Invalid " + charset.name() + " in " + what);
        }
    }

    private String ascii(int from, int to) {
        return new String(in, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
