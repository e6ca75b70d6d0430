package dev.tern.imap.protocol;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class SortOrderTest {

    @Test
    void stringsCompareAsTheirUtf8OctetsInTheirCollationForm() {
        // i;unicode-casemap: title case, then canonical decomposition.
        assertThat(SortOrder.collationForm("abc äb é z")).isEqualTo("ABC A\u0308B E\u0301 Z");
        assertThat(SortOrder.collationForm("\u01c6 \u00df \u03c3")).isEqualTo("\u01c5 \u00df \u03a3");
        // U+FFFD before U+1F600 in UTF-8, though its UTF-16 unit is the larger.
        assertThat(SortOrder.inCodePointOrder("\uFFFD", "\uD83D\uDE00")).isNegative();
        assertThat(SortOrder.inCodePointOrder("ab", "abc")).isNegative();
        assertThat(SortOrder.inCodePointOrder("B", "B")).isZero();

        Random random = new Random(11);
        String alphabet = "aAzZ\u00e9\u00c9\uFFFD\uE000\uD83D\uDE00 [";
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            StringBuilder b = new StringBuilder();
            for (int j = random.nextInt(6); j > 0; j--) {
                int k = random.nextInt(alphabet.length());
                if (Character.isLowSurrogate(alphabet.charAt(k))) {
                    continue;
                }
                b.append(alphabet.charAt(k));
                if (Character.isHighSurrogate(alphabet.charAt(k))) {
                    b.append(alphabet.charAt(k + 1));
                }
            }
            strings.add(SortOrder.collationForm(b.toString()));
        }
        for (String x : strings) {
            for (String y : strings) {
                int octets = Arrays.compareUnsigned(x.getBytes(StandardCharsets.UTF_8), y.getBytes(StandardCharsets.UTF_8));
                assertThat(Integer.signum(SortOrder.inCodePointOrder(x, y))).as(x + " / " + y).isEqualTo(Integer.signum(octets));
            }
        }
    }

    /** A message with a Subject and nothing else that SORT SUBJECT reads. */
    private static MessageView withSubject(long sequence, String subject) {
        return new MessageView() {
            public long sequenceNumber() { return sequence; }
            public long uid() { return sequence; }
            public java.util.Set<String> flags() { return java.util.Set.of(); }
            public java.time.Instant internalDate() { return java.time.Instant.EPOCH; }
            public java.time.LocalDate internalDateLocal() { return java.time.LocalDate.EPOCH; }
            public long size() { return 0; }
            public long modSeq() { return 0; }
            public String emailId() { return "M" + uid(); }
            public List<String> headerValues(String field) {
                return field.equalsIgnoreCase("Subject") ? List.of(subject) : List.of();
            }
            public String headerText() { return ""; }
            public String bodyText() { return ""; }
        };
    }

    @Test
    void subjectsSortByTheirUtf8OctetsWhateverTheirCharacters() {
        List<String> subjects = List.of("zebra", "\uD83D\uDE00 smile", "\uFFFD replacement", "Re: apple", "\u00e9clair",
                "Apple", "\uE000 private", "banana");
        SortOrder order = new SortOrder(List.of(new ImapCommand.SortCriterion(ImapCommand.SortKey.SUBJECT, false)));
        List<SortOrder.Keys> keys = new ArrayList<>();
        for (int i = 0; i < subjects.size(); i++) {
            keys.add(order.keys(withSubject(i + 1, subjects.get(i))));
        }
        keys.sort(order.comparator());
        List<String> sorted = keys.stream().map(k -> subjects.get((int) k.uid() - 1)).toList();
        // "Re: apple" and "Apple" have one base subject: they keep their UID order; "éclair"
        // sorts among the E's.
        assertThat(sorted).containsExactly("Re: apple", "Apple", "banana", "\u00e9clair", "zebra", "\uE000 private",
                "\uFFFD replacement", "\uD83D\uDE00 smile");
    }
}
