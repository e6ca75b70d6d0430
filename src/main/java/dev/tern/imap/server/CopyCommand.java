package dev.tern.imap.server;

import dev.tern.imap.protocol.ImapCommand;
import dev.tern.imap.protocol.ResponseCode;
import dev.tern.imap.protocol.SequenceSet;
import dev.tern.mailbox.CopyResult;
import dev.tern.mailbox.MailboxAccess;
import dev.tern.mailbox.MailboxService;
import dev.tern.mailbox.MessageEntry;
import dev.tern.security.spam.SpamLearning;
import dev.tern.store.Rows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
        if (move && !(box.may('t') && box.may('e'))) {
            // RFC 6851 §3.3: a MOVE takes what marking \Deleted and expunging take (RFC 4314 t, e).
            s.no(tag, ResponseCode.of("NOPERM"), "you may not remove messages from " + box.name());
            return;
        }
        List<Long> uids = box.resolve(set, uid);
        MailboxService mailboxes = s.context().mailboxes();
        long account = s.user().accountId();
        SpamLearning learning = s.context().spamLearning();
        s.onStorage(() -> {
            MailboxAccess.Reached reached = mailboxes.access().find(account, target).orElse(null);
            if (reached == null) {
                return null;
            }
            reached.require('i', "put messages in it");
            Rows.Mailbox to = reached.mailbox();
            // Learning is for the user's own filing, not for what they file in a mailbox others share.
            SpamLearning.Lesson lesson = learning == null || !reached.own() ? null
                    : SpamLearning.lesson(box.specialUse(), to.specialUse());
            // A copy, or a move into another account's mailbox, counts against that account's quota.
            boolean counted = !move || to.accountId() != box.ownerId();
            // Read before a move takes the messages away: a lesson needs their contents.
            Map<Long, MessageEntry> entries = counted || lesson != null
                    ? IndexEntries.of(mailboxes.messageService(), box.id(), uids, uids.size()) : Map.of();
            if (counted && !mailboxes.hasRoom(to.accountId(),
                    entries.values().stream().mapToLong(MessageEntry::size).sum())) {
                return new Outcome(null, true);
            }
            Outcome outcome = new Outcome(move
                    ? mailboxes.messageService().move(box.id(), uids, to.id(), reached.rights())
                    : mailboxes.messageService().copy(box.id(), uids, to.id(), reached.rights()), false);
            if (lesson != null) {
                teach(learning, lesson, mailboxes, entries, outcome.result().sourceUids());
            }
            return outcome;
        }, (outcome, error) -> {
            if (error != null) {
                s.failed(tag, error, name);
            } else if (outcome == null) {
                s.no(tag, ResponseCode.tryCreate(), "no mailbox named " + target);
            } else if (outcome.overQuota()) {
                s.no(tag, ResponseCode.overQuota(), "mailbox full: the account's quota has no room for these messages");
            } else {
                answer(s, tag, name, box, outcome.result(), move);
            }
        });
    }

    /** Hands the messages filed to the spam filter's learning, which reads and sends them in the background. */
    private static void teach(SpamLearning learning, SpamLearning.Lesson lesson, MailboxService mailboxes,
                              Map<Long, MessageEntry> entries, List<Long> filed) {
        List<SpamLearning.Content> contents = new ArrayList<>(filed.size());
        for (long uid : filed) {
            MessageEntry e = entries.get(uid);
            if (e != null) {
                contents.add(() -> mailboxes.open(e));
            }
        }
        learning.learn(lesson, contents);
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
