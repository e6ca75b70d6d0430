package dev.tern.security.dkim;

/**
 * Builds a header field line by line, folding (CRLF and one space, RFC 5322 §2.2.3) before a piece
 * that would pass {@link #WIDTH} characters, so that the field stays within the 78 characters RFC 5322
 * recommends for a line.
 */
final class FoldedField {

    static final int WIDTH = 76;

    private final StringBuilder text = new StringBuilder();
    private int column;

    FoldedField(String name) {
        text.append(name).append(':');
        column = text.length();
    }

    /** Appends a piece, after one space when {@code spaced}, folding first if it would not fit. */
    FoldedField append(String piece, boolean spaced) {
        int needed = piece.length() + (spaced ? 1 : 0);
        if (column + needed > WIDTH && column > 1) {
            text.append("\r\n ");
            column = 1;
        } else if (spaced) {
            text.append(' ');
            column++;
        }
        text.append(piece);
        column += piece.length();
        return this;
    }

    /**
     * Appends a value that may be folded anywhere (base64, RFC 6376 §2.4), filling the current line
     * and continuing on as many lines as it takes.
     */
    FoldedField appendBreakable(String value) {
        int i = 0;
        while (i < value.length()) {
            if (column >= WIDTH) {
                text.append("\r\n ");
                column = 1;
            }
            int n = Math.min(WIDTH - column, value.length() - i);
            text.append(value, i, i + n);
            column += n;
            i += n;
        }
        return this;
    }

    /** The field so far, without a final line break. */
    @Override
    public String toString() {
        return text.toString();
    }
}
