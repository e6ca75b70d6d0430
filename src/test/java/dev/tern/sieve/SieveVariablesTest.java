package dev.tern.sieve;

import dev.tern.mailbox.Flags;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The variables extension (RFC 5229): {@code set} and its modifiers, references in every string,
 * the match variables of {@code :matches} and {@code :regex}, the {@code string} test, flag
 * variables (RFC 5232), and what a script may not do with them.
 */
class SieveVariablesTest {

    private final SieveEngine engine = new SieveEngine();

    private static final String MESSAGE = """
            From: Wile E. <coyote@ACME.Example.COM>\r
            To: coyote@ACME.Example.COM\r
            Subject: [acme-users] [fwd] version 1.0 is out\r
            List-ID: ACME users <acme-users.lists.example.org>\r
            X-Word: rocket\r
            \r
            Please order a rocket skate.\r
            """;

    private SieveOutcome run(String script) throws IOException, SieveScriptException {
        byte[] bytes = MESSAGE.getBytes(StandardCharsets.UTF_8);
        FilteredMessage message = FilteredMessage.read(() -> new ByteArrayInputStream(bytes), bytes.length,
                "roadrunner@example.net", "coyote@example.test");
        engine.check(script);
        SieveOutcome o = engine.run(script, message);
        assertThat(o.error()).as(script).isNull();
        return o;
    }

    /** The mailbox a script files into after the given commands, its name made of variables. */
    private String filedAs(String commands, String mailbox) throws IOException, SieveScriptException {
        SieveOutcome o = run("require [\"fileinto\", \"variables\", \"regex\", \"relational\", \"date\"];\n" + commands
                + "\nfileinto \"" + mailbox + "\";\n");
        assertThat(o.fileInto()).hasSize(1);
        return o.fileInto().get(0);
    }

    @Test
    void theRfcsMatchVariableExamples() throws Exception {
        assertThat(filedAs("if header :matches \"List-ID\" \"*<*@*\" { fileinto \"wrong\"; stop; }\n"
                + "if header :matches \"Subject\" \"[*] *\" { fileinto \"INBOX.lists.${1}|${2}\"; stop; }", "none"))
                .as("the first * takes as little as it can").isEqualTo("INBOX.lists.acme-users|[fwd] version 1.0 is out");
        assertThat(filedAs("if address :matches [\"To\", \"Cc\"] [\"coyote@**.com\", \"wile@**.com\"] "
                + "{ fileinto \"INBOX.business.(${0})(${1})(${2})\"; stop; }", "none"))
                .isEqualTo("INBOX.business.(coyote@ACME.Example.COM)()(ACME.Example)");
        assertThat(filedAs("if header :matches \"List-ID\" \"*<*.lists.*>\" { set \"list\" \"${2}\"; }", "Lists/${list}"))
                .isEqualTo("Lists/acme-users");
        assertThat(filedAs("if anyof (true, address :domain :matches \"To\" \"*.com\") { set \"x\" \"[${1}]\"; }", "${x}"))
                .as("a test never evaluated sets nothing").isEqualTo("[]");
    }

    @Test
    void aFailedMatchLeavesTheMatchVariables() throws Exception {
        assertThat(filedAs("if header :matches \"subject\" \"[*]*\" { }\n"
                + "if header :matches \"subject\" \"no*such\" { }\n"
                + "if header :contains \"subject\" \"version\" { }", "${1}"))
                .as(":contains sets none, the failed :matches none").isEqualTo("acme-users");
        assertThat(filedAs("if header :matches \"subject\" \"?acme-users?*\" { }", "${1}${2}-${3}"))
                .as("? takes one character").isEqualTo("[]- [fwd] version 1.0 is out");
        assertThat(filedAs("if header :matches \"subject\" \"*\" { }", "${0}${00}${001}|${9}|${99999999999}"))
                .as("leading zeroes ignored; past the end empty").isEqualTo(
                        "[acme-users] [fwd] version 1.0 is out".repeat(3) + "||");
    }

    @Test
    void regexGroupsAreTheMatchVariables() throws Exception {
        assertThat(filedAs("if header :regex \"subject\" \"^\\\\[([a-z]+)-([a-z]+)\\\\](x)?\" { }", "${0}|${1}|${2}|${3}"))
                .isEqualTo("[acme-users]|acme|users|");
        assertThat(filedAs("set \"word\" \"ver[a-z]+\";\nif header :regex \"subject\" \"${word}\" { }", "${0}"))
                .as("a key made of variables").isEqualTo("version");
    }

