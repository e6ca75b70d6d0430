package dev.tern.imap.server;

import dev.tern.mailbox.MailboxChanges;
import dev.tern.mailbox.MailboxEvents;
import dev.tern.mailbox.MessageService;
import dev.tern.mailbox.MessageSummary;
import dev.tern.mailbox.SystemFlag;

import java.util.Arrays;
import java.util.List;

/**
 * What SEARCH reads of the index besides header fields (each message's UID, size, internal date,
 * flags and MODSEQ), kept per mailbox between commands: searches on flags, sizes and dates, flag
 * fetches and SELECT read it. Reading it from the store was most of their time: 10,000 rows,
 * 10–20 ms, at every {@code SEARCH UNSEEN}. Kept, a command asks the store only for what moved
 * since the copy was current: usually nothing.
 *
 * <p>Why that is enough: an arrival, a flag change and an expunge each take a MODSEQ from the
 * mailbox's row, which the writing transaction holds until it commits, so MODSEQs become visible
 * in ascending order on every node; the changed messages are found through the MODSEQ index and
 * the expunged UIDs are kept with theirs (the latest {@link MessageService#EXPUNGED_KEPT} of a
 * mailbox: a copy older than what is kept is read again whole). A message's other values never
 * change. So a copy brought up to date is what the store holds, never an approximation. The flag
 * changes and expunges that directly follow a copy are taken from their events first
 * ({@link ChangeHints}), when the server has it listen ({@link #listenTo}).
 *
 * <p>Copies are keyed by mailbox id and UIDVALIDITY, bounded in (estimated) bytes, least recently
 * used evicted first. One instance serves every IMAP listener of a server.
 */
public final class MailboxSummaries {

    /** What a server keeps unless told otherwise: 32 MiB, about 300,000 messages. */
    public static final long DEFAULT_MAX_BYTES = 32L * 1024 * 1024;
    /** About what one message's summary holds in memory: its UID, the record, its date and flags. */
    private static final long BYTES_PER_MESSAGE = 120;

    private record Key(long mailboxId, long uidValidity) {
    }

    /**
     * A mailbox's summaries by ascending UID, current up to MODSEQ {@code asOf}. Never modified.
     * {@code firstUnseenUid} is the lowest UID without \Seen ({@link Long#MAX_VALUE} when every
     * message is seen): a search for unseen messages starts there, as Dovecot's does from its
     * index's low-water mark. Most messages of a mailbox have been read.
     */
    record Copy(long asOf, long[] uids, MessageSummary[] summaries, long firstUnseenUid) {

        Copy(long asOf, long[] uids, MessageSummary[] summaries) {
            this(asOf, uids, summaries, firstUnseen(summaries));
        }

        private static long firstUnseen(MessageSummary[] summaries) {
            for (MessageSummary s : summaries) {
                if (!s.flags().has(SystemFlag.SEEN)) {
                    return s.uid();
                }
            }
            return Long.MAX_VALUE;
        }

        /** The summary of {@code uid}, or null when the copy has none (the message is gone). */
        MessageSummary find(long uid) {
            int i = Arrays.binarySearch(uids, uid);
            return i < 0 ? null : summaries[i];
        }

        /**
         * As {@link #find}, for a caller that asks in ascending UID order: {@code cursor[0]} is
         * where the last answer was, and the next is usually the next index.
         */
        MessageSummary findFrom(int[] cursor, long uid) {
            int i = cursor[0];
            if (i >= uids.length || uids[i] > uid) {
                return find(uid);    // asked out of order
            }
            int walked = 0;
            while (i < uids.length && uids[i] < uid && walked++ < 16) {
                i++;
            }
            if (i < uids.length && uids[i] < uid) {    // a long way on: search the rest
                int found = Arrays.binarySearch(uids, i, uids.length, uid);
                i = found < 0 ? -found - 1 : found;
            }
            cursor[0] = i;
            return i < uids.length && uids[i] == uid ? summaries[i] : null;
        }

