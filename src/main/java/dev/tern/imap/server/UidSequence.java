package dev.tern.imap.server;

import java.util.Arrays;

/**
 * A selected mailbox's message sequence numbers as one session knows them (RFC 9051 §2.3.1.2):
 * the n-th UID in ascending order has sequence number n. Kept as runs of consecutive UIDs, because
 * UIDs are mostly dense: a mailbox of thousands of messages costs a few runs, which keeps idle
 * sessions small. Confined to the session's event loop.
 */
final class UidSequence {

    private long[] firstUid = new long[4];
    private long[] lastUid = new long[4];
    /** Messages in the runs before run i. */
    private long[] before = new long[4];
    private int runs;
    private long size;

    UidSequence(long[] ascendingUids) {
        for (long uid : ascendingUids) {
            append(uid);
        }
    }

    long size() {
        return size;
    }

    /** The highest UID, or 0 when empty. */
    long maxUid() {
        return runs == 0 ? 0 : lastUid[runs - 1];
    }

    /** The UID of sequence number {@code seq} (1-based); 0 when out of range. */
    long uidAt(long seq) {
        if (seq < 1 || seq > size) {
            return 0;
        }
        int r = runAtSequence(seq);
        return firstUid[r] + (seq - before[r] - 1);
    }

    /** Every UID held, ascending: run by run, with no search per message. */
    long[] toArray() {
        long[] uids = new long[(int) size];
        int n = 0;
        for (int r = 0; r < runs; r++) {
            for (long uid = firstUid[r]; uid <= lastUid[r]; uid++) {
                uids[n++] = uid;
            }
        }
        return uids;
    }

    /**
     * The UIDs held within UID ranges, ascending and each once: {@code ranges} holds pairs of
     * (lowest, highest), ascending, neither overlapping nor touching ({@link #merged}). The runs
     * and the ranges are walked side by side: a {@code UID FETCH 1:*} of a large mailbox costs what
     * copying its UIDs does.
     */
    long[] uidsWithin(long[] ranges) {
        UidList out = new UidList();
        int r = 0;
        for (int i = 0; i < ranges.length; i += 2) {
            long lo = ranges[i];
            long hi = ranges[i + 1];
            while (r < runs && lastUid[r] < lo) {
                r++;
            }
            for (int k = r; k < runs && firstUid[k] <= hi; k++) {
                out.addRange(Math.max(lo, firstUid[k]), Math.min(hi, lastUid[k]));
            }
        }
        return out.toArray();
    }

    /**
     * The UIDs of sequence numbers, ascending and each once: {@code ranges} as for
     * {@link #uidsWithin}, of sequence numbers from 1 to {@link #size()}.
     */
    long[] uidsAtSequences(long[] ranges) {
        UidList out = new UidList();
        for (int i = 0; i < ranges.length; i += 2) {
            long seq = ranges[i];
            long last = ranges[i + 1];
            int r = runAtSequence(seq);
            while (seq <= last && r < runs) {
                long first = firstUid[r] + (seq - before[r] - 1);
                long inRun = Math.min(last - seq, lastUid[r] - first);
                out.addRange(first, first + inRun);
                seq += inRun + 1;
                r++;
            }
        }
        return out.toArray();
    }

    /**
     * Ranges of numbers made fit for {@link #uidsWithin} and {@link #uidsAtSequences}: each pair put
     * in order and cut to 1..{@code largest}, empty ones dropped, then sorted and joined where they
     * overlap or touch.
     */
    static long[] merged(long[] pairs, long largest) {
        int n = 0;
        long[][] kept = new long[pairs.length / 2][];
        for (int i = 0; i < pairs.length; i += 2) {
            long lo = Math.max(1, Math.min(pairs[i], pairs[i + 1]));
            long hi = Math.min(largest, Math.max(pairs[i], pairs[i + 1]));
            if (lo <= hi) {
                kept[n++] = new long[]{lo, hi};
            }
        }
        Arrays.sort(kept, 0, n, (x, y) -> Long.compare(x[0], y[0]));
        long[] out = new long[2 * n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (m > 0 && kept[i][0] <= out[m - 1] + 1) {
                out[m - 1] = Math.max(out[m - 1], kept[i][1]);
            } else {
                out[m++] = kept[i][0];
                out[m++] = kept[i][1];
            }
        }
        return Arrays.copyOf(out, m);
    }

