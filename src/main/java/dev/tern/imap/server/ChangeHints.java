package dev.tern.imap.server;

import dev.tern.mailbox.MailboxEvents;
import dev.tern.mailbox.MessageSummary;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The flag changes and expunges committed in the mailboxes that {@link MailboxSummaries} keeps
 * copies of, as their events told them: a copy takes them in instead of reading the changed
 * messages back from the store. After {@code STORE 1:* +FLAGS (\Seen)} on 10,000 messages, reading
 * them back took twice as long as the flag fetch that followed.
 *
 * <p>Why a copy may take an event in: every change of a mailbox takes the next MODSEQ of its row,
 * and events arrive in commit order. An event whose MODSEQ is the one after the copy's is the
 * change that follows it, with nothing missed between; the copy takes it and moves on. An
 * arrival (its event lacks the size and date a summary holds), a gap or an event that does not
 * fit ends the taking: the store read that follows finds the rest, as it always did. Taking an
 * event in again changes nothing, so one the store read has already brought is harmless, and the
 * parts of one change that another node's events split are all taken. Hints
 * are only a shortcut: when they grow past a bound they are dropped, and the store answers.
 */
final class ChangeHints implements MailboxEvents.Listener {

    /** Changed or expunged messages held in all, past which every hint is dropped. */
    static final long MAX_HELD = 200_000;
    /** Mailboxes watched at most, past which they are all forgotten (their copies read changes as before). */
    private static final int MAX_WATCHED = 4_096;

    private final long maxHeld;
    private final Set<Long> watched = ConcurrentHashMap.newKeySet();
    private final Map<Long, List<Object>> pending = new ConcurrentHashMap<>();
    private final AtomicLong held = new AtomicLong();

    ChangeHints() {
        this(MAX_HELD);
    }

    ChangeHints(long maxHeld) {
        this.maxHeld = maxHeld;
    }

    /** Starts collecting the changes of a mailbox a copy is now kept of. */
    void watch(long mailboxId) {
        if (watched.size() >= MAX_WATCHED && !watched.contains(mailboxId)) {
            watched.clear();
            dropAll();
        }
        watched.add(mailboxId);
    }

    @Override
    public void added(MailboxEvents.NewMessage event) {
        hold(event.mailboxId(), event);
    }

    @Override
    public void flagsChanged(MailboxEvents.FlagsChanged event) {
        hold(event.mailboxId(), event);
    }

    @Override
    public void expunged(MailboxEvents.Expunged event) {
        hold(event.mailboxId(), event);
    }

    @Override
    public void removed(MailboxEvents.MailboxRemoved event) {
        watched.remove(event.mailboxId());
        release(pending.remove(event.mailboxId()));
    }

    /** Called on the committing thread: holds a reference, nothing more. */
    private void hold(long mailboxId, Object event) {
        if (!watched.contains(mailboxId)) {
            return;
        }
        if (held.addAndGet(size(event)) > maxHeld) {
            dropAll();
            return;
        }
        pending.compute(mailboxId, (id, list) -> {
            List<Object> l = list == null ? new ArrayList<>() : list;
            l.add(event);
            return l;
        });
    }

    private void dropAll() {
        pending.clear();
        held.set(0);
    }

    private void release(List<Object> events) {
        if (events != null) {
            long n = events.stream().mapToLong(ChangeHints::size).sum();
            held.updateAndGet(h -> Math.max(0, h - n));    // a drop meanwhile already set it to 0
        }
    }

    private static long size(Object event) {
        if (event instanceof MailboxEvents.FlagsChanged f) {
            return f.changes().size();
        }
        return event instanceof MailboxEvents.Expunged e ? e.uids().size() : 1;
    }

    /**
     * {@code copy} with the held changes that follow it taken in (the same copy when none does);
     * the mailbox's hints are used up either way.
     */
    MailboxSummaries.Copy applyTo(long mailboxId, MailboxSummaries.Copy copy) {
        List<Object> events = pending.remove(mailboxId);
        if (events == null) {
            return copy;
        }
        release(events);
        MailboxSummaries.Copy now = copy;
        for (Object event : events) {
            long modSeq = modSeq(event);
            boolean arrival = event instanceof MailboxEvents.NewMessage;
            if (modSeq < now.asOf() || modSeq == now.asOf() && arrival) {
                continue;    // the copy has it already
            }
            // One change may come as several events of the same MODSEQ (another node's, split to
            // fit the store's channel): a flag change or expunge of the copy's own MODSEQ is taken
            // again, which changes nothing if the copy had it.
            MailboxSummaries.Copy next = modSeq <= now.asOf() + 1 ? taken(now, event) : null;
            if (next == null) {
                break;    // a gap, an arrival or a change that does not fit: the store read finds the rest
            }
            now = next;
        }
        return now;
    }

    private static long modSeq(Object event) {
        if (event instanceof MailboxEvents.FlagsChanged f) {
            return f.changes().isEmpty() ? Long.MAX_VALUE : f.changes().get(0).modSeq();
        }
        if (event instanceof MailboxEvents.Expunged e) {
            return e.modSeq();
        }
        return ((MailboxEvents.NewMessage) event).modSeq();
    }

    /** The copy with one change taken in, or null when it cannot be. */
    private static MailboxSummaries.Copy taken(MailboxSummaries.Copy copy, Object event) {
        if (event instanceof MailboxEvents.FlagsChanged f) {
            MessageSummary[] summaries = copy.summaries().clone();
            long modSeq = f.changes().get(0).modSeq();
            for (MailboxEvents.FlagChange change : f.changes()) {
                int i = Arrays.binarySearch(copy.uids(), change.uid());
                if (i < 0 || change.modSeq() != modSeq) {
                    return null;
                }
                MessageSummary old = summaries[i];
                summaries[i] = old.withFlags(change.flags(), modSeq);
            }
            return new MailboxSummaries.Copy(modSeq, copy.uids(), summaries);
        }
        if (event instanceof MailboxEvents.Expunged e) {
            Set<Long> gone = new HashSet<>(e.uids());
            long[] uids = new long[copy.uids().length];
            MessageSummary[] summaries = new MessageSummary[uids.length];
            int n = 0;
            for (int i = 0; i < copy.uids().length; i++) {
                if (!gone.contains(copy.uids()[i])) {
                    uids[n] = copy.uids()[i];
                    summaries[n++] = copy.summaries()[i];
                }
            }
            return new MailboxSummaries.Copy(e.modSeq(), Arrays.copyOf(uids, n), Arrays.copyOf(summaries, n));
        }
        return null;    // an arrival: its size and date are not in the event
    }
}
