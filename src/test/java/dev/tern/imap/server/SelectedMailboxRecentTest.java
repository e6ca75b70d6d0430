package dev.tern.imap.server;

import dev.tern.store.Rows;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.TreeSet;
import java.util.function.LongPredicate;

import static org.assertj.core.api.Assertions.assertThat;

class SelectedMailboxRecentTest {

    @Test
    void adjacentClaimsMakeOneRangeAndLookupsAgreeWithEveryClaim() {
        SelectedMailbox box = new SelectedMailbox(1, "INBOX", false, 7, true);
        // A session selected for days: one claim per arrival, each right after the one before.
        for (long uid = 100; uid < 1100; uid++) {
            box.addRecent(new Rows.RecentClaim(uid, uid + 1));
        }
        assertThat(box.recentRanges()).isEqualTo(1);
        assertThat(box.isRecent(99)).isFalse();
        assertThat(box.isRecent(100)).isTrue();
        assertThat(box.isRecent(1099)).isTrue();
        assertThat(box.isRecent(1100)).isFalse();

        // Claims with gaps (another session took the UIDs between), landing out of order, some
        // overlapping or empty: what is recent is exactly what some claim covered.
        SelectedMailbox other = new SelectedMailbox(1, "INBOX", false, 7, true);
        TreeSet<Long> claimed = new TreeSet<>();
        Random random = new Random(11);
        for (int i = 0; i < 500; i++) {
            long first = 1 + random.nextInt(3000);
            long end = first + random.nextInt(6);
            other.addRecent(new Rows.RecentClaim(first, end));
            for (long uid = first; uid < end; uid++) {
                claimed.add(uid);
            }
        }
        LongPredicate snapshot = other.recentSnapshot();
        int runs = 0;
        for (long uid = 0; uid <= 3010; uid++) {
            assertThat(other.isRecent(uid)).as("uid %d", uid).isEqualTo(claimed.contains(uid));
            assertThat(snapshot.test(uid)).as("uid %d", uid).isEqualTo(claimed.contains(uid));
            runs += claimed.contains(uid) && !claimed.contains(uid - 1) ? 1 : 0;
        }
        assertThat(other.recentRanges()).isEqualTo(runs);

        // RECENT counts the claimed messages the session's view holds: every third UID is gone.
        long[] view = java.util.stream.LongStream.rangeClosed(1, 3100).filter(uid -> uid % 3 != 0).toArray();
        other.load(view);
        long expected = java.util.Arrays.stream(view).filter(claimed::contains).count();
        assertThat(other.takeRecentCount()).isEqualTo(expected).isPositive();
    }
}
