package dev.tern.imap.server;

import dev.tern.imap.protocol.EsearchResult;
import dev.tern.imap.protocol.ImapCommand;
import dev.tern.imap.protocol.MessageView;
import dev.tern.imap.protocol.ResponseCode;
import dev.tern.imap.protocol.ResponseWriter;
import dev.tern.imap.protocol.SearchKey;
import dev.tern.imap.protocol.SearchProgram;
import dev.tern.imap.protocol.SequenceSet;
import dev.tern.mailbox.MessageEntry;
import dev.tern.mailbox.MessageService;
import dev.tern.mailbox.MessageSummary;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongPredicate;
import java.util.function.Supplier;

/**
 * SEARCH and UID SEARCH (RFC 9051 §6.4.4) with ESEARCH's RETURN options (RFC 4731) and MODSEQ
 * (RFC 7162 §3.1.5). The protocol layer compiles the criteria; this runs them over the messages
 * the session knows, on the storage executor. CHARSET may name any charset the JDK decodes
 * (ISO-8859-1, windows-1252, KOI8-R, ISO-2022-JP, Shift_JIS, GB2312, Big5…), as Dovecot takes any
 * that iconv knows: its strings are decoded from it and matched as text. Another name is refused
 * with [BADCHARSET] (RFC 9051 §6.4.4 requires UTF-8 only).
 */
final class SearchCommand {

    private record Match(long number, long uid, long modSeq) {
    }

    private SearchCommand() {
    }

    /**
     * The index entries of a mailbox, read when the first key needs one; a search that the kept
     * header fields answer alone reads none. Keys on flags, sizes, dates and MODSEQ read the
     * narrow summaries only, kept between searches ({@link MailboxSummaries}); the whole entries
     * (header prefix, blob id) are read in one query when a key on headers or text first needs
     * one, from that message on: what the kept fields lack is mostly what arrived since the last
     * search, at the end of the view.
     */
    private static final class IndexedEntries implements StoredMessageView.Entries {

        private final MessageService messages;
        private final long mailboxId;
        private final Supplier<MailboxSummaries.Copy> current;
        private Map<Long, MessageEntry> byUid;
        /** The first UID {@link #byUid} was read from. */
        private long entriesFrom;
        private MailboxSummaries.Copy summaries;
        private final int[] summaryCursor = new int[1];

        IndexedEntries(MessageService messages, long mailboxId, Supplier<MailboxSummaries.Copy> summaries) {
            this.messages = messages;
            this.mailboxId = mailboxId;
            this.current = summaries;
        }

        @Override
        public MessageEntry get(long uid) {
            if (byUid == null) {
                byUid = new HashMap<>();
                entriesFrom = uid;
                for (MessageEntry m : messages.messages(mailboxId, uid, Long.MAX_VALUE)) {
                    byUid.put(m.uid(), m);
                }
            }
            MessageEntry m = uid >= entriesFrom ? byUid.get(uid) : messages.message(mailboxId, uid).orElse(null);
            if (m == null) {
                throw new StoredMessageView.Gone();
            }
            return m;
        }

        /** The mailbox's summaries, brought up to date at the first call. */
        MailboxSummaries.Copy summaries() {
            if (summaries == null) {
                summaries = current.get();
            }
            return summaries;
        }

        @Override
        public MessageSummary summary(long uid) {
            MessageSummary s = summaries().findFrom(summaryCursor, uid);
            if (s == null) {
                throw new StoredMessageView.Gone();
            }
            return s;
        }
    }

    /**
     * The session's view of the selected mailbox, taken on the event loop: messages the session
     * was not told of yet are not searched (nor sorted).
     */
    record View(long mailboxId, long[] uids, long largestSeq, long largestUid, LongPredicate recent,
                SearchFieldCache.Lookup fields, Set<Long> saved, Supplier<MailboxSummaries.Copy> summaries) {
    }

    static View view(ImapSession s) {
        SelectedMailbox box = s.selected();
        UidSequence sequence = box.sequence();
        long[] uids = box.uidsInView();
        return new View(box.id(), uids, sequence.size(), sequence.maxUid(), box.recentSnapshot(),
                s.context().searchFields().lookup(box.id(), box.uidValidity(), uids), new HashSet<>(box.savedSearch()),
                () -> s.context().summaries().current(s.context().mailboxes().messageService(), box.id(),
                        box.uidValidity()));
    }

