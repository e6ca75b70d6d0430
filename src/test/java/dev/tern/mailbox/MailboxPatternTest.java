package dev.tern.mailbox;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** LIST patterns: what they match, and that no pattern makes matching a name expensive. */
class MailboxPatternTest {

    @Test
    void wildcardsMatchAsListSays() {
        assertThat(MailboxPattern.compile("*").matches("a/b/c")).isTrue();
        assertThat(MailboxPattern.compile("%").matches("a/b")).isFalse();
        assertThat(MailboxPattern.compile("%").matches("")).isTrue();
        assertThat(MailboxPattern.compile("a/%").matches("a/b")).isTrue();
        assertThat(MailboxPattern.compile("a/%/c").matches("a/b/c")).isTrue();
        assertThat(MailboxPattern.compile("a%%c").matches("a/c")).isFalse();
        assertThat(MailboxPattern.compile("a%*c").matches("a/c")).isTrue();
        assertThat(MailboxPattern.compile("a*%c").matches("a/b/c")).isTrue();
        assertThat(MailboxPattern.compile("inbox*").matches("INBOX/x")).isTrue();
        assertThat(MailboxPattern.compile("Inbox").matches("INBOX")).isTrue();
        assertThat(MailboxPattern.compile("inboxes").matches("INBOXes")).isFalse();
        assertThat(MailboxPattern.compile("a.b").matches("aXb")).isFalse();
        assertThat(MailboxPattern.compile("(x)").matches("(x)")).isTrue();
        assertThat(MailboxPattern.compile("").matches("")).isTrue();
        assertThat(MailboxPattern.compile("").matches("a")).isFalse();
    }

    @Test
    void matchesWhatTheEquivalentRegularExpressionMatches() {
        Random random = new Random(3501);
        String patternChars = "ab/*%";
        String nameChars = "ab/";
        for (int round = 0; round < 20_000; round++) {
            String pattern = randomString(random, patternChars, 8);
            String name = randomString(random, nameChars, 10);
            assertThat(MailboxPattern.compile(pattern).matches(name))
                    .as("%s against %s", pattern, name).isEqualTo(regex(pattern).matcher(name).matches());
        }
    }

    @Test
    void aPatternOfManyWildcardsAgainstALongNameIsAnsweredAtOnce() {
        // A backtracking matcher takes hours over this; following every position at once, a moment.
        String name = "z".repeat(1000);
        assertThat(MailboxPattern.compile("%*".repeat(5000) + "x").matches(name)).isFalse();
        assertThat(MailboxPattern.compile("%*".repeat(5000) + "z").matches(name)).isTrue();
        assertThat(MailboxPattern.compile("z%".repeat(999) + "z%z").matches(name)).isFalse();
        assertThat(MailboxPattern.compile("z%".repeat(999) + "z").matches(name)).isTrue();
        assertThat(MailboxPattern.compile("%z".repeat(400) + "%x").matches(name)).isFalse();
        assertThat(MailboxPattern.compile("*z".repeat(400) + "*").matches(name)).isTrue();
    }

    private static String randomString(Random random, String alphabet, int maxLength) {
        int n = random.nextInt(maxLength + 1);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    /** The pattern as a regular expression: a reference for short inputs only. */
    private static Pattern regex(String pattern) {
        StringBuilder re = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            re.append(c == '*' ? ".*" : c == '%' ? "[^/]*" : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