    @ParameterizedTest(name = "{0} => {1}")
    @CsvSource(delimiterString = " => ", value = {
            "set \"b\" \"${a}\"; => juMBlEd lETteRS",
            "set :length \"b\" \"${a}\"; => 15",
            "set :lower \"b\" \"${a}\"; => jumbled letters",
            "set :upper \"b\" \"${a}\"; => JUMBLED LETTERS",
            "set :upperfirst \"b\" \"${a}\"; => JuMBlEd lETteRS",
            "set :lowerfirst \"b\" \"${A}\"; => juMBlEd lETteRS",
            "set :upperfirst :lower \"b\" \"${a}\"; => Jumbled letters",
            "set :lower :upperfirst \"b\" \"${a}\"; => Jumbled letters",
            "set :quotewildcard \"b\" \"Rock*?\\\\\"; => Rock\\*\\?\\\\",
            "set :length :quotewildcard \"b\" \"**\"; => 4",
            "set :length \"b\" \"\"; => 0",
            "set :upperfirst \"b\" \"\"; => ''",
    })
    void setAndItsModifiersInTheirOrder(String set, String expected) throws Exception {
        assertThat(filedAs("set \"a\" \"juMBlEd lETteRS\";\n" + set, "${b}")).isEqualTo(expected);
    }

    @Test
    void referencesExpandOnceAndLeaveWhatIsNoReference() throws Exception {
        assertThat(filedAs("set \"dollar\" \"$\";\nset \"text\" \"regarding ${dollar}{beep}\";", "${text}"))
                .as("a value is not expanded again").isEqualTo("regarding ${beep}");
        assertThat(filedAs("set \"Honorific\" \"Mr\";", "${HONORIFIC} ${honorific} ${unset}|"))
                .as("names are case-insensitive; an unset one is empty").isEqualTo("Mr Mr |");
        assertThat(filedAs("", "&%${}!${doh!}${a b}${"))
                .as("not references").isEqualTo("&%${}!${doh!}${a b}${");
        assertThat(filedAs("set \"a\" \"x\";", "${${a}}")).isEqualTo("${x}");
        assertThat(filedAs("set \"state\" \"${state} pending\";\n"
                + "if string :matches \" ${state} \" \"* pending *\" { set \"r\" \"yes\"; }", "${r}")).isEqualTo("yes");
    }

    @Test
    void withoutTheRequireDollarsAreText() throws Exception {
        SieveOutcome o = run("require \"fileinto\";\nfileinto \"a${x}\";");
        assertThat(o.fileInto()).containsExactly("a${x}");
    }

    @Test
    void theStringTest() throws Exception {
        assertThat(filedAs("set \"a\" \"Hello\";\n"
                + "if string :is \"${a}\" \"hello\" { set \"r\" \"${r}is \"; }\n"
                + "if string :comparator \"i;octet\" :is \"${a}\" \"hello\" { set \"r\" \"${r}octet \"; }\n"
                + "if string :count \"eq\" [\"${a}\", \"\", \"${unset}\"] \"1\" { set \"r\" \"${r}count \"; }\n"
                + "if string :value \"gt\" \"${a}\" \"Goodbye\" { set \"r\" \"${r}value \"; }\n"
                + "if string :matches [\"x\", \"${a} world\"] \"h*o w*\" { set \"r\" \"${r}matches:${1}:${2}\"; }",
                "${r}")).isEqualTo("is count value matches:ell:orld");
    }

    @Test
    void stringsOfOtherCommandsAndTestsAreExpanded() throws Exception {
        SieveOutcome vacation = run("""
                require ["vacation", "variables"];
                if header :matches "subject" "*" { set "subject" "${1}"; }
                set "who" "Coyote";
                vacation :subject "Re: ${subject}" :from "${who}@example.test" :handle "h-${who}" "${who} is away.";
                """);
        assertThat(vacation.vacation().subject()).isEqualTo("Re: [acme-users] [fwd] version 1.0 is out");
        assertThat(vacation.vacation().from()).isEqualTo("Coyote@example.test");
        assertThat(vacation.vacation().reason()).isEqualTo("Coyote is away.");
        assertThat(vacation.vacation().handle()).isEqualTo("h-Coyote");

        SieveOutcome reject = run("require [\"reject\", \"variables\"];\nset \"w\" \"rockets\";\nreject \"No ${w}.\";");
        assertThat(reject.reject()).isEqualTo("No rockets.");

        assertThat(filedAs("set \"h\" \"X-Word\";\nif exists \"${h}\" { set \"r\" \"exists\"; }", "${r}"))
                .isEqualTo("exists");
        SieveOutcome body = run("require [\"body\", \"variables\", \"fileinto\"];\n"
                + "if header :matches \"x-word\" \"*\" { }\nif body :contains \"${1} skate\" { fileinto \"Body\"; }");
        assertThat(body.fileInto()).containsExactly("Body");
        SieveOutcome redirect = run("require \"variables\";\nset \"user\" \"wile\";\nredirect \"${user}@example.net\";");
        assertThat(redirect.redirects()).containsExactly("wile@example.net");
    }

    @Test
    void flagVariables() throws Exception {
        SieveOutcome o = run("""
                require ["variables", "imap4flags", "fileinto", "relational"];
                setflag "f" "\\\\Seen";
                addflag "f" ["$Label1 \\\\Flagged", "$Label1"];
                removeflag "f" "\\\\Seen";
                addflag "\\\\Answered";
                if hasflag "f" "$label1" { fileinto :flags "${f}" "Vars"; }
                if hasflag :count "eq" ["f", "unset"] "2" { fileinto "Two"; }
                if not hasflag "f" "\\\\Answered" { fileinto "NotAnswered"; }
                keep;
                """);
        assertThat(o.fileInto()).containsExactly("Vars", "Two", "NotAnswered");
        assertThat(o.fileIntoFlags("Vars")).isEqualTo(Flags.of("$Label1", "\\Flagged"));
        assertThat(o.keepFlags()).as("the internal variable untouched by the named one")
                .isEqualTo(Flags.of("\\Answered"));
    }

