package dev.tern.imap.server;

import dev.tern.imap.protocol.ImapCommand;
import dev.tern.imap.protocol.ResponseCode;
import dev.tern.imap.protocol.ResponseWriter;
import dev.tern.imap.protocol.SequenceSet;
import dev.tern.mailbox.FlagOperation;
import dev.tern.mailbox.FlagStoreResult;
import dev.tern.mailbox.Flags;
import dev.tern.mailbox.MessageEntry;
import dev.tern.mailbox.MailboxEvents;
import dev.tern.mailbox.MailboxRights;
import dev.tern.mailbox.SystemFlag;
import dev.tern.mailbox.MessageService;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * STORE and UID STORE (RFC 9051 §6.4.6) with .SILENT and CONDSTORE's UNCHANGEDSINCE (RFC 7162
 * §3.1.3, answered with [MODIFIED]). The new flags of every message named are sent back unless
 * .SILENT; other sessions hear of the change through the mailbox layer's events.
 */
final class StoreCommand {

    private record Outcome(FlagStoreResult result, List<MessageEntry> after) {
    }

    private StoreCommand() {
    }

    static void store(ImapSession s, String tag, ImapCommand.Store c) {
        SelectedMailbox box = s.selected();
        if (!c.uid() && box.outOfRange(c.set())) {
            s.bad(tag, "no message has that sequence number");
            return;
        }
        if (box.readOnly()) {
            s.no(tag, ResponseCode.readOnly(), "the mailbox is open read-only (EXAMINE)");
            return;
        }
        Flags flags;
        try {
            flags = Flags.of(c.flags().stream().filter(f -> !f.equalsIgnoreCase("\\Recent")).toList());
        } catch (IllegalArgumentException e) {
            s.bad(tag, e.getMessage());
            return;
        }
        MailboxRights rights = box.rights();
        boolean nothingChangeable = !flagRights(rights) || (c.mode() != ImapCommand.StoreMode.REPLACE
                && !flags.isEmpty() && flags.changeableWith(rights).isEmpty());
        if (nothingChangeable) {
            // RFC 4314 §4: refused only when not one of the flags named may be changed.
            s.no(tag, ResponseCode.of("NOPERM"), "you may not change these flags in " + box.name());
            return;
        }
        if (c.unchangedSince() >= 0) {
            s.enableCondstore();
        }
        FlagOperation op = switch (c.mode()) {
            case ADD -> FlagOperation.ADD;
            case REMOVE -> FlagOperation.REMOVE;
            case REPLACE -> FlagOperation.REPLACE;
        };
        List<Long> uids = box.resolve(c.set(), c.uid());
        MessageService messages = s.context().mailboxes().messageService();
        s.onStorage(() -> {
            FlagStoreResult result = messages.storeFlags(box.id(), uids, op, flags, c.unchangedSince(), rights);
            List<MessageEntry> after = c.silent() ? List.of() : entries(messages, box.id(), uids);
            return new Outcome(result, after);
        }, (outcome, error) -> {
            if (error != null) {
                s.failed(tag, error, c.name());
                return;
            }
            answer(s, tag, c, box, outcome);
        });
    }

    private static void answer(ImapSession s, String tag, ImapCommand.Store c, SelectedMailbox box, Outcome o) {
        // One MODSEQ per piece of a large STORE (MessageService.storeFlags).
        box.ownChanges(o.result().changed().stream().map(MailboxEvents.FlagChange::modSeq)
                .collect(java.util.stream.Collectors.toSet()));
        Set<Long> modified = new HashSet<>(o.result().modified());
        ResponseWriter w = s.writer();
        for (MessageEntry m : o.after()) {
            long seq = box.sequence().sequenceOf(m.uid());
            if (seq > 0 && !modified.contains(m.uid())) {
                box.writeFlags(w, seq, m.uid(), m.flags(), m.modSeq(), s.condstore());
            }
        }
        if (!modified.isEmpty()) {
            List<Long> numbers = new ArrayList<>();
            for (long uid : o.result().modified()) {
                numbers.add(c.uid() ? uid : box.sequence().sequenceOf(uid));
            }
            ResponseCode code = ResponseCode.modified(SequenceSet.compress(numbers));
            if (c.uid()) {
                s.completed(tag, code, "conditional STORE failed for some messages");
            } else {
                s.completedWithoutExpunges(tag, code, "conditional STORE failed for some messages");
            }
        } else if (c.uid()) {
            s.completed(tag, c.name() + " completed");
        } else {
            s.completedWithoutExpunges(tag, null, c.name() + " completed");
        }
    }

    /** Whether the user may change any flag at all. */
    private static boolean flagRights(MailboxRights rights) {
        return rights.has('s') || rights.has('w') || rights.has('t');
    }

    /** The right to change a system flag named as IMAP writes it (see {@link Flags#rightFor}). */
    static char rightFor(String systemFlag) {
        return SystemFlag.named(systemFlag).map(Flags::rightFor).orElse('w');
    }

    private static List<MessageEntry> entries(MessageService messages, long mailboxId, List<Long> uids) {
        return new ArrayList<>(IndexEntries.of(messages, mailboxId, uids, uids.size()).values());
    }
}