    /** Runs the criteria over the view, on the storage executor: each message that matches, in sequence order. */
    static void forEachMatch(MessageService messages, View v, SearchProgram program,
                             java.util.function.Consumer<StoredMessageView> onMatch) {
        SearchHeaders headers = new SearchHeaders(messages, v.mailboxId());
        IndexedEntries entries = new IndexedEntries(messages, v.mailboxId(), v.summaries());
        SearchProgram.Context context = new SearchProgram.Context(v.largestSeq(), v.largestUid(), v.saved(), Instant.now());
        long[] uids = v.uids();
        int start = 0;
        if (program.matchesOnlyUnseen()) {
            // Below the mailbox's first unseen message every message is seen (or gone): none can match.
            int found = java.util.Arrays.binarySearch(uids, entries.summaries().firstUnseenUid());
            start = found >= 0 ? found : -found - 1;
        }
        for (int i = start; i < uids.length; i++) {
            StoredMessageView view = new StoredMessageView(messages, headers, v.fields(), entries, uids[i], i + 1,
                    v.recent());
            try {
                if (program.matches(view, context)) {
                    onMatch.accept(view);
                }
            } catch (StoredMessageView.Gone e) {
                // expunged since the session's view was taken: not a match
            }
        }
        v.fields().finish();
    }

    /** A CHARSET this JDK does not decode: NO [BADCHARSET], true. */
    static boolean refusedCharset(ImapSession s, String tag, String charset) {
        if (charset != null && !decodable(charset)) {
            s.no(tag, ResponseCode.badCharset(List.of("UTF-8", "US-ASCII")), "search in UTF-8");
            return true;
        }
        return false;
    }

    private static boolean decodable(String charset) {
        try {
            return java.nio.charset.Charset.isSupported(charset);
        } catch (java.nio.charset.IllegalCharsetNameException e) {
            return false;
        }
    }

    /**
     * What SORT and THREAD make of the matching messages: collected on the storage executor, in
     * ascending UID order, then written.
     */
    interface MatchCollector<T> {
        void add(MessageView match);

        T result();
    }

    /**
     * The flow SORT and THREAD share with SEARCH: the charset checked, the criteria run over the
     * session's view on the storage executor, each match given to a collector, and its result
     * written as one untagged response on the event loop.
     */
    static <T> void overMatches(ImapSession s, String tag, ImapCommand command, boolean uid, String charset,
                                SearchKey criteria,
                                java.util.function.Function<SearchFieldCache.Lookup, MatchCollector<T>> collector,
                                java.util.function.BiConsumer<ResponseWriter, T> write) {
        overMatches(s, tag, command, uid, charset, criteria, collector, write, () -> { });
    }

    /** As above; {@code refused} runs when the command is answered NO (a charset, a storage failure). */
    static <T> void overMatches(ImapSession s, String tag, ImapCommand command, boolean uid, String charset,
                                SearchKey criteria,
                                java.util.function.Function<SearchFieldCache.Lookup, MatchCollector<T>> collector,
                                java.util.function.BiConsumer<ResponseWriter, T> write, Runnable refused) {
        if (refusedCharset(s, tag, charset)) {
            refused.run();
            return;
        }
        SearchProgram program = SearchProgram.compile(criteria);
        if (program.usesModSeq()) {
            s.enableCondstore();
        }
        View v = view(s);
        MessageService messages = s.context().mailboxes().messageService();
        s.onStorage(() -> {
            MatchCollector<T> c = collector.apply(v.fields());
            forEachMatch(messages, v, program, c::add);
            return c.result();
        }, (result, error) -> {
            if (error != null) {
                refused.run();
                s.failed(tag, error, command.name());
                return;
            }
            write.accept(s.writer(), result);
            completed(s, tag, uid, command.name());
        });
    }

    /** OK, without EXPUNGE responses when the command answered with sequence numbers (RFC 9051 §7.5.1). */
    private static void completed(ImapSession s, String tag, boolean uid, String name) {
        if (uid) {
            s.completed(tag, name + " completed");
        } else {
            s.completedWithoutExpunges(tag, null, name + " completed");
        }
    }

