package dev.tern.sieve.commands;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A date-time as a header field gives it (RFC 5322 §3.3), read the way the {@code date} test
 * needs (RFC 5260 §4): leniently, taking the obsolete forms of RFC 5322 §4.3 too (two- and
 * three-digit years, named zones, comments, a missing day of the week or seconds), since old
 * mailers still write them; but a value that is no calendar date is no date at all, and the test
 * is then false.
 *
 * @param time        the date-time in the zone the field names
 * @param unknownZone whether the field gave no real zone: "-0000", a military letter or none
 *                    (RFC 5322 §3.3, §4.3), which the date-part "zone" then says as "-0000"
 */
record MessageDate(ZonedDateTime time, boolean unknownZone) {

    private static final Pattern DATE_TIME = Pattern.compile(
            "(?:[a-z]{3}[a-z]*\\s*,?\\s*)?(\\d{1,2})\\s*([a-z]{3})[a-z]*\\.?\\s*(\\d{2,4})\\s+"
                    + "(\\d{1,2})\\s*:\\s*(\\d{2})(?:\\s*:\\s*(\\d{2}))?\\s*(?:([+-])(\\d{2})(\\d{2})|([a-z]{1,5}))?",
            Pattern.CASE_INSENSITIVE);

    private static final List<String> MONTHS = List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
            "oct", "nov", "dec");

    /** The zone names of RFC 5322 §4.3 that say an offset; the military letters say nothing certain. */
    private static final Map<String, Integer> NAMED_ZONES = Map.of("ut", 0, "utc", 0, "gmt", 0, "z", 0,
            "est", -5, "edt", -4, "cst", -6, "cdt", -5, "mst", -7, "mdt", -6);
    private static final Map<String, Integer> PACIFIC = Map.of("pst", -8, "pdt", -7);

    /** The date-time of a field's value, or null when it holds none. */
    static MessageDate parse(String value) {
        Matcher m = DATE_TIME.matcher(withoutComments(value).strip());
        if (!m.matches()) {
            return null;
        }
        int month = MONTHS.indexOf(m.group(2).toLowerCase(Locale.ROOT)) + 1;
        if (month == 0) {
            return null;
        }
        int year = Integer.parseInt(m.group(3));
        if (m.group(3).length() == 2) {
            year += year < 50 ? 2000 : 1900;   // RFC 5322 §4.3
        } else if (m.group(3).length() == 3) {
            year += 1900;
        }
        // a leap second cannot be held by java.time; the second before it says nearly the same
        int second = m.group(6) == null ? 0 : Math.min(59, Integer.parseInt(m.group(6)));
        try {
            LocalDateTime local = LocalDateTime.of(year, month, Integer.parseInt(m.group(1)),
                    Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)), second);
            ZoneOffset offset;
            boolean unknown = false;
            if (m.group(7) != null) {
                int hours = Integer.parseInt(m.group(8));
                int minutes = Integer.parseInt(m.group(9));
                offset = m.group(7).equals("-") ? ZoneOffset.ofHoursMinutes(-hours, -minutes)
                        : ZoneOffset.ofHoursMinutes(hours, minutes);
                unknown = m.group(7).equals("-") && hours == 0 && minutes == 0;
            } else {
                String name = m.group(10) == null ? "" : m.group(10).toLowerCase(Locale.ROOT);
                Integer hours = NAMED_ZONES.containsKey(name) ? NAMED_ZONES.get(name) : PACIFIC.get(name);
                offset = ZoneOffset.ofHours(hours == null ? 0 : hours);
                unknown = hours == null;
            }
            return new MessageDate(ZonedDateTime.of(local, offset), unknown);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** The value without its comments (RFC 5322 §3.2.2), which may nest. */
    private static String withoutComments(String value) {
        StringBuilder out = new StringBuilder(value.length());
        int depth = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && depth > 0) {
                i++;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
                out.append(' ');
            } else if (depth == 0) {
                out.append(c);
            }
        }
        return out.toString();
    }
}
