package dev.tern.imap.server;

import dev.tern.imap.protocol.ImapCommand;
import dev.tern.imap.protocol.SortOrder;

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
        SortOrder order = new SortOrder(c.order());
        SearchCommand.overMatches(s, tag, c, c.uid(), c.charset(), c.criteria(),
                () -> new SearchCommand.MatchCollector<List<SortOrder.Keys>>() {
                    private final List<SortOrder.Keys> keys = new ArrayList<>();

                    public void add(StoredMessageView match) {
                        keys.add(order.keys(match));
                    }

                    public List<SortOrder.Keys> result() {
                        keys.sort(order.comparator());
                        return keys;
                    }
                },
                (w, keys) -> {
                    w.untagged().atom("SORT");
                    for (SortOrder.Keys k : keys) {
                        w.number(c.uid() ? k.uid() : k.sequenceNumber());
                    }
                    w.end();
                });
    }
}
