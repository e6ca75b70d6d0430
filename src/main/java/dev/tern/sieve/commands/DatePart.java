package dev.tern.sieve.commands;

import java.time.DateTimeException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The date-parts of the {@code date} and {@code currentdate} tests (RFC 5260 §4.2), each the text
 * a test compares with its keys, and the zones of their {@code :zone} argument (RFC 5260 §4.1.1).
 */
public enum DatePart {
    YEAR, MONTH, DAY, DATE, JULIAN, HOUR, MINUTE, SECOND, TIME, ISO8601, STD11, ZONE, WEEKDAY;

    private static final Pattern ZONE_FORM = Pattern.compile("[+-]\\d{4}");
    private static final DateTimeFormatter STD11_TIME = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss ",
            Locale.ENGLISH);
    /** The Modified Julian Day of 1970-01-01: MJD counts from 1858-11-17 (RFC 5260 §4.2). */
    private static final long MJD_OF_EPOCH = 40587;

    /** The date-part of this name, without regard to case, or null when there is none. */
    public static DatePart of(String name) {
        for (DatePart p : values()) {
            if (p.name().equalsIgnoreCase(name)) {
                return p;
            }
        }
        return null;
    }

    /** The offset a {@code :zone} argument names, "+hhmm" or "-hhmm", or null when it is not one. */
    public static ZoneOffset zone(String text) {
        if (!ZONE_FORM.matcher(text).matches()) {
            return null;
        }
        int hours = Integer.parseInt(text.substring(1, 3));
        int minutes = Integer.parseInt(text.substring(3, 5));
        try {
            return text.charAt(0) == '-' ? ZoneOffset.ofHoursMinutes(-hours, -minutes)
                    : ZoneOffset.ofHoursMinutes(hours, minutes);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /**
     * This part of a date-time.
     *
     * @param unknownZone whether the zone is unknown, said as "-0000" (RFC 5322 §3.3)
     */
    String of(ZonedDateTime t, boolean unknownZone) {
        return switch (this) {
            case YEAR -> String.format(Locale.ROOT, "%04d", t.getYear());
            case MONTH -> two(t.getMonthValue());
            case DAY -> two(t.getDayOfMonth());
            case DATE -> String.format(Locale.ROOT, "%04d-%s-%s", t.getYear(), two(t.getMonthValue()),
                    two(t.getDayOfMonth()));
            case JULIAN -> String.valueOf(t.toLocalDate().toEpochDay() + MJD_OF_EPOCH);
            case HOUR -> two(t.getHour());
            case MINUTE -> two(t.getMinute());
            case SECOND -> two(t.getSecond());
            case TIME -> two(t.getHour()) + ":" + two(t.getMinute()) + ":" + two(t.getSecond());
            case ISO8601 -> DATE.of(t, unknownZone) + "T" + TIME.of(t, unknownZone) + zone(t, unknownZone, ":");
            case STD11 -> STD11_TIME.format(t) + zone(t, unknownZone, "");
            case ZONE -> zone(t, unknownZone, "");
            case WEEKDAY -> String.valueOf(t.getDayOfWeek().getValue() % 7);   // 0 is Sunday
        };
    }

    private static String two(int n) {
        return n < 10 ? "0" + n : String.valueOf(n);
    }

    private static String zone(ZonedDateTime t, boolean unknownZone, String separator) {
        int seconds = t.getOffset().getTotalSeconds();
        char sign = seconds < 0 || (seconds == 0 && unknownZone) ? '-' : '+';
        int minutes = Math.abs(seconds) / 60;
        return sign + two(minutes / 60) + separator + two(minutes % 60);
    }
}
