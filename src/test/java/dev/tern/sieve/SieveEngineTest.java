package dev.tern.sieve;

import dev.tern.mailbox.Flags;
import dev.tern.mailbox.SystemFlag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SieveEngineTest {

    private final SieveEngine engine = new SieveEngine();

    private static final String MESSAGE = """
            Return-Path: <x@y>\r
            From: "Jane Roe" <jane@lists.example.org>\r
            To: anna@example.test, =?UTF-8?Q?B=C3=B6b?= <bob@example.test>\r
            Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= from the\r
             mailing list\r
            List-Id: <friends.lists.example.org>\r
            Message-ID: <m1@example.org>\r
            \r
            Hello Anna, the meeting is on Tuesday.\r
            """;

    private static FilteredMessage message(String text, String from, String to) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return FilteredMessage.read(() -> new ByteArrayInputStream(bytes), bytes.length, from, to);
    }

    private SieveOutcome run(String script) throws IOException {
        return engine.run(script, message(MESSAGE, "owner-friends@lists.example.org", "anna+lists@example.test"));
    }

    @Test
    void aMessageNoRuleTakesIsKept() throws IOException {
        SieveOutcome o = run("require \"fileinto\";\nif header :is \"subject\" \"nothing\" { fileinto \"X\"; }");
        assertThat(o.keep()).isTrue();
        assertThat(o.fileInto()).isEmpty();
        assertThat(o.error()).isNull();
    }

    @Test
    void headersAreUnfoldedAndDecodedBeforeTheyAreCompared() throws IOException {
        SieveOutcome o = run("""
                require "fileinto";
                if header :contains "subject" "Grüße from the mailing list" { fileinto "Lists/Friends"; }
                """);
        assertThat(o.fileInto()).containsExactly("Lists/Friends");
        assertThat(o.keep()).as("fileinto cancels the implicit keep").isFalse();
    }

    @Test
    void addressPartsEnvelopeAndExistsTestsSeeTheMessage() throws IOException {
        assertThat(run("require \"fileinto\"; if address :domain :is \"from\" \"lists.example.org\" { fileinto \"A\"; }")
                .fileInto()).containsExactly("A");
        assertThat(run("require \"fileinto\"; if address :localpart :is \"to\" \"bob\" { fileinto \"B\"; }")
                .fileInto()).containsExactly("B");
        assertThat(run("require [\"fileinto\", \"envelope\"]; if envelope :matches \"from\" \"owner-*\" { fileinto \"C\"; }")
                .fileInto()).containsExactly("C");
        assertThat(run("require [\"fileinto\", \"envelope\"]; if envelope :is \"to\" \"anna+lists@example.test\" { fileinto \"D\"; }")
                .fileInto()).containsExactly("D");
        assertThat(run("require \"fileinto\"; if exists \"list-id\" { fileinto \"E\"; }").fileInto()).containsExactly("E");
        assertThat(run("require \"fileinto\"; if size :over 10K { fileinto \"F\"; }").fileInto()).isEmpty();
        assertThat(run("require \"fileinto\"; if size :under 1K { fileinto \"G\"; }").fileInto()).containsExactly("G");
    }

    @Test
    void theBodyTestSearchesTheText() throws IOException {
        assertThat(run("require [\"body\", \"fileinto\"]; if body :text :contains \"tuesday\" { fileinto \"Meetings\"; }")
                .fileInto()).containsExactly("Meetings");
        assertThat(run("require [\"body\", \"fileinto\"]; if body :contains \"friday\" { fileinto \"Meetings\"; }")
                .fileInto()).isEmpty();
    }

    @Test
    void discardRedirectRejectAndStopAreReported() throws IOException {
        assertThat(run("discard;").discarded()).isTrue();
        SieveOutcome redirect = run("redirect \"carl@example.net\"; keep;");
        assertThat(redirect.redirects()).containsExactly("carl@example.net");
        assertThat(redirect.keep()).isTrue();
        assertThat(run("redirect \"carl@example.net\";").keep()).as("redirect cancels the implicit keep").isFalse();
        SieveOutcome reject = run("require \"reject\"; reject \"not from lists, please\";");
        assertThat(reject.reject()).isEqualTo("not from lists, please");
        assertThat(reject.keep()).isFalse();
        assertThat(run("require \"fileinto\"; fileinto \"A\"; stop; fileinto \"B\";").fileInto()).containsExactly("A");
    }

    @Test
    void vacationParametersAreCarried() throws IOException {
        SieveOutcome o = run("""
                require "vacation";
                vacation :days 3 :subject "Away" :from "anna@example.test" :addresses ["a@example.test"] :handle "h1"
                  "I am away until Monday.";
                """);
        assertThat(o.keep()).isTrue();
        VacationRequest v = o.vacation();
        assertThat(v.reason()).isEqualTo("I am away until Monday.");
        assertThat(v.period()).isEqualTo(Duration.ofDays(3));
        assertThat(v.subject()).isEqualTo("Away");
        assertThat(v.from()).isEqualTo("anna@example.test");
        assertThat(v.addresses()).containsExactly("a@example.test");
        assertThat(v.handle()).isEqualTo("h1");
        assertThat(run("require \"vacation\"; vacation \"away\";").vacation().period())
                .isEqualTo(VacationRequest.DEFAULT_PERIOD);
    }

    @Test
    void vacationSecondsGivesThePeriodInSeconds() throws Exception {
        assertThat(run("require \"vacation-seconds\"; vacation :seconds 3600 :subject \"Away\" \"away\";").vacation())
                .satisfies(v -> {
                    assertThat(v.period()).as("vacation-seconds implies vacation").isEqualTo(Duration.ofHours(1));
                    assertThat(v.subject()).isEqualTo("Away");
                });
        assertThat(run("require \"vacation-seconds\"; vacation :seconds 0 \"away\";").vacation().period()).isZero();
        assertThat(run("require \"vacation-seconds\"; vacation :seconds 1G \"away\";").vacation().period())
                .isEqualTo(VacationRequest.MAX_PERIOD);
        assertThatThrownBy(() -> engine.check("require \"vacation\";\nvacation :seconds 60 \"away\";"))
                .hasMessageContaining("the tag :seconds needs require \"vacation-seconds\"");
        assertThatThrownBy(() -> engine.check("require \"vacation-seconds\";\nvacation :days 1 :seconds 60 \"away\";"))
                .hasMessageContaining(":days or :seconds, not both");
        assertThatThrownBy(() -> engine.check("require \"vacation-seconds\";\nvacation :seconds \"60\" \"away\";"))
                .hasMessageContaining(":seconds needs a number");
    }

    @Test
    void tooManyRedirectsOrRejectWithKeepFailAndKeep() throws IOException {
        SieveOutcome many = run("redirect \"a@x.example\"; redirect \"b@x.example\"; redirect \"c@x.example\"; "
                + "redirect \"d@x.example\"; redirect \"e@x.example\";");
        assertThat(many.error()).contains("redirects");
        assertThat(many.keep()).isTrue();
        assertThat(many.redirects()).isEmpty();
        SieveOutcome both = run("require \"reject\"; keep; reject \"no\";");
        assertThat(both.error()).isNotNull();
        assertThat(both.keep()).isTrue();
        assertThat(both.reject()).isNull();
    }

    @Test
    void aScriptThatCannotRunKeepsTheMessage() throws IOException {
        SieveOutcome o = run("if header :contains \"subject\" { keep; }");
        assertThat(o.error()).isNotNull();
        assertThat(o.keep()).isTrue();
    }

    @Test
    void theCheckFindsWhatJSieveLeavesForLaterWithItsLine() {
        assertProblem("require \"fileinto\";\nif header :is \"subject\" \"x\" {\n  fileinto :index \"F1\" \"A\";\n}",
                3, "does not take the tag :index");
        assertProblem("if header :contains \"subject\" \"x\" {\n fileinto \"A\";\n}", 2, "needs require \"fileinto\"");
        assertProblem("keep;\nif foo { keep; }", 2, "unknown test 'foo'");
        assertProblem("frobnicate;", 1, "frobnicate");
        assertProblem("require \"x-unknown-extension\";", 1, "x-unknown-extension");
        assertProblem("keep;\nrequire \"fileinto\";", 2, "require must come before");
        assertProblem("if header :regex \"subject\" \"x\" { discard; }", 1, ":regex");
        assertProblem("else { keep; }", 1, "must follow if");
        assertProblem("redirect \"not an address\";", 1, "not an address");
        assertProblem("if size 100 { discard; }", 1, "size");
        assertProblem("if header \"subject\" { discard; }", 1, "takes 2 arguments");
        assertProblem("require \"vacation\";\nvacation :days \"x\" \"away\";", 2, ":days needs a number");
        assertProblem("if header :comparator \"i;ascii-numeric\" \"x\" \"1\" { discard; }", 1,
                "comparator-i;ascii-numeric");
        assertProblem("require \"comparator-i;ascii-numeric\";\nif header :matches :comparator \"i;ascii-numeric\" "
                + "\"x\" \"1*\" { discard; }", 2, "takes :is, :value or :count, not :matches");
        assertProblem("require \"comparator-i;ascii-numeric\";\nif header :comparator \"i;ascii-numeric\" :contains "
                + "\"x\" \"1\" { discard; }", 2, "not :contains");
        assertProblem("if header :contains \"subject\" \"x\" { keep; ", 0, "");
    }

    /** jSieve's :matches backtracked for hours on this; the timeout only bounds a hang. */
    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aWildcardPatternCannotHoldAStorageThread() throws IOException {
        String subject = "a".repeat(16_000);
        FilteredMessage m = message("Subject: " + subject + "\r\nTo: anna@example.test\r\n\r\nbody\r\n", "x@y.example",
                "anna@example.test");
        SieveOutcome o = engine.run("if header :matches \"subject\" \"" + "*a".repeat(60) + "*b\" { discard; }", m);
        assertThat(o.error()).isNull();
        assertThat(o.keep()).isTrue();
    }

    @Test
    void aScriptNestedTooDeeplyIsRefusedBeforeItIsParsed() throws Exception {
        String deep = "if true { ".repeat(5_000) + "keep;" + " }".repeat(5_000);
        assertProblem(deep, 1, "nested more than 32 levels");
        assertThat(run(deep).error()).contains("nested more than 32 levels");
        assertThat(run(deep).keep()).isTrue();
        // Braces in strings, multi-line strings and comments do not count; 32 real levels pass.
        String braces = "{".repeat(100);
        engine.check("# " + braces + "\n/* " + braces + " */\n"
                + "if header :contains \"subject\" \"" + braces + "\" { keep; }\n"
                + "if true { ".repeat(32) + "keep;" + " }".repeat(32) + "\n");
        engine.check("require \"vacation\";\nvacation text:\n" + braces + "\n.\n;\n");
        assertProblem("keep;\n" + "if true {\n".repeat(33) + "keep;" + "}".repeat(33), 34, "nested");
    }

    @Test
    void aLongChainOfTestsIsRefusedBeforeItIsParsed() throws Exception {
        // A test may take one test without brackets (RFC 5228 §8.3): 4,000 of them overflowed the parser's stack.
        String nots = "if " + "not ".repeat(4_000) + "true { keep; }";
        assertProblem(nots, 1, "tests nested more than 16 deep");
        assertThat(run(nots).error()).contains("tests nested more than 16 deep");
        assertThat(run(nots).keep()).isTrue();
        assertProblem("keep;\nif " + "true ".repeat(4_000) + "{ keep; }", 2, "tests nested more than 16 deep");
        assertProblem("if allof(" + "exists \"a\" ".repeat(4_000) + ") { keep; }", 1, "tests nested");
        // Chains as written by hand pass, words in strings, tags and numbers do not count, and 16 is allowed.
        engine.check("require [\"fileinto\", \"relational\", \"comparator-i;ascii-numeric\"];\n"
                + "if not not not header :contains \"subject\" \"" + "not ".repeat(40) + "\" { keep; }\n"
                + "if allof(not exists \"x\", anyof(not not true, header :is \"a\" \"b\")) { keep; }\n"
                + "elsif size :over 10K { fileinto \"Big\"; } else { stop; }\n"
                + "# " + "not ".repeat(40) + "\n"
                + "if " + "not ".repeat(15) + "true { keep; }\n");
    }

    @Test
    void validScriptsPassTheCheck() throws SieveScriptException {
        engine.check("""
                # a comment
                require ["fileinto", "reject", "envelope", "body", "vacation", "comparator-i;ascii-numeric"];
                if anyof (address :domain :is ["from", "sender"] "lists.example.org", not exists "x-spam") {
                    fileinto "Lists";
                    stop;
                } elsif allof (header :comparator "i;ascii-numeric" :is "x-priority" "1", true) {
                    keep;
                } elsif envelope :all :matches "from" "*@example.net" {
                    redirect "archive@example.test";
                } elsif body :raw :contains "unsubscribe" {
                    discard;
                } else {
                    vacation :days 14 :mime text:
                Content-Type: text/plain; charset=utf-8

                Away, back on Monday.
                ..and this line began with a dot.
                .
                ;
                }
                """);
    }

    private void assertProblem(String script, int line, String text) {
        assertThatThrownBy(() -> engine.check(script))
                .isInstanceOfSatisfying(SieveScriptException.class, e -> {
                    if (line > 0) {
                        assertThat(e.line()).as(e.describe()).isEqualTo(line);
                    }
                    assertThat(e.getMessage()).contains(text);
                });
    }

    @Test
    void multiLineStringsAndEscapesAreRead() throws IOException {
        SieveOutcome o = run("""
                require "vacation";
                vacation :subject "say \\"hi\\"" text:
                I am away.
                ..
                Anna
                .
                ;
                """);
        assertThat(o.error()).isNull();
        assertThat(o.vacation().subject()).isEqualTo("say \"hi\"");
        // dot-stuffing undone; jSieve leaves out the line end before the closing dot
        assertThat(o.vacation().reason()).isEqualTo("I am away.\r\n.\r\nAnna");
    }

    @Test
    void theCapabilityListsTheExtensions() {
        assertThat(engine.extensions()).containsExactlyInAnyOrderElementsOf(
                List.of("fileinto", "copy", "mailbox", "imap4flags", "reject", "envelope", "body", "vacation",
                        "relational", "date", "comparator-i;ascii-numeric", "subaddress", "regex", "variables",
                        "vacation-seconds", "encoded-character", "duplicate", "include", "special-use", "mailboxid", "index", "spamtest", "spamtestplus", "enotify", "environment", "ihave", "editheader"));
    }

    // ---- copy (RFC 3894) --------------------------------------------------------------------

    @Test
    void copyLeavesTheImplicitKeep() throws IOException {
        SieveOutcome redirect = run("require \"copy\"; redirect :copy \"carl@example.net\";");
        assertThat(redirect.redirects()).containsExactly("carl@example.net");
        assertThat(redirect.keep()).as("redirect :copy keeps the implicit keep").isTrue();
        assertThat(redirect.error()).isNull();

        SieveOutcome fileInto = run("require [\"copy\", \"fileinto\"]; fileinto :copy \"Lists\";");
        assertThat(fileInto.fileInto()).containsExactly("Lists");
        assertThat(fileInto.keep()).as("fileinto :copy keeps the implicit keep").isTrue();

        SieveOutcome cancelled = run("require [\"copy\", \"fileinto\"]; fileinto \"A\"; redirect :copy \"c@x.example\";");
        assertThat(cancelled.keep()).as(":copy does not bring back a keep an earlier action cancelled").isFalse();
        assertThat(cancelled.fileInto()).containsExactly("A");
        assertThat(cancelled.redirects()).containsExactly("c@x.example");
    }

    // ---- mailbox (RFC 5490) -----------------------------------------------------------------

    private SieveOutcome runWithMailboxes(String script, Set<String> mailboxes) throws IOException {
        byte[] bytes = MESSAGE.getBytes(StandardCharsets.UTF_8);
        return engine.run(script, FilteredMessage.read(() -> new ByteArrayInputStream(bytes), bytes.length,
                "jane@lists.example.org", "anna@example.test").about(AccountFacts.NONE.withMailboxes(mailboxes::contains)));
    }

    @Test
    void fileintoCreateFilesAsFileintoDoes() throws IOException {
        SieveOutcome o = run("require [\"fileinto\", \"mailbox\"]; fileinto :create \"Lists/New\";");
        assertThat(o.error()).isNull();
        assertThat(o.fileInto()).containsExactly("Lists/New");
        assertThat(o.keep()).isFalse();
    }

    @Test
    void mailboxexistsIsTrueOnlyWhenEveryNamedMailboxExists() throws IOException {
        String script = """
                require ["fileinto", "mailbox"];
                if mailboxexists "Archive" { fileinto "Archive"; }
                if mailboxexists ["Archive", "INBOX"] { fileinto "Both"; }
                if mailboxexists ["Archive", "Nowhere"] { fileinto "Nowhere"; }
                if not mailboxexists "Nowhere" { fileinto "Missing"; }
                """;
        SieveOutcome o = runWithMailboxes(script, Set.of("INBOX", "Archive"));
        assertThat(o.error()).isNull();
        assertThat(o.fileInto()).containsExactly("Archive", "Both", "Missing");
        assertThat(runWithMailboxes(script, Set.of("INBOX")).fileInto()).containsExactly("Missing");
    }

    // ---- imap4flags (RFC 5232) --------------------------------------------------------------

    @Test
    void flagsTagGivesTheCopyItsFlagsAndDropsInvalidOnes() throws IOException {
        SieveOutcome o = run("""
                require ["fileinto", "imap4flags"];
                fileinto :flags ["\\\\Seen", "$Label1 \\\\flagged", "bad(", "\\\\Recent", "\\\\Unknown"] "Lists";
                keep :flags "\\\\Answered";
                """);
        assertThat(o.error()).isNull();
        assertThat(o.fileIntoFlags("Lists")).isEqualTo(Flags.of("\\Seen", "\\Flagged", "$Label1"));
        assertThat(o.keep()).isTrue();
        assertThat(o.keepFlags()).isEqualTo(Flags.of(SystemFlag.ANSWERED));
    }

    @Test
    void withoutTheFlagsTagACopyTakesTheInternalVariableAsItIsThen() throws IOException {
        SieveOutcome o = run("""
                require ["fileinto", "imap4flags", "copy"];
                setflag "\\\\Flagged";
                fileinto :copy "A";
                addflag ["Junk", "\\\\Seen"];
                removeflag "\\\\FLAGGED";
                fileinto :copy "B";
                addflag "Later";
                """);
        assertThat(o.error()).isNull();
        assertThat(o.fileIntoFlags("A")).isEqualTo(Flags.of(SystemFlag.FLAGGED));
        assertThat(o.fileIntoFlags("B")).isEqualTo(Flags.of("\\Seen", "Junk"));
        assertThat(o.keep()).isTrue();
        assertThat(o.keepFlags()).as("the implicit keep takes the variable as the script left it")
                .isEqualTo(Flags.of("\\Seen", "Junk", "Later"));

        SieveOutcome explicit = run("require \"imap4flags\"; addflag \"\\\\Seen\"; keep; setflag \"x\";");
        assertThat(explicit.keepFlags()).isEqualTo(Flags.of(SystemFlag.SEEN));
        assertThat(run("keep;").keepFlags()).isEqualTo(Flags.NONE);
    }

    @Test
    void aMailboxNamedTwiceGetsOneCopyWithTheFlagsOfBoth() throws IOException {
        SieveOutcome o = run("""
                require ["fileinto", "imap4flags"];
                fileinto :flags "\\\\Seen" "Lists";
                fileinto :flags "\\\\Flagged" "Lists";
                """);
        assertThat(o.copies()).hasSize(1);
        assertThat(o.fileIntoFlags("Lists")).isEqualTo(Flags.of(SystemFlag.SEEN, SystemFlag.FLAGGED));
    }

    @Test
    void hasflagMatchesTheFlagsOfTheInternalVariable() throws IOException {
        SieveOutcome o = run("""
                require ["fileinto", "imap4flags"];
                if hasflag "\\\\Seen" { fileinto "T0"; }
                addflag ["\\\\Seen NonJunk", "$Forwarded"];
                if hasflag "\\\\seen" { fileinto "T1"; }
                if hasflag :is "nonjunk" { fileinto "T2"; }
                if hasflag :is "Junk" { fileinto "T3"; }
                if hasflag :contains "Junk" { fileinto "T4"; }
                if hasflag :is "Label \\\\Seen" { fileinto "T5"; }
                if hasflag :matches "$Forw*" { fileinto "T6"; }
                if hasflag :comparator "i;octet" :is "nonjunk" { fileinto "T7"; }
                removeflag "nonjunk";
                if hasflag :contains "Junk" { fileinto "T8"; }
                setflag "Other";
                if hasflag "\\\\Seen" { fileinto "T9"; }
                """);
        assertThat(o.error()).isNull();
        assertThat(o.fileInto()).containsExactly("T1", "T2", "T4", "T5", "T6");
    }

    @Test
    void theNewFormsNeedTheirRequireAndNoVariableNames() {
        assertProblem("redirect :copy \"carl@example.net\";", 1, "the tag :copy needs require \"copy\"");
        assertProblem("require \"fileinto\";\nfileinto :create \"A\";", 2, "the tag :create needs require \"mailbox\"");
        assertProblem("keep :flags \"\\\\Seen\";", 1, "the tag :flags needs require \"imap4flags\"");
        assertProblem("addflag \"\\\\Seen\";", 1, "needs require \"imap4flags\"");
        assertProblem("if mailboxexists \"A\" { keep; }", 1, "needs require \"mailbox\"");
        assertProblem("require \"imap4flags\";\nsetflag \"flagvar\" \"\\\\Seen\";", 2, "\"variables\"");
        assertProblem("require \"imap4flags\";\nif hasflag :contains \"MyVar\" \"Junk\" { keep; }", 2,
                "\"variables\"");
        assertProblem("require \"imap4flags\";\nremoveflag;", 2, "takes one argument");
        assertProblem("require \"imap4flags\";\nkeep :flags;", 2, ":flags needs a string list");
        assertProblem("require \"imap4flags\";\nif hasflag :count \"ge\" \"2\" { keep; }", 2, ":count");
        assertProblem("require \"copy\";\nkeep :copy;", 2, "does not take the tag :copy");
        assertProblem("require [\"copy\", \"fileinto\"];\nfileinto :copy :copy \"A\";", 2, "twice");
    }

    @Test
    void scriptsOfWebmailFilterEditorsPassTheCheckAndRun() throws Exception {
        // as Roundcube's managesieve plugin writes them
        String script = """
                require ["fileinto","copy","mailbox","imap4flags"];
                # rule:[friends]
                if header :contains "list-id" "friends.lists.example.org"
                {
                	fileinto :copy :create "Lists/Friends";
                	addflag "\\\\Flagged";
                }
                # rule:[archive]
                if allof (mailboxexists "Archive", not hasflag :is "\\\\Seen")
                {
                	fileinto :flags "\\\\Seen" "Archive";
                	redirect :copy "carl@example.net";
                	stop;
                }
                """;
        engine.check(script);
        SieveOutcome o = runWithMailboxes(script, Set.of("INBOX", "Archive"));
        assertThat(o.error()).isNull();
        assertThat(o.fileInto()).containsExactly("Lists/Friends", "Archive");
        assertThat(o.fileIntoFlags("Lists/Friends")).isEqualTo(Flags.NONE);
        assertThat(o.fileIntoFlags("Archive")).isEqualTo(Flags.of(SystemFlag.SEEN));
        assertThat(o.redirects()).containsExactly("carl@example.net");
        assertThat(o.keep()).as("the fileinto into Archive, without :copy, cancels the implicit keep").isFalse();
        assertThat(o.summary()).isEqualTo("fileinto Lists/Friends, fileinto Archive (\\Seen), redirect carl@example.net");

        SieveOutcome other = runWithMailboxes(script.replace("\"Archive\",", "\"Elsewhere\","), Set.of("INBOX", "Archive"));
        assertThat(other.fileInto()).containsExactly("Lists/Friends");
        assertThat(other.keep()).isTrue();
        assertThat(other.keepFlags()).as("the implicit keep with the flag the first rule added")
                .isEqualTo(Flags.of(SystemFlag.FLAGGED));
        assertThat(other.summary()).isEqualTo("keep (\\Flagged), fileinto Lists/Friends");
    }

    @Test
    void aFailedScriptKeepsWithoutTheFlagsItSet() throws IOException {
        SieveOutcome o = run("""
                require ["imap4flags", "copy"];
                addflag "\\\\Seen";
                redirect :copy "a@x.example"; redirect :copy "b@x.example"; redirect :copy "c@x.example";
                redirect :copy "d@x.example"; redirect :copy "e@x.example";
                """);
        assertThat(o.error()).contains("redirects");
        assertThat(o.keep()).isTrue();
        assertThat(o.keepFlags()).isEqualTo(Flags.NONE);
    }
}
