package dev.tern.imap.server;

import dev.tern.imap.protocol.ResponseWriter;
import dev.tern.imap.protocol.SequenceSet;
import dev.tern.mailbox.Flags;
import dev.tern.mailbox.MailboxEvents;
import dev.tern.mailbox.MailboxRights;
import dev.tern.store.Rows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongPredicate;

/**
 * The mailbox a session has selected, as that session sees it: its own sequence numbers
 * ({@link UidSequence}) and the changes made since by other sessions, by delivery, or by this
 * session's own commands, waiting to be reported at the moments RFC 9051 §7.5.1 allows.
 *
 * <p>Change events arrive on the store's thread and are handed to the session's event loop,
 * where everything here runs. A message delivered and expunged before the client heard of it is
 * announced and then expunged, so sequence numbers always agree with what the client was told.
 *
 * <p>The selection holds the mailbox by id: when another session renames it, this one goes on
 * with the same messages, UIDs and UIDVALIDITY under the new name (RFC 9051 §6.3.6 keeps them).
 * When the mailbox is deleted, {@link #removed()} says so and the session ends.
 */
final class SelectedMailbox implements AutoCloseable {

    private final long mailboxId;
    /** The account the mailbox belongs to: the user's, or the one that shares it. */
    private final long ownerId;
    private final String name;
    private final boolean readOnly;
    /** What the user may do here (RFC 4314): every right in their own mailboxes; kept from the selection on. */
    private final MailboxRights rights;
    /** The mailbox's RFC 6154 attribute at selection ({@code \Junk}, ...), or null. */
    private final String specialUse;
    private final long uidValidity;
    private UidSequence sequence = new UidSequence(new long[0]);
    private final List<Long> newUids = new ArrayList<>();
    private final List<Long> expunged = new ArrayList<>();
    private final Map<Long, MailboxEvents.FlagChange> flagChanges = new LinkedHashMap<>();
    /** MODSEQs of this session's own STOREs, already answered with FETCH responses. */
    private final Set<Long> ownModSeqs = new HashSet<>();
    private MailboxEvents.Registration registration;
    private boolean removed;
    /** True for an IMAP4rev1 session that selected read-write: it claims \Recent messages. */
    private final boolean claimsRecent;
    /**
     * UID ranges [first, end) this session claimed as \Recent, first to end, disjoint and not
     * touching (adjacent claims are one range); claims land from the storage thread too. A session
     * that stays selected for days makes a claim per arrival: lookups stay logarithmic.
     */
    private final TreeMap<Long, Long> recent = new TreeMap<>();
    private boolean recentChanged;
    /**
     * The saved search result {@code $} (RFC 5182), as UIDs ascending: empty at selection. UIDs
     * are never reused, so an expunged message is left out when {@code $} is read rather than
     * removed here.
     */
    private long[] savedUids = new long[0];

    /**
     * Made on the storage thread: first the object, then its registration for events (which may
     * arrive at once and wait here), then {@link #load} with the messages read after that, so no
     * change falls between the two.
     */
    SelectedMailbox(long mailboxId, String name, boolean readOnly, long uidValidity, boolean claimsRecent) {
        this(mailboxId, -1, name, readOnly, uidValidity, claimsRecent, MailboxRights.ALL, null);
    }

    /** A mailbox as the user reached it: under {@code name}, with {@code rights}. */
    SelectedMailbox(Rows.Mailbox box, String name, boolean readOnly, boolean claimsRecent, MailboxRights rights) {
        this(box.id(), box.accountId(), name, readOnly, box.uidValidity(), claimsRecent, rights, box.specialUse());
    }

    private SelectedMailbox(long mailboxId, long ownerId, String name, boolean readOnly, long uidValidity,
                            boolean claimsRecent, MailboxRights rights, String specialUse) {
        this.claimsRecent = claimsRecent;
        this.mailboxId = mailboxId;
        this.ownerId = ownerId;
        this.name = name;
        this.readOnly = readOnly;
        this.uidValidity = uidValidity;
        this.rights = rights;
        this.specialUse = specialUse;
    }

    /** The UIDs of the messages at selection, ascending. Touches nothing the events touch. */
    void load(long[] uids) {
        sequence = new UidSequence(uids);
    }

    /** Listens to the mailbox's changes; {@code arrived} runs on the event loop after each. */
    static MailboxEvents.Registration listen(MailboxEvents events, long mailboxId, ImapIo io,
                                             java.util.function.Consumer<Object> arrived) {
        return events.listen(mailboxId, new MailboxEvents.Listener() {
            @Override
            public void added(MailboxEvents.NewMessage event) {
                io.execute(() -> arrived.accept(event));
            }

            @Override
            public void flagsChanged(MailboxEvents.FlagsChanged event) {
                io.execute(() -> arrived.accept(event));
            }

            @Override
            public void expunged(MailboxEvents.Expunged event) {
                io.execute(() -> arrived.accept(event));
            }

            @Override
            public void removed(MailboxEvents.MailboxRemoved event) {
                io.execute(() -> arrived.accept(event));
            }
        });
    }

