package dev.tern.imap.server;

import dev.tern.mailbox.MessageEntry;
import dev.tern.mailbox.MessageService;
import dev.tern.mailbox.MessageSummary;

import java.util.Arrays;
import java.util.List;

/**
 * What SEARCH reads of the index besides header fields (each message's UID, size, internal date,
 * flags and MODSEQ), kept per mailbox between searches. Reading it from the store was most of a
 * search on flags, sizes or dates: 10,000 rows, 10–20 ms, at every {@code SEARCH UNSEEN}. Kept, a
 * search asks the store only for the messages whose MODSEQ moved since the copy was current,
 * through the MODSEQ index: usually none.
 *
 * <p>Why that is enough: an arrival and a flag change each take a MODSEQ from the mailbox's row,
 * which the writing transaction holds until it commits, so MODSEQs become visible in ascending
 * order on every node, and a message's other values never change. Expunges take none: a copy
 * still holds an expunged message until a session whose view no longer has it brings the copy up
 * to date (a UID at or below the view's highest one and not in it was expunged). Until then a
 * session whose view still has the message may find it, as it may find it through the kept
 * header fields ({@link SearchFieldCache}); RFC 9051 lets a search answer with a message whose
 * expunge the session has not been told of.
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

    /** A mailbox's summaries by ascending UID, current up to MODSEQ {@code asOf}. Never modified. */
    record Copy(long asOf, long[] uids, MessageSummary[] summaries) {

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

    public MailboxSummaries(long maxBytes) {
        this.copies = new ByteBoundedLru<>(maxBytes, Copy::bytes);
    }

    /**
     * The summaries of a mailbox's messages as the store has them now, for a session whose view
     * is {@code view} (ascending UIDs). Blocks on the store: one query for the changes when a copy
     * is kept, all the mailbox's rows otherwise.
     */
    Copy current(MessageService messages, long mailboxId, long uidValidity, long[] view) {
        Key key = new Key(mailboxId, uidValidity);
        Copy kept = get(key);
        Copy now;
        if (kept == null) {
            List<MessageSummary> all = messages.summaries(mailboxId);
            long asOf = 0;
            for (MessageSummary s : all) {
                asOf = Math.max(asOf, s.modSeq());
            }
            now = new Copy(asOf, all.stream().mapToLong(MessageSummary::uid).toArray(),
                    all.toArray(new MessageSummary[0]));
        } else {
            List<MessageEntry> changed = messages.changedSince(mailboxId, kept.asOf());
            now = changed.isEmpty() && !holdsExpunged(kept, view) ? kept : updated(kept, changed, view);
            if (now == kept) {
                return kept;
            }
        }
        put(key, now);
        return now;
    }

    /** Copies kept now (tests). */
    int copyCount() {
        return copies.size();
    }

    /** The copy with the changed messages in, and the messages the view shows expunged out. */
    private static Copy updated(Copy kept, List<MessageEntry> changed, long[] view) {
        long viewMax = view.length == 0 ? 0 : view[view.length - 1];
        long[] uids = new long[kept.uids().length + changed.size()];
        MessageSummary[] summaries = new MessageSummary[uids.length];
        long asOf = kept.asOf();
        int n = 0;
        int k = 0;
        int c = 0;    // changed rows come by ascending UID
        int v = 0;
        while (k < kept.uids().length || c < changed.size()) {
            long keptUid = k < kept.uids().length ? kept.uids()[k] : Long.MAX_VALUE;
            long changedUid = c < changed.size() ? changed.get(c).uid() : Long.MAX_VALUE;
            if (changedUid <= keptUid) {
                MessageEntry e = changed.get(c++);
                uids[n] = e.uid();
                summaries[n++] = new MessageSummary(e.uid(), e.size(), e.internalDate(), e.flags(), e.modSeq());
                asOf = Math.max(asOf, e.modSeq());
                k += changedUid == keptUid ? 1 : 0;
                continue;
            }
            while (v < view.length && view[v] < keptUid) {
                v++;
            }
            boolean expunged = keptUid <= viewMax && (v == view.length || view[v] != keptUid);
            if (!expunged) {
                uids[n] = keptUid;
                summaries[n++] = kept.summaries()[k];
            }
            k++;
        }
        return new Copy(asOf, Arrays.copyOf(uids, n), Arrays.copyOf(summaries, n));
    }

    /** Whether the copy holds a message the view shows expunged. */
    private static boolean holdsExpunged(Copy kept, long[] view) {
        long viewMax = view.length == 0 ? 0 : view[view.length - 1];
        int v = 0;
        for (long uid : kept.uids()) {
            if (uid > viewMax) {
                return false;
            }
            while (v < view.length && view[v] < uid) {
                v++;
            }
            if (v == view.length || view[v] != uid) {
                return true;
            }
        }
        return false;
    }

    private Copy get(Key key) {
        return copies.get(key);
    }

    private void put(Key key, Copy copy) {
        copies.put(key, copy);
    }
}
