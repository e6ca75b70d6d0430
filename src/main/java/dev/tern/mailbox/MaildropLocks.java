package dev.tern.mailbox;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The exclusive access to a maildrop that a POP3 session holds from login to the end of its
 * UPDATE state (RFC 1939 §8: one session per maildrop). The lock lives in this process: it keeps
 * two POP3 sessions of one Tern apart, not sessions on another node sharing the store. IMAP does
 * not take it; its sessions see POP3's deletions as expunges.
 */
public final class MaildropLocks {

    private final Set<Long> held = ConcurrentHashMap.newKeySet();

    /** A held lock; {@link #close()} releases it, once. */
    public final class Lock implements AutoCloseable {
        private final long accountId;
        private final AtomicBoolean open = new AtomicBoolean(true);

        private Lock(long accountId) {
            this.accountId = accountId;
        }

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                held.remove(accountId);
            }
        }
    }

    /** The account's maildrop lock, or empty when another session holds it. */
    public Optional<Lock> tryLock(long accountId) {
        return held.add(accountId) ? Optional.of(new Lock(accountId)) : Optional.empty();
    }
}