    void registration(MailboxEvents.Registration registration) {
        this.registration = registration;
    }

    long id() {
        return mailboxId;
    }

    String name() {
        return name;
    }

    boolean readOnly() {
        return readOnly;
    }

    /** True when the user has {@code right} (RFC 4314 §2.1) on this mailbox. */
    boolean may(char right) {
        return rights.has(right);
    }

    MailboxRights rights() {
        return rights;
    }

    long ownerId() {
        return ownerId;
    }

    String specialUse() {
        return specialUse;
    }

    long uidValidity() {
        return uidValidity;
    }

    UidSequence sequence() {
        return sequence;
    }

    /** The mailbox was deleted since it was selected (by any session, on any node). */
    boolean removed() {
        return removed;
    }

    boolean claimsRecent() {
        return claimsRecent;
    }

    /** Messages this session claimed as \Recent (RFC 3501 §2.3.2); RECENT is told at the next report. */
    synchronized void addRecent(Rows.RecentClaim claim) {
        if (claim.end() <= claim.first()) {
            return;
        }
        long first = claim.first();
        long end = claim.end();
        Map.Entry<Long, Long> before = recent.floorEntry(first);
        if (before != null && before.getValue() >= first) {
            first = before.getKey();
            end = Math.max(end, before.getValue());
        }
        for (Map.Entry<Long, Long> after = recent.ceilingEntry(first); after != null && after.getKey() <= end;
             after = recent.ceilingEntry(first)) {
            end = Math.max(end, after.getValue());
            recent.remove(after.getKey());
        }
        recent.put(first, end);
        recentChanged = true;
    }

    synchronized boolean isRecent(long uid) {
        Map.Entry<Long, Long> range = recent.floorEntry(uid);
        return range != null && uid < range.getValue();
    }

    /** How many ranges the \Recent claims make (tests). */
    synchronized int recentRanges() {
        return recent.size();
    }

    /** Whether a UID is \Recent here, as of now: for work on the storage thread. */
    synchronized LongPredicate recentSnapshot() {
        if (recent.isEmpty()) {
            return uid -> false;
        }
        long[] firsts = recent.keySet().stream().mapToLong(Long::longValue).toArray();
        long[] ends = recent.values().stream().mapToLong(Long::longValue).toArray();
        return uid -> {
            int i = Arrays.binarySearch(firsts, uid);
            int range = i >= 0 ? i : -i - 2;    // the last range starting at or before uid
            return range >= 0 && uid < ends[range];
        };
    }

    /** The RECENT count of the messages the client knows, which it is told now. */
    synchronized long takeRecentCount() {
        recentChanged = false;
        long n = 0;
        for (Map.Entry<Long, Long> range : recent.entrySet()) {
            n += sequence.countBelow(range.getValue()) - sequence.countBelow(range.getKey());
        }
        return n;
    }

    /** A message's flags as this session shows them: \Recent added where it applies. */
    List<String> flagNames(long uid, Flags flags) {
        return withRecent(flags, isRecent(uid));
    }

    static List<String> withRecent(Flags flags, boolean recent) {
        List<String> names = flags.names();
        if (recent) {
            names = new ArrayList<>(names);
            names.add("\\Recent");
        }
        return names;
    }

    /** Takes an event from {@link #listen}. */
    void accept(Object event) {
        if (event instanceof MailboxEvents.MailboxRemoved) {
            removed = true;
        } else if (event instanceof MailboxEvents.NewMessage n) {
            newUids.add(n.uid());
        } else if (event instanceof MailboxEvents.Expunged e) {
            expunged.addAll(e.uids());
        } else if (event instanceof MailboxEvents.FlagsChanged f) {
            for (MailboxEvents.FlagChange c : f.changes()) {
                if (!ownModSeqs.contains(c.modSeq())) {
                    flagChanges.put(c.uid(), c);
                }
            }
        }
    }

    /** A STORE of this session took these MODSEQs: its changes need no second report. */
    void ownChanges(java.util.Set<Long> modSeqs) {
        if (modSeqs.isEmpty()) {
            return;
        }
        ownModSeqs.addAll(modSeqs);
        flagChanges.values().removeIf(c -> modSeqs.contains(c.modSeq()));
    }

    /** This session expunged these (EXPUNGE, MOVE): reported with the others. */
    void expungedHere(List<Long> uids) {
        expunged.addAll(uids);
    }

    /** Messages this session added to its own mailbox (APPEND, COPY): EXISTS follows. */
    void addedHere(List<Long> uids) {
        newUids.addAll(uids);
    }

