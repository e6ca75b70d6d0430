package dev.tern.imap.server;

import dev.tern.imap.protocol.ImapCommand;
import dev.tern.imap.protocol.ResponseCode;
import dev.tern.imap.protocol.SequenceSet;
import dev.tern.mailbox.CopyResult;
import dev.tern.mailbox.MailboxService;
import dev.tern.mailbox.MessageEntry;
import dev.tern.store.Rows;

import java.util.List;

/**
 * COPY (RFC 9051 §6.4.7) and MOVE (RFC 6851), by sequence number or UID, with COPYUID (RFC 4315).
 * MOVE sends its COPYUID untagged before the EXPUNGE responses, as RFC 6851 §4.3 shows.
 */
final class CopyCommand {

    private CopyCommand() {
    }

    static void copy(ImapSession s, String tag, ImapCommand.Copy c) {
        run(s, tag, c.uid(), c.set(), c.mailbox(), false);
    }

    static void move(ImapSession s, String tag, ImapCommand.Move c) {
        run(s, tag, c.uid(), c.set(), c.mailbox(), true);
    }

    private static void run(ImapSession s, String tag, boolean uid, SequenceSet set, String target, boolean move) {
        SelectedMailbox box = s.selected();
        String name = (uid ? "UID " : "") + (move ? "MOVE" : "COPY");
        if (!uid && box.outOfRange(set)) {
            s.bad(tag, "no message has that sequence number");
            return;
        }
        if (move && box.readOnly()) {
            s.no(tag, ResponseCode.readOnly(), "the mailbox is open read-only (EXAMINE)");
            return;
        }
        List<Long> uids = box.resolve(set, uid);
        MailboxService mailboxes = s.context().mailboxes();
        long account = s.user().accountId();
        s.onStorage(() -> {
            Rows.Mailbox to = mailboxes.mailbox(account, target).orElse(null);
            if (to == null) {
                return null;
            }
            if (move) {
                // Within one account a move changes nothing the quota counts.
                return new Outcome(mailboxes.messageService().move(box.id(), uids, to.id()), false);
            }
            long bytes = IndexEntries.of(mailboxes.messageService(), box.id(), uids, uids.size()).values().stream()
                    .mapToLong(MessageEntry::size).sum();
            if (!mailboxes.hasRoom(account, bytes)) {
                return new Outcome(null, true);
            }
            return new Outcome(mailboxes.messageService().copy(box.id(), uids, to.id()), false);
        }, (outcome, error) -> {
            if (error != null) {
                s.failed(tag, error, name);
            } else if (outcome == null) {
                s.no(tag, ResponseCode.tryCreate(), "no mailbox named " + target);
            } else if (outcome.overQuota()) {
                s.no(tag, ResponseCode.overQuota(), "mailbox full: the account's quota has no room for these copies");
            } else {
                answer(s, tag, name, box, outcome.result(), move);
            }
        });
    }

    /** What the storage work did: the copy or move, or nothing because the quota has no room for copies. */
    private record Outcome(CopyResult result, boolean overQuota) {
    }

    private static void answer(ImapSession s, String tag, String name, SelectedMailbox box, CopyResult r, boolean move) {
        if (r.sourceUids().isEmpty()) {
            s.completed(tag, name + " completed; no messages");
            return;
        }
        ResponseCode code = ResponseCode.copyUid(r.targetUidValidity(), SequenceSet.compress(r.sourceUids()),
                SequenceSet.compress(r.targetUids()));
        if (move) {
            s.writer().status(null, "OK", code, "moved");
            if (s.selected() == box) {
                box.expungedHere(r.sourceUids());
            }
            s.completed(tag, name + " completed");
        } else {
            s.completed(tag, code, name + " completed");
        }
    }
}
