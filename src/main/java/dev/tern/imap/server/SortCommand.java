package dev.tern.imap.server;

import dev.tern.imap.protocol.EsearchResult;
import dev.tern.imap.protocol.ImapCommand;
import dev.tern.imap.protocol.ResponseWriter;
import dev.tern.imap.protocol.SequenceSet;
import dev.tern.imap.protocol.SortOrder;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * SORT and UID SORT (RFC 5256 §3, with RFC 5957's DISPLAYFROM and DISPLAYTO): the messages that
 * match the criteria, as SEARCH finds them, in the order the sort keys give. Webmail (Roundcube)
 * sorts a mailbox page by page this way instead of fetching every message's header. With RETURN
 * (ESORT, RFC 5267 §3) the answer is an ESEARCH response: MIN and MAX are the first and last
 * messages in the sort order, ALL the sort order as a sequence set, and SAVE keeps them as {@code $}
 * (RFC 5182), as Dovecot answers.
 */
final class SortCommand {

    private SortCommand() {
    }

    static void sort(ImapSession s, String tag, ImapCommand.Sort c) {
        SortOrder order = new SortOrder(c.order());
        boolean save = c.returnOptions().contains(ImapCommand.SearchReturn.SAVE);
        SelectedMailbox box = s.selected();
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
                    if (c.extended()) {
                        esort(s, w, tag, c, keys, save ? box : null);
                        return;
                    }
                    w.untagged().atom("SORT");
                    for (SortOrder.Keys k : keys) {
                        w.number(c.uid() ? k.uid() : k.sequenceNumber());
                    }
                    w.end();
                },
                // RFC 5182 §2.1: a SORT ... SAVE answered NO leaves $ empty.
                () -> {
                    if (save && s.selected() == box) {
                        box.saveSearch(new long[0]);
                    }
                });
    }

    /** The ESEARCH answer of SORT RETURN (…); SAVE alone sends none. {@code saveIn} is null without SAVE. */
    private static void esort(ImapSession s, ResponseWriter w, String tag, ImapCommand.Sort c, List<SortOrder.Keys> keys,
                              SelectedMailbox saveIn) {
        Set<ImapCommand.SearchReturn> options = c.returnOptions();
        List<Long> numbers = keys.stream().map(k -> c.uid() ? k.uid() : k.sequenceNumber()).toList();
        if (saveIn != null && s.selected() == saveIn) {
            saveIn.saveSearch(SearchCommand.saved(options, keys.stream().mapToLong(SortOrder.Keys::uid).toArray()));
        }
        if (options.equals(Set.of(ImapCommand.SearchReturn.SAVE))) {
            return;
        }
        boolean any = !numbers.isEmpty();
        Long min = options.contains(ImapCommand.SearchReturn.MIN) && any ? numbers.get(0) : null;
        Long max = options.contains(ImapCommand.SearchReturn.MAX) && any ? numbers.get(numbers.size() - 1) : null;
        SequenceSet all = options.contains(ImapCommand.SearchReturn.ALL) && any ? SequenceSet.inOrder(numbers) : null;
        Long count = options.contains(ImapCommand.SearchReturn.COUNT) ? (long) numbers.size() : null;
        w.esearch(new EsearchResult(tag, c.uid(), min, max, all, count, null));
    }
}
