package dev.tern.imap.protocol;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SearchProgramTest {

    /** A message of the test mailbox, backed by its bytes and structure. */
    private record Message(long sequenceNumber, long uid, Set<String> flags, Instant internalDate, long modSeq,
                           byte[] bytes, MessageStructure structure, int[] bodyReads) implements MessageView {

        static Message of(long seq, long uid, Set<String> flags, String date, long modSeq, String resource) {
            byte[] bytes = MessageStructureTest.resource("messages/" + resource + ".eml");
            return new Message(seq, uid, flags, Instant.parse(date), modSeq, bytes,
                    MessageStructure.parse(new ByteArrayInputStream(bytes)), new int[1]);
        }

        public LocalDate internalDateLocal() {
            return internalDate.atZone(ZoneOffset.UTC).toLocalDate();
        }

        public long size() {
            return bytes.length;
        }

        public String emailId() {
            return "M" + uid;
        }

        public List<String> headerValues(String field) {
            String header = new String(bytes, 0, (int) structure.root().bodyStart(), StandardCharsets.UTF_8);
            List<String> values = new ArrayList<>();
            for (String line : header.replaceAll("\r\n[ \t]", " ").split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(field)) {
                    values.add(line.substring(colon + 1).strip());
                }
            }
            return values;
        }

        public String headerText() {
            return SearchText.header(bytes, structure);
        }

        public String bodyText() {
            bodyReads[0]++;
            return SearchText.body(bytes, structure);
        }
    }

    private final List<Message> mailbox = List.of(
            Message.of(1, 10, Set.of("\\Seen"), "1996-07-17T09:30:00Z", 5, "plain"),
            Message.of(2, 11, Set.of("\\Flagged", "$Work"), "2022-03-01T10:00:00Z", 7, "encoded-headers"),
            Message.of(3, 15, Set.of(), "2022-03-02T10:00:00Z", 9, "alternative"),
            Message.of(4, 20, Set.of("\\Seen", "\\Recent"), "2022-03-03T23:59:59Z", 12, "mixed-attachment"),
            Message.of(5, 21, Set.of("\\Deleted"), "2022-03-04T00:00:00Z", 3, "rfc822-attachment"));

    private List<Long> search(String criteria) {
        return search(criteria, Set.of());
    }

    private List<Long> search(String criteria, Set<Long> saved) {
        ImapRequest r = CommandParser.parse(("a SEARCH " + criteria).getBytes(StandardCharsets.UTF_8));
        assertThat(r.isValid()).as(criteria + ": " + r.command()).isTrue();
        SearchProgram program = SearchProgram.compile(((ImapCommand.Search) r.command()).criteria());
        SearchProgram.Context context = new SearchProgram.Context(5, 21, saved, Instant.parse("2022-03-05T00:00:00Z"));
        return mailbox.stream().filter(program.matcher(context)).map(Message::sequenceNumber).toList();
    }

    @Test
    void flagsNumbersAndSizes() {
        assertThat(search("ALL")).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(search("SEEN")).containsExactly(1L, 4L);
        assertThat(search("UNSEEN UNDELETED")).containsExactly(2L, 3L);
        assertThat(search("NEW")).isEmpty();
        assertThat(search("OLD")).containsExactly(1L, 2L, 3L, 5L);
        assertThat(search("KEYWORD $work")).containsExactly(2L);
        assertThat(search("2:3,*")).containsExactly(2L, 3L, 5L);
        assertThat(search("UID 15:*")).containsExactly(3L, 4L, 5L);
        assertThat(search("UID $", Set.of(11L, 21L))).containsExactly(2L, 5L);
        assertThat(search("$", Set.of(10L))).containsExactly(1L);
        assertThat(search("LARGER 500 SMALLER 700")).containsExactly(2L, 5L);
        assertThat(search("MODSEQ 8")).containsExactly(3L, 4L);
    }

    @Test
    void datesIgnoreTimeOfDay() {
        assertThat(search("ON 3-Mar-2022")).containsExactly(4L);
        assertThat(search("SINCE 3-Mar-2022")).containsExactly(4L, 5L);
        assertThat(search("BEFORE 2-Mar-2022")).containsExactly(1L, 2L);
        assertThat(search("SENTON 17-Jul-1996")).containsExactly(1L);
        assertThat(search("SENTBEFORE 1-Jan-2000")).containsExactly(1L, 2L);
        assertThat(search("SENTSINCE 1-Mar-2022")).containsExactly(3L, 4L, 5L);
        assertThat(search("YOUNGER 86401")).containsExactly(5L);
        assertThat(search("OLDER 86401")).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void headersAreDecodedAndCaseInsensitive() {
        assertThat(search("FROM \"foobär\"")).containsExactly(2L);
        assertThat(search("SUBJECT \"café\"")).containsExactly(2L);
        assertThat(search("FROM ALICE")).containsExactly(3L, 4L, 5L);
        assertThat(search("TO bob CC klensin")).isEmpty();
        assertThat(search("OR TO bob CC klensin")).containsExactly(1L, 3L, 4L, 5L);
        assertThat(search("HEADER Message-ID \"\"")).containsExactly(1L, 2L, 3L);
        assertThat(search("HEADER In-Reply-To older")).containsExactly(2L);
        assertThat(search("BCC dave")).containsExactly(2L);
        assertThat(search("NOT (FROM alice OR SEEN FLAGGED)")).containsExactly(1L, 2L, 3L, 5L);
    }

    @Test
    void bodyTextIsTransferDecodedAndOnlyReadWhenNeeded() {
        assertThat(search("BODY \"café at four\"")).containsExactly(2L);
        assertThat(search("BODY \"see you there\"")).containsExactly(2L);
        assertThat(search("BODY \"hello ✓\"")).containsExactly(3L);
        assertThat(search("BODY html")).containsExactly(3L);
        assertThat(search("BODY noon")).containsExactly(5L);
        assertThat(search("BODY JVBERi0")).isEmpty();
        assertThat(search("TEXT lunch")).containsExactly(5L);
        assertThat(search("TEXT \"WG mtg\"")).containsExactly(1L);
        mailbox.forEach(m -> m.bodyReads()[0] = 0);
        assertThat(search("BODY report FLAGGED")).isEmpty();
        assertThat(mailbox.get(1).bodyReads()[0]).isEqualTo(1);
        assertThat(mailbox.stream().filter(m -> m != mailbox.get(1)).mapToInt(m -> m.bodyReads()[0]).sum()).isZero();
    }

    @Test
    void aProgramTellsWhetherItMatchesOnlyUnseenMessages() {
        for (String yes : new String[]{"UNSEEN", "NOT SEEN", "FLAGGED UNSEEN", "(UNSEEN LARGER 10)", "NEW"}) {
            assertThat(compiled(yes).matchesOnlyUnseen()).as(yes).isTrue();
        }
        for (String no : new String[]{"SEEN", "NOT UNSEEN", "OR UNSEEN FLAGGED", "ALL", "KEYWORD Seen", "OLD"}) {
            assertThat(compiled(no).matchesOnlyUnseen()).as(no).isFalse();
        }
    }

    private static SearchProgram compiled(String criteria) {
        ImapRequest r = CommandParser.parse(("a SEARCH " + criteria).getBytes(StandardCharsets.UTF_8));
        assertThat(r.isValid()).as(criteria).isTrue();
        return SearchProgram.compile(((ImapCommand.Search) r.command()).criteria());
    }
}
