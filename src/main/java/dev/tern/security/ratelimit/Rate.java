package dev.tern.security.ratelimit;

import java.time.Duration;

/**
 * A limit of so many events per window of time, such as 30 per minute.
 *
 * @param permits how many events a window allows; at least 1
 * @param window  the length of the window; positive
 */
public record Rate(int permits, Duration window) {

    public Rate {
        if (permits < 1) {
            throw new IllegalArgumentException("a rate allows at least 1 event per window, got " + permits);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("a rate's window must be positive, got " + window);
        }
        if (window.toNanos() / permits < 1) {
            throw new IllegalArgumentException("a rate of " + permits + " per " + window + " is too fine to count");
        }
    }

    public static Rate of(int permits, Duration window) {
        return new Rate(permits, window);
    }

    /** E.g. "30/PT1M". */
    @Override
    public String toString() {
        return permits + "/" + window;
    }
}
