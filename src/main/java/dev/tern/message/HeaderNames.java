package dev.tern.message;

/** Header field names: what one may be, and comparing them as octets without regard to ASCII case (RFC 5322 §2.2). */
public final class HeaderNames {

    private HeaderNames() {
    }

    /**
     * Whether {@code name} may stand as a field name: one or more printable ASCII characters other
     * than the colon ({@code ftext}, RFC 5322 §3.6.8), at most {@code maxLength} of them.
     */
    public static boolean isValid(String name, int maxLength) {
        if (name.isEmpty() || name.length() > maxLength) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 33 || c > 126 || c == ':') {
                return false;
            }
        }
        return true;
    }

    /**
     * True when the octets from {@code offset} (before {@code end}) begin with {@code lowerCase},
     * ASCII letters compared without case; {@code lowerCase} must be in lower case already.
     */
    public static boolean startsWith(byte[] b, int offset, int end, byte[] lowerCase) {
        if (end - offset < lowerCase.length) {
            return false;
        }
        for (int i = 0; i < lowerCase.length; i++) {
            int c = b[offset + i];
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != lowerCase[i]) {
                return false;
            }
        }
        return true;
    }
}
