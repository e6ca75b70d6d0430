package dev.tern.imap.server;

import dev.tern.imap.protocol.ImapCommand;
import dev.tern.imap.protocol.ResponseWriter;
import dev.tern.mailbox.MailboxAccess;
import dev.tern.mailbox.MailboxRights;

/**
 * The ACL extension (RFC 4314): SETACL, DELETEACL, GETACL, LISTRIGHTS and MYRIGHTS. The mailbox
 * layer keeps the lists and checks the rights; this parses rights and writes the answers.
 * Identifiers are account addresses and {@code anyone} (every account of the owner's domain).
 */
final class AclCommands {

    private AclCommands() {
    }

    static void setAcl(ImapSession s, String tag, ImapCommand.SetAcl c) {
        MailboxAccess.RightsChange change;
        try {
            change = MailboxAccess.RightsChange.parse(c.rights());
        } catch (IllegalArgumentException e) {
            // RFC 4314 §3.1: an unknown right is a BAD, never silently ignored.
            s.bad(tag, e.getMessage());
            return;
        }
        MailboxAccess access = access(s);
        long user = s.user().accountId();
        s.onStorage(() -> access.setRights(user, c.mailbox(), c.identifier(), change), (after, error) -> {
            if (error != null) {
                s.failed(tag, error, "SETACL");
            } else {
                s.completed(tag, "SETACL completed");
            }
        });
    }

    static void deleteAcl(ImapSession s, String tag, ImapCommand.DeleteAcl c) {
        MailboxAccess access = access(s);
        long user = s.user().accountId();
        s.onStorage(() -> {
            access.deleteRights(user, c.mailbox(), c.identifier());
            return null;
        }, (v, error) -> {
            if (error != null) {
                s.failed(tag, error, "DELETEACL");
            } else {
                s.completed(tag, "DELETEACL completed");
            }
        });
    }

    static void getAcl(ImapSession s, String tag, ImapCommand.GetAcl c) {
        MailboxAccess access = access(s);
        long user = s.user().accountId();
        s.onStorage(() -> access.acl(user, c.mailbox()), (grants, error) -> {
            if (error != null) {
                s.failed(tag, error, "GETACL");
                return;
            }
            ResponseWriter w = s.writer().untagged().atom("ACL").mailbox(c.mailbox());
            for (MailboxAccess.Grant g : grants) {
                w.astring(g.identifier()).astring(g.rights().withObsoleteLetters());
            }
            w.end();
            s.completed(tag, "GETACL completed");
        });
    }

    /**
     * The owner always has every right; anyone else none for certain, and each right on its own
     * (none is tied to another), with RFC 2086's {@code c} and {@code d} (RFC 4314 §2.1.1).
     */
    static void listRights(ImapSession s, String tag, ImapCommand.ListRights c) {
        MailboxAccess access = access(s);
        long user = s.user().accountId();
        s.onStorage(() -> access.isOwner(user, c.mailbox(), c.identifier()), (owner, error) -> {
            if (error != null) {
                s.failed(tag, error, "LISTRIGHTS");
                return;
            }
            ResponseWriter w = s.writer().untagged().atom("LISTRIGHTS").mailbox(c.mailbox()).astring(c.identifier());
            if (owner) {
                w.astring(MailboxRights.ALL.withObsoleteLetters());
            } else {
                w.string("");
                for (char right : (MailboxRights.LETTERS + "cd").toCharArray()) {
                    w.atom(String.valueOf(right));
                }
            }
            w.end();
            s.completed(tag, "LISTRIGHTS completed");
        });
    }

    static void myRights(ImapSession s, String tag, ImapCommand.MyRights c) {
        MailboxAccess access = access(s);
        long user = s.user().accountId();
        s.onStorage(() -> access.myRights(user, c.mailbox()), (rights, error) -> {
            if (error != null) {
                s.failed(tag, error, "MYRIGHTS");
                return;
            }
            s.writer().untagged().atom("MYRIGHTS").mailbox(c.mailbox()).astring(rights.withObsoleteLetters()).end();
            s.completed(tag, "MYRIGHTS completed");
        });
    }

    /** The RFC 4314 §2.1 rights Tern supports beyond RFC 2086's: what {@code RIGHTS=} announces. */
    static final String EXTRA_RIGHTS = "texk";

    private static MailboxAccess access(ImapSession s) {
        return s.context().mailboxes().access();
    }
}
