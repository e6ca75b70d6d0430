package dev.tern.sieve.commands;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

class WildcardTest {

    @Test
    void starQuestionMarkAndEscapesFollowRfc5228() {
        assertThat(Wildcard.matches("[friends] picnic", "[friends]*", true)).isTrue();
        assertThat(Wildcard.matches("owner-list@example.org", "owner-*@*", true)).isTrue();
        assertThat(Wildcard.matches("abc", "a?c", true)).isTrue();
        assertThat(Wildcard.matches("ac", "a?c", true)).isFalse();
        assertThat(Wildcard.matches("", "*", true)).isTrue();
        assertThat(Wildcard.matches("", "?", true)).isFalse();
        assertThat(Wildcard.matches("a*b", "a\\*b", true)).isTrue();
        assertThat(Wildcard.matches("axb", "a\\*b", true)).isFalse();
        assertThat(Wildcard.matches("a?", "a\\?", true)).isTrue();
        assertThat(Wildcard.matches("a\\b", "a\\\\b", true)).isTrue();
        assertThat(Wildcard.matches("mississippi", "*sip*", true)).isTrue();
        assertThat(Wildcard.matches("mississippi", "*sip", true)).isFalse();
        assertThat(Wildcard.matches("mississippi", "m*i*s*p*i", true)).isTrue();
        assertThat(Wildcard.matches("abcd", "abc", true)).isFalse();
        assertThat(Wildcard.matches("ab", "abc*", true)).isFalse();
    }

    @Test
    void caseFoldsAsciiOnlyAndOnlyForAsciiCasemap() {
        assertThat(Wildcard.matches("HELLO World", "hello*WORLD", true)).isTrue();
        assertThat(Wildcard.matches("HELLO", "hello", false)).isFalse();
        assertThat(Wildcard.matches("Äpfel", "äpfel", true)).as("no folding beyond ASCII").isFalse();
        assertThat(Wildcard.matches("Äpfel", "Ä*", false)).isTrue();
    }

    /**
     * A pattern that makes a backtracking matcher take exponential time (jSieve's regular
     * expressions took hours on this one) answers at once. The timeout only bounds a hang.
     */
    @Test
    @Timeout(60)
    void manyStarsAgainstALongValueDoNotBacktrack() {
        String value = "a".repeat(20_000);
        assertThat(Wildcard.matches(value, "*a".repeat(40) + "*b", true)).isFalse();
        assertThat(Wildcard.matches(value + "b", "*a".repeat(40) + "*b", true)).isTrue();
    }

    @Test
    void capturesWhatEachWildcardTook() {
        assertThat(Wildcard.capture("aXbYbZc", "a*b*c", true)).containsExactly("aXbYbZc", "X", "YbZ");
        assertThat(Wildcard.capture("mississippi", "m*?s*", false)).containsExactly("mississippi", "", "i", "sissippi");
        assertThat(Wildcard.capture("A*B", "a\\**", true)).containsExactly("A*B", "B");
        assertThat(Wildcard.capture("abc", "abc**", true)).containsExactly("abc", "", "");
        assertThat(Wildcard.capture("abc", "abd*", true)).isNull();
    }
}
