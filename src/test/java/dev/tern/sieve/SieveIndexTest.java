package dev.tern.sieve;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** index (RFC 5260 §6): {@code :index N [:last]} on header, address and date. */
class SieveIndexTest {

    private final SieveEngine engine = new SieveEngine();

    private static final String MESSAGE = """
            Received: from mx2.example.net by mx.example.test; Thu, 3 Dec 2026 10:00:00 +0000\r
            Received: from relay.example.org by mx2.example.net; Thu, 3 Dec 2026 09:59:00 +0000\r
            Received: from laptop by relay.example.org; Wed, 2 Dec 2026 23:00:00 +0000\r
            From: bob@example.org\r
            To: first@example.test, second@example.test\r
            To: third@example.test\r
            Subject: Hi\r
            \r
            Hi.\r
            """;

    private boolean fires(String test) throws IOException, SieveScriptException {
        byte[] bytes = MESSAGE.getBytes(StandardCharsets.UTF_8);
        FilteredMessage message = FilteredMessage.read(() -> new ByteArrayInputStream(bytes), bytes.length,
                "bob@example.org", "first@example.test");
        String script = "require [\"index\", \"date\", \"fileinto\", \"relational\"];\nif " + test + " { fileinto \"T\"; }";
        engine.check(script);
        SieveOutcome o = engine.run(script, message);
        assertThat(o.error()).as(test).isNull();
        return o.fileInto().contains("T");
    }

    @ParameterizedTest(name = "{0} => {1}")
    @CsvSource(delimiterString = " => ", value = {
            "header :index 1 :contains \"received\" \"mx2.example.net by mx.example.test\" => true",
            "header :index 2 :contains \"received\" \"mx2.example.net by mx.example.test\" => false",
            "header :index 1 :last :contains \"received\" \"from laptop\" => true",
            "header :index 3 :contains \"received\" \"from laptop\" => true",
            "header :index 4 :contains \"received\" \"\" => false",
            "header :index 2 :last :count \"eq\" \"received\" \"1\" => true",
            "address :index 2 :is \"to\" \"third@example.test\" => true",
            "address :index 2 :is \"to\" \"first@example.test\" => false",
            "address :index 1 :count \"eq\" \"to\" \"2\" => true",
            "address :index 1 :last :localpart :is \"to\" \"third\" => true",
            "date :index 1 :last :originalzone \"received\" \"date\" \"2026-12-02\" => true",
            "date :originalzone \"received\" \"date\" \"2026-12-03\" => true",
            "date :index 2 :originalzone \"received\" \"time\" \"09:59:00\" => true",
    })
    void theIndexPicksOneOccurrence(String test, boolean fires) throws Exception {
        assertThat(fires(test)).isEqualTo(fires);
    }

    @Test
    void whatTheCheckRefuses() {
        assertThatThrownBy(() -> engine.check("if header :index 1 \"to\" \"x\" { keep; }"))
                .hasMessageContaining("needs require \"index\"");
        assertThatThrownBy(() -> engine.check("require \"index\";\nif header :last \"to\" \"x\" { keep; }"))
                .hasMessageContaining(":last needs :index");
        assertThatThrownBy(() -> engine.check("require \"index\";\nif header :index 0 \"to\" \"x\" { keep; }"))
                .hasMessageContaining("from 1");
        assertThatThrownBy(() -> engine.check("require [\"index\", \"envelope\"];\nif envelope :index 1 \"to\" \"x\" { keep; }"))
                .hasMessageContaining("does not take the tag :index");
        assertThatThrownBy(() -> engine.check("require [\"index\", \"date\"];\nif currentdate :index 1 \"year\" \"2026\" { keep; }"))
                .hasMessageContaining("does not take the tag :index");
    }
}
