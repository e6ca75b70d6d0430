package dev.tern.imap.server;

import dev.tern.imap.protocol.ImapCommand;
import dev.tern.imap.protocol.ResponseCode;
import dev.tern.imap.protocol.ResponseWriter;
import dev.tern.imap.protocol.SequenceSet;
import dev.tern.mailbox.MailboxEvents;
import dev.tern.mailbox.MailboxAccess;
import dev.tern.mailbox.MailboxException;
import dev.tern.mailbox.MailboxService;
import dev.tern.mailbox.MailboxStatus;
import dev.tern.mailbox.MessageFlags;
import dev.tern.mailbox.SystemFlag;
import dev.tern.store.Rows;

import java.util.Arrays;
import java.util.List;

/**
 * SELECT and EXAMINE (RFC 9051 §6.3.2-3, CONDSTORE of RFC 7162 §3.1.8, QRESYNC of §3.2.5), CLOSE
 * (§6.4.1: expunges silently) and UNSELECT (RFC 3691).
 */
final class SelectCommand {

    static final List<String> SYSTEM_FLAGS = List.of("\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft");

    /**
     * @param vanished what a QRESYNC client missed: UIDs expunged since its MODSEQ (empty without QRESYNC)
     * @param changed  and the messages whose flags changed since then
     */
    private record Selection(SelectedMailbox mailbox, MailboxStatus status, long firstUnseen, SequenceSet vanished,
                             List<MessageFlags> changed) {
    }

    private SelectCommand() {
    }

    static void select(ImapSession session, String tag, ImapCommand.Select select) {
        if (select.qresync() != null && !session.qresync()) {
            // RFC 7162 §3.2.5; the selected mailbox, if any, stays selected.
            session.bad(tag, "QRESYNC parameters need ENABLE QRESYNC first");
            return;
        }
        boolean hadMailbox = session.selected() != null;
        // RFC 9051 §6.3.2: a failed SELECT leaves no mailbox selected either.
        session.deselect();
        if (hadMailbox) {
            session.writer().status(null, "OK", ResponseCode.closed(), "previous mailbox closed");
        }
        if (select.condstore()) {
            session.enableCondstore();
        }
        MailboxService mailboxes = session.context().mailboxes();
        long account = session.user().accountId();
        session.onStorage(() -> open(session, mailboxes, account, select), (selection, error) -> {
            if (error != null) {
                session.failed(tag, error, "SELECT");
                return;
            }
            session.select(selection.mailbox());
            answer(session, tag, selection, select.readOnly() ? "EXAMINE" : "SELECT");
        });
    }

    /** Runs on the storage thread. */
    private static Selection open(ImapSession session, MailboxService mailboxes, long account,
                                  ImapCommand.Select select) {
        MailboxAccess.Reached reached = mailboxes.access().reach(account, select.mailbox())
                .require('r', select.readOnly() ? "examine it" : "select it");
        Rows.Mailbox box = reached.mailbox();
        if (!box.selectable()) {
            throw new MailboxException(MailboxException.Reason.NOT_ALLOWED, reached.name() + " holds no messages");
        }
        // RFC 4314 §5.2: a shared mailbox the user may change nothing in opens read-only.
        boolean readOnly = select.readOnly() || !reached.rights().writable();
        // RFC 9051 dropped \Recent: an IMAP4rev2 session neither sees nor takes it, nor does EXAMINE.
        boolean claimsRecent = !readOnly && !session.rev2();
        SelectedMailbox selected = new SelectedMailbox(box, reached.name(), readOnly, claimsRecent, reached.rights());
        selected.registration(SelectedMailbox.listen(mailboxes.events(), box.id(), session.io(), event -> {
            selected.accept(event);
            if (event instanceof MailboxEvents.NewMessage n && selected.claimsRecent()) {
                claimArrival(session, mailboxes, selected, n.uid());
            }
            if (session.selected() == selected) {
                session.changesArrived();
            }
        }));
        try {
            // UIDs and flags only: the sequence map and the first unseen message need nothing else.
            // They come from the copy searches and flag fetches keep when there is one (brought up
            // to date), else from one narrow read of the mailbox.
            List<MessageFlags> messages = flags(session, mailboxes, box);
            long[] uids = new long[messages.size()];
            long firstUnseen = 0;
            for (int i = 0; i < uids.length; i++) {
                uids[i] = messages.get(i).uid();
                if (firstUnseen == 0 && !messages.get(i).flags().has(SystemFlag.SEEN)) {
                    firstUnseen = i + 1;
                }
            }
            selected.load(uids);
            if (!session.rev2() && box.firstUnclaimedUid() < box.uidNext()) {
                // EXAMINE shows what no session claimed yet as \Recent, and leaves it unclaimed.
                selected.addRecent(claimsRecent ? mailboxes.recentClaims().claim(box.id(), box.uidNext())
                        : new Rows.RecentClaim(box.firstUnclaimedUid(), box.uidNext()));
            }
            SequenceSet vanished = new SequenceSet(List.of(), false);
            List<MessageFlags> changed = List.of();
            ImapCommand.Qresync resync = select.qresync();
            if (resync != null && resync.uidValidity() == box.uidValidity()) {
                // RFC 7162 §3.2.5: without known UIDs, the client is taken to know all below UIDNEXT.
                SequenceSet known = resync.knownUids() != null ? resync.knownUids()
                        : SequenceSet.of(new SequenceSet.Range(1, SequenceSet.LARGEST));
                vanished = Vanished.since(mailboxes, box.id(), resync.modSeq(), known, uids);
                changed = messages.stream().filter(m -> m.modSeq() > resync.modSeq()).toList();
            }
            return new Selection(selected, mailboxes.status(box.id()), firstUnseen, vanished, changed);
        } catch (RuntimeException e) {
            selected.close();
            throw e;
        }
    }

