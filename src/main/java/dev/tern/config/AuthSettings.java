package dev.tern.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Authentication settings ({@code [auth]} and {@code [auth.kerberos]} in the config file). The
 * lockout defaults are fail2ban's: 10 failures within 10 minutes lock out for 15 minutes.
 *
 * @param plaintextOnLoopback offer password mechanisms without TLS to clients on a loopback address
 * @param lockoutFailures     failures within {@code lockoutWindow} that lock a client address or an account out
 * @param lockoutWindow       how far back failures count
 * @param lockoutTime         how long a lockout lasts
 * @param maxFailureDelay     the longest delay before a failure reply (delays double from 1 s with each failure)
 * @param kerberos            GSSAPI settings, or null when Kerberos is not configured
 * @param cacheTtl            how long a successful password verification spares the next ones the
 *                            hash; zero turns the cache off
 * @param cacheSize           most verifications remembered at once
 * @param cramMd5             offer CRAM-MD5; off by default, since it works only for accounts given
 *                            its password-equivalent secret, and clients that try it first when it
 *                            is offered (Python's smtplib) would fail and count a failed login
 *                            with every login of the other accounts
 */
public record AuthSettings(boolean plaintextOnLoopback, int lockoutFailures, Duration lockoutWindow,
                           Duration lockoutTime, Duration maxFailureDelay, KerberosSettings kerberos,
                           Duration cacheTtl, int cacheSize, boolean cramMd5) {

    public static final Duration DEFAULT_CACHE_TTL = Duration.ofHours(1);
    public static final int DEFAULT_CACHE_SIZE = 10_000;

    /** With the default password cache. */
    public AuthSettings(boolean plaintextOnLoopback, int lockoutFailures, Duration lockoutWindow,
                        Duration lockoutTime, Duration maxFailureDelay, KerberosSettings kerberos) {
        this(plaintextOnLoopback, lockoutFailures, lockoutWindow, lockoutTime, maxFailureDelay, kerberos,
                DEFAULT_CACHE_TTL, DEFAULT_CACHE_SIZE, false);
    }

    public static AuthSettings defaults() {
        return new AuthSettings(false, 10, Duration.ofMinutes(10), Duration.ofMinutes(15), Duration.ofSeconds(8), null);
    }

    /** The same settings with another password cache (tests). */
    public AuthSettings withCache(Duration ttl, int size) {
        return new AuthSettings(plaintextOnLoopback, lockoutFailures, lockoutWindow, lockoutTime, maxFailureDelay,
                kerberos, ttl, size, cramMd5);
    }

    /** The same settings with CRAM-MD5 offered or not. */
    public AuthSettings withCramMd5(boolean offered) {
        return new AuthSettings(plaintextOnLoopback, lockoutFailures, lockoutWindow, lockoutTime, maxFailureDelay,
                kerberos, cacheTtl, cacheSize, offered);
    }

    static AuthSettings read(ConfigNode n, Path base) {
        AuthSettings d = defaults();
        return new AuthSettings(
                n.bool("plaintext_on_loopback", d.plaintextOnLoopback()),
                n.positiveInt("lockout_failures", d.lockoutFailures()),
                n.duration("lockout_window", d.lockoutWindow()),
                n.duration("lockout_time", d.lockoutTime()),
                n.duration("max_failure_delay", d.maxFailureDelay()),
                n.has("kerberos") ? KerberosSettings.read(n.table("kerberos"), base) : null,
                n.durationOrZero("cache_ttl", d.cacheTtl()),
                n.positiveInt("cache_size", d.cacheSize()),
                n.bool("cram_md5", d.cramMd5()));
    }
}
