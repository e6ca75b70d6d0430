package dev.tern.imap.server;

import dev.tern.imap.protocol.SequenceSet;
import dev.tern.mailbox.ExpungedUids;
import dev.tern.mailbox.MailboxService;
import dev.tern.mailbox.MessageFlags;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The UIDs a returning client is told of with {@code VANISHED (EARLIER)} (RFC 7162 §3.2.5 for
 * SELECT/EXAMINE with QRESYNC, §3.2.6 for UID FETCH with VANISHED): those expunged after the
 * MODSEQ it knows, among the UIDs it asks about, and not still in the session's view (those are
 * told as plain VANISHED when their turn comes, so that sequence numbers stay right).
 *
 * <p>A mailbox keeps only its most recent expunged UIDs ({@link dev.tern.mailbox.MessageService#EXPUNGED_KEPT}).
 * For a MODSEQ older than what is kept, every UID below UIDNEXT that is neither in the mailbox nor
 * in the view is reported: RFC 7162 lets VANISHED (EARLIER) name UIDs the client never had, and
 * this way no expunge is missed. Runs on the storage executor.
 */
final class Vanished {

    private Vanished() {
    }

    /**
     * @param scope    the UIDs asked about ({@code *} is the largest UID)
     * @param viewUids the UIDs in the session's view, ascending
     */
    static SequenceSet since(MailboxService mailboxes, long mailboxId, long modSeq, SequenceSet scope, long[] viewUids) {
        ExpungedUids expunged = mailboxes.messageService().expungedSince(mailboxId, modSeq);
        if (expunged.complete()) {
            long largest = viewUids.length == 0 ? 0 : viewUids[viewUids.length - 1];
            for (long uid : expunged.uids()) {
                largest = Math.max(largest, uid);
            }
            List<Long> out = new ArrayList<>();
            for (long uid : expunged.uids()) {
                if (scope.contains(uid, largest) && Arrays.binarySearch(viewUids, uid) < 0) {
                    out.add(uid);
                }
            }
            return SequenceSet.compress(out);
        }
        long top = mailboxes.status(mailboxId).uidNext() - 1;
        long[] stored = mailboxes.messageService().flags(mailboxId).stream().mapToLong(MessageFlags::uid).toArray();
        return absent(top, union(stored, viewUids), intervals(scope, top));
    }

    /** The UIDs in 1..top that are not {@code present} (ascending), within {@code scope} (sorted, disjoint). */
    static SequenceSet absent(long top, long[] present, List<long[]> scope) {
        List<SequenceSet.Range> out = new ArrayList<>();
        long next = 1;
        int s = 0;
        for (int i = 0; i <= present.length && s < scope.size(); i++) {
            long gapEnd = i < present.length ? Math.min(present[i] - 1, top) : top;
            if (gapEnd >= next) {
                // The gap [next, gapEnd] against the scope's intervals, which are in order.
                while (s < scope.size() && scope.get(s)[1] < next) {
                    s++;
                }
                for (int k = s; k < scope.size() && scope.get(k)[0] <= gapEnd; k++) {
                    long lo = Math.max(next, scope.get(k)[0]);
                    long hi = Math.min(gapEnd, scope.get(k)[1]);
                    if (lo <= hi) {
                        out.add(new SequenceSet.Range(lo, hi));
                    }
                }
            }
            if (i < present.length) {
                next = Math.max(next, present[i] + 1);
                if (next > top) {
                    break;
                }
            }
        }
        return new SequenceSet(out, false);
    }

    /** A set's ranges as sorted, disjoint [first, last] intervals, {@code *} meaning {@code largest}. */
    static List<long[]> intervals(SequenceSet set, long largest) {
        List<long[]> ranges = new ArrayList<>();
        for (SequenceSet.Range r : set.ranges()) {
            long a = r.first() == SequenceSet.LARGEST ? largest : r.first();
            long b = r.last() == SequenceSet.LARGEST ? largest : r.last();
            ranges.add(new long[]{Math.min(a, b), Math.max(a, b)});
        }
        ranges.sort((x, y) -> Long.compare(x[0], y[0]));
        List<long[]> merged = new ArrayList<>();
        for (long[] r : ranges) {
            long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && r[0] <= last[1] + 1) {
                last[1] = Math.max(last[1], r[1]);
            } else {
                merged.add(r);
            }
        }
        return merged;
    }

    private static long[] union(long[] a, long[] b) {
        long[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        Arrays.sort(all);
        return all;
    }
}
