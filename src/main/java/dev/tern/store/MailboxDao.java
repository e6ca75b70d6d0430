package dev.tern.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Mailboxes (folders) of accounts, the messages in them, the UIDs they expunged and the
 * account's subscriptions. UIDs and MODSEQs are taken inside the caller's transaction, so they are
 * unique and ascending per mailbox whoever else writes.
 */
public interface MailboxDao {

    /**
     * Takes the account's maildrop lock for {@code owner} until {@code until}: false when another
     * owner holds it and it has not expired by {@code now}.
     */
    boolean lockMaildrop(long accountId, String owner, Instant until, Instant now);

    /** Extends a maildrop lock that {@code owner} still holds; false when it does not. */
    boolean renewMaildropLock(long accountId, String owner, Instant until);

    /** Gives up a maildrop lock if {@code owner} holds it. */
    void unlockMaildrop(long accountId, String owner);

    /**
     * A mailbox by name. In a write transaction the mailbox is then held until the transaction
     * ends: other writes that read it wait, so that what this one computes from the mailbox's
     * messages (flags, expunges, copies) cannot interleave with theirs.
     */
    Optional<Rows.Mailbox> mailbox(long accountId, String name);

    /** A mailbox by id; held by a write transaction as {@link #mailbox(long, String)} is. */
    Optional<Rows.Mailbox> mailbox(long mailboxId);

    /** The account's mailboxes, INBOX first, then by name. */
    List<Rows.Mailbox> mailboxes(long accountId);

    Rows.Mailbox create(long accountId, String name, String specialUse, long uidValidity);

    /**
     * A new UIDVALIDITY for one of the account's mailboxes: greater than every value this account
     * was given before, and at least {@code atLeast}.
     */
    long takeUidValidity(long accountId, long atLeast);

    /** Renames one mailbox (its id, UIDs and UIDVALIDITY stay). */
    void rename(long mailboxId, String newName);

    void setSelectable(long mailboxId, boolean selectable);

    /** Sets or clears (null) a mailbox's RFC 6154 special-use attribute, such as {@code \\Sent}. */
    void setSpecialUse(long mailboxId, String specialUse);

    /** Deletes a mailbox that holds no messages any more, with its expunge records. */
    void delete(long mailboxId);

    /** Keeps the POP3 unique ids that messages of a mailbox had elsewhere, by UID. */
    void setPop3Uidls(long mailboxId, Map<Long, String> uidlsByUid);

    /** The POP3 unique ids kept for messages of a mailbox, by UID; most messages have none. */
    Map<Long, String> pop3Uidls(long mailboxId);

    /**
     * The messages saved before {@code cutoff} into the mailboxes of one special use
     * ({@code \Trash}…) of every account: UIDs by mailbox id, at most {@code limit} in all.
     * Messages without a save date are never among them.
     */
    Map<Long, List<Long>> savedBefore(String specialUse, Instant cutoff, int limit);

    /**
     * Appends a message: takes the mailbox's next UID and a new MODSEQ, both in this transaction;
     * its save date is now. Returns the new row.
     */
    Rows.Message append(long mailboxId, String blobId, String headerPrefix, long size, Instant internalDate,
                        int systemFlags, String keywords);

    /** Every message of a mailbox, by ascending UID, in one query. */
    List<Rows.Message> messages(long mailboxId);

    /** Every message's UID, flags and MODSEQ, by ascending UID: the index without what only content reads need. */
    List<Rows.MessageFlags> flags(long mailboxId);

    /** Every message's UID, size, internal date, flags and MODSEQ, by ascending UID: what SEARCH reads of the index. */
    List<Rows.MessageSummary> summaries(long mailboxId);

    /**
     * The kept header section of the content of every message from UID {@code fromUid} on, by UID
     * (the header is null where none is kept).
     */
    List<Rows.HeaderSection> headerSections(long mailboxId, long fromUid);

    /**
     * Claims the UIDs no session claimed as \Recent yet, up to the mailbox's UIDNEXT, and moves
     * the mark past them; an empty claim when there are none. Call in a write transaction.
     */
    Rows.RecentClaim claimRecent(long mailboxId);

