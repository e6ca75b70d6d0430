package dev.tern.imap.protocol;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ResponseWriterTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ResponseWriter w = new ResponseWriter(out);

    private String written() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void statusResponsesWithCodes() {
        w.status(null, "OK", ResponseCode.uidValidity(3857529045L), "UIDs valid");
        w.status(null, "OK", ResponseCode.permanentFlags(List.of("\\Deleted", "\\Seen", "\\*")), "Limited");
        w.status("A003", "OK", ResponseCode.appendUid(38505, SequenceSet.parse("3955")), "APPEND completed");
        w.status("A004", "OK", ResponseCode.copyUid(38505, SequenceSet.compress(List.of(304L, 319L, 320L)),
                SequenceSet.compress(List.of(3956L, 3957L, 3958L))), "Done");
        w.status(null, "OK", ResponseCode.closed(), null);
        w.status("a", "NO", ResponseCode.tooBig(), "Message too big\r\nInjected");
        w.status(null, "OK", ResponseCode.highestModSeq(715194045007L), "Highest");
        w.continuation().text("Ready for literal data").end();
        assertThat(written()).isEqualTo("""
                * OK [UIDVALIDITY 3857529045] UIDs valid\r
                * OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r
                A003 OK [APPENDUID 38505 3955] APPEND completed\r
                A004 OK [COPYUID 38505 304,319:320 3956:3958] Done\r
                * OK [CLOSED]\r
                a NO [TOOBIG] Message too big  Injected\r
                * OK [HIGHESTMODSEQ 715194045007] Highest\r
                + Ready for literal data\r
                """);
    }

    @Test
    void stringsAreQuotedOrLiteral() {
        w.untagged().atom("X").string("plain").string("with \"quotes\" and \\").string("two\r\nlines")
                .string("caf\u00e9").nstring(null).astring("atom").astring("has space").astring("").end();
        assertThat(written()).isEqualTo("* X \"plain\" \"with \\\"quotes\\\" and \\\\\" {10}\r\ntwo\r\nlines"
                + " {5}\r\ncaf\u00e9 NIL atom \"has space\" \"\"\r\n");
        ByteArrayOutputStream utf8Out = new ByteArrayOutputStream();
        new ResponseWriter(utf8Out, true).untagged().string("caf\u00e9").mailbox("Entw\u00fcrfe").end();
        assertThat(utf8Out.toString(StandardCharsets.UTF_8)).isEqualTo("* \"caf\u00e9\" \"Entw\u00fcrfe\"\r\n");
        out.reset();
        w.untagged().atom("LIST").flags(List.of("\\HasNoChildren")).string("/").mailbox("Entw\u00fcrfe").end();
        assertThat(written()).isEqualTo("* LIST (\\HasNoChildren) \"/\" \"Entw&APw-rfe\"\r\n");
        out.reset();
        w.untagged().string("x".repeat(2000)).end();
        assertThat(written()).startsWith("* {2000}\r\nxxx");
    }

    @Test
    void fetchWithStreamedLiteral() {
        byte[] body = "Subject: hi\r\n\r\nbody".getBytes(StandardCharsets.US_ASCII);
        w.fetchStart(12).atom("UID").number(4827313).atom("FLAGS").flags(List.of("\\Seen"))
                .atom("INTERNALDATE").string(ImapDates.formatDateTime(
                        OffsetDateTime.of(1996, 7, 7, 2, 44, 25, 0, ZoneOffset.ofHours(-7))))
                .atom("BODY[]").literalHeader(body.length).literalBody(new ByteArrayInputStream(body), body.length)
                .atom("BODY[TEXT]<0>").literalHeader(6).literalBody(new ByteArrayInputStream(new byte[2]), 6)
                .fetchEnd();
        assertThat(written()).isEqualTo("* 12 FETCH (UID 4827313 FLAGS (\\Seen) INTERNALDATE \" 7-Jul-1996 02:44:25 -0700\""
                + " BODY[] {19}\r\nSubject: hi\r\n\r\nbody BODY[TEXT]<0> {6}\r\n\0\0    )\r\n");
    }

    @Test
    void esearch() {
        w.esearch(new EsearchResult("A282", true, 2L, 47L, SequenceSet.compress(List.of(2L, 10L, 11L, 12L, 47L)), 5L, null));
        w.esearch(new EsearchResult("A283", false, null, null, null, 0L, null));
        assertThat(written()).isEqualTo("* ESEARCH (TAG \"A282\") UID MIN 2 MAX 47 ALL 2,10:12,47 COUNT 5\r\n"
                + "* ESEARCH (TAG \"A283\") COUNT 0\r\n");
    }

    @Test
    void sequenceSetCompression() {
        assertThat(SequenceSet.compress(List.of(1L, 2L, 3L, 4L, 5L, 7L)).toString()).isEqualTo("1:5,7");
        assertThat(SequenceSet.compress(List.of(9L, 3L, 1L, 2L, 2L)).toString()).isEqualTo("1:3,9");
        assertThat(SequenceSet.parse("2,4:*").contains(7, 7)).isTrue();
        assertThat(SequenceSet.parse("*:4").contains(5, 9)).isTrue();
        assertThat(SequenceSet.parse("*").contains(9, 9)).isTrue();
        assertThat(SequenceSet.parse("3:1").contains(2, 9)).isTrue();
    }
}
