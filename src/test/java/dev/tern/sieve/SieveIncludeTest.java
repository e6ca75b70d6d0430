package dev.tern.sieve;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * include (RFC 6609): personal and global scripts run in place, return, :once, :optional, loops and
 * bounds, local and global variables, and what the check refuses.
 */
class SieveIncludeTest {

    private final SieveEngine engine = new SieveEngine();
    private final Map<String, String> personal = new HashMap<>();
    private final Map<String, String> global = new HashMap<>();
    private int lookups;

    private SieveOutcome run(String script) throws IOException, SieveScriptException {
        byte[] bytes = "From: bob@example.org\r\nSubject: [list] Hi\r\nX-Spam: yes\r\n\r\nHi.\r\n".getBytes(StandardCharsets.UTF_8);
        FilteredMessage message = FilteredMessage.read(() -> new ByteArrayInputStream(bytes), bytes.length,
                "bob@example.org", "anna@example.test")
                .about(AccountFacts.NONE.withScripts((isGlobal, name) -> {
                    lookups++;
                    return (isGlobal ? global : personal).get(name);
                }));
        engine.check(script);
        return engine.run(script, message);
    }

    @Test
    void anIncludedScriptsActionsCountWithTheOthers() throws Exception {
        personal.put("lists", "require \"fileinto\";\nif header :contains \"subject\" \"[list]\" { fileinto \"Lists\"; }");
        global.put("spam", "require \"fileinto\";\nif exists \"x-spam\" { fileinto \"Junk\"; stop; }");
        SieveOutcome o = run("require [\"include\", \"fileinto\"];\ninclude \"lists\";\nfileinto \"After\";");
        assertThat(o.error()).isNull();
        assertThat(o.fileInto()).containsExactly("Lists", "After");
        assertThat(o.keep()).as("the included fileinto cancelled the implicit keep").isFalse();

        SieveOutcome stopped = run("require [\"include\", \"fileinto\"];\ninclude :global \"spam\";\nfileinto \"Never\";");
        assertThat(stopped.fileInto()).as("stop in an included script ends the run").containsExactly("Junk");
    }

    @Test
    void returnEndsTheIncludedScriptOnly() throws Exception {
        personal.put("early", "require [\"include\", \"fileinto\"];\nfileinto \"A\";\nreturn;\nfileinto \"Skipped\";");
        SieveOutcome o = run("require [\"include\", \"fileinto\"];\ninclude \"early\";\nfileinto \"B\";");
        assertThat(o.error()).isNull();
        assertThat(o.fileInto()).containsExactly("A", "B");
        SieveOutcome main = run("require [\"include\", \"fileinto\"];\nfileinto \"A\";\nreturn;\nfileinto \"B\";");
        assertThat(main.fileInto()).as("return in the main script ends the run").containsExactly("A");
    }

    @Test
    void onceOptionalAndMissingScripts() throws Exception {
        personal.put("count", "require [\"include\", \"variables\"];\nglobal \"n\";\nset \"n\" \"${n}x\";");
        SieveOutcome twice = run("require [\"include\", \"variables\", \"fileinto\"];\nglobal \"n\";\n"
                + "include \"count\";\ninclude \"count\";\ninclude :once \"count\";\nfileinto \"n-${n}\";");
        assertThat(twice.fileInto()).containsExactly("n-xx");
        assertThat(lookups).as("read once a run however often included").isEqualTo(1);

        SieveOutcome optional = run("require [\"include\", \"fileinto\"];\ninclude :optional \"none\";\nfileinto \"Ok\";");
        assertThat(optional.error()).isNull();
        assertThat(optional.fileInto()).containsExactly("Ok");

        SieveOutcome missing = run("require [\"include\", \"fileinto\"];\ninclude \"none\";\nfileinto \"Ok\";");
        assertThat(missing.error()).contains("no personal script \"none\"");
        assertThat(missing.keep()).isTrue();
        assertThat(missing.fileInto()).isEmpty();
        SieveOutcome notGlobal = run("require \"include\";\ninclude :global \"lists\";");
        personal.put("lists", "keep;");
        assertThat(notGlobal.error()).as("personal and global are apart").contains("no global script");
    }

