package dev.tern.imap.protocol;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;

/**
 * The two date forms of IMAP (RFC 9051 §9): {@code date} ({@code 1-Feb-1994}, in SEARCH) and
 * {@code date-time} ({@code "17-Jul-1996 02:44:25 -0700"}, in APPEND and INTERNALDATE).
 * Month names are English and case-insensitive on input; output uses the fixed-width day
 * ({@code " 7-Feb-1994"}) that RFC 9051 requires in responses.
 */
public final class ImapDates {

    private static final List<String> MONTHS = List.of(
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec");

    private ImapDates() {
    }

    /** Parses {@code d-Mon-yyyy} or {@code dd-Mon-yyyy}; {@link IllegalArgumentException} if invalid. */
    public static LocalDate parseDate(String text) {
        String[] parts = text.split("-", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[0].length() > 2 || parts[2].length() != 4
                || !digits(parts[0]) || !digits(parts[2])) {
            throw new IllegalArgumentException("invalid date '" + text + "' (expected e.g. 1-Feb-1994)");
        }
        try {
            return LocalDate.of(Integer.parseInt(parts[2]), month(parts[1]), Integer.parseInt(parts[0]));
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("invalid date '" + text + "'");
        }
    }

    /** Parses {@code dd-Mon-yyyy hh:mm:ss +zzzz} (day may start with a space or be one digit). */
    public static OffsetDateTime parseDateTime(String text) {
        String s = text.startsWith(" ") ? text.substring(1) : text;
        String[] parts = s.split(" ", -1);
        if (parts.length != 3 || parts[1].length() != 8 || parts[2].length() != 5
                || (parts[2].charAt(0) != '+' && parts[2].charAt(0) != '-')) {
            throw new IllegalArgumentException("invalid date-time (expected e.g. \"17-Jul-1996 02:44:25 -0700\")");
        }
        LocalDate date = parseDate(parts[0]);
        String[] hms = parts[1].split(":", -1);
        String zone = parts[2].substring(1);
        if (hms.length != 3 || !digits(hms[0]) || !digits(hms[1]) || !digits(hms[2]) || !digits(zone)) {
            throw new IllegalArgumentException("invalid date-time (expected e.g. \"17-Jul-1996 02:44:25 -0700\")");
        }
        try {
            int sign = parts[2].charAt(0) == '-' ? -1 : 1;
            int hours = Integer.parseInt(zone.substring(0, 2));
            int minutes = Integer.parseInt(zone.substring(2));
            LocalDateTime local = LocalDateTime.of(date.getYear(), date.getMonthValue(), date.getDayOfMonth(),
                    Integer.parseInt(hms[0]), Integer.parseInt(hms[1]), Integer.parseInt(hms[2]));
            if (hours > 18 && minutes < 60) {
                // The grammar allows zones to ±9959 (RFC 9051 zone = 4DIGIT); Java's offsets stop at
                // ±18:00. The same moment is kept, told in UTC.
                return OffsetDateTime.of(local, ZoneOffset.UTC).minusMinutes(sign * (hours * 60L + minutes));
            }
            return OffsetDateTime.of(local, ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes));
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("invalid date-time '" + text + "'");
        }
    }

    /** {@code " 7-Feb-1994 21:52:25 -0800"}: the INTERNALDATE form, without quotes. */
    public static String formatDateTime(OffsetDateTime t) {
        int offsetMinutes = t.getOffset().getTotalSeconds() / 60;
        return String.format(Locale.ROOT, "%2d-%s-%04d %02d:%02d:%02d %s%02d%02d",
                t.getDayOfMonth(), MONTHS.get(t.getMonthValue() - 1), t.getYear(),
                t.getHour(), t.getMinute(), t.getSecond(),
                offsetMinutes < 0 ? "-" : "+", Math.abs(offsetMinutes) / 60, Math.abs(offsetMinutes) % 60);
    }

    /** {@code 1-Feb-1994}: the SEARCH date form. */
    public static String formatDate(LocalDate d) {
        return d.getDayOfMonth() + "-" + MONTHS.get(d.getMonthValue() - 1) + "-" + d.getYear();
    }

    private static int month(String name) {
        for (int i = 0; i < MONTHS.size(); i++) {
            if (MONTHS.get(i).equalsIgnoreCase(name)) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException("invalid month '" + name + "'");
    }

    private static boolean digits(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }
}
