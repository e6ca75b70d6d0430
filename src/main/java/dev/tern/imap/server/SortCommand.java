package dev.tern.imap.server;

import dev.tern.imap.protocol.ImapCommand;
import dev.tern.imap.protocol.ResponseWriter;
import dev.tern.imap.protocol.SearchProgram;
import dev.tern.imap.protocol.SortOrder;
import dev.tern.mailbox.MessageService;

import java.util.ArrayList;
import java.util.List;

/**
 * SORT and UID SORT (RFC 5256 §3, with RFC 5957's DISPLAYFROM and DISPLAYTO): the messages that
 * match the criteria, as SEARCH finds them, in the order the sort keys give. Webmail (Roundcube)
 * sorts a mailbox page by page this way instead of fetching every message's header. ESORT's
 * RETURN options (RFC 5267) are not offered.
 */
final class SortCommand {

    private SortCommand() {
    }

    static void sort(ImapSession s, String tag, ImapCommand.Sort c) {
        if (c.extended()) {
            s.bad(tag, "SORT RETURN (ESORT) is not supported");
            return;
        }
        if (SearchCommand.refusedCharset(s, tag, c.charset())) {
            return;
        }
        SearchProgram program = SearchProgram.compile(c.criteria());
        if (program.usesModSeq()) {
            s.enableCondstore();
        }
        SortOrder order = new SortOrder(c.order());
        SearchCommand.View v = SearchCommand.view(s);
        MessageService messages = s.context().mailboxes().messageService();
        s.onStorage(() -> {
            List<SortOrder.Keys> keys = new ArrayList<>();
            SearchCommand.forEachMatch(messages, v, program, view -> keys.add(order.keys(view)));
            keys.sort(order.comparator());
            return keys;
        }, (keys, error) -> {
            if (error != null) {
                s.failed(tag, error, c.name());
                return;
            }
            ResponseWriter w = s.writer();
            w.untagged().atom("SORT");
            for (SortOrder.Keys k : keys) {
                w.number(c.uid() ? k.uid() : k.sequenceNumber());
            }
            w.end();
            if (c.uid()) {
                s.completed(tag, c.name() + " completed");
            } else {
                s.completedWithoutExpunges(tag, null, c.name() + " completed");
            }
        });
    }
}
