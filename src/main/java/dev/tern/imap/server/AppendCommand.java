package dev.tern.imap.server;

import dev.tern.imap.protocol.ImapCommand;
import dev.tern.imap.protocol.ResponseCode;
import dev.tern.imap.protocol.SequenceSet;
import dev.tern.mailbox.AppendResult;
import dev.tern.mailbox.Flags;
import dev.tern.mailbox.MailboxService;
import dev.tern.store.Rows;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * APPEND (RFC 9051 §6.3.12), with MULTIAPPEND's several messages (RFC 3502) and the APPENDUID
 * response code (RFC 4315). Flags and internal date are kept as given; a missing mailbox is
 * answered with TRYCREATE so that clients create it and try again. Messages that would take the
 * account past its quota are refused with OVERQUOTA (RFC 9208 §4.3), all of them together.
 */
final class AppendCommand {

    private AppendCommand() {
    }

    /** What the storage work found: the appended messages, or none because the quota has no room. */
    private record Outcome(List<AppendResult> results, boolean overQuota) {
    }

    static void append(ImapSession s, String tag, ImapCommand.Append c) {
        List<Flags> flags = new ArrayList<>();
        for (ImapCommand.AppendMessage m : c.messages()) {
            try {
                // \Recent cannot be set by a client (RFC 3501 §2.3.2): ignored rather than refused.
                flags.add(Flags.of(m.flags().stream().filter(f -> !f.equalsIgnoreCase("\\Recent")).toList()));
            } catch (IllegalArgumentException e) {
                s.bad(tag, e.getMessage());
                return;
            }
        }
        MailboxService mailboxes = s.context().mailboxes();
        long account = s.user().accountId();
        s.onStorage(() -> {
            Rows.Mailbox box = mailboxes.mailbox(account, c.mailbox()).orElse(null);
            if (box == null) {
                return null;
            }
            long bytes = c.messages().stream().mapToLong(m -> m.content().length).sum();
            if (!mailboxes.hasRoom(account, bytes)) {
                return new Outcome(List.of(), true);
            }
            List<AppendResult> results = new ArrayList<>();
            for (int i = 0; i < c.messages().size(); i++) {
                ImapCommand.AppendMessage m = c.messages().get(i);
                Instant date = m.internalDate() == null ? Instant.now() : m.internalDate().toInstant();
                results.add(mailboxes.messageService().append(box.id(), m.content(), flags.get(i), date));
            }
            return new Outcome(results, false);
        }, (outcome, error) -> {
            List<AppendResult> results = outcome == null ? null : outcome.results();
            if (error != null) {
                s.failed(tag, error, "APPEND");
            } else if (outcome == null) {
                s.no(tag, ResponseCode.tryCreate(), "no mailbox named " + c.mailbox());
            } else if (outcome.overQuota()) {
                s.no(tag, ResponseCode.overQuota(), "mailbox full: the account's quota has no room for this");
            } else if (results.isEmpty()) {
                s.completed(tag, "APPEND completed");
            } else {
                List<Long> added = results.stream().map(AppendResult::uid).toList();
                SelectedMailbox selected = s.selected();
                if (selected != null && selected.id() == results.get(0).mailboxId()) {
                    selected.addedHere(added);
                }
                SequenceSet uids = SequenceSet.compress(added);
                s.completed(tag, ResponseCode.appendUid(results.get(0).uidValidity(), uids), "APPEND completed");
            }
        });
    }
}
