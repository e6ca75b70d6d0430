package dev.tern.message;

/** Header field names as octets: they compare without regard to ASCII case (RFC 5322 §2.2). */
public final class HeaderNames {

    private HeaderNames() {
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