    @Test
    void loopsBadScriptsAndDepthFailTheRun() throws Exception {
        personal.put("a", "require \"include\";\ninclude \"b\";");
        personal.put("b", "require \"include\";\ninclude \"a\";");
        assertThat(run("require \"include\";\ninclude \"a\";").error()).contains("include loop");
        personal.put("broken", "require \"fileinto\";\nfileinto \"x\" \"y\";");
        assertThat(run("require \"include\";\ninclude \"broken\";").error())
                .contains("included script \"broken\"").contains("line 2");
        for (int i = 0; i < 12; i++) {
            personal.put("d" + i, "require \"include\";\ninclude \"d" + (i + 1) + "\";");
        }
        personal.put("d12", "keep;");
        assertThat(run("require \"include\";\ninclude \"d0\";").error()).contains("nested more than 10 deep");
        personal.put("empty", "keep;");
        assertThat(run("require \"include\";\n" + "include \"empty\";\n".repeat(255)).error()).isNull();
        assertThat(run("require \"include\";\n" + "include \"empty\";\n".repeat(256)).error())
                .contains("more than 255 includes");
        personal.put("self", "require \"include\";\ninclude :once \"self\";\nkeep;");
        SieveOutcome once = run("require \"include\";\ninclude \"self\";");
        assertThat(once.error()).as("with :once a script that runs already is skipped, not a loop").isNull();
        assertThat(once.keep()).isTrue();
    }

    @Test
    void variablesAreEachScriptsOwnButTheGlobalOnes() throws Exception {
        personal.put("inner", """
                require ["include", "variables", "fileinto"];
                global "shared";
                fileinto "inner-[${local}]-[${shared}]-[${global.other}]";
                set "local" "changed";
                set "shared" "from inner";
                if header :matches "subject" "[*]*" { set "global.match" "${1}"; }
                """);
        SieveOutcome o = run("""
                require ["include", "variables", "fileinto"];
                global "shared";
                set "local" "main";
                set "shared" "main";
                set "global.other" "other";
                include "inner";
                fileinto "main-[${local}]-[${shared}]-[${global.match}]-[${1}]";
                """);
        assertThat(o.error()).isNull();
        assertThat(o.fileInto()).containsExactly("inner-[]-[main]-[other]", "main-[main]-[from inner]-[list]-[]");
    }

    @Test
    void whatTheCheckRefuses() {
        assertThatThrownBy(() -> engine.check("include \"x\";")).hasMessageContaining("require \"include\"");
        assertThatThrownBy(() -> engine.check("require [\"include\", \"variables\"];\ninclude \"${x}\";"))
                .hasMessageContaining("written out");
        assertThatThrownBy(() -> engine.check("require \"include\";\ninclude :personal :global \"x\";"))
                .hasMessageContaining(":personal or :global");
        assertThatThrownBy(() -> engine.check("require \"include\";\ninclude :global \"../x\";"))
                .hasMessageContaining("is not a script name");
        assertThatThrownBy(() -> engine.check("require \"include\";\nglobal \"x\";"))
                .hasMessageContaining("global needs require \"variables\"");
        assertThatThrownBy(() -> engine.check("require [\"include\", \"variables\"];\nglobal \"1x\";"))
                .hasMessageContaining("is not a variable name");
        assertThatThrownBy(() -> engine.check("return;")).hasMessageContaining("require \"include\"");
        assertThatThrownBy(() -> engine.check("require \"variables\";\nset \"global.x\" \"1\";"))
                .as("the global namespace comes with include").hasMessageContaining("is not a variable name");
    }
}
