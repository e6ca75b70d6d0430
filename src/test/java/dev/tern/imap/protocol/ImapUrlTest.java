package dev.tern.imap.protocol;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImapUrlTest {

    @Test
    void relativeUrlsWithAnAbsolutePath() {
        assertThat(ImapUrl.parse("/INBOX;UIDVALIDITY=385759045/;UID=20/;SECTION=1.MIME"))
                .isEqualTo(new ImapUrl(null, null, "INBOX", 385759045L, 20, Section.of(Section.Text.MIME, 1), null));
        assertThat(ImapUrl.parse("/INBOX/;uid=20")).isEqualTo(new ImapUrl(null, null, "INBOX", null, 20, Section.WHOLE, null));
        // Hierarchy, other users' namespace and percent-encoded UTF-8 in the mailbox name.
        assertThat(ImapUrl.parse("/Shared/bob@example.test/Caf%C3%A9;UIDVALIDITY=7/;UID=3").mailbox())
                .isEqualTo("Shared/bob@example.test/Caf\u00e9");
        ImapUrl fields = ImapUrl.parse("/INBOX/;UID=1/;SECTION=2.HEADER.FIELDS%20(From%20To)/;PARTIAL=10.20");
        assertThat(fields.section()).isEqualTo(new Section(List.of(2), Section.Text.HEADER_FIELDS, List.of("From", "To")));
        assertThat(fields.partial()).isEqualTo(new FetchItem.Partial(10, 20));
        assertThat(ImapUrl.parse("/INBOX/;UID=1/;PARTIAL=5").partial()).isEqualTo(new FetchItem.Partial(5, Long.MAX_VALUE));
    }

    @Test
    void absoluteUrls() {
        assertThat(ImapUrl.parse("imap://alice%40example.test;AUTH=*@Mail.Example.TEST:993/INBOX;UIDVALIDITY=1/;UID=2/;SECTION=TEXT"))
                .isEqualTo(new ImapUrl("alice@example.test", "mail.example.test", "INBOX", 1L, 2,
                        Section.of(Section.Text.TEXT), null));
        assertThat(ImapUrl.parse("IMAP://mail.example.test/Sent/;UID=9").user()).isNull();
    }

    @Test
    void whatIsNotAMessageOfThisKindIsRefusedWithAReason() {
        for (String bad : List.of("", "INBOX/;UID=1", "/INBOX", "/INBOX;UID=1", "/;UID=1", "/INBOX/;UID=0",
                "/INBOX/;UID=x", "/INBOX/;UID=99999999999", "/INBOX;UIDVALIDITY=0/;UID=1", "/INBOX/;UID=1/;SECTION=1.FOO",
                "/INBOX/;UID=1/;SECTION=MIME", "/INBOX/;UID=1/;URLAUTH=anonymous:internal:0123",
                "/INBOX/;UID=1;EXPIRE=2030-01-01T00:00:00Z", "/INBOX/;UID=1/;SECTION=1/;SECTION=2", "/INBOX/;UID=1/;X=1",
                "/IN BOX/;UID=1", "/IN%2/;UID=1", "/%FF/;UID=1", "imap://host", "imap:///INBOX/;UID=1",
                "/INBOX?SUBJECT%20x", "/INBOX/;UID=1/;PARTIAL=1.0", "/" + "x".repeat(5000) + "/;UID=1")) {
            assertThatThrownBy(() -> ImapUrl.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageNotContaining("Exception");
        }
    }
}
