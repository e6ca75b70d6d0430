package dev.tern.sieve;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The relational extension (RFC 5231): {@code :value} and {@code :count} on the tests that compare. */
class SieveRelationalTest {

    private final SieveEngine engine = new SieveEngine();

    private static final String MESSAGE = """
            Received: from mx.example.org by mx.example.test; Thu, 3 Dec 2026 09:00:00 +0000\r
            Received: from relay.example.org by mx.example.org; Thu, 3 Dec 2026 08:59:30 +0000\r
            Received: from client.example by relay.example.org; Thu, 3 Dec 2026 08:59:00 +0000\r
            From: Jane Roe <jane@Lists.Example.org>\r
            To: anna@example.test, bob@example.test\r
            Cc: carl@example.test\r
            Subject: Beta\r
            X-Spam-Score: 12\r
            X-Priority: 3 (Normal)\r
            X-Empty:\r
            \r
            Hello.\r
            """;

    private static final String REQUIRE = "require [\"fileinto\", \"relational\", \"comparator-i;ascii-numeric\", "
            + "\"envelope\", \"imap4flags\"];\n";

    /** Whether the test takes the branch, for a script that runs without error. */
    private boolean fires(String test) throws IOException, SieveScriptException {
        byte[] bytes = MESSAGE.getBytes(StandardCharsets.UTF_8);
        FilteredMessage message = FilteredMessage.read(() -> new ByteArrayInputStream(bytes), bytes.length,
                "jane@lists.example.org", "anna@example.test");
        String script = REQUIRE + "if " + test + " { fileinto \"T\"; }\n";
        engine.check(script);
        SieveOutcome o = engine.run(script, message);
        assertThat(o.error()).as(test).isNull();
        return o.fileInto().contains("T");
    }

    @ParameterizedTest(name = "\"{0}\" {1} \"{2}\": numeric {3}, casemap {4}")
    @CsvSource({
            // value, op, key, i;ascii-numeric, i;ascii-casemap (12 sorts before 5 as text)
            "x-spam-score, gt, 5,  true,  false",
            "x-spam-score, ge, 12, true,  true",
            "x-spam-score, lt, 5,  false, true",
            "x-spam-score, le, 2,  false, true",
            "x-spam-score, eq, 12, true,  true",
            "x-spam-score, ne, 12, false, false",
            "x-spam-score, eq, 012, true, false",
            "x-priority,   eq, 3,  true,  false",   // leading digits only: "3 (Normal)" is 3
            "subject,      gt, 99, true,  true",    // no digit first: positive infinity, above any number
            "subject,      eq, abc, true, false",   // two infinities are equal
            "subject,      lt, beTA, false, false",
            "subject,      ge, BETA, true, true",
    })
    void eachOperatorComparesWithTheComparatorsOrdering(String field, String op, String key, boolean numeric,
                                                       boolean casemap) throws Exception {
        assertThat(fires("header :value \"" + op + "\" :comparator \"i;ascii-numeric\" \"" + field + "\" \"" + key + "\""))
                .as("i;ascii-numeric").isEqualTo(numeric);
        assertThat(fires("header :value \"" + op + "\" \"" + field + "\" \"" + key + "\""))
                .as("i;ascii-casemap, the default").isEqualTo(casemap);
    }

    @Test
    void octetOrderingMindsCase() throws Exception {
        assertThat(fires("header :value \"lt\" :comparator \"i;octet\" \"subject\" \"a\"")).isTrue();   // 'B' < 'a'
        assertThat(fires("header :value \"lt\" \"subject\" \"a\"")).isFalse();
        assertThat(fires("header :comparator \"i;octet\" :value \"GE\" \"subject\" \"Beta\"")).as("operators in any case")
                .isTrue();
    }

    @Test
    void anyValueAndAnyKeyWill() throws Exception {
        assertThat(fires("header :value \"lt\" :comparator \"i;ascii-numeric\" [\"x-priority\", \"x-spam-score\"] "
                + "[\"1\", \"4\"]")).isTrue();
        assertThat(fires("header :value \"lt\" :comparator \"i;ascii-numeric\" \"x-missing\" \"4\"")).isFalse();
    }

