package dev.tern.mailbox;

import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Hands out \Recent (RFC 3501 §2.3.2): each message is recent in exactly one session, the first
 * IMAP4rev1 session to select its mailbox read-write after it arrived, or the one that had it
 * selected when it arrived. The store keeps each mailbox's first unclaimed UID and a claim moves
 * it on in one write, so two nodes never both claim a UID. So that a message arriving in a
 * mailbox many sessions of this node have selected costs one claim rather than one per session,
 * the node remembers how far its sessions have started claiming: the first session past the mark
 * moves it and claims; the others stand aside.
 *
 * <p>The marks only save writes: without one, a session claims through the store, which hands out
 * each UID once whatever the marks say. So when they cover more mailboxes than {@link #MAX_MARKS}
 * (a long-running node whose users come and go, mailboxes deleted), they are all forgotten rather
 * than kept until the next start.
 */
public final class RecentClaims {

    /** Mailboxes whose marks are kept at most (some 100 bytes each). */
    static final int MAX_MARKS = 65_536;

    private final MetadataStore store;
    private final int maxMarks;
    /** Per mailbox id: the UIDNEXT up to which a session of this node claimed, or is claiming. */
    private final ConcurrentMap<Long, Long> marks = new ConcurrentHashMap<>();

    RecentClaims(MetadataStore store) {
        this(store, MAX_MARKS);
    }

    RecentClaims(MetadataStore store, int maxMarks) {
        this.store = store;
        this.maxMarks = maxMarks;
    }

    /** How many mailboxes have a mark now. */
    int marked() {
        return marks.size();
    }

    /**
     * Claims the unclaimed UIDs of a mailbox below {@code upTo} at least (up to its UIDNEXT at the
     * moment of the claim), unless a session of this node started a claim that covers them: then
     * an empty claim. Blocks on the store.
     */
    public Rows.RecentClaim claim(long mailboxId, long upTo) {
        if (marks.size() >= maxMarks && !marks.containsKey(mailboxId)) {
            marks.clear();
        }
        long[] before = {0};
        boolean[] mine = {false};
        marks.compute(mailboxId, (id, mark) -> {
            before[0] = mark == null ? 0 : mark;
            if (mark != null && mark >= upTo) {
                return mark;
            }
            mine[0] = true;
            return upTo;
        });
        if (!mine[0]) {
            return new Rows.RecentClaim(upTo, upTo);
        }
        try {
            Rows.RecentClaim claim = store.writeAndWait(tx -> tx.mailboxes().claimRecent(mailboxId));
            marks.merge(mailboxId, claim.end(), Math::max);
            return claim;
        } catch (RuntimeException e) {
            // Nothing was claimed: let the next session try again.
            marks.replace(mailboxId, upTo, before[0]);
            throw e;
        }
    }
}
