package dev.tern.imap.server;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class UidSequenceTest {

    @Test
    void mapsSequenceNumbersAndUidsBothWays() {
        UidSequence s = new UidSequence(new long[]{3, 4, 5, 9, 10, 20});
        assertThat(s.size()).isEqualTo(6);
        assertThat(s.uidAt(1)).isEqualTo(3);
        assertThat(s.uidAt(4)).isEqualTo(9);
        assertThat(s.uidAt(6)).isEqualTo(20);
        assertThat(s.uidAt(7)).isZero();
        assertThat(s.sequenceOf(10)).isEqualTo(5);
        assertThat(s.sequenceOf(6)).isZero();
        assertThat(s.maxUid()).isEqualTo(20);
    }

    @Test
    void expungeRenumbersAsRfc9051Section752Describes() {
        // RFC 9051 §7.5.1: expunging 3, 4, 7 and 11 of 11 messages one at a time reports 3, 3, 5, 8.
        UidSequence s = new UidSequence(new long[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
        assertThat(List.of(s.remove(3), s.remove(4), s.remove(7), s.remove(11))).containsExactly(3L, 3L, 5L, 8L);
        assertThat(s.size()).isEqualTo(7);
        assertThat(s.remove(4)).isZero();
    }

    @Test
    void agreesWithAPlainListUnderRandomChanges() {
        Random random = new Random(42);
        List<Long> plain = new ArrayList<>();
        UidSequence s = new UidSequence(new long[0]);
        long next = 1;
        for (int i = 0; i < 5000; i++) {
            if (plain.isEmpty() || random.nextInt(3) > 0) {
                next += 1 + (random.nextInt(4) == 0 ? random.nextInt(5) : 0);
                plain.add(next);
                s.append(next);
            } else {
                long uid = plain.get(random.nextInt(plain.size()));
                assertThat(s.remove(uid)).isEqualTo(plain.indexOf(uid) + 1);
                plain.remove(uid);
            }
            assertThat(s.size()).isEqualTo(plain.size());
        }
        assertThat(s.toArray()).containsExactly(plain.stream().mapToLong(Long::longValue).toArray());
        for (int i = 0; i < plain.size(); i++) {
            assertThat(s.uidAt(i + 1)).isEqualTo(plain.get(i));
            assertThat(s.sequenceOf(plain.get(i))).isEqualTo(i + 1);
        }
        for (long uid = 0; uid <= next + 2; uid++) {
            long u = uid;
            assertThat(s.countBelow(uid)).as("below %d", uid).isEqualTo(plain.stream().filter(p -> p < u).count());
        }
    }

    @Test
    void rangesOfUidsAndOfSequenceNumbersAgreeWithAPlainList() {
        Random random = new Random(7);
        for (int round = 0; round < 300; round++) {
            List<Long> plain = new ArrayList<>();
            long next = 0;
            int count = random.nextInt(60);
            for (int i = 0; i < count; i++) {
                next += 1 + (random.nextInt(3) == 0 ? random.nextInt(6) : 0);
                plain.add(next);
            }
            UidSequence s = new UidSequence(plain.stream().mapToLong(Long::longValue).toArray());
            int pairs = 1 + random.nextInt(4);
            long[] uidPairs = new long[2 * pairs];
            long[] seqPairs = new long[2 * pairs];
            for (int i = 0; i < 2 * pairs; i++) {
                uidPairs[i] = 1 + random.nextInt((int) next + 5);
                seqPairs[i] = 1 + random.nextInt(count + 3);
            }
            java.util.TreeSet<Long> byUid = new java.util.TreeSet<>();
            java.util.TreeSet<Long> bySeq = new java.util.TreeSet<>();
            for (int i = 0; i < 2 * pairs; i += 2) {
                long lo = Math.min(uidPairs[i], uidPairs[i + 1]);
                long hi = Math.max(uidPairs[i], uidPairs[i + 1]);
                plain.stream().filter(u -> u >= lo && u <= hi).forEach(byUid::add);
                long first = Math.min(seqPairs[i], seqPairs[i + 1]);
                long last = Math.max(seqPairs[i], seqPairs[i + 1]);
                for (long q = first; q <= Math.min(last, count); q++) {
                    bySeq.add(plain.get((int) q - 1));
                }
            }
            assertThat(s.uidsWithin(UidSequence.merged(uidPairs, s.maxUid())))
                    .as("round %d", round).containsExactly(byUid.stream().mapToLong(Long::longValue).toArray());
            assertThat(s.uidsAtSequences(UidSequence.merged(seqPairs, s.size())))
                    .as("round %d", round).containsExactly(bySeq.stream().mapToLong(Long::longValue).toArray());
        }
    }
}
