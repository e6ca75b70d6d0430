package dev.tern.tracking;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A bound in time of a search of the delivery records, as `tern trace --since` and
 * {@code /api/trace?since=} take it: an ISO-8601 instant ({@code 2025-06-01T10:00:00Z}), a date
 * (midnight UTC) or a time before now ({@code 30m}, {@code 1h}, {@code 7d}).
 *
 * <p>Only the years 0000 to 9999 are taken. {@link Instant} reaches a billion years either way,
 * further than the stores' timestamps and than milliseconds since 1970 in a {@code long}: a year
 * such as +1000000000 would fail deep in the search instead of being refused as input here.
 */
public final class TraceTime {

    /** What every refusal says, after the parameter's name. */
    public static final String FORMS = "an ISO-8601 instant (2025-06-01T10:00:00Z), a date (2025-06-01) "
            + "or a time ago (30m, 1h, 7d), from the year 0000 to 9999";
    private static final Instant EARLIEST = Instant.parse("0000-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");
    private static final Pattern AGO = Pattern.compile("(\\d{1,9})([smhd])");

    private TraceTime() {
    }

    /**
     * The instant a text stands for, a time ago counted back from {@code now}.
     *
     * @throws IllegalArgumentException when it is none of the forms, or outside the years 0000 to 9999
     */
    public static Instant parse(String text, Instant now) {
        String v = text.trim();
        Instant t;
        Matcher m = AGO.matcher(v.toLowerCase(Locale.ROOT));
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                Duration d = switch (m.group(2)) {
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
                t = now.minus(d);
            } else {
                t = v.length() == 10 ? LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(v);
            }
        } catch (DateTimeException | ArithmeticException e) {
            throw new IllegalArgumentException("must be " + FORMS);
        }
        if (t.isBefore(EARLIEST) || t.isAfter(LATEST)) {
            throw new IllegalArgumentException("must be " + FORMS);
        }
        return t;
    }
}
