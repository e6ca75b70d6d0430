package dev.tern.directory;

/**
 * A local account: someone who has mailboxes here.
 *
 * @param id      store id
 * @param address the lookup key (lower-case local part @ A-label domain)
 * @param display the address as created, shown to people
 * @param enabled disabled accounts receive no mail and cannot log in
 * @param quotaBytes the most bytes its mailboxes may hold together; null for no limit
 * @param filtered   it has an active Sieve script, which decides where its mail goes
 */
public record Account(long id, String address, String display, boolean enabled, Long quotaBytes, boolean filtered) {

    public Account(long id, String address, String display, boolean enabled) {
        this(id, address, display, enabled, null, false);
    }

    public Account(long id, String address, String display, boolean enabled, Long quotaBytes) {
        this(id, address, display, enabled, quotaBytes, false);
    }

    /** Whether a message of {@code size} bytes fits beside {@code used} bytes; an account at its quota takes nothing. */
    public boolean fits(long used, long size) {
        return quotaBytes == null || (used < quotaBytes && used + size <= quotaBytes);
    }

    /** Whether an account using {@code used} bytes is at or over its quota. */
    public boolean full(long used) {
        return quotaBytes != null && used >= quotaBytes;
    }
}