    /** Run index holding sequence number {@code seq} (1 to size). */
    private int runAtSequence(long seq) {
        int lo = 0;
        int hi = runs - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (before[mid] < seq) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** A growing array of UIDs, filled a range at a time. */
    private static final class UidList {
        private long[] uids = new long[16];
        private int n;

        void addRange(long from, long to) {
            long count = to - from + 1;
            if (count <= 0) {
                return;
            }
            if (n + count > uids.length) {
                uids = Arrays.copyOf(uids, (int) Math.max(n + count, 2L * uids.length));
            }
            for (long u = from; u <= to; u++) {
                uids[n++] = u;
            }
        }

        long[] toArray() {
            return Arrays.copyOf(uids, n);
        }
    }

    /** The sequence number of {@code uid}, or 0 when it is not in the mailbox. */
    long sequenceOf(long uid) {
        int r = runOf(uid);
        return r < 0 ? 0 : before[r] + (uid - firstUid[r]) + 1;
    }

    /** How many of the UIDs held are below {@code uid}. */
    long countBelow(long uid) {
        int lo = 0;
        int hi = runs - 1;
        int last = -1;    // the last run that starts below uid
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (firstUid[mid] < uid) {
                last = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return last < 0 ? 0 : before[last] + Math.min(lastUid[last], uid - 1) - firstUid[last] + 1;
    }

    /** Adds a UID above every UID held (a new message). */
    void append(long uid) {
        if (uid <= maxUid()) {
            throw new IllegalArgumentException("UID " + uid + " is not above " + maxUid());
        }
        if (runs > 0 && lastUid[runs - 1] == uid - 1) {
            lastUid[runs - 1] = uid;
        } else {
            grow(runs + 1);
            firstUid[runs] = uid;
            lastUid[runs] = uid;
            before[runs] = size;
            runs++;
        }
        size++;
    }

    /** Removes a UID (an expunge); returns its sequence number before the removal, or 0. */
    long remove(long uid) {
        int r = runOf(uid);
        if (r < 0) {
            return 0;
        }
        long seq = before[r] + (uid - firstUid[r]) + 1;
        int shiftFrom;
        if (firstUid[r] == lastUid[r]) {
            int tail = runs - r - 1;
            System.arraycopy(firstUid, r + 1, firstUid, r, tail);
            System.arraycopy(lastUid, r + 1, lastUid, r, tail);
            System.arraycopy(before, r + 1, before, r, tail);
            runs--;
            shiftFrom = r;
        } else if (uid == firstUid[r]) {
            firstUid[r]++;
            shiftFrom = r + 1;
        } else if (uid == lastUid[r]) {
            lastUid[r]--;
            shiftFrom = r + 1;
        } else {
            grow(runs + 1);
            int tail = runs - r - 1;
            System.arraycopy(firstUid, r + 1, firstUid, r + 2, tail);
            System.arraycopy(lastUid, r + 1, lastUid, r + 2, tail);
            System.arraycopy(before, r + 1, before, r + 2, tail);
            firstUid[r + 1] = uid + 1;
            lastUid[r + 1] = lastUid[r];
            lastUid[r] = uid - 1;
            before[r + 1] = before[r] + (uid - firstUid[r]);
            runs++;
            shiftFrom = r + 2;
        }
        for (int i = shiftFrom; i < runs; i++) {
            before[i]--;
        }
        size--;
        return seq;
    }

    /** Run index holding {@code uid}, or -1. */
    private int runOf(long uid) {
        int lo = 0;
        int hi = runs - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (uid < firstUid[mid]) {
                hi = mid - 1;
            } else if (uid > lastUid[mid]) {
                lo = mid + 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    private void grow(int needed) {
        if (needed > firstUid.length) {
            int n = Math.max(needed, firstUid.length * 2);
            firstUid = Arrays.copyOf(firstUid, n);
            lastUid = Arrays.copyOf(lastUid, n);
            before = Arrays.copyOf(before, n);
        }
    }
}
