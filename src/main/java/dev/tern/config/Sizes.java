package dev.tern.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes in bytes as people write them, the same way as in the configuration file: a whole number
 * with an optional unit, {@code 26214400}, {@code 500KB}, {@code 25MB}, {@code 2GB} (binary
 * multiples: 1 KB is 1024 bytes; {@code K}, {@code KiB} and {@code KB} are the same).
 */
public final class Sizes {

    static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmg]i?b?|b)?", Pattern.CASE_INSENSITIVE);

    private Sizes() {
    }

    /**
     * The number of bytes {@code text} stands for (zero allowed).
     *
     * @throws IllegalArgumentException when it is not a size
     */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a size such as 26214400 or \"25MB\", got \"" + text + "\"");
        }
        long factor = switch (m.group(2) == null ? 'b' : Character.toLowerCase(m.group(2).charAt(0))) {
            case 'k' -> 1024L;
            case 'm' -> 1024L * 1024;
            case 'g' -> 1024L * 1024 * 1024;
            default -> 1L;
        };
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), factor);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("the size " + text + " is too large");
        }
    }

    /** A size for people: {@code 512 B}, {@code 1.5 KB}, {@code 500 MB}, {@code 2 GB} (binary multiples). */
    public static String format(long bytes) {
        String[] units = {"B", "KB", "MB", "GB", "TB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        if (u == 0) {
            return bytes + " B";
        }
        String n = String.format(Locale.ROOT, "%.1f", v);
        return (n.endsWith(".0") ? n.substring(0, n.length() - 2) : n) + " " + units[u];
    }
}