    /** How many messages have a UID of at least {@code uid}. */
    long countFrom(long mailboxId, long uid);

    /** The messages whose UID is from {@code first} to {@code last}, by ascending UID. */
    List<Rows.Message> messagesBetween(long mailboxId, long first, long last);

    /** The messages among {@code uids}, by ascending UID; unknown UIDs are left out. */
    List<Rows.Message> messages(long mailboxId, Collection<Long> uids);

    Optional<Rows.Message> message(long mailboxId, long uid);

    Optional<Rows.Message> message(long messageId);

    /** Messages whose MODSEQ is greater than {@code modSeq}, by ascending UID (CONDSTORE CHANGEDSINCE). */
    List<Rows.Message> changedSince(long mailboxId, long modSeq);

    /** As {@link #changedSince}, only what {@link #summaries} reads of each message. */
    List<Rows.MessageSummary> summariesChangedSince(long mailboxId, long modSeq);

    /** Raises the mailbox's HIGHESTMODSEQ by one and returns it: the MODSEQ of one change. */
    long nextModSeq(long mailboxId);

    /**
     * Writes new flags on messages of one mailbox, all with the same MODSEQ, and moves the
     * mailbox's unseen and deleted counts by what changed.
     */
    void updateFlags(long mailboxId, List<Rows.FlagUpdate> updates, long modSeq);

    /** The UIDs of the messages flagged \Deleted, in ascending order (read from an index of those alone). */
    List<Long> deletedUids(long mailboxId);

    /** The octets of the messages flagged \Deleted together: what an EXPUNGE would free. */
    long deletedSize(long mailboxId);

    /** Deletes messages and records their UIDs as expunged at {@code modSeq}; returns their blob ids. */
    List<String> expunge(long mailboxId, Collection<Long> uids, long modSeq);

    /**
     * UIDs expunged with a MODSEQ greater than {@code modSeq}, ascending (QRESYNC VANISHED); only
     * those still kept: see {@link #expungedDroppedUpTo}.
     */
    List<Rows.Expunged> expungedSince(long mailboxId, long modSeq);

    /**
     * The MODSEQ up to which the mailbox's expunged UIDs were dropped by {@link #trimExpunged}, 0
     * when none ever were: {@link #expungedSince} is complete for a {@code modSeq} at or above it.
     */
    long expungedDroppedUpTo(long mailboxId);

    /** Mailboxes that keep more than {@code keep} expunged UIDs. */
    List<Long> mailboxesWithExpungedOver(int keep);

    /**
     * Drops a mailbox's expunged UIDs but the {@code keep} most recent (those sharing the MODSEQ
     * of the oldest one kept stay as well) and records up to which MODSEQ they were dropped.
     * Returns how many were dropped.
     */
    int trimExpunged(long mailboxId, int keep);

    /** Message count, unseen, deleted and total size of a mailbox: the counts its row keeps. */
    Rows.MailboxCounts counts(long mailboxId);

    /**
     * The total size in bytes of the messages in all of an account's mailboxes: the sum of the byte
     * counts its mailboxes keep (moved by {@link #append}, {@link #expunge} and {@link #deleteMessages}),
     * so a read of a few mailbox rows however many messages they hold.
     */
    long accountUsage(long accountId);

    /** The account's subscribed names, sorted; they need not name existing mailboxes. */
    List<String> subscriptions(long accountId);

    /** Adds a subscription; false when it was there already. */
    boolean subscribe(long accountId, String name);

    /** Removes a subscription; false when there was none. */
    boolean unsubscribe(long accountId, String name);

    /** Deletes every mailbox, message and subscription of an account; returns the blob ids the messages used. */
    List<String> deleteAll(long accountId);

    /**
     * Deletes up to {@code limit} messages of an account's mailboxes, recording no expunges (the
     * account is going away); returns the blob ids they used. Fewer than {@code limit} means none are left.
     */
    List<String> deleteMessages(long accountId, int limit);
}