    /** Every message's UID, flags and MODSEQ, by ascending UID. */
    private static List<MessageFlags> flags(ImapSession session, MailboxService mailboxes, Rows.Mailbox box) {
        MailboxSummaries.Copy kept = session.context().summaries()
                .ifKept(mailboxes.messageService(), box.id(), box.uidValidity());
        if (kept == null) {
            return mailboxes.messageService().flags(box.id());
        }
        return Arrays.stream(kept.summaries()).map(m -> new MessageFlags(m.uid(), m.flags(), m.modSeq())).toList();
    }

    /**
     * A message arrived while this session has the mailbox selected: it is \Recent here unless
     * another session claimed it first. The claim is a write, made off the event loop; the
     * client hears RECENT with the next changes after it.
     */
    private static void claimArrival(ImapSession session, MailboxService mailboxes, SelectedMailbox selected,
                                     long uid) {
        try {
            session.context().storageExecutor().execute(() -> {
                Rows.RecentClaim claim;
                try {
                    claim = mailboxes.recentClaims().claim(selected.id(), uid + 1);
                } catch (RuntimeException e) {
                    ImapSession.LOG.debug("{}: \\Recent not claimed: {}", session.id(), e.getMessage());
                    return;
                }
                if (claim.end() > claim.first()) {
                    session.io().execute(() -> {
                        selected.addRecent(claim);
                        if (session.selected() == selected) {
                            session.changesArrived();
                        }
                    });
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shutting down: the message stays unclaimed for the next session
        }
    }

    private static void answer(ImapSession session, String tag, Selection s, String command) {
        SelectedMailbox box = s.mailbox();
        ResponseWriter w = session.writer();
        w.untagged().atom("FLAGS").flags(SYSTEM_FLAGS).end();
        w.untagged().number(box.sequence().size()).atom("EXISTS").end();
        if (!session.rev2()) {
            w.untagged().number(box.takeRecentCount()).atom("RECENT").end();
            if (s.firstUnseen() > 0) {
                w.status(null, "OK", ResponseCode.unseen(s.firstUnseen()), "first unseen");
            }
        }
        w.status(null, "OK", ResponseCode.uidValidity(box.uidValidity()), "UIDs valid");
        w.status(null, "OK", ResponseCode.mailboxId(ObjectIds.mailboxId(box.id(), box.uidValidity())), "Ok");
        w.status(null, "OK", ResponseCode.uidNext(Math.max(s.status().uidNext(), box.sequence().maxUid() + 1)),
                "predicted next UID");
        // RFC 4314 §5.1.1: only the flags the user's rights let them change.
        List<String> permanent = new java.util.ArrayList<>();
        for (String flag : SYSTEM_FLAGS) {
            if (box.may(StoreCommand.rightFor(flag))) {
                permanent.add(flag);
            }
        }
        if (box.may('w')) {
            permanent.add("\\*");
        }
        w.status(null, "OK", ResponseCode.permanentFlags(box.readOnly() ? List.of() : permanent),
                box.readOnly() ? "read-only mailbox" : "flags and keywords are kept");
        w.status(null, "OK", ResponseCode.highestModSeq(s.status().highestModSeq()), "highest mod-sequence");
        if (!s.vanished().isEmpty()) {
            w.untagged().atom("VANISHED").openList().atom("EARLIER").closeList().sequenceSet(s.vanished()).end();
        }
        for (MessageFlags m : s.changed()) {
            box.writeFlags(w, box.sequence().sequenceOf(m.uid()), m.uid(), m.flags(), m.modSeq(), true);
        }
        session.completed(tag, box.readOnly() ? ResponseCode.readOnly() : ResponseCode.readWrite(),
                command + " completed");
    }

    /** CLOSE expunges \Deleted messages silently when the mailbox is read-write; UNSELECT does not. */
    static void close(ImapSession session, String tag, boolean expunge) {
        SelectedMailbox box = session.selected();
        session.deselect();
        // RFC 4314 §4: without the right to expunge, CLOSE closes and expunges nothing.
        if (!expunge || box.readOnly() || !box.may('e')) {
            session.completed(tag, expunge ? "CLOSE completed" : "UNSELECT completed");
            return;
        }
        session.onStorage(() -> session.context().mailboxes().messageService().expungeDeleted(box.id()),
                (result, error) -> {
                    if (error != null) {
                        session.failed(tag, error, "CLOSE");
                    } else {
                        session.completed(tag, ExpungeCommand.highestModSeq(session, result), "CLOSE completed");
                    }
                });
    }
}