        long bytes() {
            return 64 + BYTES_PER_MESSAGE * uids.length;
        }
    }

    private final ByteBoundedLru<Key, Copy> copies;
    private final ChangeHints hints = new ChangeHints();

    public MailboxSummaries(long maxBytes) {
        this.copies = new ByteBoundedLru<>(maxBytes, Copy::bytes);
    }

    /**
     * The summaries of a mailbox's messages as the store has them now. Blocks on the store: one
     * read of the changes when a copy is kept, of all the mailbox's rows otherwise.
     */
    Copy current(MessageService messages, long mailboxId, long uidValidity) {
        Key key = new Key(mailboxId, uidValidity);
        Copy now = keptUpToDate(messages, key);
        if (now == null) {
            List<MessageSummary> all = messages.summaries(mailboxId);
            long asOf = 0;
            for (MessageSummary s : all) {
                asOf = Math.max(asOf, s.modSeq());
            }
            now = new Copy(asOf, all.stream().mapToLong(MessageSummary::uid).toArray(),
                    all.toArray(new MessageSummary[0]));
        }
        put(key, now);
        return now;
    }

    /**
     * As {@link #current}, but only when a copy is kept: null otherwise, without reading the
     * mailbox (for SELECT, whose own read of every message's flags is narrower than a copy's).
     */
    Copy ifKept(MessageService messages, long mailboxId, long uidValidity) {
        return keptUpToDate(messages, new Key(mailboxId, uidValidity));
    }

    /** The kept copy brought up to date (and kept so), or null when none is kept or it is too old to bring. */
    private Copy keptUpToDate(MessageService messages, Key key) {
        Copy kept = get(key);
        if (kept == null) {
            return null;
        }
        Copy hinted = hints.applyTo(key.mailboxId(), kept);
        if (hinted != kept) {
            put(key, hinted);
            kept = hinted;
        }
        MailboxChanges changes = messages.changesSince(key.mailboxId(), kept.asOf());
        if (!changes.complete()) {
            return null;
        }
        if (changes.isEmpty()) {
            return kept;
        }
        Copy now = updated(kept, changes);
        put(key, now);
        return now;
    }

    /**
     * Listens to the mailboxes' committed changes for the hints that spare a store read (see
     * {@link ChangeHints}). Without it, every change is read from the store.
     */
    public MailboxEvents.Registration listenTo(MailboxEvents events) {
        return events.listenAll(hints);
    }

    /** Copies kept now (tests). */
    int copyCount() {
        return copies.size();
    }

    /** The copy with the changed messages in and the expunged ones out. */
    private static Copy updated(Copy kept, MailboxChanges changes) {
        List<MessageSummary> changed = changes.changed();
        List<Long> expunged = changes.expunged();
        long[] uids = new long[kept.uids().length + changed.size()];
        MessageSummary[] summaries = new MessageSummary[uids.length];
        int n = 0;
        int k = 0;
        int c = 0;    // both lists come by ascending UID
        int x = 0;
        while (k < kept.uids().length || c < changed.size()) {
            long keptUid = k < kept.uids().length ? kept.uids()[k] : Long.MAX_VALUE;
            long changedUid = c < changed.size() ? changed.get(c).uid() : Long.MAX_VALUE;
            if (changedUid <= keptUid) {
                uids[n] = changedUid;
                summaries[n++] = changed.get(c++);
                k += changedUid == keptUid ? 1 : 0;
                continue;
            }
            while (x < expunged.size() && expunged.get(x) < keptUid) {
                x++;
            }
            if (x == expunged.size() || expunged.get(x) != keptUid) {
                uids[n] = keptUid;
                summaries[n++] = kept.summaries()[k];
            }
            k++;
        }
        return new Copy(changes.highestModSeq(), Arrays.copyOf(uids, n), Arrays.copyOf(summaries, n));
    }

    private Copy get(Key key) {
        return copies.get(key);
    }

    private void put(Key key, Copy copy) {
        copies.put(key, copy);
        hints.watch(key.mailboxId());
    }
}
