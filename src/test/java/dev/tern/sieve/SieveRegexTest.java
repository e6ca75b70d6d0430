package dev.tern.sieve;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The regex extension: {@code :regex} on header, address, envelope, hasflag and the date tests. */
class SieveRegexTest {

    private final SieveEngine engine = new SieveEngine();

    private static final String MESSAGE = """
            Date: Thu, 3 Dec 2026 09:15:00 +0100\r
            From: Build Bot <builds+2026@ci.example.org>\r
            To: anna@example.test\r
            Subject: [tern-dev] Build #4711 FAILED on main\r
            X-Long: %s\r
            \r
            Hello.\r
            """.formatted("a".repeat(5000) + "!");

    private boolean fires(String test) throws IOException, SieveScriptException {
        byte[] bytes = MESSAGE.getBytes(StandardCharsets.UTF_8);
        FilteredMessage message = FilteredMessage.read(() -> new ByteArrayInputStream(bytes), bytes.length,
                "bounces@ci.example.org", "anna+builds@example.test");
        String script = "require [\"fileinto\", \"envelope\", \"regex\", \"date\", \"imap4flags\"];\naddflag \"$Build\";\n"
                + "if " + test + " { fileinto \"T\"; }\n";
        engine.check(script);
        SieveOutcome o = engine.run(script, message);
        assertThat(o.error()).as(test).isNull();
        return o.fileInto().contains("T");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiterString = " => ", value = {
            "header :regex \"subject\" \"build #[0-9]+ failed\" => true",
            "header :regex :comparator \"i;octet\" \"subject\" \"build #[0-9]+ failed\" => false",
            "header :regex \"subject\" \"^\\\\[tern-(dev|users)\\\\]\" => true",
            "header :regex \"subject\" \"^Build\" => false",
            "header :regex \"subject\" \"[[:digit:]]{4} FAILED on (main|release)$\" => true",
            "header :regex \"subject\" [\"nothing\", \"FAIL(ED)?\"] => true",
            "address :regex :domain \"from\" \"^(ci|build)\\\\.example\\\\.org$\" => true",
            "address :regex :localpart \"from\" \"\\\\+[0-9]+$\" => true",
            "envelope :regex \"to\" \"^anna\\\\+.*@\" => true",
            "hasflag :regex \"^\\\\$build$\" => true",
            "date :regex :originalzone \"date\" \"hour\" \"^09$\" => true",
    })
    void regularExpressionsMatchSomePartOfTheValue(String test, boolean fires) throws Exception {
        assertThat(fires(test)).isEqualTo(fires);
    }

    /** A key that backtracks exponentially gives up as no match, in a bounded time. */
    @Test
    @Timeout(60)
    void catastrophicBacktrackingIsNoMatch() throws Exception {
        assertThat(fires("header :regex \"x-long\" \"^(a+)+$\"")).isFalse();
        assertThat(fires("header :regex \"x-long\" \"a{5000}!$\"")).isTrue();
    }

    @Test
    void badExpressionsAndMissingRequireAreTheScriptsErrors() {
        assertThatThrownBy(() -> engine.check("if header :regex \"subject\" \"x\" { discard; }"))
                .isInstanceOf(SieveScriptException.class).hasMessageContaining("require \"regex\"");
        assertThatThrownBy(() -> engine.check("require \"regex\";\nif header :regex \"subject\" \"(unclosed\" { discard; }"))
                .isInstanceOf(SieveScriptException.class).hasMessageContaining("\"(unclosed\" is not a regular expression");
        assertThatThrownBy(() -> engine.check("require \"regex\";\nif header :regex \"subject\" \"[[:nonsense:]]\" "
                + "{ discard; }")).isInstanceOf(SieveScriptException.class).hasMessageContaining("unknown character class");
        assertThatThrownBy(() -> engine.check("require [\"regex\", \"comparator-i;ascii-numeric\"];\nif header :regex "
                + ":comparator \"i;ascii-numeric\" \"x\" \"1\" { discard; }"))
                .isInstanceOf(SieveScriptException.class).hasMessageContaining("not :regex");
        assertThatThrownBy(() -> engine.check("require \"regex\";\nif header :regex :matches \"subject\" \"x\" { discard; }"))
                .isInstanceOf(SieveScriptException.class).hasMessageContaining("conflicting tags");
        assertThat(engine.extensions()).contains("regex");
    }
}
