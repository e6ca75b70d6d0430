package dev.tern.mailbox;

import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import dev.tern.store.StoreTx;
import dev.tern.store.StoreWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The messages of mailboxes, as IMAP and POP3 use them: append, flags, expunge, copy and move,
 * the index of a mailbox and its changes since a MODSEQ (RFC 3501, RFC 4315, RFC 6851, RFC 7162).
 *
 * <p>Invariants: every change of a message's flags, every append and every expunge takes a new
 * MODSEQ from its mailbox's HIGHESTMODSEQ, in the transaction that makes the change; one STORE or
 * EXPUNGE takes one MODSEQ for all the messages it changes (RFC 7162 §3.1: one per command), but
 * for a STORE or an expunge of more than {@link MailboxService#MESSAGES_PER_TRANSACTION} messages,
 * which is made in pieces of that many, each piece taking its own. A message holds one reference
 * on its content: copies share the content, and the last expunge of it deletes the content after
 * commit. {@link MailboxEvents} hear of each change after commit.
 *
 * <p>Every method blocks on the store: call them off event loops. Mailboxes are named by id (the
 * caller looked them up for its account); a mailbox that is gone gives NONEXISTENT.
 */
public final class MessageService {

    private static final Logger log = LoggerFactory.getLogger(MessageService.class);

    private final MetadataStore store;
    private final Contents contents;
    private final MailboxEvents events;

    MessageService(MetadataStore store, Contents contents, MailboxEvents events) {
        this.store = store;
        this.contents = contents;
        this.events = events;
    }

    // ---- reading ----------------------------------------------------------------------------

    /** A mailbox's messages by ascending UID: one query, fit for mailboxes of many thousands. */
    public List<MessageEntry> messages(long mailboxId) {
        return store.read(tx -> tx.mailboxes().messages(mailboxId)).stream().map(MessageEntry::of).toList();
    }

    /** The messages whose UID is from {@code first} to {@code last}, ascending: one query. */
    public List<MessageEntry> messages(long mailboxId, long first, long last) {
        return store.read(tx -> tx.mailboxes().messagesBetween(mailboxId, first, last)).stream()
                .map(MessageEntry::of).toList();
    }

    /** A mailbox's messages by ascending UID, with what SEARCH asks of the index besides header fields. */
    public List<MessageSummary> summaries(long mailboxId) {
        return store.read(tx -> tx.mailboxes().summaries(mailboxId)).stream().map(MessageSummary::of).toList();
    }

    /** A mailbox's UIDs with their flags, ascending: what sequence numbers and flag reports need. */
    public List<MessageFlags> flags(long mailboxId) {
        return store.read(tx -> tx.mailboxes().flags(mailboxId)).stream().map(MessageFlags::of).toList();
    }

    public Optional<MessageEntry> message(long mailboxId, long uid) {
        return store.read(tx -> tx.mailboxes().message(mailboxId, uid)).map(MessageEntry::of);
    }

    /**
     * The flags of the messages whose MODSEQ is above {@code modSeq}, by UID: FETCH (FLAGS)
     * (CHANGEDSINCE …) reads those alone, through the MODSEQ index, not the whole mailbox.
     */
    public List<MessageFlags> flagsChangedSince(long mailboxId, long modSeq) {
        return store.read(tx -> tx.mailboxes().changedSince(mailboxId, modSeq)).stream().map(MessageFlags::of).toList();
    }

    /**
     * The arrivals, flag changes and expunges of a mailbox with a MODSEQ above {@code modSeq}, in
     * one read: what brings a copy of the mailbox's summaries taken at that MODSEQ up to date.
     */
    public MailboxChanges changesSince(long mailboxId, long modSeq) {
        return store.read(tx -> {
            List<Rows.MessageSummary> changed = tx.mailboxes().summariesChangedSince(mailboxId, modSeq);
            List<Rows.Expunged> expunged = tx.mailboxes().expungedSince(mailboxId, modSeq);
            long highest = modSeq;
            for (Rows.MessageSummary m : changed) {
                highest = Math.max(highest, m.modSeq());
            }
            for (Rows.Expunged e : expunged) {
                highest = Math.max(highest, e.modSeq());
            }
            return new MailboxChanges(changed.stream().map(MessageSummary::of).toList(),
                    expunged.stream().map(Rows.Expunged::uid).sorted().toList(), highest,
                    modSeq >= tx.mailboxes().expungedDroppedUpTo(mailboxId));
        });
    }

    /** Messages whose MODSEQ is above {@code modSeq}, by UID (FETCH … CHANGEDSINCE, RFC 7162 §3.1.4). */
    public List<MessageEntry> changedSince(long mailboxId, long modSeq) {
        return store.read(tx -> tx.mailboxes().changedSince(mailboxId, modSeq)).stream().map(MessageEntry::of).toList();
    }

    /**
     * UIDs expunged with a MODSEQ above {@code modSeq}, ascending (VANISHED (EARLIER), RFC 7162
     * §3.2.10). Only the most recent {@link #EXPUNGED_KEPT} of a mailbox are kept: for an older
     * {@code modSeq} the answer says it is incomplete, and the caller must treat every UID below
     * UIDNEXT that is not in the mailbox as possibly expunged since then (RFC 7162 lets VANISHED
     * name UIDs the client never saw).
     */
    public ExpungedUids expungedSince(long mailboxId, long modSeq) {
        return store.read(tx -> {
            List<Long> uids = tx.mailboxes().expungedSince(mailboxId, modSeq).stream().map(Rows.Expunged::uid).toList();
            return new ExpungedUids(uids, modSeq >= tx.mailboxes().expungedDroppedUpTo(mailboxId));
        });
    }

    /**
     * Expunged UIDs kept per mailbox. Nothing in the server needs them beyond QRESYNC's resync of
     * a client that was away (CONDSTORE and other sessions hear of expunges as events), so a
     * bounded number that covers any realistic absence is kept, however much a mailbox churns.
     */
    public static final int EXPUNGED_KEPT = 10_000;

    /**
     * Drops the expunged UIDs that no mailbox needs to keep (all but its {@link #EXPUNGED_KEPT}
     * most recent). Each mailbox is trimmed in a short transaction of its own. Returns how many
     * were dropped.
     */
    public int trimExpunged() {
        return trimExpunged(EXPUNGED_KEPT);
    }

    int trimExpunged(int keep) {
        int dropped = 0;
        for (long mailboxId : store.read(tx -> tx.mailboxes().mailboxesWithExpungedOver(keep))) {
            dropped += store.writeAndWait(tx -> tx.mailboxes().trimExpunged(mailboxId, keep));
        }
        return dropped;
    }

    /** The whole message: header prefix, then content. The caller closes it. */
    public InputStream open(MessageEntry message) throws IOException {
        return contents.open(message.headerPrefix(), message.blobId());
    }

    /**
     * The contents among these that are kept inline in the index, by blob id, read in one
     * transaction: a FETCH of many bodies reads them a window at a time instead of one
     * transaction per message. Contents in the blob store are left out.
     */
    public Map<String, byte[]> inlineContents(Collection<String> blobIds) {
        return contents.inline(blobIds);
    }

    /** The message's content without its header prefix: what a stored structure's offsets count in. */
    public InputStream openContent(MessageEntry message) throws IOException {
        return contents.open(message.blobId());
    }

    /** The structure the IMAP layer keeps for a content (offsets from the start of the content), if any. */
    public Optional<String> structure(String blobId) {
        return Optional.ofNullable(store.read(tx -> tx.blobs().structure(blobId)));
    }

    /**
     * Keeps a content's structure, for every message that shares the content. The caller has
     * the structure already and does not wait: a FETCH that parses thousands of contents for
     * the first time would otherwise wait for one commit per message, where these writes are
     * committed together. A write that fails only means the structure is parsed again later.
     */
    public void saveStructure(String blobId, String structure) {
        store.write(tx -> tx.blobs().setStructure(blobId, structure)).whenComplete((saved, error) -> {
            if (error != null) {
                log.debug("structure of content {} not kept: {}", blobId, error.getMessage());
            }
        });
    }

    /**
     * The top-level header section of the content of every message of a mailbox from UID
     * {@code fromUid} on, by UID, in one query; contents stored before the index kept headers are
     * read and their headers kept now. A header too long to keep is left out.
     */
    public Map<Long, byte[]> headerSections(long mailboxId, long fromUid) throws IOException {
        Map<Long, byte[]> out = new HashMap<>();
        Map<String, byte[]> missing = new HashMap<>();
        for (Rows.HeaderSection h : store.read(tx -> tx.mailboxes().headerSections(mailboxId, fromUid))) {
            byte[] header = h.header();
            if (header == null) {
                header = missing.containsKey(h.blobId()) ? missing.get(h.blobId()) : contents.readHeader(h.blobId());
                missing.put(h.blobId(), header);
            }
            if (header != null) {
                out.put(h.uid(), header);
            }
        }
        missing.values().removeIf(Objects::isNull);
        if (!missing.isEmpty()) {
            store.writeAndWait(tx -> {
                missing.forEach((blobId, header) -> tx.blobs().setHeader(blobId, header));
                return null;
            });
        }
        return out;
    }

    // ---- writing ----------------------------------------------------------------------------

    /** APPEND (RFC 3501 §6.3.11): stores the content and files it with these flags and date. */
    public AppendResult append(long mailboxId, InputStream content, Flags flags, Instant internalDate)
            throws IOException {
        return record(mailboxId, contents.write(content), flags, internalDate);
    }

    /** A content to be sent piece by piece, then appended with {@link #appendAll}. */
    public MessageUpload newUpload() {
        return new MessageUpload(contents.newSink());
    }

    /** One message of an APPEND: the content the client streamed, its flags and internal date. */
    public record Appended(MessageUpload upload, Flags flags, Instant internalDate) {
    }

    /**
     * APPEND of contents the client streamed, one or several (MULTIAPPEND, RFC 3502 §6.3.11):
     * each is made durable, then all are filed in one transaction, so the messages are appended
     * all together or not at all, with consecutive UIDs. The uploads are consumed: on failure
     * nothing of them is left.
     */
    public List<AppendResult> appendAll(long mailboxId, List<Appended> messages) throws IOException {
        List<Contents.Written> written = new ArrayList<>(messages.size());
        try {
            for (Appended a : messages) {
                written.add(contents.finish(a.upload().sink(), a.upload().header()));
            }
        } catch (IOException | RuntimeException e) {
            written.forEach(contents::discard);
            // finish aborted the one that failed; the ones after it were never finished
            for (Appended a : messages.subList(Math.min(messages.size(), written.size() + 1), messages.size())) {
                a.upload().abort();
            }
            throw e;
        }
        try {
            return store.writeAndWait(tx -> {
                Rows.Mailbox mailbox = selectable(tx, mailboxId);
                List<AppendResult> results = new ArrayList<>(messages.size());
                for (int i = 0; i < messages.size(); i++) {
                    results.add(file(tx, mailbox, written.get(i), messages.get(i).flags(),
                            messages.get(i).internalDate()));
                }
                return results;
            });
        } catch (RuntimeException e) {
            written.forEach(contents::discard);
            throw e;
        }
    }

    private AppendResult record(long mailboxId, Contents.Written written, Flags flags, Instant internalDate) {
        try {
            return store.writeAndWait(tx -> file(tx, selectable(tx, mailboxId), written, flags, internalDate));
        } catch (RuntimeException e) {
            contents.discard(written);
            throw e;
        }
    }

    /** Files a written content into a mailbox as a new message, in the caller's transaction. */
    private AppendResult file(StoreTx tx, Rows.Mailbox mailbox, Contents.Written written, Flags flags,
                              Instant internalDate) {
        written.record(tx);
        tx.blobs().addRefs(written.blobId(), 1);
        Rows.Message m = tx.mailboxes().append(mailbox.id(), written.blobId(), "", written.size(),
                internalDate, flags.systemBits(), flags.keywordText());
        afterAppend(tx, mailbox, m);
        return new AppendResult(mailbox.id(), mailbox.uidValidity(), m.uid(), m.modSeq());
    }

    /**
     * Keeps the POP3 unique ids messages had on the server they were imported from (RFC 1939 §7:
     * visible ASCII, at most 70 characters), by UID, so that POP3 clients do not fetch them again.
     */
    public void setPop3Uidls(long mailboxId, Map<Long, String> uidlsByUid) {
        for (String uidl : uidlsByUid.values()) {
            if (!isPop3Uidl(uidl)) {
                throw new IllegalArgumentException("not a POP3 unique id (1 to 70 visible ASCII characters): " + uidl);
            }
        }
        if (!uidlsByUid.isEmpty()) {
            store.writeAndWait(tx -> {
                tx.mailboxes().setPop3Uidls(mailboxId, uidlsByUid);
                return null;
            });
        }
    }

    /** The POP3 unique ids kept for a mailbox's messages, by UID (the others have none kept). */
    public Map<Long, String> pop3Uidls(long mailboxId) {
        return store.read(tx -> tx.mailboxes().pop3Uidls(mailboxId));
    }

    /** RFC 1939 §7: one to 70 characters from 0x21 to 0x7E. */
    public static boolean isPop3Uidl(String uidl) {
        return uidl != null && !uidl.isEmpty() && uidl.length() <= 70 && uidl.chars().allMatch(c -> c >= 0x21 && c <= 0x7E);
    }

    public AppendResult append(long mailboxId, byte[] content, Flags flags, Instant internalDate) {
        try {
            return append(mailboxId, new ByteArrayInputStream(content), flags, internalDate);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * STORE (RFC 3501 §6.4.6, RFC 7162 §3.1.3). Messages whose flags do not change keep their
     * MODSEQ; the others all take one new MODSEQ. More than {@link MailboxService#MESSAGES_PER_TRANSACTION}
     * messages are changed in pieces of that many, each in its own transaction with its own MODSEQ
     * ("mark all as read" on a folder of a hundred thousand messages would otherwise hold the
     * store's writer for a second or more, docs/adr/0026); a mailbox that goes away between pieces
     * ends the command with what was done.
     *
     * @param unchangedSince messages whose MODSEQ is above this are left alone and reported as
     *                       modified; negative for no condition
     */
    public FlagStoreResult storeFlags(long mailboxId, Collection<Long> uids, FlagOperation op, Flags operand,
                                      long unchangedSince) {
        return storeFlags(mailboxId, uids, op, operand, unchangedSince, MailboxRights.ALL);
    }

    /**
     * {@link #storeFlags(long, Collection, FlagOperation, Flags, long)} by a user with
     * {@code rights} on the mailbox: flags they may not change stay as they were (RFC 4314 §4).
     */
    public FlagStoreResult storeFlags(long mailboxId, Collection<Long> uids, FlagOperation op, Flags operand,
                                      long unchangedSince, MailboxRights rights) {
        List<Long> sorted = uids.stream().sorted().distinct().toList();
        int piece = Math.min(MailboxService.MESSAGES_PER_TRANSACTION, sorted.size());
        FlagStoreResult first = storeFlagsAtOnce(mailboxId, sorted.subList(0, piece), op, operand, unchangedSince,
                rights);
        if (piece == sorted.size()) {
            return first;
        }
        List<MailboxEvents.FlagChange> changes = new ArrayList<>(first.changed());
        List<Long> modified = new ArrayList<>(first.modified());
        for (FlagStoreResult done : laterPieces(mailboxId, sorted.subList(piece, sorted.size()),
                next -> storeFlagsAtOnce(mailboxId, next, op, operand, unchangedSince, rights))) {
            changes.addAll(done.changed());
            modified.addAll(done.modified());
        }
        return new FlagStoreResult(List.copyOf(changes), List.copyOf(modified));
    }

    private FlagStoreResult storeFlagsAtOnce(long mailboxId, Collection<Long> uids, FlagOperation op, Flags operand,
                                             long unchangedSince, MailboxRights rights) {
        return store.writeAndWait(tx -> {
            Rows.Mailbox mailbox = selectable(tx, mailboxId);
            List<Long> modified = new ArrayList<>();
            List<Rows.FlagUpdate> updates = new ArrayList<>();
            List<Flags> newFlags = new ArrayList<>();
            List<Long> changedUids = new ArrayList<>();
            for (Rows.Message m : tx.mailboxes().messages(mailboxId, uids)) {
                if (unchangedSince >= 0 && m.modSeq() > unchangedSince) {
                    modified.add(m.uid());
                    continue;
                }
                Flags before = Flags.fromStored(m.systemFlags(), m.keywords());
                Flags after = before.apply(op, operand).within(rights, before);
                if (!after.equals(before) || !after.keywordText().equals(before.keywordText())) {
                    updates.add(new Rows.FlagUpdate(m.id(), m.systemFlags(), after.systemBits(), after.keywordText()));
                    newFlags.add(after);
                    changedUids.add(m.uid());
                }
            }
            List<MailboxEvents.FlagChange> changes = new ArrayList<>();
            if (!updates.isEmpty()) {
                long modSeq = tx.mailboxes().nextModSeq(mailboxId);
                tx.mailboxes().updateFlags(mailboxId, updates, modSeq);
                for (int i = 0; i < updates.size(); i++) {
                    changes.add(new MailboxEvents.FlagChange(changedUids.get(i), newFlags.get(i), modSeq));
                }
                MailboxEvents.FlagsChanged event = new MailboxEvents.FlagsChanged(mailbox.accountId(), mailboxId,
                        List.copyOf(changes));
                events.publish(tx, event);
            }
            return new FlagStoreResult(List.copyOf(changes), List.copyOf(modified));
        });
    }

    /** EXPUNGE (RFC 3501 §6.4.3): removes every message flagged \Deleted. */
    public ExpungeResult expungeDeleted(long mailboxId) {
        return expungeInPieces(mailboxId, true, tx -> tx.mailboxes().deletedUids(mailboxId));
    }

    /** UID EXPUNGE (RFC 4315 §2.1): removes the messages among {@code uids} flagged \Deleted. */
    public ExpungeResult expungeDeleted(long mailboxId, Collection<Long> uids) {
        return expungeInPieces(mailboxId, true, tx -> deletedAmong(tx.mailboxes().messages(mailboxId, uids)));
    }

    /** Removes messages whatever their flags (POP3's UPDATE state, the admin tools). */
    public ExpungeResult remove(long mailboxId, Collection<Long> uids) {
        return expungeInPieces(mailboxId, false, tx -> List.copyOf(uids));
    }

    /** Removes every message of a mailbox whatever its flags (DELETE of the mailbox). */
    ExpungeResult removeAll(long mailboxId) {
        return expungeInPieces(mailboxId, false,
                tx -> tx.mailboxes().messages(mailboxId).stream().map(Rows.Message::uid).toList());
    }

    /** COPY (RFC 3501 §6.4.7): the copies keep flags and internal date and share the content. */
    public CopyResult copy(long sourceMailboxId, Collection<Long> uids, long targetMailboxId) {
        return copy(sourceMailboxId, uids, targetMailboxId, MailboxRights.ALL);
    }

    /**
     * COPY by a user with {@code targetRights} on the target: the copies keep only the flags the
     * user may set there (RFC 4314 §4).
     */
    public CopyResult copy(long sourceMailboxId, Collection<Long> uids, long targetMailboxId,
                           MailboxRights targetRights) {
        return store.writeAndWait(tx -> {
            selectable(tx, sourceMailboxId);
            return copy(tx, tx.mailboxes().messages(sourceMailboxId, uids), selectable(tx, targetMailboxId),
                    targetRights);
        });
    }

    /** MOVE (RFC 6851): copy, then expunge from the source, in one transaction. */
    public CopyResult move(long sourceMailboxId, Collection<Long> uids, long targetMailboxId) {
        return move(sourceMailboxId, uids, targetMailboxId, MailboxRights.ALL);
    }

    /** MOVE by a user with {@code targetRights} on the target (see {@link #copy(long, Collection, long, MailboxRights)}). */
    public CopyResult move(long sourceMailboxId, Collection<Long> uids, long targetMailboxId,
                           MailboxRights targetRights) {
        return store.writeAndWait(tx -> {
            Rows.Mailbox source = selectable(tx, sourceMailboxId);
            Rows.Mailbox target = selectable(tx, targetMailboxId);
            if (source.id() == target.id()) {
                throw new MailboxException(MailboxException.Reason.NOT_ALLOWED,
                        "cannot move messages to their own mailbox");
            }
            CopyResult copied = copy(tx, tx.mailboxes().messages(source.id(), uids), target, targetRights);
            expunge(tx, source, copied.sourceUids());
            return copied;
        });
    }

    /**
     * Expunges the messages {@code candidates} picks, at most {@link MailboxService#MESSAGES_PER_TRANSACTION}
     * per transaction: the first piece with the choice, each later one in a transaction of its own
     * that takes its own MODSEQ and, for an EXPUNGE, checks again that its messages are still
     * flagged \Deleted. One transaction over a hundred thousand messages held the store's writer
     * (and every session waiting on it) for minutes, its write-ahead log growing all the while
     * (docs/adr/0026). A mailbox that goes away between pieces ends the
     * removal with what was done.
     */
    private ExpungeResult expungeInPieces(long mailboxId, boolean onlyDeleted,
                                          StoreWork<List<Long>> candidates) {
        int piece = MailboxService.MESSAGES_PER_TRANSACTION;
        record First(ExpungeResult result, List<Long> rest) {
        }
        First first = store.writeAndWait(tx -> {
            Rows.Mailbox mailbox = onlyDeleted ? selectable(tx, mailboxId) : mailbox(tx, mailboxId);
            List<Long> all = candidates.run(tx).stream().sorted().distinct().toList();
            int n = Math.min(piece, all.size());
            return new First(expunge(tx, mailbox, all.subList(0, n)), all.subList(n, all.size()));
        });
        if (first.rest().isEmpty()) {
            return first.result();
        }
        List<Long> expunged = new ArrayList<>(first.result().uids());
        long modSeq = first.result().modSeq();
        for (ExpungeResult done : laterPieces(mailboxId, first.rest(), next -> store.writeAndWait(tx -> {
            Rows.Mailbox mailbox = onlyDeleted ? selectable(tx, mailboxId) : mailbox(tx, mailboxId);
            return expunge(tx, mailbox, onlyDeleted ? deletedAmong(tx.mailboxes().messages(mailboxId, next)) : next);
        }))) {
            expunged.addAll(done.uids());
            modSeq = Math.max(modSeq, done.modSeq());
        }
        return new ExpungeResult(List.copyOf(expunged), modSeq);
    }

    /**
     * Runs {@code piece} on {@code uids} (what is left after a command's first piece), at most
     * {@link MailboxService#MESSAGES_PER_TRANSACTION} at a time, each a transaction of its own. A
     * mailbox that goes away (or stops being selectable) meanwhile ends the command with the
     * pieces done so far.
     */
    private <R> List<R> laterPieces(long mailboxId, List<Long> uids, java.util.function.Function<List<Long>, R> piece) {
        int size = MailboxService.MESSAGES_PER_TRANSACTION;
        List<R> done = new ArrayList<>();
        for (int from = 0; from < uids.size(); from += size) {
            try {
                done.add(piece.apply(uids.subList(from, Math.min(from + size, uids.size()))));
            } catch (MailboxException e) {
                log.info("mailbox {} went away while a command over many of its messages ran: {}", mailboxId,
                        e.getMessage());
                break;
            }
        }
        return done;
    }

    // ---- within a transaction (shared with MailboxService) ----------------------------------

    CopyResult move(StoreTx tx, Rows.Mailbox source, Collection<Long> uids, Rows.Mailbox target) {
        if (source.id() == target.id()) {
            throw new MailboxException(MailboxException.Reason.NOT_ALLOWED, "cannot move messages to their own mailbox");
        }
        List<Rows.Message> messages = tx.mailboxes().messages(source.id(), uids);
        CopyResult copied = copy(tx, messages, target);
        expunge(tx, source, copied.sourceUids());
        return copied;
    }

    CopyResult copy(StoreTx tx, List<Rows.Message> messages, Rows.Mailbox target) {
        return copy(tx, messages, target, MailboxRights.ALL);
    }

    private CopyResult copy(StoreTx tx, List<Rows.Message> messages, Rows.Mailbox target, MailboxRights rights) {
        List<Long> sourceUids = new ArrayList<>();
        List<Long> targetUids = new ArrayList<>();
        for (Rows.Message m : messages) {
            int systemFlags = m.systemFlags();
            String keywords = m.keywords();
            if (!rights.equals(MailboxRights.ALL)) {
                Flags kept = Flags.fromStored(systemFlags, keywords).changeableWith(rights);
                systemFlags = kept.systemBits();
                keywords = kept.keywordText();
            }
            Rows.Message copy = tx.mailboxes().append(target.id(), m.blobId(), m.headerPrefix(), m.size(),
                    m.internalDate(), systemFlags, keywords);
            tx.blobs().addRefs(m.blobId(), 1);
            afterAppend(tx, target, copy);
            sourceUids.add(m.uid());
            targetUids.add(copy.uid());
        }
        return new CopyResult(target.uidValidity(), List.copyOf(sourceUids), List.copyOf(targetUids));
    }

    ExpungeResult expunge(StoreTx tx, Rows.Mailbox mailbox, Collection<Long> uids) {
        if (uids.isEmpty()) {
            return new ExpungeResult(List.of(), 0);
        }
        Set<Long> existing = new TreeSet<>();
        for (Rows.Message m : tx.mailboxes().messages(mailbox.id(), uids)) {
            existing.add(m.uid());
        }
        if (existing.isEmpty()) {
            return new ExpungeResult(List.of(), 0);
        }
        long modSeq = tx.mailboxes().nextModSeq(mailbox.id());
        for (String blobId : tx.mailboxes().expunge(mailbox.id(), existing, modSeq)) {
            contents.release(tx, blobId);
        }
        List<Long> expunged = List.copyOf(existing);
        events.publish(tx, new MailboxEvents.Expunged(mailbox.accountId(), mailbox.id(), expunged, modSeq));
        return new ExpungeResult(expunged, modSeq);
    }

    void afterAppend(StoreTx tx, Rows.Mailbox mailbox, Rows.Message m) {
        events.publish(tx, new MailboxEvents.NewMessage(mailbox.accountId(), mailbox.id(), m.uid(), m.modSeq()));
    }

    private static List<Long> deletedAmong(List<Rows.Message> messages) {
        return messages.stream().filter(m -> (m.systemFlags() & SystemFlag.DELETED.bit()) != 0)
                .map(Rows.Message::uid).toList();
    }

    static Rows.Mailbox mailbox(StoreTx tx, long mailboxId) {
        return tx.mailboxes().mailbox(mailboxId).orElseThrow(() ->
                new MailboxException(MailboxException.Reason.NONEXISTENT, "the mailbox no longer exists"));
    }

    static Rows.Mailbox selectable(StoreTx tx, long mailboxId) {
        Rows.Mailbox m = mailbox(tx, mailboxId);
        if (!m.selectable()) {
            throw new MailboxException(MailboxException.Reason.NOT_ALLOWED, "mailbox " + m.name() + " holds no messages");
        }
        return m;
    }
}