    @Test
    void countCountsReceivedFieldsAndAddresses() throws Exception {
        assertThat(fires("header :count \"eq\" \"received\" \"3\"")).isTrue();
        assertThat(fires("header :count \"gt\" \"received\" \"10\"")).as("compared as numbers, not as text").isFalse();
        assertThat(fires("header :count \"ge\" :comparator \"i;ascii-numeric\" \"received\" \"2\"")).isTrue();
        assertThat(fires("header :count \"eq\" [\"received\", \"subject\"] \"4\"")).isTrue();
        assertThat(fires("header :count \"eq\" \"x-missing\" \"0\"")).isTrue();
        assertThat(fires("header :count \"eq\" \"x-empty\" \"0\"")).as("an empty value counts 0 (RFC 5231 §4.1)").isTrue();
        assertThat(fires("address :count \"eq\" [\"to\", \"cc\"] \"3\"")).isTrue();
        assertThat(fires("address :count \"gt\" \"to\" \"2\"")).isFalse();
        assertThat(fires("envelope :count \"eq\" \"from\" \"1\"")).isTrue();
    }

    @Test
    void addressAndEnvelopeCompareTheirPartsByValue() throws Exception {
        assertThat(fires("address :domain :value \"eq\" \"from\" \"LISTS.example.org\"")).isTrue();
        assertThat(fires("address :localpart :value \"gt\" \"to\" \"anna\"")).as("bob").isTrue();
        assertThat(fires("address :localpart :value \"lt\" \"to\" \"anna\"")).isFalse();
        assertThat(fires("envelope :domain :value \"ge\" \"from\" \"lists\"")).isTrue();
        assertThat(fires("envelope :all :value \"ne\" \"to\" \"anna@example.test\"")).isFalse();
    }

    @Test
    void hasflagCountsTheFlags() throws Exception {
        assertThat(fires("hasflag :count \"eq\" \"0\"")).isTrue();
    }

    @Test
    void theMatchTypesOfBeforeStillWork() throws Exception {
        assertThat(fires("header :is \"x-spam-score\" \"12\"")).isTrue();
        assertThat(fires("header :contains \"x-priority\" \"normal\"")).isTrue();
        assertThat(fires("header :matches \"subject\" \"b?t*\"")).isTrue();
        assertThat(fires("header :comparator \"i;ascii-numeric\" \"x-priority\" \"3\"")).isTrue();
        assertThat(fires("address :domain \"from\" \"lists.example.org\"")).isTrue();
    }

    @Test
    void theCheckRefusesWhatRelationalDoesNotAllowWithTheLine() {
        assertProblem("require \"fileinto\";\nif header :value \"gt\" \"x\" \"1\" { keep; }", 2,
                "the tag :value needs require \"relational\"");
        assertProblem("if address :count \"gt\" \"to\" \"1\" { keep; }", 1, "the tag :count needs require \"relational\"");
        assertProblem("require \"relational\";\n\nif header :value \"greater\" \"x\" \"1\" { keep; }", 3,
                "the tag :value needs one of \"gt\", \"ge\", \"lt\", \"le\", \"eq\", \"ne\", not \"greater\"");
        assertProblem("require \"relational\";\nif header :count [\"gt\", \"lt\"] \"x\" \"1\" { keep; }", 2,
                ":count needs a string");
        assertProblem("require \"relational\";\nif header :count \"gt\" :is \"x\" \"1\" { keep; }", 2, "conflicting");
        assertProblem("require \"relational\";\nif header :value \"gt\" :comparator \"i;ascii-numeric\" \"x\" \"1\" { keep; }",
                2, "comparator-i;ascii-numeric");
        assertProblem("require [\"relational\", \"body\"];\nif body :value \"gt\" \"1\" { keep; }", 2,
                "does not take the tag :value");
    }

    private void assertProblem(String script, int line, String text) {
        assertThatThrownBy(() -> engine.check(script))
                .isInstanceOfSatisfying(SieveScriptException.class, e -> {
                    assertThat(e.line()).as(e.describe()).isEqualTo(line);
                    assertThat(e.getMessage()).contains(text);
                });
    }
}