    @Test
    void valuesAndExpansionsAreBounded() throws Exception {
        String big = "x".repeat(5000);
        assertThat(filedAs("set \"a\" \"" + big + "\";\nset :length \"n\" \"${a}\";", "${n}"))
                .as("a value is cut to 4096 characters").isEqualTo("4096");
        SieveOutcome o = run("require [\"vacation\", \"variables\"];\nset \"a\" \"" + big + "\";\nvacation \""
                + "${a}".repeat(100) + "\";");
        assertThat(o.vacation().reason()).as("an expanded string stops growing at 256 KiB").hasSize(256 * 1024);
    }

    @Test
    void expandedValuesThatAreWrongFailTheRunAndKeep() throws Exception {
        byte[] bytes = MESSAGE.getBytes(StandardCharsets.UTF_8);
        FilteredMessage message = FilteredMessage.read(() -> new ByteArrayInputStream(bytes), bytes.length,
                "roadrunner@example.net", "coyote@example.test");
        SieveOutcome badRegex = engine.run("require [\"variables\", \"regex\", \"fileinto\"];\nset \"k\" \"(\";\n"
                + "if header :regex \"subject\" \"${k}\" { fileinto \"X\"; }", message);
        assertThat(badRegex.error()).contains("not a regular expression");
        assertThat(badRegex.keep()).isTrue();
        SieveOutcome badAddress = engine.run("require \"variables\";\nset \"a\" \"no address\";\nredirect \"${a}\";",
                message);
        assertThat(badAddress.error()).contains("not an address");
        assertThat(badAddress.keep()).isTrue();
    }

    @Test
    void whatTheCheckRefuses() {
        assertProblem("set \"a\" \"b\";", 1, "needs require \"variables\"");
        assertProblem("if string \"a\" \"b\" { keep; }", 1, "needs require \"variables\"");
        assertProblem("require \"variables\";\nset \"1a\" \"b\";", 2, "\"1a\" is not a variable name");
        assertProblem("require \"variables\";\nset \"a.b\" \"b\";", 2, "is not a variable name");
        assertProblem("require \"variables\";\nset \"${a}\" \"b\";", 2, "is not a variable name");
        assertProblem("require \"variables\";\nset [\"a\", \"b\"] \"b\";", 2, "one string");
        assertProblem("require \"variables\";\nset \"a\";", 2, "takes 2 arguments");
        assertProblem("require \"variables\";\nset :lower :upper \"a\" \"b\";", 2, "exclude each other");
        assertProblem("require \"variables\";\nset :lowerfirst :upperfirst \"a\" \"b\";", 2, "exclude each other");
        assertProblem("require \"variables\";\nset :encodeurl \"a\" \"b\";", 2, "the tag :encodeurl needs require \"enotify\"");
        assertProblem("require \"variables\";\nset :encodeword \"a\" \"b\";", 2, "does not take the tag :encodeword");
        assertProblem("require [\"variables\", \"fileinto\"];\nfileinto \"${env.home}\";", 2,
                "namespace of \"${env.home}\" is not supported");
        assertProblem("require [\"variables\", \"imap4flags\"];\nsetflag [\"a\", \"b\"] \"x\";", 2, "one variable name");
        assertProblem("require [\"variables\", \"imap4flags\"];\naddflag \"not valid\" \"x\";", 2,
                "is not a variable name");
        assertProblem("require [\"variables\", \"date\"];\nif currentdate \"yeer\" \"2026\" { keep; }", 2,
                "unknown date-part");
        StringBuilder many = new StringBuilder("require \"variables\";\n");
        for (int i = 0; i <= 255; i++) {
            many.append("set \"v").append(i).append("\" \"\";\n");
        }
        assertProblem(many.toString(), 257, "more than 255 variables");
    }

    @Test
    void constantsOnlyTheRunCanCheckAreLeftToIt() throws Exception {
        engine.check("require [\"variables\", \"regex\", \"date\", \"relational\"];\nset \"p\" \"year\";\n"
                + "if anyof (header :regex \"subject\" \"${k}(\", currentdate \"${p}\" \"2026\", "
                + "header :value \"${op}\" \"subject\" \"x\") { redirect \"${who}\"; }");
        assertThat(filedAs("set \"p\" \"year\";\nif currentdate :value \"ge\" \"${p}\" \"2000\" { set \"r\" \"y\"; }",
                "${r}")).isEqualTo("y");
    }

    private void assertProblem(String script, int line, String text) {
        assertThatThrownBy(() -> engine.check(script)).isInstanceOf(SieveScriptException.class)
                .satisfies(e -> {
                    SieveScriptException s = (SieveScriptException) e;
                    assertThat(s.describe()).contains(text);
                    assertThat(s.line()).isEqualTo(line);
                });
    }
}
