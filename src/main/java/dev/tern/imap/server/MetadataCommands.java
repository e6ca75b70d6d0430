package dev.tern.imap.server;

import dev.tern.imap.protocol.ImapCommand;
import dev.tern.imap.protocol.ResponseCode;
import dev.tern.imap.protocol.ResponseWriter;
import dev.tern.mailbox.MailboxAnnotations;
import dev.tern.store.Rows;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The METADATA extension (RFC 5464): GETMETADATA and SETMETADATA on mailboxes and on the server
 * (mailbox ""). The mailbox layer keeps the entries and checks the rights; this checks names and
 * sizes first and writes the answers with their METADATA response codes.
 */
final class MetadataCommands {

    private MetadataCommands() {
    }

    static void getMetadata(ImapSession s, String tag, ImapCommand.GetMetadata c) {
        try {
            c.entries().forEach(MailboxAnnotations::entryName);
        } catch (IllegalArgumentException e) {
            s.bad(tag, e.getMessage());
            return;
        }
        MailboxAnnotations.Depth depth = switch (c.depth()) {
            case "1" -> MailboxAnnotations.Depth.ONE;
            case "infinity" -> MailboxAnnotations.Depth.INFINITY;
            default -> MailboxAnnotations.Depth.ZERO;
        };
        long user = s.user().accountId();
        MailboxAnnotations annotations = s.context().mailboxes().annotations();
        s.onStorage(() -> annotations.get(user, c.mailbox(), c.entries(), depth), (found, error) -> {
            if (error != null) {
                s.failed(tag, error, "GETMETADATA");
                return;
            }
            long longest = 0;
            ResponseWriter w = null;
            for (Rows.Annotation a : found) {
                long size = a.value().getBytes(StandardCharsets.UTF_8).length;
                if (c.maxSize() >= 0 && size > c.maxSize()) {
                    longest = Math.max(longest, size);
                    continue;
                }
                if (w == null) {
                    w = s.writer().untagged().atom("METADATA");
                    w = c.mailbox().isEmpty() ? w.string("") : w.mailbox(c.mailbox());
                    w.openList();
                }
                w.astring(a.name()).string(a.value());
            }
            if (w != null) {
                w.closeList().end();
            }
            // RFC 5464 §4.2.1: what MAXSIZE left out is said, with the size of the largest.
            s.completed(tag, longest > 0 ? new ResponseCode("METADATA", "LONGENTRIES " + longest) : null,
                    "GETMETADATA completed");
        });
    }

    static void setMetadata(ImapSession s, String tag, ImapCommand.SetMetadata c) {
        Map<String, String> values = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, String> e : c.values()) {
                values.put(MailboxAnnotations.entryName(e.getKey()), e.getValue());
            }
        } catch (IllegalArgumentException e) {
            s.bad(tag, e.getMessage());
            return;
        }
        for (String value : values.values()) {
            if (value != null && value.getBytes(StandardCharsets.UTF_8).length > MailboxAnnotations.MAX_VALUE) {
                s.no(tag, new ResponseCode("METADATA", "MAXSIZE " + MailboxAnnotations.MAX_VALUE),
                        "a value has at most " + MailboxAnnotations.MAX_VALUE + " octets");
                return;
            }
        }
        long user = s.user().accountId();
        MailboxAnnotations annotations = s.context().mailboxes().annotations();
        s.onStorage(() -> {
            annotations.set(user, c.mailbox(), values);
            return null;
        }, (v, error) -> {
            if (error instanceof MailboxAnnotations.TooManyException tooMany) {
                s.no(tag, new ResponseCode("METADATA", "TOOMANY"), tooMany.getMessage());
            } else if (error != null) {
                s.failed(tag, error, "SETMETADATA");
            } else {
                s.completed(tag, "SETMETADATA completed");
            }
        });
    }
}
