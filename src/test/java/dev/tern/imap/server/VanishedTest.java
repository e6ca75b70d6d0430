package dev.tern.imap.server;

import dev.tern.imap.protocol.SequenceSet;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The UIDs reported as vanished when a mailbox no longer keeps the expunges a client asks about:
 * every UID below UIDNEXT that is not present, within the UIDs asked about.
 */
class VanishedTest {

    private static List<long[]> scope(String set, long top) {
        return Vanished.intervals(SequenceSet.parse(set), top);
    }

    @Test
    void theGapsBetweenPresentUidsWithinTheScope() {
        long[] present = {3, 4, 7, 10};
        assertThat(Vanished.absent(12, present, scope("1:*", 12)).toString()).isEqualTo("1:2,5:6,8:9,11:12");
        assertThat(Vanished.absent(12, present, scope("5,9:11,2", 12)).toString()).isEqualTo("2,5,9,11");
        // Overlapping and reversed ranges count once; nothing above UIDNEXT - 1 is told.
        assertThat(Vanished.absent(12, present, scope("6:1,2:5,20:30", 12)).toString()).isEqualTo("1:2,5:6");
        assertThat(Vanished.absent(10, present, scope("1:*", 10)).toString()).isEqualTo("1:2,5:6,8:9");
        assertThat(Vanished.absent(12, new long[0], scope("1:*", 12)).toString()).isEqualTo("1:12");
        assertThat(Vanished.absent(0, new long[0], scope("1:*", 0)).isEmpty()).isTrue();
        assertThat(Vanished.absent(4, new long[]{1, 2, 3, 4}, scope("1:*", 4)).isEmpty()).isTrue();
        // A UID present twice (in the store and in the session's view) is one UID.
        assertThat(Vanished.absent(6, new long[]{2, 2, 5, 5}, scope("1:*", 6)).toString()).isEqualTo("1,3:4,6");
    }

    @Test
    void agreesWithCheckingEachUid() {
        Random random = new Random(7);
        for (int round = 0; round < 500; round++) {
            long top = random.nextInt(60);
            TreeSet<Long> present = new TreeSet<>();
            for (long u = 1; u <= top; u++) {
                if (random.nextInt(3) > 0) {
                    present.add(u);
                }
            }
            StringBuilder set = new StringBuilder();
            for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
                set.append(i > 0 ? "," : "").append(1 + random.nextInt(70)).append(':').append(1 + random.nextInt(70));
            }
            SequenceSet asked = SequenceSet.parse(set.toString());
            List<Long> expected = new ArrayList<>();
            for (long u = 1; u <= top; u++) {
                if (!present.contains(u) && asked.contains(u, top)) {
                    expected.add(u);
                }
            }
            long[] presentArray = present.stream().mapToLong(Long::longValue).toArray();
            assertThat(Vanished.absent(top, presentArray, Vanished.intervals(asked, top)).toString())
                    .as("top %d, present %s, asked %s", top, present, set)
                    .isEqualTo(SequenceSet.compress(expected).toString());
        }
    }
}
