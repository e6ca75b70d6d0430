package dev.tern.imap.server;

import dev.tern.imap.protocol.ImapCommand;
import dev.tern.imap.protocol.ResponseWriter;
import dev.tern.mailbox.MailboxAccess;
import dev.tern.mailbox.MailboxException;
import dev.tern.mailbox.MailboxListing;
import dev.tern.mailbox.MailboxRights;
import dev.tern.mailbox.MailboxService;
import dev.tern.mailbox.MailboxStatus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LIST (RFC 9051 §6.3.9) with LIST-EXTENDED selection and return options (RFC 5258),
 * LIST-STATUS (RFC 5819), LIST-MYRIGHTS (RFC 8440), SPECIAL-USE (RFC 6154) and CHILDREN (RFC 3348); and LSUB (RFC 3501
 * §6.3.9). The mailbox layer matches the patterns; this writes what it found.
 */
final class ListCommand {

    /** A LIST line, with the status and the rights (RFC 8440) asked for, or null. */
    private record Line(MailboxListing listing, MailboxStatus status, MailboxRights rights) {
    }

    private ListCommand() {
    }

    static void list(ImapSession s, String tag, ImapCommand.ListMailboxes c) {
        if (c.patterns().size() == 1 && c.patterns().get(0).isEmpty() && !c.extended()) {
            // RFC 9051 §6.3.9: an empty pattern asks for the hierarchy delimiter.
            s.writer().untagged().atom("LIST").openList().atom("\\Noselect").closeList().string("/").string("").end();
            s.completed(tag, "LIST completed");
            return;
        }
        MailboxService mailboxes = s.context().mailboxes();
        long account = s.user().accountId();
        boolean subscribedOnly = c.selection().contains(ImapCommand.ListSelection.SUBSCRIBED);
        boolean specialOnly = c.selection().contains(ImapCommand.ListSelection.SPECIAL_USE);
        s.onStorage(() -> {
            Map<String, Line> lines = new LinkedHashMap<>();
            for (String pattern : c.patterns()) {
                String full = combine(c.reference(), pattern);
                MailboxAccess access = mailboxes.access();
                List<MailboxListing> found = subscribedOnly ? access.listSubscribed(account, full)
                        : access.list(account, full);
                for (MailboxListing l : found) {
                    if (specialOnly && l.specialUse() == null) {
                        continue;
                    }
                    MailboxStatus status = null;
                    if (!c.returnStatus().isEmpty() && l.exists() && l.selectable()) {
                        // RFC 5819 §2: a mailbox whose status cannot be read is listed without it.
                        status = statusOf(access, account, l.name(),
                                c.returnStatus().contains(ImapCommand.StatusItem.DELETED_STORAGE));
                    }
                    MailboxRights rights = c.returnMyRights() && l.exists() ? rightsOf(access, account, l.name()) : null;
                    lines.putIfAbsent(l.name(), new Line(l, status, rights));
                }
            }
            return new ArrayList<>(lines.values());
        }, (lines, error) -> {
            if (error != null) {
                s.failed(tag, error, "LIST");
                return;
            }
            boolean showSubscribed = subscribedOnly || c.returnSubscribed();
            ResponseWriter w = s.writer();
            for (Line line : lines) {
                write(w, "LIST", line.listing(), showSubscribed);
                if (line.status() != null) {
                    StatusCommand.write(w, line.listing().name(), line.status(), orderedItems(c));
                }
                if (line.rights() != null) {
                    w.untagged().atom("MYRIGHTS").mailbox(line.listing().name())
                            .astring(line.rights().withObsoleteLetters()).end();
                }
            }
            s.completed(tag, "LIST completed");
        });
    }

    static void lsub(ImapSession s, String tag, ImapCommand.Lsub c) {
        MailboxService mailboxes = s.context().mailboxes();
        long account = s.user().accountId();
        s.onStorage(() -> mailboxes.access().listSubscribed(account, combine(c.reference(), c.pattern())),
                (found, error) -> {
            if (error != null) {
                s.failed(tag, error, "LSUB");
                return;
            }
            ResponseWriter w = s.writer();
            for (MailboxListing l : found) {
                write(w, "LSUB", l, false);
            }
            s.completed(tag, "LSUB completed");
        });
    }

    private static MailboxStatus statusOf(MailboxAccess access, long account, String name, boolean deletedSize) {
        try {
            return access.status(account, name, deletedSize).status();
        } catch (MailboxException e) {
            return null;
        }
    }

    /** The user's rights on a listed name; null for the levels above shared mailboxes, which are no mailboxes. */
    private static MailboxRights rightsOf(MailboxAccess access, long account, String name) {
        try {
            return access.reach(account, name).rights();
        } catch (MailboxException e) {
            return null;
        }
    }

    private static void write(ResponseWriter w, String kind, MailboxListing l, boolean showSubscribed) {
        w.untagged().atom(kind).openList();
        if (!l.exists()) {
            w.atom("\\NonExistent");
        }
        if (!l.selectable() && l.exists()) {
            w.atom("\\Noselect");
        }
        w.atom(l.hasChildren() ? "\\HasChildren" : "\\HasNoChildren");
        if (showSubscribed && l.subscribed()) {
            w.atom("\\Subscribed");
        }
        if (l.specialUse() != null) {
            w.atom(l.specialUse());
        }
        w.closeList().string("/").mailbox(l.name()).end();
    }

    /**
     * RFC 9051 §6.3.9 leaves the combination to the server: the reference is a prefix of the
     * pattern, as Dovecot does it (clients send references ending in the delimiter).
     */
    private static String combine(String reference, String pattern) {
        return reference == null ? pattern : reference + pattern;
    }

    private static List<ImapCommand.StatusItem> orderedItems(ImapCommand.ListMailboxes c) {
        List<ImapCommand.StatusItem> items = new ArrayList<>();
        for (ImapCommand.StatusItem item : ImapCommand.StatusItem.values()) {
            if (c.returnStatus().contains(item)) {
                items.add(item);
            }
        }
        return items;
    }
}
