package dev.tern.sieve;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** spamtest and spamtestplus (RFC 5235): the scan's verdict as 0–10 or a percentage. */
class SieveSpamTestTest {

    private final SieveEngine engine = new SieveEngine();

    private String value(Double level, boolean percent) throws IOException, SieveScriptException {
        byte[] bytes = "From: bob@example.org\r\nX-Spam-Status: Yes, score=99.00 required=1.00\r\n\r\nHi.\r\n"
                .getBytes(StandardCharsets.UTF_8);
        FilteredMessage message = FilteredMessage.read(() -> new ByteArrayInputStream(bytes), bytes.length,
                "bob@example.org", "anna@example.test").about(AccountFacts.NONE.withSpamLevel(level));
        String script = "require [\"spamtestplus\", \"variables\", \"fileinto\", \"relational\"];\n"
                + "if spamtest " + (percent ? ":percent " : "") + ":matches \"*\" { fileinto \"v${1}\"; }\n"
                + "if spamtest " + (percent ? ":percent " : "") + ":count \"eq\" \"0\" { fileinto \"none\"; }";
        engine.check(script);
        SieveOutcome o = engine.run(script, message);
        assertThat(o.error()).isNull();
        return String.join(",", o.fileInto());
    }

    @ParameterizedTest(name = "{0} => {1} / {2}")
    @CsvSource(value = {
            "0.0, v1, v0",
            "0.5, v6, v50",
            "0.99, v10, v99",
            "1.0, v10, v100",
    })
    void theLevelAsAScaleAndAPercentage(double level, String scale, String percent) throws Exception {
        assertThat(value(level, false)).isEqualTo(scale);
        assertThat(value(level, true)).isEqualTo(percent);
    }

    @Test
    void anUnscannedMessageIsZeroOrNoValueWhateverItsFieldsSay() throws Exception {
        assertThat(value(null, false)).as("0: not tested").isEqualTo("v0");
        assertThat(value(null, true)).as("no value: :count 0").isEqualTo("none");
    }

    @Test
    void whatTheCheckRefuses() {
        assertThatThrownBy(() -> engine.check("if spamtest \"5\" { discard; }")).hasMessageContaining("require \"spamtest\"");
        assertThatThrownBy(() -> engine.check("require \"spamtest\";\nif spamtest :percent \"5\" { discard; }"))
                .hasMessageContaining("needs require \"spamtestplus\"");
    }
}
