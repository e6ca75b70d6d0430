package dev.tern.queue;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Queue ids: short, unique, sortable by time, and safe as file names. 13 characters of Crockford
 * base32 over 44 bits of milliseconds and 20 bits of a per-process counter seeded at random, so
 * two processes sharing a store (server and command line) do not collide in practice.
 */
public final class QueueIds {

    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final AtomicLong COUNTER = new AtomicLong(new SecureRandom().nextInt());

    private QueueIds() {
    }

    public static String next() {
        long millis = System.currentTimeMillis() & ((1L << 44) - 1);
        long value = (millis << 20) | (COUNTER.getAndIncrement() & 0xFFFFF);
        char[] out = new char[13];
        for (int i = 12; i >= 0; i--) {
            out[i] = ALPHABET[(int) (value & 31)];
            value >>>= 5;
        }
        return new String(out);
    }
}
