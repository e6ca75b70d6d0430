package dev.tern.imap.server;

import dev.tern.imap.protocol.ImapCommand;
import dev.tern.imap.protocol.ResponseWriter;
import dev.tern.mailbox.MailboxService;
import dev.tern.mailbox.MailboxStatus;

import java.util.Collection;

/** STATUS (RFC 9051 §6.3.11, RFC 8438 SIZE, RFC 7162 HIGHESTMODSEQ), also used by LIST-STATUS. */
final class StatusCommand {

    private StatusCommand() {
    }

    static void status(ImapSession s, String tag, ImapCommand.Status c) {
        MailboxService mailboxes = s.context().mailboxes();
        long account = s.user().accountId();
        s.onStorage(() -> mailboxes.access().status(account, c.mailbox(),
                c.items().contains(ImapCommand.StatusItem.DELETED_STORAGE)), (answer, error) -> {
            if (error != null) {
                s.failed(tag, error, "STATUS");
                return;
            }
            write(s.writer(), answer.name(), answer.status(), c.items());
            s.completed(tag, "STATUS completed");
        });
    }

    /** {@code * STATUS name (MESSAGES 3 UIDNEXT 9 ...)} with the items asked, in their order. */
    static void write(ResponseWriter w, String name, MailboxStatus st, Collection<ImapCommand.StatusItem> items) {
        w.untagged().atom("STATUS").mailbox(name).openList();
        for (ImapCommand.StatusItem item : items) {
            if (item == ImapCommand.StatusItem.MAILBOXID) {
                w.atom(item.wireName()).openList().atom(ObjectIds.mailboxId(st.mailboxId(), st.uidValidity())).closeList();
                continue;
            }
            w.atom(item.wireName()).number(switch (item) {
                case MESSAGES -> st.messages();
                case RECENT -> st.recent();
                case UIDNEXT -> st.uidNext();
                case UIDVALIDITY -> st.uidValidity();
                case UNSEEN -> st.unseen();
                case DELETED -> st.deleted();
                case SIZE -> st.size();
                case HIGHESTMODSEQ -> st.highestModSeq();
                case DELETED_STORAGE -> QuotaCommands.kibibytes(st.deletedSize());
                case MAILBOXID -> throw new IllegalStateException("written above");
            });
        }
        w.closeList().end();
    }
}