    /**
     * Writes the pending changes: new messages as EXISTS, then, where allowed, EXPUNGE (or one
     * VANISHED for them all once QRESYNC is on, RFC 7162 §3.2.10), then flag changes as FETCH.
     * Sequence numbers change only here.
     */
    void report(ResponseWriter writer, boolean expunges, boolean withModSeq, boolean vanished) {
        announceNew(writer);
        boolean tellRecent;
        synchronized (this) {
            tellRecent = recentChanged;
        }
        if (tellRecent) {
            writer.untagged().number(takeRecentCount()).atom("RECENT").end();
        }
        if (expunges && !expunged.isEmpty()) {
            List<Long> gone = new ArrayList<>();
            for (long uid : expunged) {
                long seq = sequence.remove(uid);
                if (seq > 0 && vanished) {
                    gone.add(uid);
                } else if (seq > 0) {
                    writer.untagged().number(seq).atom("EXPUNGE").end();
                }
            }
            expunged.clear();
            if (!gone.isEmpty()) {
                writer.untagged().atom("VANISHED").sequenceSet(SequenceSet.compress(gone)).end();
            }
        }
        if (!flagChanges.isEmpty()) {
            for (MailboxEvents.FlagChange c : flagChanges.values()) {
                long seq = sequence.sequenceOf(c.uid());
                if (seq > 0) {
                    writeFlags(writer, seq, c.uid(), c.flags(), c.modSeq(), withModSeq);
                }
            }
            flagChanges.clear();
        }
        if (expunges) {
            ownModSeqs.clear();
        }
    }

    /**
     * Writes EXISTS for messages added since the client last heard; allowed at any time, and
     * needed before a command that names messages by UID, so that it can name the new ones.
     */
    void announceNew(ResponseWriter writer) {
        if (newUids.isEmpty()) {
            return;
        }
        newUids.sort(null);
        long before = sequence.size();
        for (long uid : newUids) {
            if (uid > sequence.maxUid()) {
                sequence.append(uid);
            }
        }
        newUids.clear();
        if (sequence.size() != before) {
            writer.untagged().number(sequence.size()).atom("EXISTS").end();
        }
    }

    void writeFlags(ResponseWriter w, long seq, long uid, Flags flags, long modSeq, boolean withModSeq) {
        w.fetchStart(seq).atom("UID").number(uid).atom("FLAGS").flags(flagNames(uid, flags));
        if (withModSeq) {
            w.atom("MODSEQ").openList().number(modSeq).closeList();
        }
        w.fetchEnd();
    }

    /** The UIDs in this session's view, ascending: for work on the storage thread. */
    long[] uidsInView() {
        return sequence.toArray();
    }

    /** Saves a search result as {@code $} (RFC 5182 §2.1); an empty array empties it. */
    void saveSearch(long[] ascendingUids) {
        savedUids = ascendingUids;
    }

    /** The messages of {@code $} still in this session's view, ascending. */
    List<Long> savedSearch() {
        List<Long> out = new ArrayList<>(savedUids.length);
        for (long uid : savedUids) {
            if (sequence.sequenceOf(uid) > 0) {
                out.add(uid);
            }
        }
        return out;
    }

    /**
     * The UIDs a sequence set names, ascending: sequence numbers are mapped through this
     * session's view; UIDs are kept when the session knows them ({@code *} is the highest).
     * {@code $} names the same messages in a UID command as in one by sequence number.
     */
    List<Long> resolve(SequenceSet set, boolean uids) {
        if (set.saved()) {
            return savedSearch();
        }
        long size = sequence.size();
        if (size == 0) {
            return List.of();
        }
        long largest = uids ? sequence.maxUid() : size;
        List<SequenceSet.Range> ranges = set.ranges();
        long[] pairs = new long[2 * ranges.size()];
        for (int i = 0; i < ranges.size(); i++) {
            SequenceSet.Range r = ranges.get(i);
            pairs[2 * i] = r.first() == SequenceSet.LARGEST ? largest : r.first();
            pairs[2 * i + 1] = r.last() == SequenceSet.LARGEST ? largest : r.last();
        }
        long[] merged = UidSequence.merged(pairs, largest);
        long[] found = uids ? sequence.uidsWithin(merged) : sequence.uidsAtSequences(merged);
        return new java.util.AbstractList<>() {
            @Override
            public Long get(int index) {
                return found[index];
            }

            @Override
            public int size() {
                return found.length;
            }
        };
    }

    /** True when a sequence set names a number beyond the mailbox (RFC 9051 §6.4: BAD). */
    boolean outOfRange(SequenceSet set) {
        for (SequenceSet.Range r : set.ranges()) {
            if (r.first() > sequence.size() || r.last() > sequence.size()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        if (registration != null) {
            registration.close();
            registration = null;
        }
    }
}
