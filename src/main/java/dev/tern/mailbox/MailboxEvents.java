package dev.tern.mailbox;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells interested parties (IMAP IDLE, concurrent sessions on one mailbox) what changed in a
 * mailbox, once the change is committed: new messages, flag changes and expunges, and mailboxes
 * that went away. On a store that several nodes share, each event also travels to the other
 * nodes as a signal sent in the transaction that made the change (PostgreSQL NOTIFY: sent only
 * if it commits), and their listeners hear it as if the change had been made there.
 *
 * <p>Listeners are called on the thread that committed the change (the store's writer): they must
 * return quickly and hand the event to their own thread (an event loop). A listener that throws is
 * logged and does not stop the others. Events of one mailbox arrive in commit order.
 */
public final class MailboxEvents {

    private static final Logger log = LoggerFactory.getLogger(MailboxEvents.class);

    /** A message was added (delivery, APPEND, COPY, MOVE). */
    public record NewMessage(long accountId, long mailboxId, long uid, long modSeq) {
    }

    /** One message's flags after a change. */
    public record FlagChange(long uid, Flags flags, long modSeq) {
    }

    /** Flags of some messages changed, all with the same MODSEQ. */
    public record FlagsChanged(long accountId, long mailboxId, List<FlagChange> changes) {
    }

    /** Messages were expunged (EXPUNGE, MOVE, POP3 DELE + QUIT, mailbox deletion). */
    public record Expunged(long accountId, long mailboxId, List<Long> uids, long modSeq) {
    }

    /** The mailbox was deleted: sessions that have it selected must let it go. */
    public record MailboxRemoved(long accountId, long mailboxId) {
    }

    /** Receives events; each method has an empty default so a listener implements what it needs. */
    public interface Listener {
        default void added(NewMessage event) {
        }

        default void flagsChanged(FlagsChanged event) {
        }

        default void expunged(Expunged event) {
        }

        default void removed(MailboxRemoved event) {
        }
    }

    /**
     * A listener of what accounts hold: told of every message added to or removed from an
     * account's mailboxes (flag changes aside), by account.
     */
    public interface HoldingsListener extends Listener {
        /** Something was added to, expunged from or deleted with one of the account's mailboxes. */
        void holdingsChanged(long accountId);

        @Override
        default void added(NewMessage event) {
            holdingsChanged(event.accountId());
        }

        @Override
        default void expunged(Expunged event) {
            holdingsChanged(event.accountId());
        }

        @Override
        default void removed(MailboxRemoved event) {
            holdingsChanged(event.accountId());
        }
    }

    /** Ends a listener's registration; closing twice does nothing. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    private static final long ALL = -1;

    /**
     * Listeners per mailbox, in concurrent sets: thousands of sessions may select one INBOX, and
     * joining or leaving must not copy the others. Adding and removing happen inside the map's
     * compute, so a set is never dropped while a listener is being added to it.
     */
    private final Map<Long, Set<Listener>> byMailbox = new ConcurrentHashMap<>();

    /** Listens to one mailbox's events. */
    public Registration listen(long mailboxId, Listener listener) {
        byMailbox.compute(mailboxId, (id, set) -> {
            Set<Listener> s = set == null ? ConcurrentHashMap.newKeySet() : set;
            s.add(listener);
            return s;
        });
        return () -> byMailbox.computeIfPresent(mailboxId, (id, set) -> {
            set.remove(listener);
            return set.isEmpty() ? null : set;
        });
    }

    /** Listens to every mailbox's events. */
    public Registration listenAll(Listener listener) {
        return listen(ALL, listener);
    }

    /** The store's channel that carries mailbox events between nodes. */
    static final String CHANNEL = "tern_mailbox";

    private final boolean shared;

    /** @param shared other nodes share the store: events are also sent to them */
    MailboxEvents(boolean shared) {
        this.shared = shared;
    }

    /** Events that stay in this process. */
    public MailboxEvents() {
        this(false);
    }

    /**
     * Announces a change made in {@code tx}: to this node's listeners once it commits, and to the
     * other nodes' through the store.
     */
    void publish(dev.tern.store.StoreTx tx, Object event) {
        tx.afterCommit(() -> fireAny(event));
        if (shared) {
            for (String payload : MailboxEventCodec.encode(event)) {
                tx.signal(CHANNEL, payload);
            }
        }
    }

    /** Feeds the events other nodes send through the store to this node's listeners. */
    AutoCloseable receiveFrom(dev.tern.store.MetadataStore store) {
        return store.subscribe(CHANNEL, payload -> {
            try {
                fireAny(MailboxEventCodec.decode(payload));
            } catch (IllegalArgumentException e) {
                log.warn("ignored a mailbox event from another node: {}", e.getMessage());
            }
        });
    }

    private void fireAny(Object event) {
        if (event instanceof NewMessage n) {
            fire(n);
        } else if (event instanceof FlagsChanged f) {
            fire(f);
        } else if (event instanceof Expunged e) {
            fire(e);
        } else if (event instanceof MailboxRemoved r) {
            fire(r);
        }
    }

    void fire(NewMessage e) {
        dispatch(e.mailboxId(), l -> l.added(e));
    }

    void fire(FlagsChanged e) {
        dispatch(e.mailboxId(), l -> l.flagsChanged(e));
    }

    void fire(Expunged e) {
        dispatch(e.mailboxId(), l -> l.expunged(e));
    }

    void fire(MailboxRemoved e) {
        dispatch(e.mailboxId(), l -> l.removed(e));
    }

    private void dispatch(long mailboxId, java.util.function.Consumer<Listener> call) {
        for (long key : new long[]{mailboxId, ALL}) {
            Set<Listener> listeners = byMailbox.get(key);
            if (listeners == null) {
                continue;
            }
            for (Listener l : listeners) {
                try {
                    call.accept(l);
                } catch (RuntimeException e) {
                    log.warn("a mailbox event listener failed", e);
                }
            }
        }
    }
}
