package dev.tern.security.spf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A macro-string of RFC 7208 §7: parsed once, with its syntax checked, and expanded each time it is
 * used. Three kinds exist: the domain-spec of a mechanism or modifier, the value of an unknown
 * modifier (checked but never expanded), and the explanation text fetched for {@code exp=}.
 */
final class MacroString {

    enum Kind {
        /** Target of include, a, mx, ptr, exists, redirect and exp: must end like a domain (§7.1). */
        DOMAIN_SPEC,
        /** Value of a modifier this implementation does not know: only its syntax matters. */
        MODIFIER_VALUE,
        /** Text of an exp= TXT record: spaces allowed, and the letters c, r and t. */
        EXPLANATION
    }

    private static final String LETTERS = "slodipvh";
    private static final String EXPLANATION_ONLY_LETTERS = "crt";
    private static final String DELIMITERS = ".-+,/_=";
    /** More right-hand parts than any domain has labels: larger counts mean "all". */
    private static final int MAX_PARTS = 128;
    private static final Pattern TOPLABEL =
            Pattern.compile("[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*|[A-Za-z0-9]+-[A-Za-z0-9-]*[A-Za-z0-9]");

    sealed interface Part permits Literal, Macro {
    }

    record Literal(String text) implements Part {
    }

    /**
     * One {@code %{…}} expansion.
     *
     * @param letter     the macro letter, lower case
     * @param urlEscape  the letter was upper case: the value is URL-escaped (§7.3)
     * @param rightParts how many parts to keep from the right, or 0 for all
     * @param reverse    the parts are reversed before they are counted
     * @param delimiters the characters that split the value into parts ("." when none were given)
     */
    record Macro(char letter, boolean urlEscape, int rightParts, boolean reverse, String delimiters)
            implements Part {
    }

    private final String text;
    private final List<Part> parts;

    private MacroString(String text, List<Part> parts) {
        this.text = text;
        this.parts = List.copyOf(parts);
    }

