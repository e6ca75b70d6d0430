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
    void stringsCompareAsTheirUtf8OctetsWithAsciiLettersInUpperCase() {
        assertThat(SortOrder.collationForm("abc äb é z")).isEqualTo("ABC äB é Z");
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
}
