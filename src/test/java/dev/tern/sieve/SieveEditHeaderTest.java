package dev.tern.sieve;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** editheader (RFC 5293): addheader and deleteheader through the engine, what tests then see, and what is filed. */
class SieveEditHeaderTest {

    private final SieveEngine engine = new SieveEngine();

    private static final String TRACE = "Authentication-Results: mx.example.test; spf=pass\r\n";
    private static final String MESSAGE = """
            Received: from relay.example.org by mx.example.test; Thu, 3 Dec 2026 10:00:00 +0000\r
            Received: from laptop by relay.example.org; Thu, 3 Dec 2026 09:59:00 +0000\r
            From: Bob <bob@example.org>\r
            To: anna@example.test\r
            X-Tag: one\r
            Subject: Hello\r
             there\r
            X-Tag: two\r
            X-Tag: three\r
            Auto-Submitted: no\r
            \r
            Body line.\r
            """;
    private static final byte[] CONTENT = (TRACE + MESSAGE).getBytes(StandardCharsets.UTF_8);

    private FilteredMessage message() throws IOException {
        return FilteredMessage.read(() -> new ByteArrayInputStream(CONTENT), CONTENT.length, "bob@example.org",
                "anna@example.test", TRACE.length());
    }

    private SieveOutcome run(String script) throws Exception {
        engine.check(script);
        SieveOutcome o = engine.run(script, message());
        assertThat(o.error()).as(script).isNull();
        return o;
    }

