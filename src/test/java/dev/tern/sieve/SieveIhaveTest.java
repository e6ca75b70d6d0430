package dev.tern.sieve;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** ihave (RFC 5463): scripts that use an extension where it exists, and error. */
class SieveIhaveTest {

    private final SieveEngine engine = new SieveEngine();

    private SieveOutcome run(String script) throws IOException, SieveScriptException {
        byte[] bytes = "From: bob@example.org\r\nSubject: Hi\r\n\r\nHi.\r\n".getBytes(StandardCharsets.UTF_8);
        FilteredMessage message = FilteredMessage.read(() -> new ByteArrayInputStream(bytes), bytes.length,
                "bob@example.org", "anna@example.test");
        engine.check(script);
        return engine.run(script, message);
    }

    @Test
    void aGuardedBlockUsesWhatItNamesAndAnUnknownOneIsSkipped() throws Exception {
        SieveOutcome o = run("""
                require ["ihave", "fileinto"];
                if ihave ["variables", "mailbox"] {
                    set "box" "Known";
                    fileinto :create "${box}";
                }
                if ihave "x-frobnicate" {
                    frobnicate :loudly "now";
                    fileinto "never";
                } else {
                    fileinto "Fallback";
                }
                """);
        assertThat(o.error()).isNull();
        assertThat(o.fileInto()).containsExactly("Known", "Fallback");
    }

    @Test
    void whatAGuardAllowsStaysInsideItsBlock() {
        assertThatThrownBy(() -> engine.check("""
                require ["ihave", "fileinto"];
                if ihave "variables" { set "a" "b"; }
                set "c" "d";
                """)).hasMessageContaining("needs require \"variables\"")
                .satisfies(e -> assertThat(((SieveScriptException) e).line()).isEqualTo(3));
        assertThatThrownBy(() -> engine.check("if ihave \"variables\" { keep; }")).hasMessageContaining("require \"ihave\"");
    }

    @Test
    void errorEndsTheRunAndKeeps() throws Exception {
        SieveOutcome o = run("require [\"ihave\", \"fileinto\"];\nfileinto \"A\";\nerror \"cannot go on\";");
        assertThat(o.error()).contains("cannot go on");
        assertThat(o.keep()).isTrue();
        assertThat(o.fileInto()).isEmpty();
    }
}
