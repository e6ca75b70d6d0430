package dev.tern.imap.server;

import dev.tern.imap.protocol.ImapCommand;
import dev.tern.imap.protocol.MessageView;
import dev.tern.imap.protocol.SortOrder;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongPredicate;

import static org.assertj.core.api.Assertions.assertThat;

class SortCollectorTest {

    private static final long MAILBOX = 3;
    private static final long UIDVALIDITY = 77;

    /** Messages by UID: subject and size; header reads counted. */
    private final TreeMap<Long, String> subjects = new TreeMap<>();
    private final Map<Long, Long> sizes = new HashMap<>();
    private final AtomicInteger headerReads = new AtomicInteger();

    private MessageView message(long uid, long sequence) {
        String subject = subjects.get(uid);
        long size = sizes.get(uid);
        return new MessageView() {
            public long sequenceNumber() { return sequence; }
            public long uid() { return uid; }
            public Set<String> flags() { return Set.of(); }
            public Instant internalDate() { return Instant.ofEpochSecond(1_700_000_000L + uid); }
            public LocalDate internalDateLocal() { return LocalDate.EPOCH; }
            public long size() { return size; }
            public long modSeq() { return 0; }
            public String emailId() { return "M" + uid(); }
            public List<String> headerValues(String field) {
                headerReads.incrementAndGet();
                return field.equalsIgnoreCase("Subject") ? List.of(subject) : List.of();
            }
            public String headerText() { return ""; }
            public String bodyText() { return ""; }
        };
    }

    /** One SORT over the view {@code view} (ascending UIDs) whose matches are those {@code matches} takes. */
    private SortCommand.Ordered sort(SearchFieldCache cache, SortOrder order, long[] view, LongPredicate matches) {
        SearchFieldCache.Lookup fields = cache.lookup(MAILBOX, UIDVALIDITY, view);
        SortCommand.Collector c = new SortCommand.Collector(order, fields);
        for (int i = 0; i < view.length; i++) {
            if (matches.test(view[i])) {
                c.add(message(view[i], i + 1));
            }
        }
        fields.finish();
        return c.result();
    }

    /** The same SORT computed from nothing kept: every key read, every pair compared. */
    private SortCommand.Ordered fresh(SortOrder order, long[] view, LongPredicate matches) {
        return sort(new SearchFieldCache(SearchFieldCache.DEFAULT_MAX_BYTES), order, view, matches);
    }