    static void search(ImapSession s, String tag, ImapCommand.Search c) {
        boolean save = c.returnOptions().contains(ImapCommand.SearchReturn.SAVE);
        SelectedMailbox box = s.selected();
        if (refusedCharset(s, tag, c.charset())) {
            if (save) {
                // RFC 5182 §2.1: a SEARCH ... SAVE answered NO leaves $ empty.
                box.saveSearch(new long[0]);
            }
            return;
        }
        SearchProgram program = SearchProgram.compile(c.criteria());
        if (program.usesModSeq()) {
            s.enableCondstore();
        }
        View v = view(s);
        MessageService messages = s.context().mailboxes().messageService();
        s.onStorage(() -> {
            List<Match> matches = new ArrayList<>();
            forEachMatch(messages, v, program, view ->
                    // MODSEQ only matters when the criteria use it, and then the entry is read already.
                    matches.add(new Match(c.uid() ? view.uid() : view.sequenceNumber(), view.uid(),
                            program.usesModSeq() ? view.modSeq() : 0)));
            return matches;
        }, (matches, error) -> {
            if (save && s.selected() == box) {
                box.saveSearch(error != null ? new long[0]
                        : saved(c.returnOptions(), matches.stream().mapToLong(Match::uid).toArray()));
            }
            if (error != null) {
                s.failed(tag, error, c.name());
                return;
            }
            answer(s, tag, c, program, matches);
        });
    }

    /**
     * What RETURN (SAVE …) keeps as {@code $} (RFC 5182 §2.1): with MIN and/or MAX but neither
     * ALL nor COUNT, only the messages those return (the first and last of the result, in its
     * order: ascending for SEARCH, the sort order for SORT); otherwise every match. Ascending.
     */
    static long[] saved(Set<ImapCommand.SearchReturn> options, long[] uidsInResultOrder) {
        boolean min = options.contains(ImapCommand.SearchReturn.MIN);
        boolean max = options.contains(ImapCommand.SearchReturn.MAX);
        long[] kept;
        if (uidsInResultOrder.length == 0 || !(min || max) || options.contains(ImapCommand.SearchReturn.ALL)
                || options.contains(ImapCommand.SearchReturn.COUNT)) {
            kept = uidsInResultOrder.clone();
        } else {
            long first = uidsInResultOrder[0];
            long last = uidsInResultOrder[uidsInResultOrder.length - 1];
            kept = min && max && first != last ? new long[]{first, last} : new long[]{min ? first : last};
        }
        java.util.Arrays.sort(kept);
        return kept;
    }

    private static void answer(ImapSession s, String tag, ImapCommand.Search c, SearchProgram program,
                               List<Match> matches) {
        Long highest = program.usesModSeq() && !matches.isEmpty()
                ? matches.stream().mapToLong(Match::modSeq).max().getAsLong() : null;
        ResponseWriter w = s.writer();
        if (c.extended() || s.rev2()) {
            Set<ImapCommand.SearchReturn> options = c.returnOptions().isEmpty()
                    ? Set.of(ImapCommand.SearchReturn.ALL) : c.returnOptions();
            List<Long> numbers = matches.stream().map(Match::number).toList();
            Long min = options.contains(ImapCommand.SearchReturn.MIN) && !numbers.isEmpty() ? numbers.get(0) : null;
            Long max = options.contains(ImapCommand.SearchReturn.MAX) && !numbers.isEmpty()
                    ? numbers.get(numbers.size() - 1) : null;
            SequenceSet all = options.contains(ImapCommand.SearchReturn.ALL) && !numbers.isEmpty()
                    ? SequenceSet.compress(numbers) : null;
            Long count = options.contains(ImapCommand.SearchReturn.COUNT) ? (long) numbers.size() : null;
            // RETURN (SAVE) alone answers with the tagged OK only (RFC 5182 §2.1).
            if (!options.equals(Set.of(ImapCommand.SearchReturn.SAVE))) {
                w.esearch(new EsearchResult(tag, c.uid(), min, max, all, count, highest));
            }
        } else {
            w.untagged().atom("SEARCH");
            for (Match m : matches) {
                w.number(m.number());
            }
            if (highest != null) {
                w.openList().atom("MODSEQ").number(highest).closeList();
            }
            w.end();
        }
        completed(s, tag, c.uid(), c.name());
    }
}
