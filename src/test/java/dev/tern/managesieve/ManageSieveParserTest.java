package dev.tern.managesieve;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Golden inputs for the pure ManageSieve parser (RFC 5804 §4) and the replies it is answered with. */
class ManageSieveParserTest {

    private static ManageSieveCommand command(String input) {
        Object parsed = ManageSieveParser.parse(input.getBytes(StandardCharsets.UTF_8));
        assertThat(parsed).as(input).isInstanceOf(ManageSieveCommand.class);
        return (ManageSieveCommand) parsed;
    }

    private static String invalid(String input) {
        Object parsed = ManageSieveParser.parse(input.getBytes(StandardCharsets.UTF_8));
        assertThat(parsed).as(input).isInstanceOf(ManageSieveParser.Invalid.class);
        return ((ManageSieveParser.Invalid) parsed).reason();
    }

    private static List<String> texts(ManageSieveCommand c) {
        return c.strings().stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void commandsWithoutArgumentsInAnyCase() {
        assertThat(command("CAPABILITY").verb()).isEqualTo(ManageSieveVerb.CAPABILITY);
        assertThat(command("listscripts").verb()).isEqualTo(ManageSieveVerb.LISTSCRIPTS);
        assertThat(command("Logout").verb()).isEqualTo(ManageSieveVerb.LOGOUT);
        assertThat(command("LOGOUT  ").strings()).isEmpty();   // trailing spaces are ignored
    }

    @Test
    void quotedStringsWithTheirTwoEscapes() {
        assertThat(texts(command("GETSCRIPT \"vacation\""))).containsExactly("vacation");
        assertThat(texts(command("RENAMESCRIPT \"a \\\"b\\\"\" \"c\\\\d\""))).containsExactly("a \"b\"", "c\\d");
        assertThat(texts(command("SETACTIVE \"\""))).containsExactly("");
        assertThat(texts(command("GETSCRIPT \"Ferien 🌴 été\""))).containsExactly("Ferien 🌴 été");
        assertThat(texts(command("NOOP"))).isEmpty();
        assertThat(texts(command("NOOP \"STARTTLS-RESYNC-CAPA\""))).containsExactly("STARTTLS-RESYNC-CAPA");
        assertThat(texts(command("RENAMESCRIPT  \"a\"   \"b\""))).containsExactly("a", "b");
    }

    @Test
    void literalsNonSynchronizingAndSynchronizing() {
        ManageSieveCommand put = command("PUTSCRIPT \"mine\" {14+}\r\nkeep;\r\nstop;\r\n");
        assertThat(put.verb()).isEqualTo(ManageSieveVerb.PUTSCRIPT);
        assertThat(texts(put)).containsExactly("mine", "keep;\r\nstop;\r\n");
        assertThat(texts(command("PUTSCRIPT {4}\r\nmine {5}\r\nkeep;"))).containsExactly("mine", "keep;");
        assertThat(texts(command("CHECKSCRIPT {0+}\r\n"))).containsExactly("");
        // A literal may hold what a quoted string may not: CR, LF, quotes, braces.
        assertThat(texts(command("CHECKSCRIPT {9+}\n\"{1+}\"\r\nx"))).containsExactly("\"{1+}\"\r\nx");
        assertThat(texts(command("AUTHENTICATE \"PLAIN\" {8+}\r\nAGEAcHc="))).containsExactly("PLAIN", "AGEAcHc=");
    }

    @Test
    void haveSpaceTakesANumber() {
        ManageSieveCommand c = command("HAVESPACE \"myscript\" 999999");
        assertThat(texts(c)).containsExactly("myscript");
        assertThat(c.number()).isEqualTo(999999);
        assertThat(command("HAVESPACE \"x\" 4294967295").number()).isEqualTo(4294967295L);
        assertThat(invalid("HAVESPACE \"x\" 4294967296")).contains("too large");
        assertThat(invalid("HAVESPACE \"x\" 12k")).startsWith("HAVESPACE takes");
        assertThat(invalid("HAVESPACE \"x\" \"12\"")).startsWith("HAVESPACE takes");
    }

    @Test
    void badSyntaxSaysWhat() {
        assertThat(invalid("FROB")).isEqualTo("unknown command");
        assertThat(invalid("GETSCRIPT vacation")).contains("strings are quoted, or literals");
        assertThat(invalid("GETSCRIPT")).startsWith("GETSCRIPT takes");
        assertThat(invalid("GETSCRIPT \"a\" \"b\"")).startsWith("GETSCRIPT takes");
        assertThat(invalid("LISTSCRIPTS \"x\"")).startsWith("LISTSCRIPTS takes no arguments");
        assertThat(invalid("GETSCRIPT \"open")).isEqualTo("a quoted string is not closed");
        assertThat(invalid("GETSCRIPT \"a\\nb\"")).contains("escapes only");
        assertThat(invalid("GETSCRIPT \"a\"\"b\"")).isEqualTo("arguments are separated by spaces");
        assertThat(invalid("GETSCRIPT \"a\tb\"\t")).isEqualTo("arguments are separated by spaces");
        assertThat(invalid("GETSCRIPT {x+}\r\nab")).contains("literal");
        assertThat(invalid("GETSCRIPT {5+}\r\nab")).isEqualTo("the literal is shorter than announced");
        assertThat(invalid("GETSCRIPT {2+}ab")).contains("literal");
        assertThat(invalid("NOOP (x)")).startsWith("unexpected character");
        assertThat(invalid("\"GETSCRIPT\"")).isEqualTo("a command starts with its name");
        assertThat(invalid("GETSCRIPT\"x\"")).contains("followed by a space");
        assertThat(invalid("GETSCRIPT \u0001")).contains("control characters");
        assertThat(ManageSieveParser.parse(new byte[0])).isSameAs(ManageSieveParser.EMPTY);
        assertThat(ManageSieveParser.parse("   ".getBytes(StandardCharsets.US_ASCII))).isSameAs(ManageSieveParser.EMPTY);
    }

    @Test
    void literalAnnouncementsAtTheEndOfALine() {
        assertThat(ManageSieveParser.literalAtEnd(bytes("PUTSCRIPT \"a\" {120+}")))
                .isEqualTo(new ManageSieveParser.Literal(120, false));
        assertThat(ManageSieveParser.literalAtEnd(bytes("PUTSCRIPT {3}"))).isEqualTo(new ManageSieveParser.Literal(3, true));
        assertThat(ManageSieveParser.literalAtEnd(bytes("{44+}"))).isEqualTo(new ManageSieveParser.Literal(44, false));
        assertThat(ManageSieveParser.literalAtEnd(bytes("X {99999999999999999999999+}")).size()).isEqualTo(Long.MAX_VALUE);
        assertThat(ManageSieveParser.literalAtEnd(bytes("GETSCRIPT \"a{3}\""))).isNull();
        assertThat(ManageSieveParser.literalAtEnd(bytes("GETSCRIPT a{3}"))).isNull();
        assertThat(ManageSieveParser.literalAtEnd(bytes("GETSCRIPT {+}"))).isNull();
        assertThat(ManageSieveParser.literalAtEnd(bytes("GETSCRIPT {}"))).isNull();
        assertThat(ManageSieveParser.literalAtEnd(bytes("}"))).isNull();
    }

    @Test
    void saslResponsesAreOneString() {
        assertThat(sasl("\"AGEAcHc=\"")).isEqualTo("AGEAcHc=");
        assertThat(sasl("{8+}\r\nAGEAcHc=")).isEqualTo("AGEAcHc=");
        assertThat(sasl("\"\"")).isEmpty();
        assertThat(sasl("\"*\"")).isEqualTo("*");
        assertThat(sasl("")).isEmpty();
        assertThat(sasl("AGEAcHc=")).isEqualTo("AGEAcHc=");   // bare, as older clients send it
        assertThat(ManageSieveParser.saslResponse(bytes("\"a\" \"b\""))).isInstanceOf(ManageSieveParser.Invalid.class);
        assertThat(ManageSieveParser.saslResponse(bytes("\"a"))).isInstanceOf(ManageSieveParser.Invalid.class);
    }

    @Test
    void repliesQuoteOrSendLiterals() {
        assertThat(ManageSieveReply.ok("done").text()).isEqualTo("OK \"done\"\r\n");
        assertThat(ManageSieveReply.no("NONEXISTENT", "there is no script named \"x\\y\"").text())
                .isEqualTo("NO (NONEXISTENT) \"there is no script named \\\"x\\\\y\\\"\"\r\n");
        assertThat(ManageSieveReply.no("line 3:\r\nunknown test").text()).isEqualTo("NO \"line 3:  unknown test\"\r\n");
        assertThat(ManageSieveReply.bye(null, "server shutting down").text()).isEqualTo("BYE \"server shutting down\"\r\n");
        assertThat(ManageSieveReply.okTagged(bytes("t1"), "done").text()).isEqualTo("OK (TAG \"t1\") \"done\"\r\n");
        assertThat(ManageSieveReply.challenge("").text()).isEqualTo("\"\"\r\n");
        assertThat(ManageSieveReply.script(bytes("keep;\r\n")).text()).isEqualTo("{7}\r\nkeep;\r\n\r\nOK \"script follows\"\r\n");
        String longText = "x".repeat(ManageSieveReply.MAX_QUOTED + 1);
        assertThat(ManageSieveReply.no(longText).text()).isEqualTo("NO {1025}\r\n" + longText + "\r\n");
        assertThat(ManageSieveReply.scriptList(List.of(Map.entry("a", false), Map.entry("b \"c\"", true))).text())
                .isEqualTo("\"a\"\r\n\"b \\\"c\\\"\" ACTIVE\r\nOK \"listed\"\r\n");
        Map<String, String> caps = new java.util.LinkedHashMap<>();
        caps.put("IMPLEMENTATION", "Tern");
        caps.put("STARTTLS", null);
        assertThat(ManageSieveReply.capabilities(caps, "ready").text())
                .isEqualTo("\"IMPLEMENTATION\" \"Tern\"\r\n\"STARTTLS\"\r\nOK \"ready\"\r\n");
    }

    private static String sasl(String input) {
        Object r = ManageSieveParser.saslResponse(bytes(input));
        assertThat(r).as(input).isInstanceOf(byte[].class);
        return new String((byte[]) r, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anOctetOutsideAStringIsNamedForWhatItIs() {
        assertThat(invalid("PUTSCRIPT \u00e9t\u00e9 \"keep;\"")).isEqualTo("8-bit characters are allowed in strings only");
        assertThat(invalid("NOOP \u0001")).isEqualTo("control characters are allowed in literals only");
        assertThat(invalid("NOOP \u007f")).isEqualTo("control characters are allowed in literals only");
        assertThat(invalid("NOOP (")).isEqualTo("unexpected character '('");
    }
}