    private static List<Long> uids(SortCommand.Ordered o) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < o.size(); i++) {
            out.add(o.number(i, true));
        }
        return out;
    }

    private static List<Long> sequences(SortCommand.Ordered o) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < o.size(); i++) {
            out.add(o.number(i, false));
        }
        return out;
    }

    private static SortOrder bySubject(boolean reverse) {
        return new SortOrder(List.of(new ImapCommand.SortCriterion(ImapCommand.SortKey.SUBJECT, reverse)));
    }

    private void put(long uid, String subject, long size) {
        subjects.put(uid, subject);
        sizes.put(uid, size);
    }

    private long[] view() {
        return subjects.keySet().stream().mapToLong(Long::longValue).toArray();
    }

    @Test
    void aRepeatedSortReadsNoKeysAndNewMessagesAreMergedIn() {
        SearchFieldCache cache = new SearchFieldCache(SearchFieldCache.DEFAULT_MAX_BYTES);
        put(1, "delta", 10);
        put(2, "Re: alpha", 20);
        put(3, "charlie", 30);
        put(4, "bravo", 40);
        SortOrder order = bySubject(false);

        SortCommand.Ordered first = sort(cache, order, view(), uid -> true);
        assertThat(uids(first)).containsExactly(2L, 4L, 3L, 1L);
        assertThat(headerReads).hasValue(4);

        SortCommand.Ordered again = sort(cache, order, view(), uid -> true);
        assertThat(uids(again)).containsExactly(2L, 4L, 3L, 1L);
        assertThat(headerReads).hasValue(4);

        // A subset of the messages: the kept order filtered, with their sequence numbers.
        SortCommand.Ordered some = sort(cache, order, view(), uid -> uid != 4);
        assertThat(uids(some)).containsExactly(2L, 3L, 1L);
        assertThat(sequences(some)).containsExactly(2L, 3L, 1L);
        assertThat(headerReads).hasValue(4);

        // Message 3 expunged, 5 and 6 new: only theirs are read, and they take their places; the
        // sequence numbers are those of the new view.
        subjects.remove(3L);
        put(5, "Alpha", 50);
        put(6, "echo", 60);
        SortCommand.Ordered after = sort(cache, order, view(), uid -> true);
        assertThat(uids(after)).containsExactly(2L, 5L, 4L, 1L, 6L);   // "alpha" twice: UID order
        assertThat(sequences(after)).containsExactly(2L, 4L, 3L, 1L, 5L);
        assertThat(headerReads).hasValue(6);

        // Another order of the same mailbox is kept apart.
        SortCommand.Ordered reversed = sort(cache, bySubject(true), view(), uid -> true);
        assertThat(uids(reversed)).containsExactly(6L, 1L, 4L, 2L, 5L);
        assertThat(headerReads).hasValue(11);
        assertThat(uids(sort(cache, order, view(), uid -> true))).containsExactly(2L, 5L, 4L, 1L, 6L);
        assertThat(headerReads).hasValue(11);
    }

    @Test
    void aSessionWhoseViewStillHasAnExpungedMessageSortsItAmongTheOthers() {
        SearchFieldCache cache = new SearchFieldCache(SearchFieldCache.DEFAULT_MAX_BYTES);
        put(1, "b", 1);
        put(2, "a", 1);
        put(3, "c", 1);
        SortOrder order = bySubject(false);
        long[] older = view();
        sort(cache, order, older, uid -> true);
        // Another session has seen 2 expunged and keeps the order without it ...
        long[] newer = {1, 3};
        assertThat(uids(sort(cache, order, newer, uid -> true))).containsExactly(1L, 3L);
        // ... while this one's view still has it: its keys are read again and it sorts first.
        assertThat(uids(sort(cache, order, older, uid -> true))).containsExactly(2L, 1L, 3L);
    }

    @Test
    void aSessionWithAnOlderViewLeavesTheNewerMessagesInTheKeptOrder() {
        SearchFieldCache cache = new SearchFieldCache(SearchFieldCache.DEFAULT_MAX_BYTES);
        put(1, "b", 1);
        put(2, "a", 1);
        put(3, "c", 1);
        SortOrder order = bySubject(false);
        long[] newer = view();
        sort(cache, order, newer, uid -> true);
        int reads = headerReads.get();
        // A session not yet told of message 3 sorts: 3 is not its to show, but stays kept ...
        assertThat(uids(sort(cache, order, new long[]{1, 2}, uid -> true))).containsExactly(2L, 1L);
        // ... so the newer session's next sort reads no keys again.
        assertThat(uids(sort(cache, order, newer, uid -> true))).containsExactly(2L, 1L, 3L);
        assertThat(headerReads).hasValue(reads);
    }

    @Test
    void keptOrdersGiveWhatAFreshSortGivesThroughArrivalsExpungesAndSubsets() {
        Random random = new Random(20261130);
        String[] words = {"alpha", "Beta", "re: gamma", "delta", "\u00e9clair", "Fwd: beta", "zulu", ""};
        List<SortOrder> orders = List.of(bySubject(false), bySubject(true),
                new SortOrder(List.of(new ImapCommand.SortCriterion(ImapCommand.SortKey.SIZE, true),
                        new ImapCommand.SortCriterion(ImapCommand.SortKey.SUBJECT, false))),
                new SortOrder(List.of(new ImapCommand.SortCriterion(ImapCommand.SortKey.ARRIVAL, false))));
        SearchFieldCache cache = new SearchFieldCache(SearchFieldCache.DEFAULT_MAX_BYTES);
        long nextUid = 1;
        for (int round = 0; round < 300; round++) {
            int arrivals = random.nextInt(4);
            for (int i = 0; i < arrivals; i++) {
                put(nextUid++, words[random.nextInt(words.length)] + (random.nextBoolean() ? "" : " " + random.nextInt(5)),
                        random.nextInt(4));
            }
            if (!subjects.isEmpty() && random.nextInt(3) == 0) {
                long[] v = view();
                subjects.remove(v[random.nextInt(v.length)]);
            }
            long[] view = view();
            int modulus = 1 + random.nextInt(3);
            int remainder = random.nextInt(modulus);
            LongPredicate matches = uid -> uid % modulus == remainder;
            SortOrder order = orders.get(random.nextInt(orders.size()));
            SortCommand.Ordered kept = sort(cache, order, view, matches);
            SortCommand.Ordered expected = fresh(order, view, matches);
            assertThat(uids(kept)).as("round %d, %s", round, order.name()).isEqualTo(uids(expected));
            assertThat(sequences(kept)).as("round %d, %s", round, order.name()).isEqualTo(sequences(expected));
            assertConsistent(cache.lookup(MAILBOX, UIDVALIDITY, view).sorted(order.name()));
        }
    }

    /** UIDs ascending, each message's position among them right, and its size what its messages add up to. */
    private static void assertConsistent(SearchFieldCache.Sorted sorted) {
        if (sorted == null) {
            return;
        }
        long bytes = 64;
        for (int i = 0; i < sorted.inOrder().length; i++) {
            assertThat(sorted.uids()[sorted.positions()[i]]).isEqualTo(sorted.inOrder()[i].uid());
            bytes += SearchFieldCache.Sorted.bytesOf(sorted.inOrder()[i]);
        }
        for (int i = 1; i < sorted.uids().length; i++) {
            assertThat(sorted.uids()[i]).isGreaterThan(sorted.uids()[i - 1]);
        }
        assertThat(sorted.bytes()).isEqualTo(bytes);
    }
}
