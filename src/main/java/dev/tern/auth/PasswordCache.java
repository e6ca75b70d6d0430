package dev.tern.auth;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers successful password verifications for a while, so that a mail client that logs in
 * again and again (every IMAP folder, every SMTP submission) does not pay the Argon2id hash
 * each time: what Dovecot's auth_cache does for its password databases.
 *
 * <p>Security: the password is never kept, only an HMAC-SHA256 of it under a key drawn at random
 * when the process starts (so a heap dump yields nothing that can be tried offline without the
 * key, and nothing that outlives the process). Each entry also holds the stored hash it was
 * verified against: the caller reads the stored hash afresh for every login and an entry counts
 * only while it is unchanged, so a new password (from this process, the command line or another
 * node) or a removed account takes effect at once. Only successes are cached; a wrong password
 * always costs the full hash. Entries expire after the TTL; the least recently used go first when
 * the cache is full. Comparisons are constant-time.
 */
final class PasswordCache {

    private record Entry(byte[] mac, String storedHash, long expiresAtMillis) {
    }

    private final Duration ttl;
    private final int maxEntries;
    private final Clock clock;
    private final SecretKeySpec key;
    private final Map<String, Entry> entries;

    /** @param ttl how long a success counts; zero turns the cache off */
    PasswordCache(Duration ttl, int maxEntries, Clock clock) {
        this.ttl = ttl;
        this.maxEntries = maxEntries;
        this.clock = clock;
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > PasswordCache.this.maxEntries;
            }
        };
    }

    boolean enabled() {
        return !ttl.isZero() && maxEntries > 0;
    }

    /** True when {@code password} was verified against this very {@code storedHash} within the TTL. */
    boolean verified(String who, String password, String storedHash) {
        if (!enabled()) {
            return false;
        }
        Entry e;
        synchronized (entries) {
            e = entries.get(who);
        }
        if (e == null) {
            return false;
        }
        if (clock.millis() >= e.expiresAtMillis()) {
            synchronized (entries) {
                entries.remove(who, e);
            }
            return false;
        }
        boolean sameHash = MessageDigest.isEqual(e.storedHash().getBytes(StandardCharsets.UTF_8),
                storedHash.getBytes(StandardCharsets.UTF_8));
        return MessageDigest.isEqual(e.mac(), mac(password)) & sameHash;
    }

    /** Remembers that {@code password} matched {@code storedHash}. */
    void remember(String who, String password, String storedHash) {
        if (!enabled()) {
            return;
        }
        Entry e = new Entry(mac(password), storedHash, clock.millis() + ttl.toMillis());
        synchronized (entries) {
            entries.put(who, e);
        }
    }

    /** Entries held (tests). */
    int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    private byte[] mac(String password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(password.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
