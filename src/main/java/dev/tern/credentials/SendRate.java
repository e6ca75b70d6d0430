package dev.tern.credentials;

import dev.tern.security.ratelimit.Rate;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many messages an SMTP credential may send per window of time, written {@code 100/1h}:
 * a count, a slash, and a window in seconds ({@code s}), minutes ({@code m}), hours ({@code h})
 * or days ({@code d}). The count is a token bucket's size: a burst of that many is allowed, then
 * one message per window / count.
 *
 * @param messages at least 1
 * @param window   positive
 */
public record SendRate(int messages, Duration window) {

    private static final Pattern FORM = Pattern.compile("(\\d{1,9})\\s*/\\s*(\\d{1,6})\\s*([smhd])");

    public SendRate {
        Rate.of(messages, window);   // the same bounds as the limiter's
    }

    /**
     * @throws IllegalArgumentException when the text is not of the form {@code 100/1h}
     */
    public static SendRate parse(String text) {
        Matcher m = FORM.matcher(text.trim().toLowerCase(java.util.Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a rate such as 100/1h "
                    + "(messages per window; the window in s, m, h or d)");
        }
        int messages = Integer.parseInt(m.group(1));
        long amount = Long.parseLong(m.group(2));
        Duration window = switch (m.group(3)) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
        try {
            return new SendRate(messages, window);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("\"" + text + "\": " + e.getMessage(), e);
        }
    }

    public Rate toRate() {
        return Rate.of(messages, window);
    }

    /** The rate as {@link #parse} reads it, in the largest whole unit: {@code 100/1h}. */
    @Override
    public String toString() {
        long s = window.getSeconds();
        if (s % 86400 == 0) {
            return messages + "/" + s / 86400 + "d";
        }
        if (s % 3600 == 0) {
            return messages + "/" + s / 3600 + "h";
        }
        if (s % 60 == 0) {
            return messages + "/" + s / 60 + "m";
        }
        return messages + "/" + s + "s";
    }

    /** "100 messages per 1h", for replies and listings. */
    public String describe() {
        String w = toString().substring(toString().indexOf('/') + 1);
        return messages + (messages == 1 ? " message" : " messages") + " per " + w;
    }
}
