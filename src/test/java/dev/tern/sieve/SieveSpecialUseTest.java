package dev.tern.sieve;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * special-use (RFC 8579) and mailboxid (RFC 9042): fileinto by a mailbox's use or its MAILBOXID,
 * and the tests specialuse_exists and mailboxidexists.
 */
class SieveSpecialUseTest {

    private final SieveEngine engine = new SieveEngine();

    private SieveOutcome run(Map<String, String> uses, String script) throws IOException, SieveScriptException {
        return run(uses, Map.of("F7-100", "Projects/Tern"), script);
    }

    private SieveOutcome run(Map<String, String> uses, Map<String, String> ids, String script)
            throws IOException, SieveScriptException {
        byte[] bytes = "From: bob@example.org\r\nSubject: Hi\r\n\r\nHi.\r\n".getBytes(StandardCharsets.UTF_8);
        FilteredMessage message = FilteredMessage.read(() -> new ByteArrayInputStream(bytes), bytes.length,
                "bob@example.org", "anna@example.test").about(AccountFacts.NONE.withSpecialUses(uses).withMailboxIds(ids));
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
    void fileintoByMailboxIdElseByName() throws Exception {
        String script = "require [\"fileinto\", \"mailboxid\", \"special-use\"];\n"
                + "fileinto :mailboxid \"F7-100\" :specialuse \"\\\\Junk\" \"Old name\";";
        assertThat(run(Map.of("\\junk", "Junk"), script).fileInto()).containsExactly("Projects/Tern");
        assertThat(run(Map.of("\\junk", "Junk"), Map.of(), script).fileInto()).as("no such id: the special use")
                .containsExactly("Junk");
        assertThat(run(Map.of(), Map.of(), script).fileInto()).as("then the name").containsExactly("Old name");
        String test = "require [\"fileinto\", \"mailboxid\"];\n"
                + "if mailboxidexists \"F7-100\" { fileinto \"one\"; }\n"
                + "if mailboxidexists [\"F7-100\", \"F8-1\"] { fileinto \"never\"; }";
        assertThat(run(Map.of(), test).fileInto()).containsExactly("one");
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
        assertThatThrownBy(() -> engine.check("require \"fileinto\";\nfileinto :mailboxid \"F1-1\" \"S\";"))
                .hasMessageContaining("needs require \"mailboxid\"");
        assertThatThrownBy(() -> engine.check("if mailboxidexists \"F1-1\" { keep; }"))
                .hasMessageContaining("needs require \"mailboxid\"");
    }
}
