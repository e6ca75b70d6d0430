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
        return firstUid[lo] + (seq - before[lo] - 1);
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
