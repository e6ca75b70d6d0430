package dev.tern.imap.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class CommandParserTest {

    private static ImapRequest request(String command) {
        return CommandParser.parse(command.getBytes(StandardCharsets.UTF_8));
    }

    private static ImapCommand parse(String command) {
        ImapRequest r = request(command);
        assertThat(r.command()).as(command).isNotInstanceOf(ImapCommand.Invalid.class);
        return r.command();
    }

    private static String bad(String command) {
        ImapRequest r = request(command);
        assertThat(r.command()).as(command).isInstanceOf(ImapCommand.Invalid.class);
        return ((ImapCommand.Invalid) r.command()).message();
    }

    /** Every command example of RFC 3501 §6 and RFC 9051 §6 (literals written inline). */
    @ParameterizedTest
    @ValueSource(strings = {
            "abcd CAPABILITY", "a002 NOOP", "a047 NOOP", "A023 LOGOUT", "a001 STARTTLS",
            "A001 AUTHENTICATE GSSAPI", "A001 AUTHENTICATE PLAIN dGVzdAB0ZXN0AHRlc3Q=",
            "a001 LOGIN SMITH SESAME", "A001 LOGIN {11+}\r\nFRED FOOBAR {7+}\r\nfat man",
            "A142 SELECT INBOX", "A932 EXAMINE blurdybloop", "A003 CREATE owatagusiam/", "A004 CREATE owatagusiam/blurdybloop",
            "A683 DELETE blurdybloop", "A684 CREATE foo/bar", "A685 DELETE foo", "A686 LIST \"\" *",
            "A687 DELETE foo/bar", "A82 LIST \"\" *", "A683 RENAME blurdybloop sarasoop", "A684 RENAME foo zowie",
            "A002 SUBSCRIBE #news.comp.mail.mime", "A002 UNSUBSCRIBE #news.comp.mail.mime",
            "A101 LIST \"\" \"\"", "A102 LIST #news.comp.mail.misc \"\"", "A103 LIST /usr/staff/jones \"\"",
            "A202 LIST ~/Mail/ %", "A002 LSUB \"#news.\" \"comp.mail.*\"", "A003 LSUB \"#news.\" \"comp.%\"",
            "A042 STATUS blurdybloop (UIDNEXT MESSAGES)",
            "A003 APPEND saved-messages (\\Seen) ",
            "A003 APPEND saved-messages (\\Seen) \"17-Jul-1996 02:44:25 -0700\" ",
            "FXXZ CHECK", "A341 CLOSE", "A202 EXPUNGE", "A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"",
            "A283 SEARCH TEXT \"string not in mailbox\"", "A284 SEARCH CHARSET UTF-8 TEXT {6}\r\nXXXXXX",
            "A285 SEARCH RETURN (MIN MAX) FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"",
            "A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])", "A003 STORE 2:4 +FLAGS (\\Deleted)",
            "A003 COPY 2:4 MEETING", "a UID MOVE 42:69 foo", "A999 UID FETCH 4827313:4828442 FLAGS",
            "A003 UID STORE 4827313:4828442 +FLAGS (\\Deleted)", "A004 UID EXPUNGE 3000:3002",
            "a002 ENABLE UTF8=ACCEPT", "t1 ID (\"name\" \"sodr\" \"version\" \"19.34\")", "A001 NAMESPACE",
            "A342 UNSELECT", "A001 IDLE", "A01 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" % RETURN (CHILDREN)",
            "A02 LIST \"\" (INBOX Drafts) RETURN (STATUS (MESSAGES UNSEEN) SPECIAL-USE SUBSCRIBED)",
            "A142 SELECT INBOX (CONDSTORE)", "A03 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345 VANISHED)",
            "A04 STORE 1:3 (UNCHANGEDSINCE 320162338) +FLAGS.SILENT (\\Deleted)",
            "A05 SEARCH MODSEQ \"/flags/\\\\draft\" all 620162338", "A06 SORT (REVERSE ARRIVAL) UTF-8 ALL",
            "A07 UID SEARCH RETURN (SAVE) SINCE 1-Jan-2004", "A08 UID COPY $ Other", "A09 FETCH $ (UID)",
            "A10 FETCH 1 (BINARY.PEEK[1]<0.100> BINARY.SIZE[1] BINARY[])", "A11 STATUS INBOX (SIZE DELETED HIGHESTMODSEQ)",
            "A12 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))",
    })
    void rfcExamplesParse(String command) {
        parse(command);
    }

    @Test
    void simpleCommands() {
        assertThat(request("abcd capability")).isEqualTo(new ImapRequest("abcd", new ImapCommand.Capability()));
        assertThat(parse("a IDLE")).isEqualTo(new ImapCommand.Idle());
        assertThat(CommandParser.isDone("done".getBytes(StandardCharsets.US_ASCII))).isTrue();
        assertThat(parse("a EXPUNGE")).isEqualTo(new ImapCommand.Expunge(null));
        assertThat(parse("a UID EXPUNGE 3000:3002")).isEqualTo(new ImapCommand.Expunge(SequenceSet.parse("3000:3002")));
    }

    @Test
    void loginWithLiteralsAndSecretsHidden() {
        ImapCommand c = parse("A001 LOGIN {11+}\r\nFRED FOOBAR {7}\r\nfat man");
        assertThat(c).isEqualTo(new ImapCommand.Login("FRED FOOBAR", "fat man"));
        assertThat(c.toString()).doesNotContain("fat man");
        assertThat(parse("a AUTHENTICATE plain =")).isEqualTo(new ImapCommand.Authenticate("PLAIN", "="));
        assertThat(parse("a AUTHENTICATE PLAIN AHNlY3JldA==").toString()).doesNotContain("AHNlY3JldA");
    }

    @Test
    void mailboxNames() {
        assertThat(parse("a SELECT inbox")).isEqualTo(new ImapCommand.Select("INBOX", false, false, null));
        assertThat(parse("a EXAMINE \"~peter/mail/&U,BTFw-/&ZeVnLIqe-\" (CONDSTORE)"))
                .isEqualTo(new ImapCommand.Select("~peter/mail/\u53f0\u5317/\u65e5\u672c\u8a9e", true, true, null));
        assertThat(bad("a SELECT &Jjo")).contains("modified UTF-7");
        assertThat(((ImapCommand.Invalid) request("a SELECT &Jjo").command()).refused()).as("answered NO").isTrue();
        assertThat(((ImapCommand.Invalid) request("a SELECT").command()).refused()).as("answered BAD").isFalse();
        assertThat(bad("a SELECT \"Gr\u00fc\u00dfe\"")).contains("8-bit");
        ImapRequest utf8 = new CommandParser(true).parseCommand("a SELECT \"Gr\u00fc\u00dfe/&U,BTFw-\"".getBytes(StandardCharsets.UTF_8));
        assertThat(utf8.command()).isEqualTo(new ImapCommand.Select("Gr\u00fc\u00dfe/&U,BTFw-", false, false, null));
        assertThat(parse("a RENAME \"a b\" {3}\r\nc d")).isEqualTo(new ImapCommand.Rename("a b", "c d"));
        assertThat(parse("a CREATE Sent (USE (\\Sent))")).isEqualTo(new ImapCommand.Create("Sent", List.of("\\Sent")));
    }

    @Test
    void listExtended() {
        ImapCommand.ListMailboxes l = (ImapCommand.ListMailboxes) parse(
                "A02 LIST (SUBSCRIBED) \"\" (INBOX \"Sent Items\" %) RETURN (STATUS (MESSAGES UNSEEN) SPECIAL-USE CHILDREN)");
        assertThat(l.selection()).containsExactly(ImapCommand.ListSelection.SUBSCRIBED);
        assertThat(l.patterns()).containsExactly("INBOX", "Sent Items", "%");
        assertThat(l.returnStatus()).containsExactlyInAnyOrder(ImapCommand.StatusItem.MESSAGES, ImapCommand.StatusItem.UNSEEN);
        assertThat(l.returnSpecialUse()).isTrue();
        assertThat(l.returnChildren()).isTrue();
        assertThat(l.extended()).isTrue();
        ImapCommand.ListMailboxes plain = (ImapCommand.ListMailboxes) parse("a LIST \"\" *");
        assertThat(plain.extended()).isFalse();
        assertThat(plain.reference()).isEmpty();
        assertThat(bad("a LIST (RECURSIVEMATCH) \"\" *")).contains("RECURSIVEMATCH");
    }

    @Test
    void statusAndEnableAndId() {
        assertThat(parse("A042 STATUS blurdybloop (UIDNEXT MESSAGES)")).isEqualTo(new ImapCommand.Status("blurdybloop",
                List.of(ImapCommand.StatusItem.UIDNEXT, ImapCommand.StatusItem.MESSAGES)));
        assertThat(bad("a STATUS x (BOGUS)")).contains("BOGUS");
        assertThat(parse("a ENABLE condstore qresync")).isEqualTo(new ImapCommand.Enable(List.of("CONDSTORE", "QRESYNC")));
        assertThat(parse("a ID NIL")).isEqualTo(new ImapCommand.Id(null));
        Map<String, String> fields = ((ImapCommand.Id) parse("a ID (\"name\" \"x\" \"os\" NIL)")).fields();
        assertThat(fields).hasSize(2).containsEntry("name", "x").containsKey("os");
        assertThat(fields.get("os")).isNull();
    }

    @Test
    void appendHeads() {
        // What precedes each message literal: the literal itself is streamed, never parsed.
        ImapCommand.Append a = (ImapCommand.Append) parse(
                "A003 APPEND saved-messages (\\Seen $Work) \" 7-Feb-1994 21:52:25 -0800\" ");
        assertThat(a.mailbox()).isEqualTo("saved-messages");
        assertThat(a.first().flags()).containsExactly("\\Seen", "$Work");
        assertThat(a.first().internalDate())
                .isEqualTo(OffsetDateTime.of(1994, 2, 7, 21, 52, 25, 0, ZoneOffset.ofHours(-8)));
        assertThat(((ImapCommand.Append) parse("a APPEND {5}\r\nDraft ")).mailbox()).isEqualTo("Draft");
        CommandParser parser = new CommandParser(false);
        ImapCommand.AppendMessage next = (ImapCommand.AppendMessage) nextMessage(parser, " (\\Flagged) ", false);
        assertThat(next.flags()).containsExactly("\\Flagged");
        assertThat(next.internalDate()).isNull();
        assertThat(nextMessage(parser, " ", false))
                .isEqualTo(new ImapCommand.AppendMessage(List.of(), null, false));
        assertThat(nextMessage(parser, " junk ", false)).isInstanceOf(ImapCommand.Invalid.class);
        assertThat(bad("a APPEND x \"31-Feb-1994 00:00:00 +0000\" ")).contains("date-time");
        assertThat(bad("a APPEND x hello ")).contains("message literal");
    }

    @Test
    void catenateSegments() {
        // RFC 4469: TEXT literals are streamed like messages, so a stretch ends at "TEXT "; URL
        // parts and the ")" of a CATENATE message are read from the text.
        ImapCommand.Append a = (ImapCommand.Append) parse("a APPEND Drafts (\\Seen) CATENATE (URL \"/INBOX/;UID=1\" TEXT ");
        assertThat(a.mailbox()).isEqualTo("Drafts");
        assertThat(a.segment()).isEqualTo(new ImapCommand.AppendSegment(List.of(
                new AppendItem.Message(new ImapCommand.AppendMessage(List.of("\\Seen"), null, false, true)),
                new AppendItem.Url("/INBOX/;UID=1")), ImapCommand.AppendSegment.Next.TEXT));
        assertThat(a.segment().afterLiteral()).isEqualTo(ImapCommand.AppendSegment.Position.IN_CATENATE);
        // A whole command of URL parts: nothing follows.
        ImapCommand.Append whole = (ImapCommand.Append) parse("a APPEND x CATENATE (URL {3}\r\n/a; URL \"/b\")");
        assertThat(whole.segment().items()).containsExactly(
                new AppendItem.Message(new ImapCommand.AppendMessage(List.of(), null, false, true)),
                new AppendItem.Url("/a;"), new AppendItem.Url("/b"), new AppendItem.End());
        assertThat(whole.segment().next()).isEqualTo(ImapCommand.AppendSegment.Next.END);

        CommandParser parser = new CommandParser(false);
        // After a TEXT literal: more parts, the end of the message, then a plain message of a MULTIAPPEND.
        assertThat(parser.parseAppendSegment(" URL \"/u\") (\\Flagged) ".getBytes(StandardCharsets.US_ASCII),
                ImapCommand.AppendSegment.Position.IN_CATENATE)).isEqualTo(new ImapCommand.AppendSegment(List.of(
                        new AppendItem.Url("/u"), new AppendItem.End(),
                        new AppendItem.Message(new ImapCommand.AppendMessage(List.of("\\Flagged"), null, false))),
                ImapCommand.AppendSegment.Next.MESSAGE));
        assertThat(parser.parseAppendSegment(")".getBytes(StandardCharsets.US_ASCII),
                ImapCommand.AppendSegment.Position.IN_CATENATE)).isEqualTo(new ImapCommand.AppendSegment(
                List.of(new AppendItem.End()), ImapCommand.AppendSegment.Next.END));
        // After a plain message, a CATENATE one.
        assertThat(((ImapCommand.AppendSegment) parser.parseAppendSegment(" CATENATE (TEXT ".getBytes(StandardCharsets.US_ASCII),
                ImapCommand.AppendSegment.Position.AFTER_MESSAGE)).next()).isEqualTo(ImapCommand.AppendSegment.Next.TEXT);

        assertThat(bad("a APPEND x CATENATE ()")).contains("TEXT or URL");
        assertThat(bad("a APPEND x CATENATE (FOO \"x\")")).contains("TEXT or URL");
        assertThat(bad("a APPEND x CATENATE URL \"x\"")).contains("'('");
        assertThat(bad("a APPEND x CATENATE (URL \"x\"")).contains("')'");
        assertThat(bad("a APPEND x CATENATE (TEXT \"x\")")).contains("literal after TEXT");
        for (String tail : List.of("", " junk", "URL \"x\")", " TEXT)")) {
            assertThat(parser.parseAppendSegment(tail.getBytes(StandardCharsets.US_ASCII),
                    ImapCommand.AppendSegment.Position.IN_CATENATE)).as(tail).isInstanceOf(ImapCommand.Invalid.class);
        }
    }

    @Test
    void appendUtf8MessagesAfterEnableOnly() {
        // RFC 6855 §4: "UTF8" SP "(" literal8 ")"; the head ends at the "(", the ")" follows the literal.
        CommandParser utf8 = new CommandParser(true);
        ImapCommand.Append a = (ImapCommand.Append) utf8.parseCommand(
                "a APPEND INBOX (\\Seen) \" 7-Feb-1994 21:52:25 -0800\" UTF8 (".getBytes(StandardCharsets.US_ASCII)).command();
        assertThat(a.first()).isEqualTo(new ImapCommand.AppendMessage(List.of("\\Seen"),
                OffsetDateTime.of(1994, 2, 7, 21, 52, 25, 0, ZoneOffset.ofHours(-8)), true));
        assertThat(((ImapCommand.Append) utf8.parseCommand("a APPEND INBOX utf8 (".getBytes(StandardCharsets.US_ASCII))
                .command()).first().utf8()).isTrue();
        assertThat(bad("a APPEND INBOX UTF8 (")).contains("ENABLE UTF8=ACCEPT");
        assertThat(((ImapCommand.Invalid) utf8.parseCommand("a APPEND INBOX UTF8 ".getBytes(StandardCharsets.US_ASCII))
                .command()).message()).contains("'('");

        // The next message of a MULTIAPPEND, and the end of the command, start with the ")".
        assertThat(nextMessage(utf8, ") UTF8 (", true))
                .isEqualTo(new ImapCommand.AppendMessage(List.of(), null, true));
        assertThat(nextMessage(utf8, ") (\\Flagged) ", true))
                .isEqualTo(new ImapCommand.AppendMessage(List.of("\\Flagged"), null, false));
        assertThat(nextMessage(utf8, " UTF8 (", true))
                .isInstanceOf(ImapCommand.Invalid.class);
        assertThat(endProblem(utf8, "", false)).isNull();
        assertThat(endProblem(utf8, ")", true)).isNull();
        assertThat(endProblem(utf8, "", true)).contains("')'");
        assertThat(endProblem(utf8, ")", false)).isNotNull();
        assertThat(endProblem(utf8, ") x", true)).isNotNull();
    }

    @Test
    void search() {
        ImapCommand.Search s = (ImapCommand.Search) parse("A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"");
        assertThat(s.criteria()).isEqualTo(new SearchKey.And(List.of(
                new SearchKey.Flag("\\Flagged", true),
                new SearchKey.Date(SearchKey.DateField.INTERNAL, SearchKey.DateComparison.SINCE, LocalDate.of(1994, 2, 1)),
                new SearchKey.Not(new SearchKey.Header("From", "Smith")))));
        assertThat(s.extended()).isFalse();
        ImapCommand.Search nested = (ImapCommand.Search) parse(
                "a UID SEARCH OR (UNSEEN LARGER 100) NOT (HEADER X-Spam \"\" 1:5,*) UID $ KEYWORD $Junk SENTBEFORE \"1-Jan-2020\"");
        assertThat(nested.uid()).isTrue();
        assertThat(nested.criteria()).isEqualTo(new SearchKey.And(List.of(
                new SearchKey.Or(new SearchKey.And(List.of(new SearchKey.Flag("\\Seen", false), new SearchKey.Size(true, 100))),
                        new SearchKey.Not(new SearchKey.And(List.of(new SearchKey.Header("X-Spam", ""),
                                new SearchKey.Sequence(SequenceSet.parse("1:5,*")))))),
                new SearchKey.Uid(SequenceSet.SAVED),
                new SearchKey.Flag("$Junk", true),
                new SearchKey.Date(SearchKey.DateField.SENT, SearchKey.DateComparison.BEFORE, LocalDate.of(2020, 1, 1)))));
        ImapCommand.Search esearch = (ImapCommand.Search) parse("a SEARCH RETURN () CHARSET iso-8859-1 BODY {4}\r\ncafe");
        assertThat(esearch.returnOptions()).containsExactly(ImapCommand.SearchReturn.ALL);
        assertThat(esearch.charset()).isEqualTo("ISO-8859-1");
        ImapRequest latin1 = CommandParser.parse(concat("a SEARCH CHARSET ISO-8859-1 SUBJECT {4}\r\ncaf", new byte[]{(byte) 0xe9}));
        assertThat(((ImapCommand.Search) latin1.command()).criteria()).isEqualTo(new SearchKey.Header("Subject", "caf\u00e9"));
        // A charset Java does not know is still valid syntax: the server refuses it with NO [BADCHARSET].
        ImapRequest unknown = CommandParser.parse(concat("a SEARCH CHARSET X-NOPE SUBJECT {4}\r\ncaf", new byte[]{(byte) 0xe9}));
        assertThat(((ImapCommand.Search) unknown.command()).charset()).isEqualTo("X-NOPE");
        assertThat(((ImapCommand.Sort) parse("a SORT (DATE) x-nope ALL")).charset()).isEqualTo("X-NOPE");
        assertThat(((ImapCommand.Thread) parse("a THREAD REFERENCES X-NOPE ALL")).charset()).isEqualTo("X-NOPE");
        assertThat(bad("a SEARCH")).isNotEmpty();
        assertThat(bad("a SEARCH FOO")).contains("FOO");
        assertThat(bad("a SEARCH SINCE 32-Jan-2000")).contains("date");
        assertThat(bad("a SEARCH (ALL")).isNotEmpty();
        assertThat(bad("a SEARCH " + "NOT ".repeat(100) + "ALL")).contains("deeply");
        assertThat(((ImapCommand.Search) parse("a SEARCH NEW OLD")).criteria()).isEqualTo(new SearchKey.And(List.of(
                new SearchKey.And(List.of(new SearchKey.Flag("\\Recent", true), new SearchKey.Flag("\\Seen", false))),
                new SearchKey.Flag("\\Recent", false))));
        assertThat(((ImapCommand.Search) parse("a SEARCH MODSEQ 5 YOUNGER 60")).criteria()).isEqualTo(new SearchKey.And(List.of(
                new SearchKey.ModSeq(5, null, null), new SearchKey.Age(false, 60))));
    }

    @Test
    void sort() {
        ImapCommand.Sort s = (ImapCommand.Sort) parse("a UID SORT RETURN (COUNT) (REVERSE DATE SUBJECT) UTF-8 SEEN");
        assertThat(s.order()).containsExactly(new ImapCommand.SortCriterion(ImapCommand.SortKey.DATE, true),
                new ImapCommand.SortCriterion(ImapCommand.SortKey.SUBJECT, false));
        assertThat(s.returnOptions()).containsExactly(ImapCommand.SearchReturn.COUNT);
        assertThat(bad("a SORT () UTF-8 ALL")).contains("sort key");
    }

    @Test
    void fetch() {
        assertThat(((ImapCommand.Fetch) parse("a FETCH 1:* ALL")).items()).containsExactly(FetchItem.Attribute.FLAGS,
                FetchItem.Attribute.INTERNALDATE, FetchItem.Attribute.RFC822_SIZE, FetchItem.Attribute.ENVELOPE);
        assertThat(((ImapCommand.Fetch) parse("a FETCH 1 fast")).items()).hasSize(3);
        assertThat(((ImapCommand.Fetch) parse("a FETCH 1 FULL")).items()).endsWith(FetchItem.Attribute.BODY);
        ImapCommand.Fetch f = (ImapCommand.Fetch) parse(
                "a UID FETCH 1:5,7 (BODY.PEEK[1.2.HEADER.FIELDS.NOT (Received \"X-Spam\")]<0.2048> BODY[] RFC822.HEADER "
                        + "BODY[2.MIME] BODY[3.TEXT] BODY[4] BODYSTRUCTURE MODSEQ) (CHANGEDSINCE 7)");
        assertThat(f.uid()).isTrue();
        assertThat(f.changedSince()).isEqualTo(7);
        assertThat(f.items()).containsExactly(FetchItem.Attribute.UID,
                new FetchItem.BodySection(new Section(List.of(1, 2), Section.Text.HEADER_FIELDS_NOT, List.of("Received", "X-Spam")),
                        new FetchItem.Partial(0, 2048), true),
                new FetchItem.BodySection(Section.WHOLE, null, false),
                FetchItem.Attribute.RFC822_HEADER,
                new FetchItem.BodySection(Section.of(Section.Text.MIME, 2), null, false),
                new FetchItem.BodySection(Section.of(Section.Text.TEXT, 3), null, false),
                new FetchItem.BodySection(Section.of(Section.Text.ALL, 4), null, false),
                FetchItem.Attribute.BODYSTRUCTURE, FetchItem.Attribute.MODSEQ);
        FetchItem.BodySection first = (FetchItem.BodySection) f.items().get(1);
        assertThat(first.responseName()).isEqualTo("BODY[1.2.HEADER.FIELDS.NOT (RECEIVED X-SPAM)]<0>");
        assertThat(bad("a FETCH 1 (BODY[MIME])")).contains("MIME");
        assertThat(bad("a FETCH 1 (BODY[0])")).contains("part number");
        assertThat(bad("a FETCH 1 (BODY[1]<5.0>)")).contains("zero");
        assertThat(bad("a FETCH 1 (ALL FLAGS)")).contains("Macro");
        assertThat(bad("a FETCH 0 FLAGS")).contains("sequence");
        assertThat(bad("a FETCH 1 FLAGS (VANISHED)")).contains("VANISHED");
        assertThat(bad("a FETCH 1 (FLAGS")).isNotEmpty();
    }

    @Test
    void store() {
        assertThat(parse("a STORE 2:4 +FLAGS (\\Deleted)")).isEqualTo(new ImapCommand.Store(false, SequenceSet.parse("2:4"),
                ImapCommand.StoreMode.ADD, false, List.of("\\Deleted"), -1));
        assertThat(parse("a UID STORE 1 (UNCHANGEDSINCE 9) -FLAGS.SILENT \\Seen $Forwarded")).isEqualTo(
                new ImapCommand.Store(true, SequenceSet.parse("1"), ImapCommand.StoreMode.REMOVE, true,
                        List.of("\\Seen", "$Forwarded"), 9));
        assertThat(parse("a STORE 1 FLAGS ()")).isEqualTo(new ImapCommand.Store(false, SequenceSet.parse("1"),
                ImapCommand.StoreMode.REPLACE, false, List.of(), -1));
        assertThat(bad("a STORE 1 +LABELS (x)")).contains("FLAGS");
    }

    @Test
    void malformedCommands() {
        assertThat(request("").tag()).isNull();
        assertThat(request("+tag NOOP").tag()).isNull();
        assertThat(request("a1").command()).isInstanceOf(ImapCommand.Invalid.class);
        assertThat(bad("a1 FROBNICATE")).isEqualTo("Unknown command FROBNICATE");
        assertThat(bad("a1 NOOP extra")).contains("Unexpected");
        assertThat(bad("a1 LOGIN user")).contains("space");
        assertThat(bad("a1 LOGIN \"unterminated")).contains("Unterminated");
        assertThat(bad("a1 UID BOGUS")).contains("UID BOGUS");
        assertThat(bad("a1 SELECT")).isNotEmpty();
        assertThat(bad("a1 SELECT INBOX (FOO)")).contains("FOO");
        assertThat(bad("a1 COPY 1:x A")).isNotEmpty();
        assertThat(bad("a1 AUTHENTICATE PLAIN ***")).isNotEmpty();
        assertThat(request("a1 SELECT x\u0001").tag()).isEqualTo("a1");
        assertThat(bad("a1 FROB" + "\u0000".repeat(3))).doesNotContain("\u0000");
    }

    private static byte[] concat(String s, byte[] tail) {
        byte[] head = s.getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[head.length + tail.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(tail, 0, out, head.length, tail.length);
        return out;
    }

    @Test
    void setsAndReturnOptions() {
        ImapCommand.Search s = (ImapCommand.Search) parse("a SEARCH RETURN (MIN MAX COUNT SAVE) 1:*");
        assertThat(s.returnOptions()).isEqualTo(Set.of(ImapCommand.SearchReturn.MIN, ImapCommand.SearchReturn.MAX,
                ImapCommand.SearchReturn.COUNT, ImapCommand.SearchReturn.SAVE));
        assertThat(s.extended()).isTrue();
    }

    /**
     * The head of the one plain message a stretch of MULTIAPPEND text announces (the text after a
     * message's literal up to the next one's), or the refusal of the stretch.
     */
    static ImapCommand nextMessage(CommandParser parser, String text, boolean afterUtf8) {
        ImapCommand parsed = parser.parseAppendSegment(text.getBytes(StandardCharsets.US_ASCII), afterUtf8
                ? ImapCommand.AppendSegment.Position.AFTER_UTF8 : ImapCommand.AppendSegment.Position.AFTER_MESSAGE);
        if (parsed instanceof ImapCommand.AppendSegment segment) {
            assertThat(segment.next()).as(text).isEqualTo(ImapCommand.AppendSegment.Next.MESSAGE);
            assertThat(segment.items()).as(text).hasSize(1);
            return ((AppendItem.Message) segment.items().get(0)).head();
        }
        return parsed;
    }

    /** Null when the text after an APPEND's last literal ends the command, else the refusal's words. */
    static String endProblem(CommandParser parser, String tail, boolean afterUtf8) {
        ImapCommand parsed = parser.parseAppendSegment(tail.getBytes(StandardCharsets.US_ASCII), afterUtf8
                ? ImapCommand.AppendSegment.Position.AFTER_UTF8 : ImapCommand.AppendSegment.Position.AFTER_MESSAGE);
        if (parsed instanceof ImapCommand.Invalid invalid) {
            return invalid.message();
        }
        ImapCommand.AppendSegment segment = (ImapCommand.AppendSegment) parsed;
        return segment.next() == ImapCommand.AppendSegment.Next.END ? null : "another message follows";
    }
}
