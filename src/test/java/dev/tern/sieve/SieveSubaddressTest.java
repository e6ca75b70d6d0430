package dev.tern.sieve;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The subaddress extension (RFC 5233): {@code :user} and {@code :detail} on address and envelope. */
class SieveSubaddressTest {

    private final SieveEngine engine = new SieveEngine();

    private static final String MESSAGE = """
            From: Stephan <stephan+@example.org>\r
            To: timo+spam@example.net, anna+lists+tern@example.test\r
            Cc: nico@example.com\r
            Subject: fetch my spam\r
            \r
            Hello.\r
            """;

    /** Whether the test takes the branch, with this recipient delimiter. */
    private boolean fires(String test, String delimiter) throws IOException, SieveScriptException {
        byte[] bytes = MESSAGE.getBytes(StandardCharsets.UTF_8);
        FilteredMessage message = FilteredMessage.read(() -> new ByteArrayInputStream(bytes), bytes.length,
                "list+request@lists.example.org", "anna+Receipts@example.test").about(AccountFacts.NONE.withRecipientDelimiter(delimiter));
        String script = "require [\"fileinto\", \"envelope\", \"subaddress\", \"relational\"];\nif " + test
                + " { fileinto \"T\"; }\n";
        engine.check(script);
        SieveOutcome o = engine.run(script, message);
        assertThat(o.error()).as(test).isNull();
        return o.fileInto().contains("T");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            // RFC 5233 §4's examples: :user is the whole local part without a detail
            "address :user \"cc\" \"nico\"                        | true",
            "address :user \"to\" \"timo\"                        | true",
            "address :user \"from\" \"stephan\"                   | true",
            "address :detail \"to\" \"spam\"                      | true",
            // no detail at all matches no key, not even * or the empty string
            "address :detail :matches \"cc\" [\"*\", \"?\"]       | false",
            "address :detail :contains \"cc\" \"\"                | false",
            "address :detail :is \"cc\" \"\"                      | false",
            // an empty detail is the empty value
            "address :detail \"from\" \"\"                        | true",
            // the first delimiter splits: the rest is the detail
            "address :detail \"to\" \"lists+tern\"                | true",
            "address :user :is \"to\" \"anna\"                    | true",
            "envelope :detail \"to\" \"receipts\"                 | true",
            "envelope :detail :comparator \"i;octet\" \"to\" \"receipts\" | false",
            "envelope :user \"to\" \"anna\"                       | true",
            "envelope :user \"from\" \"list\"                     | true",
            "envelope :detail \"from\" \"request\"                | true",
            "address :count \"eq\" :detail \"to\" \"2\"           | true",
    })
    void userAndDetail(String test, boolean fires) throws Exception {
        assertThat(fires(test, "+")).isEqualTo(fires);
    }

    @Test
    void theDelimiterIsTheServers() throws Exception {
        assertThat(fires("envelope :user \"to\" \"anna+receipts\"", "")).as("plus addressing off").isTrue();
        assertThat(fires("envelope :detail :matches \"to\" \"*\"", "")).isFalse();
        assertThat(fires("envelope :user \"from\" \"list\"", "-")).isFalse();
        assertThat(fires("address :detail \"to\" \"spam\"", "-")).isFalse();
    }

    @Test
    void theTagsNeedTheExtension() {
        assertThatThrownBy(() -> engine.check("require \"envelope\";\nif envelope :detail \"to\" \"x\" { discard; }"))
                .isInstanceOf(SieveScriptException.class).hasMessageContaining("require \"subaddress\"");
        assertThatThrownBy(() -> engine.check("require \"subaddress\";\nif address :user :detail \"to\" \"x\" "
                + "{ discard; }")).isInstanceOf(SieveScriptException.class).hasMessageContaining("conflicting tags");
        assertThat(engine.extensions()).contains("subaddress");
    }
}
