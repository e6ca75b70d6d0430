package dev.tern.sieve;

import org.apache.jsieve.parser.SieveNode;
import org.apache.jsieve.parser.generated.ASTcommand;
import org.apache.jsieve.parser.generated.ASTcommands;
import org.apache.jsieve.parser.generated.ASTstring;
import org.apache.jsieve.parser.generated.Node;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The encoded-character extension (RFC 5228 §2.4.2.4): in a script that requires it, every string
 * has its {@code ${hex:…}} (octets of UTF-8, two hex digits each) and {@code ${unicode:…}} (code
 * points) sequences replaced by the characters they encode, once, as the script is read, before
 * anything else sees the strings (variables are expanded later, at run time, so
 * {@code "${hex:24 7b}x}"} becomes the reference {@code ${x}}). A sequence that does not follow the
 * grammar stays as written; one that encodes no character (octets that are not UTF-8, a code
 * point past U+10FFFF or a surrogate) is the script's error.
 */
final class EncodedCharacters {

    private static final Pattern ENCODED = Pattern.compile("\\$\\{(hex|unicode):([^}]*)}", Pattern.CASE_INSENSITIVE);
    private static final Pattern HEX_SEQUENCE = Pattern.compile("[ \\t\\r\\n]*[0-9A-Fa-f]{1,2}([ \\t\\r\\n]+[0-9A-Fa-f]{1,2})*[ \\t\\r\\n]*");
    private static final Pattern UNICODE_SEQUENCE = Pattern.compile("[ \\t\\r\\n]*[0-9A-Fa-f]+([ \\t\\r\\n]+[0-9A-Fa-f]+)*[ \\t\\r\\n]*");

    private EncodedCharacters() {
    }

    /** Decodes the strings of a parsed script in place when its requires name the extension. */
    static void apply(Node start) throws SieveScriptException {
        if (!required(start)) {
            return;
        }
        decodeAll(start);
    }

    private static boolean required(Node start) {
        for (int i = 0; i < start.jjtGetNumChildren(); i++) {
            if (start.jjtGetChild(i) instanceof ASTcommands commands) {
                for (int c = 0; c < commands.jjtGetNumChildren(); c++) {
                    ASTcommand command = (ASTcommand) commands.jjtGetChild(c);
                    if (!command.getName().equalsIgnoreCase("require")) {
                        return false;   // requires come first (RFC 5228 §3.2)
                    }
                    List<String> names = new ArrayList<>();
                    strings(command, names);
                    if (names.stream().anyMatch(n -> n.equalsIgnoreCase("encoded-character"))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static void strings(Node node, List<String> out) {
        if (node instanceof ASTstring s) {
            out.add(String.valueOf(s.getValue()));
        }
        for (int i = 0; i < node.jjtGetNumChildren(); i++) {
            strings(node.jjtGetChild(i), out);
        }
    }

    private static void decodeAll(Node node) throws SieveScriptException {
        if (node instanceof ASTstring s && s.getValue() instanceof String text && text.contains("${")) {
            try {
                s.setValue(decode(text));
            } catch (IllegalArgumentException e) {
                var coordinate = ((SieveNode) node).getCoordinate();
                throw new SieveScriptException(coordinate == null ? 0 : coordinate.getStartLineNumber(), e.getMessage());
            }
        }
        for (int i = 0; i < node.jjtGetNumChildren(); i++) {
            decodeAll(node.jjtGetChild(i));
        }
    }

    /**
     * The string with its encoded sequences decoded.
     *
     * @throws IllegalArgumentException when a sequence encodes no character
     */
    static String decode(String text) {
        Matcher m = ENCODED.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            boolean hex = m.group(1).toLowerCase(Locale.ROOT).equals("hex");
            String sequence = m.group(2);
            if (!(hex ? HEX_SEQUENCE : UNICODE_SEQUENCE).matcher(sequence).matches()) {
                continue;   // not an encoding: left as written
            }
            String[] items = sequence.strip().split("[ \\t\\r\\n]+");
            m.appendReplacement(out, Matcher.quoteReplacement(hex ? octets(items, m.group()) : codePoints(items, m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String octets(String[] items, String written) {
        byte[] bytes = new byte[items.length];
        for (int i = 0; i < items.length; i++) {
            bytes[i] = (byte) Integer.parseInt(items[i], 16);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("\"" + written + "\" is not UTF-8");
        }
    }

    private static String codePoints(String[] items, String written) {
        StringBuilder out = new StringBuilder();
        for (String item : items) {
            String digits = item.replaceFirst("^0+(?=.)", "");
            int cp = digits.length() > 6 ? Integer.MAX_VALUE : Integer.parseInt(digits, 16);
            if (cp > Character.MAX_CODE_POINT || (cp >= 0xD800 && cp <= 0xDFFF)) {
                throw new IllegalArgumentException("\"" + written + "\": " + item + " is not a Unicode character");
            }
            out.appendCodePoint(cp);
        }
        return out.toString();
    }
}
