package dev.tern.imap.server;

import dev.tern.imap.protocol.ResponseCode;

import dev.tern.imap.protocol.ImapCommand;
import dev.tern.mailbox.MailboxAccess;
import dev.tern.mailbox.MailboxService;

import java.util.concurrent.Callable;

/**
 * CREATE, DELETE, RENAME, SUBSCRIBE and UNSUBSCRIBE (RFC 9051 §6.3.4-8, RFC 6154 §5.3 for
 * CREATE's USE): each is one call into the mailbox layer, which owns the rules of the tree.
 */
final class MailboxTreeCommands {

    private MailboxTreeCommands() {
    }

    static void create(ImapSession s, String tag, ImapCommand.Create c) {
        if (c.specialUse().size() > 1) {
            s.no(tag, dev.tern.imap.protocol.ResponseCode.of("USEATTR"), "one special use per mailbox");
            return;
        }
        String use = c.specialUse().isEmpty() ? null : c.specialUse().get(0);
        String name = c.mailbox().endsWith("/") ? c.mailbox().substring(0, c.mailbox().length() - 1) : c.mailbox();
        s.onStorage(() -> access(s).create(account(s), name, use), (made, error) -> {
            if (error != null) {
                s.failed(tag, error, "CREATE");
            } else {
                s.completed(tag, ResponseCode.mailboxId(ObjectIds.mailboxId(made.id(), made.uidValidity())),
                        "CREATE completed");
            }
        });
    }

    /** Deleting the selected mailbox ends the selection, not the session (other sessions: see ImapSession). */
    static void delete(ImapSession s, String tag, ImapCommand.Delete c) {
        s.onStorage(() -> access(s).delete(account(s), c.mailbox()), (deleted, error) -> {
            if (error != null) {
                s.failed(tag, error, "DELETE");
            } else {
                s.deletedOwnSelection(deleted);
                s.completed(tag, "DELETE completed");
            }
        });
    }

    /** The selected mailbox keeps being selected under its new name: the selection holds its id. */
    static void rename(ImapSession s, String tag, ImapCommand.Rename c) {
        run(s, tag, "RENAME", () -> {
            access(s).rename(account(s), c.from(), c.to());
            return null;
        });
    }

    static void subscribe(ImapSession s, String tag, ImapCommand.Subscribe c) {
        run(s, tag, "SUBSCRIBE", () -> mailboxes(s).subscribe(account(s), c.mailbox()));
    }

    static void unsubscribe(ImapSession s, String tag, ImapCommand.Unsubscribe c) {
        run(s, tag, "UNSUBSCRIBE", () -> mailboxes(s).unsubscribe(account(s), c.mailbox()));
    }

    private static void run(ImapSession s, String tag, String command, Callable<?> work) {
        s.onStorage(work, (result, error) -> {
            if (error != null) {
                s.failed(tag, error, command);
            } else {
                s.completed(tag, command + " completed");
            }
        });
    }

    private static MailboxService mailboxes(ImapSession s) {
        return s.context().mailboxes();
    }

    /** The names of the tree as the user sees it: their own, and other accounts' under Shared/ (RFC 4314). */
    private static MailboxAccess access(ImapSession s) {
        return s.context().mailboxes().access();
    }

    private static long account(ImapSession s) {
        return s.user().accountId();
    }
}
