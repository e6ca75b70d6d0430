package dev.tern.imap.server;

import dev.tern.imap.protocol.ImapCommand;
import dev.tern.imap.protocol.ResponseCode;
import dev.tern.mailbox.ExpungeResult;
import dev.tern.mailbox.MessageService;

import java.util.List;

/** EXPUNGE (RFC 9051 §6.4.3) and UID EXPUNGE (RFC 4315 §2.1). */
final class ExpungeCommand {

    private ExpungeCommand() {
    }

    /**
     * With QRESYNC on, the tagged OK of an expunge that removed messages carries the MODSEQ it
     * took (RFC 7162 §3.2.10), from which the client can resynchronize later; null otherwise.
     */
    static ResponseCode highestModSeq(ImapSession s, ExpungeResult result) {
        return s.qresync() && !result.uids().isEmpty() ? ResponseCode.highestModSeq(result.modSeq()) : null;
    }

    static void expunge(ImapSession s, String tag, ImapCommand.Expunge c) {
        SelectedMailbox box = s.selected();
        if (box.readOnly()) {
            s.no(tag, ResponseCode.readOnly(), "the mailbox is open read-only (EXAMINE)");
            return;
        }
        if (!box.may('e')) {
            s.no(tag, ResponseCode.of("NOPERM"), "you may not expunge messages in " + box.name());
            return;
        }
        List<Long> uids = c.uids() == null ? null : box.resolve(c.uids(), true);
        MessageService messages = s.context().mailboxes().messageService();
        s.onStorage(() -> uids == null ? messages.expungeDeleted(box.id()) : messages.expungeDeleted(box.id(), uids),
                (result, error) -> {
                    if (error != null) {
                        s.failed(tag, error, "EXPUNGE");
                        return;
                    }
                    if (s.selected() == box) {
                        box.expungedHere(result.uids());
                    }
                    s.completed(tag, highestModSeq(s, result), c.name() + " completed");
                });
    }
}
