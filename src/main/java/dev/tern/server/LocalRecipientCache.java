package dev.tern.server;

import dev.tern.directory.Account;
import dev.tern.mail.MailAddress;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The local accounts that recipient addresses led to at their last RCPT, kept for as long as the
 * directory has not changed since, so that RCPT for a known local address is answered on the
 * event loop instead of through a lookup on a storage thread (docs/adr/0024).
 *
 * <p>Only what may not change without the directory's version moving is kept: addresses that led
 * to enabled accounts (with their quotas; what a quota'd account holds changes with every message
 * and is kept apart, in {@link AccountUsageCache}).
 * Refusals are never kept, so a user, alias or domain just added is found at once. An entry is
 * tagged with the version read before the lookup that made it: a change committed during the lookup
 * leaves an entry that is already out of date, never one that looks current.
 */
final class LocalRecipientCache {

    /** Addresses kept at most; past it, all are forgotten (they are remade one lookup each). */
    static final int MAX_ENTRIES = 100_000;
    /**
     * How long an entry is trusted at most: only Tern's own code moves the version, so a change
     * written into the database by other means (an operator's sqlite3) is seen after this.
     */
    static final long MAX_AGE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(60);

    private record Entry(long version, List<Account> accounts, long madeAt) {
    }

    private final LongSupplier version;
    private final int maxEntries;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    /** @param version the directory's version; null keeps nothing (every RCPT asks the store) */
    LocalRecipientCache(LongSupplier version) {
        this(version, MAX_ENTRIES, System::nanoTime);
    }

    /** @param nanoTime the clock that ages entries */
    LocalRecipientCache(LongSupplier version, int maxEntries, LongSupplier nanoTime) {
        this.version = version;
        this.maxEntries = maxEntries;
        this.nanoTime = nanoTime;
    }

    /** The directory's version now, to be read before a lookup whose result may be kept; 0 when there is none. */
    long version() {
        return version == null ? 0 : version.getAsLong();
    }

    /** The accounts {@code recipient} led to, if that is still certain; null otherwise. */
    List<Account> get(MailAddress recipient) {
        if (version == null) {
            return null;
        }
        Entry e = entries.get(recipient.key());
        return e != null && e.version() == version.getAsLong() && nanoTime.getAsLong() - e.madeAt() < MAX_AGE_NANOS
                ? e.accounts() : null;
    }

    /** Keeps what a lookup begun at {@code versionBefore} found, when it may be kept at all. */
    void put(MailAddress recipient, long versionBefore, List<Account> accounts) {
        if (version == null || accounts.isEmpty()
                || accounts.stream().anyMatch(a -> !a.enabled())) {
            return;
        }
        if (entries.size() >= maxEntries) {
            entries.clear();
        }
        entries.put(recipient.key(), new Entry(versionBefore, List.copyOf(accounts), nanoTime.getAsLong()));
    }
}
