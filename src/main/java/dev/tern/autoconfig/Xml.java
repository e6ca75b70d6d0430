package dev.tern.autoconfig;

/** A small writer of indented XML elements, with text and attributes escaped. */
final class Xml {

    private final StringBuilder out = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    private int depth;

    /** Opens an element; {@code attributes} are name, value pairs. */
    Xml open(String name, String... attributes) {
        indent().append('<').append(name);
        for (int i = 0; i + 1 < attributes.length; i += 2) {
            out.append(' ').append(attributes[i]).append("=\"").append(escape(attributes[i + 1])).append('"');
        }
        out.append(">\n");
        depth++;
        return this;
    }

    Xml close(String name) {
        depth--;
        indent().append("</").append(name).append(">\n");
        return this;
    }

    /** An element with text content. */
    Xml text(String name, String value) {
        indent().append('<').append(name).append('>').append(escape(value)).append("</").append(name).append(">\n");
        return this;
    }

    /** An element with no content. */
    Xml empty(String name) {
        indent().append('<').append(name).append("/>\n");
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }

    private StringBuilder indent() {
        return out.append("  ".repeat(depth));
    }

    static String escape(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> {
                    // Characters XML 1.0 does not allow (control characters) are left out.
                    if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