    /** The message a copy is filed with: edited when the script edited it first, else as it came. */
    private static String filed(SieveOutcome.Copy copy) throws IOException {
        if (copy.header() == null) {
            return new String(CONTENT, StandardCharsets.UTF_8);
        }
        try (InputStream in = copy.header().open(new ByteArrayInputStream(CONTENT), true)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static SieveOutcome.Copy keep(SieveOutcome o) {
        return o.copies().stream().filter(c -> c.mailbox() == null).findFirst().orElseThrow();
    }

    @Test
    void anAddedFieldGoesFirstOrLastAndTheTestsAfterItSeeIt() throws Exception {
        SieveOutcome o = run("""
                require ["editheader", "fileinto", "copy"];
                if exists "X-Filtered" { fileinto "Before"; }
                addheader "X-Filtered" "by Tern";
                addheader :last "X-Last" "at the end";
                if allof (exists "X-Filtered", header :is "x-filtered" "by Tern", header :is "x-last" "at the end") {
                    fileinto :copy "Seen";
                }
                """);
        assertThat(o.fileInto()).containsExactly("Seen");
        String expected = "X-Filtered: by Tern\r\n" + TRACE
                + MESSAGE.replace("Auto-Submitted: no\r\n", "Auto-Submitted: no\r\nX-Last: at the end\r\n");
        assertThat(filed(keep(o))).isEqualTo(expected);
        assertThat(filed(o.copies().get(1))).isEqualTo(expected);
        assertThat(keep(o).header()).as("one version, shared").isSameAs(o.copies().get(1).header());
    }

    @Test
    void fieldsPutOnTopAloneNeedNoNewContent() throws Exception {
        SieveOutcome top = run("require \"editheader\";\naddheader \"X-A\" \"1\";\naddheader \"X-B\" \"2\";");
        assertThat(keep(top).header().prepended()).isEqualTo("X-B: 2\r\nX-A: 1\r\n");
        assertThat(keep(run("require \"editheader\";\naddheader :last \"X-A\" \"1\";")).header().prepended()).isNull();
        assertThat(keep(run("require \"editheader\";\naddheader \"X-A\" \"1\";\ndeleteheader \"X-Tag\";"))
                .header().prepended()).isNull();
        assertThat(keep(run("require \"editheader\";\nif false { addheader \"X-A\" \"1\"; }")).header())
                .as("no edit, no edited header").isNull();
        // added and deleted again: the header is as it came, though a new version of it
        SieveOutcome undone = run("require \"editheader\";\naddheader \"X-Hello\" \"World\";\n"
                + "deleteheader :index 1 \"X-Hello\";");
        assertThat(filed(keep(undone))).isEqualTo(new String(CONTENT, StandardCharsets.UTF_8));
        assertThat(keep(undone).header().prepended()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " => ", value = {
            "deleteheader \"x-tag\" => ''",
            "deleteheader :index 1 \"X-Tag\" => two,three",
            "deleteheader :index 2 \"X-Tag\" => one,three",
            "deleteheader :index 1 :last \"X-Tag\" => one,two",
            "deleteheader :index 4 \"X-Tag\" => one,two,three",
            "deleteheader :index 1 \"X-Tag\" \"two\" => one,two,three",
            "deleteheader \"X-Tag\" [\"one\", \"THREE\"] => two",
            "deleteheader :comparator \"i;octet\" \"X-Tag\" [\"one\", \"THREE\"] => two,three",
            "deleteheader :contains \"X-Tag\" \"o\" => three",
            "deleteheader :matches \"X-Tag\" \"t*\" => one",
            "deleteheader :regex \"X-Tag\" \"^(one|two)$\" => three",
            "deleteheader :value \"ge\" \"X-Tag\" \"three\" => one",
            "deleteheader :index 1 \"X-Tag\"; deleteheader :index 2 \"X-Tag\" => two",
    })
    void deleteheaderRemovesTheOccurrencesItNames(String command, String left) throws Exception {
        SieveOutcome o = run("require [\"editheader\", \"regex\", \"relational\", \"fileinto\"];\n" + command + ";\n"
                + "if header :count \"eq\" \"X-Tag\" \"" + (left.isEmpty() ? 0 : left.split(",").length) + "\" "
                + "{ fileinto \"Counted\"; }");
        assertThat(o.fileInto()).as("the tests after it count what is left").containsExactly("Counted");
        String filed = filed(o.copies().get(0));
        StringBuilder tags = new StringBuilder();
        for (String line : filed.split("\r\n")) {
            if (line.startsWith("X-Tag: ")) {
                tags.append(tags.length() == 0 ? "" : ",").append(line.substring(7));
            }
        }
        assertThat(tags.toString()).isEqualTo(left);
        // everything else is as it came, octet for octet
        assertThat(filed.replaceAll("X-Tag: [a-z]+\r\n", ""))
                .isEqualTo(new String(CONTENT, StandardCharsets.UTF_8).replaceAll("X-Tag: [a-z]+\r\n", ""));
    }

    @Test
    void theOtherTestsReadTheEditedHeaderToo() throws Exception {
        SieveOutcome o = run("""
                require ["editheader", "fileinto", "date", "variables"];
                deleteheader "From";
                addheader "From" "Carol <carol@example.net>";
                addheader "Date" "Fri, 4 Dec 2026 08:00:00 +0000";
                if address :domain "from" "example.net" { fileinto "Address"; }
                if date :originalzone "date" "date" "2026-12-04" { fileinto "Date"; }
                if not address :domain "from" "example.org" { fileinto "NotBob"; }
                if header :matches "from" "*" { set "f" "${1}"; }
                if string "${f}" "Carol <carol@example.net>" { fileinto "Variable"; }
                """);
        assertThat(o.fileInto()).containsExactly("Address", "Date", "NotBob", "Variable");
    }

    @Test
    void protectedFieldsAreLeftAloneWithoutAnError() throws Exception {
        SieveOutcome o = run("""
                require ["editheader", "fileinto", "relational"];
                deleteheader "Received";
                deleteheader :index 1 "received";
                deleteheader "Auto-Submitted";
                addheader "Received" "from nowhere";
                addheader :last "Auto-Submitted" "auto-generated";
                if allof (header :count "eq" "received" "2", header :is "auto-submitted" "no",
                          header :count "eq" "auto-submitted" "1") { fileinto "Intact"; }
                """);
        assertThat(o.fileInto()).containsExactly("Intact");
        assertThat(o.copies().get(0).header()).as("nothing changed").isNull();
        assertThat(HeaderFields.PROTECTED).containsExactlyInAnyOrder("received", "auto-submitted");
    }

    @Test
    void aValueIsEncodedAndFoldedAsItMustBe() throws Exception {
        String long70 = "word ".repeat(40).strip();
        SieveOutcome o = run("require [\"editheader\", \"fileinto\"];\n"
                + "addheader \"X-Utf8\" \"Grüße aus Köln — ünïcödé all the way through to the end of a long line\";\n"
                + "addheader \"X-Long\" \"" + long70 + "\";\n"
                + "addheader \"X-Broken\" \"first\r\nBcc: victim@example.org\";\n"
                + "addheader \"X-Looks\" \"=?UTF-8?B?SGk=?=\";\n"
                + "if allof (header :is \"X-Utf8\" \"Grüße aus Köln — ünïcödé all the way through to the end of a long line\","
                + " header :is \"X-Long\" \"" + long70 + "\", header :is \"X-Broken\" \"first Bcc: victim@example.org\","
                + " not exists \"bcc\") { fileinto \"Read\"; }");
        assertThat(o.fileInto()).containsExactly("Read");
        String filed = filed(o.copies().get(0));
        String header = filed.substring(0, filed.indexOf("\r\n\r\n") + 2);
        for (String line : header.split("\r\n")) {
            if (MESSAGE.contains(line + "\r\n")) {
                continue;   // the message's own lines are as they came
            }
            assertThat(line.length()).as(line).isLessThanOrEqualTo(78);
            assertThat(line.chars().allMatch(c -> c < 0x80)).as(line).isTrue();
        }
        assertThat(header).contains("X-Utf8: =?UTF-8?B?").contains("X-Long: word word")
                .contains("X-Broken: first Bcc: victim@example.org\r\n").doesNotContain("\r\nBcc:")
                .contains("X-Looks: =?UTF-8?B?PT9VVEYtOD9CP1NHaz0/PQ==?=");
        // read back by a reader of its own, the values are the ones given
        FilteredMessage again = FilteredMessage.read(() -> new ByteArrayInputStream(filed.getBytes(StandardCharsets.UTF_8)),
                filed.length(), "", "anna@example.test");
        assertThat(again.first("x-utf8")).isEqualTo("Grüße aus Köln — ünïcödé all the way through to the end of a long line");
        assertThat(again.first("x-long")).isEqualTo(long70);
        assertThat(again.first("x-looks")).isEqualTo("=?UTF-8?B?SGk=?=");
    }

    @Test
    void anUnbrokenValueLongerThanALineIsEncodedToFitTheLineLimit() throws Exception {
        String token = "x".repeat(1500);
        SieveOutcome o = run("require \"editheader\";\naddheader \"X-Token\" \"" + token + "\";");
        String filed = filed(keep(o));
        for (String line : filed.split("\r\n")) {
            assertThat(line.length()).isLessThanOrEqualTo(998);
        }
        FilteredMessage again = FilteredMessage.read(() -> new ByteArrayInputStream(filed.getBytes(StandardCharsets.UTF_8)),
                filed.length(), "", "anna@example.test");
        assertThat(again.first("x-token")).isEqualTo(token);
    }

    @Test
    void eachActionTakesTheHeaderOfItsMoment() throws Exception {
        SieveOutcome o = run("""
                require ["editheader", "fileinto", "copy"];
                fileinto :copy "Early";
                addheader "X-Step" "1";
                fileinto "Middle";
                redirect "carol@example.net";
                addheader "X-Step" "2";
                keep;
                fileinto "Middle";
                """);
        assertThat(o.fileIntoFlags("Early")).isNotNull();
        SieveOutcome.Copy early = o.copies().stream().filter(c -> "Early".equals(c.mailbox())).findFirst().orElseThrow();
        SieveOutcome.Copy middle = o.copies().stream().filter(c -> "Middle".equals(c.mailbox())).findFirst().orElseThrow();
        assertThat(early.header()).isNull();
        assertThat(filed(middle)).startsWith("X-Step: 1\r\n" + TRACE);
        assertThat(filed(keep(o))).startsWith("X-Step: 2\r\nX-Step: 1\r\n" + TRACE);
        assertThat(o.editedRedirects()).containsOnlyKeys("carol@example.net");
        try (InputStream in = o.editedRedirects().get("carol@example.net").open(new ByteArrayInputStream(CONTENT), false)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).as("sent on without the trace fields")
                    .isEqualTo("X-Step: 1\r\n" + MESSAGE);
        }
    }

    @Test
    void theImplicitKeepTakesTheHeaderAsTheScriptLeftIt() throws Exception {
        SieveOutcome o = run("require \"editheader\";\naddheader \"X-A\" \"1\";\ndeleteheader \"X-Tag\";");
        assertThat(o.copies()).hasSize(1);
        assertThat(filed(keep(o))).startsWith("X-A: 1\r\n").doesNotContain("X-Tag");
    }

    @Test
    void aRunThatFailsKeepsTheMessageAsItCame() throws Exception {
        String script = "require [\"editheader\", \"variables\"];\nset \"name\" \"X Bad\";\n"
                + "addheader \"X-Fine\" \"1\";\naddheader \"${name}\" \"v\";";
        engine.check(script);
        SieveOutcome o = engine.run(script, message());
        assertThat(o.error()).contains("not a header field name");
        assertThat(keep(o).header()).isNull();

        StringBuilder many = new StringBuilder("require \"editheader\";\n");
        for (int i = 0; i <= SieveEngine.MAX_HEADER_EDITS; i++) {
            many.append("addheader \"X-N\" \"").append(i).append("\";\n");
        }
        engine.check(many.toString());
        SieveOutcome tooMany = engine.run(many.toString(), message());
        assertThat(tooMany.error()).contains("more than " + SieveEngine.MAX_HEADER_EDITS + " header edits");
        assertThat(keep(tooMany).header()).isNull();

        String control = "require [\"editheader\", \"variables\", \"encoded-character\"];\n"
                + "set \"v\" \"a${hex:07}b\";\naddheader \"X-V\" \"${v}\";";
        engine.check(control);
        assertThat(engine.run(control, message()).error()).contains("control character");
    }

    @Test
    void aMessageEndingInItsLastFieldOrWithAHeaderTooLargeToEdit() throws Exception {
        byte[] bare = "Subject: no line end".getBytes(StandardCharsets.UTF_8);
        FilteredMessage m = FilteredMessage.read(() -> new ByteArrayInputStream(bare), bare.length, "", "a@example.test");
        SieveOutcome o = engine.run("require \"editheader\";\naddheader :last \"X-L\" \"1\";", m);
        try (InputStream in = keep(o).header().open(new ByteArrayInputStream(bare), true)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("Subject: no line end\r\nX-L: 1\r\n");
        }

        byte[] huge = ("X-Big: " + "b".repeat(FilteredMessage.MAX_HEADER) + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.UTF_8);
        FilteredMessage big = FilteredMessage.read(() -> new ByteArrayInputStream(huge), huge.length, "", "a@example.test");
        SieveOutcome failed = engine.run("require \"editheader\";\naddheader \"X-L\" \"1\";", big);
        assertThat(failed.error()).contains("too large to edit");
        assertThat(keep(failed).header()).isNull();
    }

    @Test
    void whatTheCheckRefuses() {
        assertThatThrownBy(() -> engine.check("addheader \"X-A\" \"1\";"))
                .hasMessageContaining("needs require \"editheader\"");
        assertThatThrownBy(() -> engine.check("deleteheader \"X-A\";"))
                .hasMessageContaining("needs require \"editheader\"");
        assertThatThrownBy(() -> engine.check("require \"editheader\";\naddheader \"X A\" \"1\";"))
                .hasMessageContaining("is not a header field name")
                .satisfies(e -> assertThat(((SieveScriptException) e).line()).isEqualTo(2));
        assertThatThrownBy(() -> engine.check("require \"editheader\";\naddheader \"X-A:\" \"1\";"))
                .hasMessageContaining("is not a header field name");
        assertThatThrownBy(() -> engine.check("require \"editheader\";\ndeleteheader \"\";"))
                .hasMessageContaining("is not a header field name");
        assertThatThrownBy(() -> engine.check("require \"editheader\";\naddheader \"X-A\";"))
                .hasMessageContaining("takes 2 arguments");
        assertThatThrownBy(() -> engine.check("require \"editheader\";\naddheader [\"X-A\", \"X-B\"] \"1\";"))
                .hasMessageContaining("takes one string");
        assertThatThrownBy(() -> engine.check("require [\"editheader\", \"encoded-character\"];\n"
                + "addheader \"X-A\" \"a${hex:00}b\";")).hasMessageContaining("control character");
        assertThatThrownBy(() -> engine.check("require \"editheader\";\naddheader \"X-A\" \""
                + "v".repeat(HeaderFields.MAX_VALUE + 1) + "\";")).hasMessageContaining("longer than 2048 octets");
        assertThatThrownBy(() -> engine.check("require \"editheader\";\ndeleteheader :last \"X-A\";"))
                .hasMessageContaining(":last needs :index");
        assertThatThrownBy(() -> engine.check("require \"editheader\";\ndeleteheader :index 0 \"X-A\";"))
                .hasMessageContaining("from 1");
        assertThatThrownBy(() -> engine.check("require [\"editheader\", \"relational\"];\n"
                + "deleteheader :count \"eq\" \"X-A\" \"1\";")).hasMessageContaining(":count");
        assertThatThrownBy(() -> engine.check("require \"editheader\";\ndeleteheader :is :contains \"X-A\" \"1\";"))
                .hasMessageContaining("conflicting");
        assertThatThrownBy(() -> engine.check("require \"editheader\";\naddheader :index 1 \"X-A\" \"1\";"))
                .hasMessageContaining("does not take the tag :index");
        assertThat(engine.extensions()).contains("editheader");
    }
}
