package dev.tern.sieve;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** special-use (RFC 8579): fileinto :specialuse and the test specialuse_exists. */
class SieveSpecialUseTest {

    private final SieveEngine engine = new SieveEngine();

    private SieveOutcome run(Map<String, String> uses, String script) throws IOException, SieveScriptException {
        byte[] bytes = "From: bob@example.org\r\nSubject: Hi\r\n\r\nHi.\r\n".getBytes(StandardCharsets.UTF_8);
        FilteredMessage message = FilteredMessage.read(() -> new ByteArrayInputStream(bytes), bytes.length,
                "bob@example.org", "anna@example.test").withSpecialUses(uses);
        engine.check(script);
        SieveOutcome o = engine.run(script, message);
        assertThat(o.error()).as(script).isNull();
        return o;
    }

    @Test
    void fileintoFindsTheMailboxByItsUseElseTakesTheName() throws Exception {
        String script = "require [\"fileinto\", \"special-use\"];\nfileinto :specialuse \"\\\\Junk\" \"Spam\";";
        assertThat(run(Map.of("\\junk", "Unerwünscht"), script).fileInto()).as("renamed by the user")
                .containsExactly("Unerwünscht");
        assertThat(run(Map.of("\\sent", "Sent"), script).fileInto()).as("none with that use").containsExactly("Spam");
    }

    @Test
    void specialuseExistsAsksForTheUsesOrOneMailboxsUse() throws Exception {
        Map<String, String> uses = Map.of("\\junk", "Junk", "\\sent", "Sent");
        String script = """
                require ["fileinto", "special-use"];
                if specialuse_exists ["\\\\Junk", "\\\\Sent"] { fileinto "both"; }
                if specialuse_exists ["\\\\Junk", "\\\\Archive"] { fileinto "never"; }
                if specialuse_exists "Junk" "\\\\junk" { fileinto "junk-is-junk"; }
                if specialuse_exists "Sent" "\\\\Junk" { fileinto "never2"; }
                """;
        assertThat(run(uses, script).fileInto()).containsExactly("both", "junk-is-junk");
    }

    @Test
    void whatTheCheckRefuses() {
        assertThatThrownBy(() -> engine.check("require \"fileinto\";\nfileinto :specialuse \"\\\\Junk\" \"S\";"))
                .hasMessageContaining("needs require \"special-use\"");
        assertThatThrownBy(() -> engine.check("require [\"fileinto\", \"special-use\"];\nfileinto :specialuse \"Junk\" \"S\";"))
                .hasMessageContaining("\"Junk\" is not a special-use attribute");
        assertThatThrownBy(() -> engine.check("require \"special-use\";\nif specialuse_exists [\"a\", \"b\"] \"\\\\Junk\" { keep; }"))
                .hasMessageContaining("one mailbox name");
        assertThatThrownBy(() -> engine.check("require \"special-use\";\nif specialuse_exists \"Junk\" { keep; }"))
                .hasMessageContaining("not a special-use attribute");
    }
}
