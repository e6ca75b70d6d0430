package dev.tern.imap.server;

import dev.tern.imap.protocol.EsearchResult;
import dev.tern.imap.protocol.ImapCommand;
import dev.tern.imap.protocol.MessageView;
import dev.tern.imap.protocol.ResponseWriter;
import dev.tern.imap.protocol.SequenceSet;
import dev.tern.imap.protocol.SortOrder;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * SORT and UID SORT (RFC 5256 §3, with RFC 5957's DISPLAYFROM and DISPLAYTO): the messages that
 * match the criteria, as SEARCH finds them, in the order the sort keys give. Webmail (Roundcube)
 * sorts a mailbox page by page this way instead of fetching every message's header. With RETURN
 * (ESORT, RFC 5267 §3) the answer is an ESEARCH response: MIN and MAX are the first and last
 * messages in the sort order, ALL the sort order as a sequence set, and SAVE keeps them as {@code $}
 * (RFC 5182), as Dovecot answers.
 *
 * <p>The order is kept between commands ({@link SearchFieldCache.Sorted}): a SORT by criteria
 * sorted before filters the kept order by its matches and merges in only the messages it lacks.
 */
final class SortCommand {

    private SortCommand() {
    }

    /** The matches in sort order: UIDs and sequence numbers, index by index. */
    record Ordered(long[] uids, long[] sequenceNumbers) {
        long number(int i, boolean uid) {
            return uid ? uids[i] : sequenceNumbers[i];
        }

        int size() {
            return uids.length;
        }
    }

    static void sort(ImapSession s, String tag, ImapCommand.Sort c) {
        SortOrder order = new SortOrder(c.order());
        boolean save = c.returnOptions().contains(ImapCommand.SearchReturn.SAVE);
        SelectedMailbox box = s.selected();
        SearchCommand.overMatches(s, tag, c, c.uid(), c.charset(), c.criteria(),
                fields -> new Collector(order, fields),
                (w, sorted) -> {
                    if (c.extended()) {
                        esort(s, w, tag, c, sorted, save ? box : null);
                        return;
                    }
                    w.untagged().atom("SORT");
                    for (int i = 0; i < sorted.size(); i++) {
                        w.number(sorted.number(i, c.uid()));
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

    /**
     * One SORT's matches: those the kept order has are only marked (with their sequence number),
     * the others get their keys read. The result merges the two, and the order is kept again
     * when it gained messages or lost expunged ones.
     */
    static final class Collector implements SearchCommand.MatchCollector<Ordered> {

        /**
         * A match the kept order lacks: its keys, read now, its sequence number, and its index
         * among the added matches in UID order (the order they are added in).
         */
        private record Match(SortOrder.Keys keys, long sequence, int ascending) {
        }

        private final SortOrder order;
        private final Comparator<SortOrder.Keys> comparator;
        private final SearchFieldCache.Lookup fields;
        private final SearchFieldCache.Sorted kept;
        /** The sequence number of each match kept, by its index in {@code kept.uids()}; 0: not a match. */
        private final long[] keptSequence;
        private int cursor;
        private final List<Match> added = new ArrayList<>();

        Collector(SortOrder order, SearchFieldCache.Lookup fields) {
            this.order = order;
            this.comparator = order.comparator();
            this.fields = fields;
            this.kept = fields.sorted(order.name());
            this.keptSequence = new long[kept == null ? 0 : kept.uids().length];
        }

        @Override
        public void add(MessageView match) {
            long uid = match.uid();
            if (kept != null) {
                long[] uids = kept.uids();
                while (cursor < uids.length && uids[cursor] < uid) {
                    cursor++;
                }
                if (cursor < uids.length && uids[cursor] == uid) {
                    keptSequence[cursor] = match.sequenceNumber();
                    return;
                }
            }
            added.add(new Match(order.keys(match), match.sequenceNumber(), added.size()));
        }

        @Override
        public Ordered result() {
            added.sort((a, b) -> comparator.compare(a.keys(), b.keys()));
            SortOrder.Keys[] keptOrder = kept == null ? new SortOrder.Keys[0] : kept.inOrder();
            int[] positions = kept == null ? new int[0] : kept.positions();
            long[] uids = new long[matchedKept() + added.size()];
            long[] sequences = new long[uids.length];
            int n = 0;
            int k = nextMatched(keptOrder, positions, 0);
            int a = 0;
            while (k < keptOrder.length || a < added.size()) {
                boolean fromKept = a == added.size()
                        || k < keptOrder.length && comparator.compare(keptOrder[k], added.get(a).keys()) < 0;
                if (fromKept) {
                    uids[n] = keptOrder[k].uid();
                    sequences[n++] = keptSequence[positions[k]];
                    k = nextMatched(keptOrder, positions, k + 1);
                } else {
                    uids[n] = added.get(a).keys().uid();
                    sequences[n++] = added.get(a++).sequence();
                }
            }
            keepOrder();
            return new Ordered(uids, sequences);
        }

        private int matchedKept() {
            int n = 0;
            for (long seq : keptSequence) {
                n += seq != 0 ? 1 : 0;
            }
            return n;
        }

        private int nextMatched(SortOrder.Keys[] keptOrder, int[] positions, int from) {
            int k = from;
            while (k < keptOrder.length && keptSequence[positions[k]] == 0) {
                k++;
            }
            return k;
        }

        /**
         * Keeps the order of every message it knows that is not expunged as far as the session's
         * view tells (in the view, or newer than it: another session's view may have it), when
         * that differs from what was kept: messages added, or expunged ones dropped. One pass each
         * over the kept UIDs and the kept order, no sorting: a mailbox where one message arrived
         * costs a merge, not a sort.
         */
        private void keepOrder() {
            long[] keptUids = kept == null ? new long[0] : kept.uids();
            long[] view = fields.viewUids();
            long viewMax = view.length == 0 ? 0 : view[view.length - 1];
            boolean[] stays = new boolean[keptUids.length];
            int staying = 0;
            int v = 0;
            for (int i = 0; i < keptUids.length; i++) {
                while (v < view.length && view[v] < keptUids[i]) {
                    v++;
                }
                stays[i] = keptUids[i] > viewMax || v < view.length && view[v] == keptUids[i];
                staying += stays[i] ? 1 : 0;
            }
            if (added.isEmpty() && staying == keptUids.length) {
                return;
            }
            // The new UIDs ascending, and where each kept and each added message lands in them.
            long[] addedUids = new long[added.size()];
            for (Match m : added) {
                addedUids[m.ascending()] = m.keys().uid();
            }
            long[] uids = new long[staying + added.size()];
            int[] keptAt = new int[keptUids.length];
            int[] addedAt = new int[addedUids.length];
            long bytes = kept == null ? 64 : kept.bytes();
            int n = 0;
            int k = 0;
            int a = 0;
            while (k < keptUids.length || a < addedUids.length) {
                if (k < keptUids.length && !stays[k]) {
                    k++;
                } else if (a == addedUids.length || k < keptUids.length && keptUids[k] < addedUids[a]) {
                    keptAt[k++] = n;
                    uids[n++] = keptUids[k - 1];
                } else {
                    addedAt[a++] = n;
                    uids[n++] = addedUids[a - 1];
                }
            }
            SortOrder.Keys[] keptOrder = kept == null ? new SortOrder.Keys[0] : kept.inOrder();
            int[] keptPositions = kept == null ? new int[0] : kept.positions();
            SortOrder.Keys[] inOrder = new SortOrder.Keys[uids.length];
            int[] positions = new int[uids.length];
            n = 0;
            k = 0;
            a = 0;
            while (k < keptOrder.length || a < added.size()) {
                if (k < keptOrder.length && !stays[keptPositions[k]]) {
                    bytes -= SearchFieldCache.Sorted.bytesOf(keptOrder[k++]);
                } else if (a == added.size()
                        || k < keptOrder.length && comparator.compare(keptOrder[k], added.get(a).keys()) < 0) {
                    positions[n] = keptAt[keptPositions[k]];
                    inOrder[n++] = keptOrder[k++];
                } else {
                    Match m = added.get(a++);
                    bytes += SearchFieldCache.Sorted.bytesOf(m.keys());
                    positions[n] = addedAt[m.ascending()];
                    inOrder[n++] = m.keys();
                }
            }
            fields.keepSorted(order.name(), new SearchFieldCache.Sorted(uids, inOrder, positions, bytes));
        }
    }

    /** The ESEARCH answer of SORT RETURN (…); SAVE alone sends none. {@code saveIn} is null without SAVE. */
    private static void esort(ImapSession s, ResponseWriter w, String tag, ImapCommand.Sort c, Ordered sorted,
                              SelectedMailbox saveIn) {
        Set<ImapCommand.SearchReturn> options = c.returnOptions();
        List<Long> numbers = new ArrayList<>(sorted.size());
        for (int i = 0; i < sorted.size(); i++) {
            numbers.add(sorted.number(i, c.uid()));
        }
        if (saveIn != null && s.selected() == saveIn) {
            saveIn.saveSearch(SearchCommand.saved(options, sorted.uids()));
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
