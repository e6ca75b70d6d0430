package dev.tern.sieve;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The encoded-character extension (RFC 5228 §2.4.2.4): {@code ${hex:…}} and {@code ${unicode:…}} in strings. */
class SieveEncodedCharacterTest {

    private final SieveEngine engine = new SieveEngine();

    private SieveOutcome run(String script) throws IOException, SieveScriptException {
        byte[] bytes = "From: bob@example.org\r\nSubject: dear Ethelbert\r\n\r\nHi.\r\n".getBytes(StandardCharsets.UTF_8);
        FilteredMessage message = FilteredMessage.read(() -> new ByteArrayInputStream(bytes), bytes.length,
                "bob@example.org", "anna@example.test");
        engine.check(script);
        SieveOutcome o = engine.run(script, message);
        assertThat(o.error()).as(script).isNull();
        return o;
    }

    private String filedAs(String mailbox) throws IOException, SieveScriptException {
        return run("require [\"fileinto\", \"encoded-character\"];\nfileinto \"" + mailbox + "\";").fileInto().get(0);
    }

    @Test
    void sequencesBecomeTheirCharacters() throws Exception {
        assertThat(filedAs("${hex:40}")).isEqualTo("@");
        assertThat(filedAs("${HEX: 4A \t 6f\r\n}")).as("blanks around and between; any case").isEqualTo("Jo");
        assertThat(filedAs("${hex:C3 A9}t${unicode:e9}")).isEqualTo("été");
        assertThat(filedAs("${Unicode:1F600 0041}")).isEqualTo("\uD83D\uDE00A");
        assertThat(filedAs("${unicode:0000000041}")).as("leading zeroes").isEqualTo("A");
        assertThat(filedAs("x${hex:}y${hex:4G}z${unicode:}${hex:123}${other:41}"))
                .as("what follows no grammar stays").isEqualTo("x${hex:}y${hex:4G}z${unicode:}${hex:123}${other:41}");
    }

    @Test
    void withoutTheRequireNothingIsDecoded() throws Exception {
        assertThat(run("require \"fileinto\";\nfileinto \"${hex:40}\";").fileInto()).containsExactly("${hex:40}");
    }

    @Test
    void decodedBeforeVariablesAreExpanded() throws Exception {
        // RFC 5229 §3's example: the encoded "${N" and the rest make a reference
        SieveOutcome o = run("require [\"encoded-character\", \"variables\", \"fileinto\"];\nset \"name\" \"Ethelbert\";\n"
                + "if header :contains \"Subject\" \"dear${hex:20 24 7b 4e}ame}\" { fileinto \"Found\"; }");
        assertThat(o.fileInto()).containsExactly("Found");
        assertThat(run("require \"encoded-character\";\nredirect \"anna${hex:40}example.net\";").redirects())
                .as("the address checked after decoding").containsExactly("anna@example.net");
    }

    @Test
    void sequencesThatEncodeNoCharacterAreTheScriptsError() {
        assertThatThrownBy(() -> engine.check("require [\"fileinto\", \"encoded-character\"];\n\nfileinto \"${hex:C3}\";"))
                .isInstanceOf(SieveScriptException.class).hasMessageContaining("not UTF-8")
                .satisfies(e -> assertThat(((SieveScriptException) e).line()).isEqualTo(3));
        assertThatThrownBy(() -> engine.check("require [\"fileinto\", \"encoded-character\"];\nfileinto \"${unicode:D800}\";"))
                .isInstanceOf(SieveScriptException.class).hasMessageContaining("not a Unicode character");
        assertThatThrownBy(() -> engine.check("require [\"fileinto\", \"encoded-character\"];\nfileinto \"${unicode:110000}\";"))
                .isInstanceOf(SieveScriptException.class).hasMessageContaining("not a Unicode character");
    }
}
