package dev.tern.imap.server;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

class SearchFieldCacheTest {

    private static Supplier<List<String>> counting(AtomicInteger calls, String value) {
        return () -> {
            calls.incrementAndGet();
            return List.of(value);
        };
    }

    @Test
    void aSecondSearchReadsTheKeptValuesAndComputesOnlyNewMessages() {
        SearchFieldCache cache = new SearchFieldCache(SearchFieldCache.DEFAULT_MAX_BYTES);
        AtomicInteger calls = new AtomicInteger();
        SearchFieldCache.Lookup first = cache.lookup(7, 100, new long[]{1, 2, 5});
        for (long uid : new long[]{1, 2, 5}) {
            assertThat(first.values("Subject", uid, counting(calls, "s" + uid))).containsExactly("s" + uid);
        }
        first.finish();
        assertThat(calls).hasValue(3);

        // Message 2 expunged, 9 new; the field asked in another case is the same field.
        SearchFieldCache.Lookup second = cache.lookup(7, 100, new long[]{1, 5, 9});
        assertThat(second.values("SUBJECT", 1, counting(calls, "other"))).containsExactly("s1");
        assertThat(second.values("SUBJECT", 5, counting(calls, "other"))).containsExactly("s5");
        assertThat(second.values("SUBJECT", 9, counting(calls, "s9"))).containsExactly("s9");
        assertThat(second.values("SUBJECT", 9, counting(calls, "again"))).containsExactly("s9");  // OR of one field
        second.finish();
        assertThat(calls).hasValue(4);

        SearchFieldCache.Lookup third = cache.lookup(7, 100, new long[]{1, 2, 5, 9});
        assertThat(third.values("subject", 2, counting(calls, "recomputed"))).containsExactly("recomputed");
        assertThat(third.values("subject", 9, counting(calls, "other"))).containsExactly("s9");
        assertThat(calls).hasValue(5);   // 2 was dropped when the second search kept its view
    }

    @Test
    void anotherMailboxFieldOrUidValidityHasItsOwnValues() {
        SearchFieldCache cache = new SearchFieldCache(SearchFieldCache.DEFAULT_MAX_BYTES);
        AtomicInteger calls = new AtomicInteger();
        SearchFieldCache.Lookup a = cache.lookup(1, 10, new long[]{1});
        a.values("Subject", 1, counting(calls, "kept"));
        a.finish();
        for (SearchFieldCache.Lookup other : List.of(cache.lookup(2, 10, new long[]{1}), cache.lookup(1, 11, new long[]{1}))) {
            assertThat(other.values("Subject", 1, counting(calls, "fresh"))).containsExactly("fresh");
        }
        assertThat(cache.lookup(1, 10, new long[]{1}).values("From", 1, counting(calls, "from"))).containsExactly("from");
        assertThat(calls).hasValue(4);
    }

    @Test
    void boundedInBytesLeastRecentlySearchedGoesFirst() {
        SearchFieldCache cache = new SearchFieldCache(64 * 1024);
        String value = "x".repeat(1_000);
        long[] uids = new long[10];
        for (int i = 0; i < uids.length; i++) {
            uids[i] = i + 1;
        }
        for (long mailbox = 1; mailbox <= 20; mailbox++) {
            SearchFieldCache.Lookup l = cache.lookup(mailbox, 1, uids);
            for (long uid : uids) {
                l.values("Subject", uid, () -> List.of(value));
            }
            l.finish();
        }
        // Each column is about 11 KB: five fit in 64 KB.
        assertThat(cache.columnCount()).isBetween(1, 6);
        AtomicInteger calls = new AtomicInteger();
        cache.lookup(1, 1, uids).values("Subject", 1, counting(calls, "gone"));
        cache.lookup(20, 1, uids).values("Subject", 1, counting(calls, "gone"));
        assertThat(calls).hasValue(1);   // the first mailbox's column was evicted, the last one's kept

        SearchFieldCache small = new SearchFieldCache(16 * 1024);
        SearchFieldCache.Lookup huge = small.lookup(1, 1, uids);
        for (long uid : uids) {
            huge.values("Subject", uid, () -> List.of(value));
        }
        huge.finish();
        assertThat(small.columnCount()).isZero();   // over half the bound: not kept at all
    }
}
