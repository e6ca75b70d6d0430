package dev.tern.auth;

import dev.tern.config.AuthSettings;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Brute-force throttling of logins, per client address and per account, in the manner of fail2ban:
 * failures are counted in a sliding window; each one delays the failure reply longer (0, 1, 2, 4 …
 * seconds, capped); {@code lockoutFailures} of them lock the address (or the account) out for
 * {@code lockoutTime}. A success clears an account's failures, not its address's (many users may
 * share one address with an attacker).
 *
 * <p>Security notes: IPv6 clients are counted per /64, since one host commonly holds a whole /64.
 * Accounts are counted by the login name the client claimed, whether or not such an account exists,
 * so a lockout does not tell which names exist. An account lockout also keeps its owner out: that is
 * the price of stopping password guessing spread over many addresses. Memory is bounded: each table
 * keeps at most {@code maxKeys} entries and forgets the one whose last failure is oldest.
 *
 * <p>Thread-safe; time comes from the given clock (tests move it by hand).
 */
public final class AuthThrottle {

    /** Entries kept per table (client addresses, accounts) unless told otherwise. */
    public static final int DEFAULT_MAX_KEYS = 10_000;

    private final int lockoutFailures;
    private final Duration window;
    private final Duration lockoutTime;
    private final Duration maxDelay;
    private final Clock clock;
    private final Table clients;
    private final Table accounts;

    public AuthThrottle(int lockoutFailures, Duration window, Duration lockoutTime, Duration maxDelay,
                        int maxKeys, Clock clock) {
        this.lockoutFailures = lockoutFailures;
        this.window = window;
        this.lockoutTime = lockoutTime;
        this.maxDelay = maxDelay;
        this.clock = clock;
        this.clients = new Table(maxKeys);
        this.accounts = new Table(maxKeys);
    }

    public static AuthThrottle of(AuthSettings s, Clock clock) {
        return new AuthThrottle(s.lockoutFailures(), s.lockoutWindow(), s.lockoutTime(), s.maxFailureDelay(),
                DEFAULT_MAX_KEYS, clock);
    }

    public synchronized boolean clientLocked(InetAddress client) {
        return locked(clients, clientKey(client));
    }

    /** Whether the account a login name names is locked out (the name need not exist). */
    public synchronized boolean accountLocked(String login) {
        return login != null && locked(accounts, SaslText.identityKey(login));
    }

    /** Counts a failure of the client, and of the account when the client named one. */
    public synchronized void failure(InetAddress client, String loginOrNull) {
        count(clients, clientKey(client));
        if (loginOrNull != null) {
            count(accounts, SaslText.identityKey(loginOrNull));
        }
    }

    /** Forgets the account's failures after it logged in. */
    public synchronized void success(String login) {
        accounts.map.remove(SaslText.identityKey(login));
    }

    /** How long to hold a failure reply to this client: doubling with its recent failures, capped. */
    public synchronized Duration delay(InetAddress client) {
        Entry e = clients.map.get(clientKey(client));
        if (e == null) {
            return Duration.ZERO;
        }
        Instant now = clock.instant();
        if (e.lockedUntil != null && now.isBefore(e.lockedUntil)) {
            return maxDelay;
        }
        e.prune(now.minus(window));
        int n = e.failures.size();
        if (n <= 1) {
            return Duration.ZERO;
        }
        Duration d = Duration.ofSeconds(1L << Math.min(n - 2, 30));
        return d.compareTo(maxDelay) > 0 ? maxDelay : d;
    }

    private boolean locked(Table table, String key) {
        Entry e = table.map.get(key);
        if (e == null || e.lockedUntil == null) {
            return false;
        }
        if (clock.instant().isBefore(e.lockedUntil)) {
            return true;
        }
        table.map.remove(key); // the lockout is over: start again from nothing
        return false;
    }

    private void count(Table table, String key) {
        Instant now = clock.instant();
        Entry e = table.map.remove(key); // re-inserted below: the table's order is the order of last failure
        if (e == null) {
            e = new Entry();
        }
        table.map.put(key, e);
        if (e.lockedUntil != null) {
            if (now.isBefore(e.lockedUntil)) {
                return;
            }
            e.lockedUntil = null;
            e.failures.clear();
        }
        e.prune(now.minus(window));
        e.failures.addLast(now);
        if (e.failures.size() >= lockoutFailures) {
            e.lockedUntil = now.plus(lockoutTime);
            e.failures.clear();
        }
    }

    /** The address itself for IPv4, its /64 prefix for IPv6. */
    static String clientKey(InetAddress client) {
        if (client instanceof Inet6Address) {
            byte[] a = client.getAddress();
            return HexFormat.of().formatHex(a, 0, 8) + "::/64";
        }
        return client.getHostAddress();
    }

    private static final class Entry {
        final ArrayDeque<Instant> failures = new ArrayDeque<>();
        Instant lockedUntil;

        void prune(Instant oldest) {
            while (!failures.isEmpty() && failures.peekFirst().isBefore(oldest)) {
                failures.removeFirst();
            }
        }
    }

    /** A bounded table that forgets the entry whose last failure is oldest. */
    private static final class Table {
        final Map<String, Entry> map;

        Table(int maxKeys) {
            this.map = new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                    return size() > maxKeys;
                }
            };
        }
    }
}