    static MacroString parse(String text, Kind kind) throws SpfSyntaxException {
        if (kind == Kind.DOMAIN_SPEC && text.isEmpty()) {
            throw new SpfSyntaxException("empty domain-spec");
        }
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int literalSinceMacro = 0; // start, in text, of the characters written since the last macro-expand
        boolean endsWithMacro = false;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '%') {
                if (!literalAllowed(c, kind)) {
                    throw new SpfSyntaxException("character " + describe(c) + " is not allowed in \"" + printable(text) + "\"");
                }
                literal.append(c);
                endsWithMacro = false;
                i++;
                continue;
            }
            if (i + 1 == text.length()) {
                throw new SpfSyntaxException("\"%\" at the end of \"" + printable(text) + "\"");
            }
            char next = text.charAt(i + 1);
            switch (next) {
                case '%' -> literal.append('%');
                case '_' -> literal.append(' ');
                case '-' -> literal.append("%20");
                case '{' -> {
                    if (literal.length() > 0) {
                        parts.add(new Literal(literal.toString()));
                        literal.setLength(0);
                    }
                    int close = text.indexOf('}', i + 2);
                    if (close < 0) {
                        throw new SpfSyntaxException("unterminated macro in \"" + printable(text) + "\"");
                    }
                    parts.add(macro(text.substring(i + 2, close), kind, text));
                    i = close + 1;
                    literalSinceMacro = i;
                    endsWithMacro = true;
                    continue;
                }
                default -> throw new SpfSyntaxException("\"%" + printable(String.valueOf(next))
                        + "\" is not a macro (use %%, %_, %- or %{…}) in \"" + printable(text) + "\"");
            }
            i += 2;
            literalSinceMacro = i;
            endsWithMacro = true;
        }
        if (literal.length() > 0) {
            parts.add(new Literal(literal.toString()));
        }
        if (kind == Kind.DOMAIN_SPEC && !endsWithMacro) {
            checkDomainEnd(text.substring(literalSinceMacro), text);
        }
        return new MacroString(text, parts);
    }

    /** Whether the string needs the validated client name, which costs DNS lookups. */
    boolean usesValidatedName() {
        return parts.stream().anyMatch(p -> p instanceof Macro m && m.letter() == 'p');
    }

    String expand(MacroValues values) {
        StringBuilder out = new StringBuilder();
        for (Part part : parts) {
            if (part instanceof Literal l) {
                out.append(l.text());
            } else {
                Macro m = (Macro) part;
                out.append(expand(m, values.value(m.letter())));
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return text;
    }

    private static Macro macro(String body, Kind kind, String text) throws SpfSyntaxException {
        if (body.isEmpty()) {
            throw new SpfSyntaxException("empty macro in \"" + printable(text) + "\"");
        }
        char raw = body.charAt(0);
        char letter = Character.toLowerCase(raw);
        boolean known = raw < 0x80 && (LETTERS.indexOf(letter) >= 0 || EXPLANATION_ONLY_LETTERS.indexOf(letter) >= 0);
        if (!known) {
            throw new SpfSyntaxException("unknown macro letter \"" + printable(String.valueOf(raw)) + "\" in \"" + printable(text) + "\"");
        }
        if (kind == Kind.DOMAIN_SPEC && EXPLANATION_ONLY_LETTERS.indexOf(letter) >= 0) {
            throw new SpfSyntaxException("macro %{" + raw + "} is only allowed in explanation text, in \"" + text + "\"");
        }
        int i = 1;
        int digitsStart = i;
        while (i < body.length() && body.charAt(i) >= '0' && body.charAt(i) <= '9') {
            i++;
        }
        int rightParts = 0;
        if (i > digitsStart) {
            String digits = body.substring(digitsStart, i);
            rightParts = digits.length() > 3 ? MAX_PARTS : Math.min(MAX_PARTS, Integer.parseInt(digits));
            if (digits.chars().allMatch(d -> d == '0')) {
                throw new SpfSyntaxException("macro %{" + body + "} keeps zero parts, in \"" + text + "\"");
            }
        }
        boolean reverse = false;
        if (i < body.length() && (body.charAt(i) == 'r' || body.charAt(i) == 'R')) {
            reverse = true;
            i++;
        }
        String delimiters = body.substring(i);
        for (char d : delimiters.toCharArray()) {
            if (DELIMITERS.indexOf(d) < 0) {
                throw new SpfSyntaxException("macro %{" + printable(body) + "} has an invalid delimiter, in \"" + printable(text) + "\"");
            }
        }
        return new Macro(letter, Character.isUpperCase(raw), rightParts, reverse,
                delimiters.isEmpty() ? "." : delimiters);
    }

    /** domain-end = ( "." toplabel [ "." ] ) / macro-expand (§7.1). */
    private static void checkDomainEnd(String tail, String text) throws SpfSyntaxException {
        String t = tail.endsWith(".") ? tail.substring(0, tail.length() - 1) : tail;
        int dot = t.lastIndexOf('.');
        if (dot < 0 || !TOPLABEL.matcher(t.substring(dot + 1)).matches()) {
            throw new SpfSyntaxException("\"" + printable(text) + "\" does not end in a top-level domain name or a macro");
        }
    }

    private static String expand(Macro m, String value) {
        List<String> pieces = split(value, m.delimiters());
        if (m.reverse()) {
            Collections.reverse(pieces);
        }
        if (m.rightParts() > 0 && m.rightParts() < pieces.size()) {
            pieces = pieces.subList(pieces.size() - m.rightParts(), pieces.size());
        }
        String joined = String.join(".", pieces);
        return m.urlEscape() ? urlEscape(joined) : joined;
    }

    private static List<String> split(String value, String delimiters) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            if (delimiters.indexOf(value.charAt(i)) >= 0) {
                pieces.add(value.substring(start, i));
                start = i + 1;
            }
        }
        pieces.add(value.substring(start));
        return pieces;
    }

    /** Every octet outside RFC 3986's unreserved set is percent-encoded (§7.3). */
    static String urlEscape(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(String.format(Locale.ROOT, "%02X", c));
            }
        }
        return out.toString();
    }

    /** macro-literal = %x21-24 / %x26-7E; explanation text may also hold spaces (§7.1, §6.2). */
    private static boolean literalAllowed(char c, Kind kind) {
        return (c >= 0x21 && c <= 0x7e) || (c == ' ' && kind == Kind.EXPLANATION);
    }

    private static String describe(char c) {
        return c >= 0x20 && c < 0x7f ? "\"" + c + "\"" : String.format(Locale.ROOT, "U+%04X", (int) c);
    }

    /** Record text in an error message, with control and non-ASCII characters shown as code points. */
    static String printable(String s) {
        StringBuilder out = new StringBuilder();
        s.codePoints().forEach(c -> {
            if (c >= 0x20 && c < 0x7f) {
                out.append((char) c);
            } else {
                out.append(String.format(Locale.ROOT, "\\u%04X", c));
            }
        });
        return out.toString();
    }
}
