package dev.tern.imap.protocol;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HeaderFieldValuesTest {

    private static List<String> values(String header, String field) {
        List<String> out = new ArrayList<>();
        HeaderFieldValues.collect(header.getBytes(StandardCharsets.UTF_8), field, out);
        return out;
    }

    @Test
    void namesCompareWithoutCaseAndFoldedLinesAreUnfolded() {
        String h = "Received: from a\r\n\tby b\r\nsubject:  Hello\r\n  world \r\nSUBJECT: second\r\nSubjects: no\r\n"
                + "X-Subject: no\r\n\r\nSubject: in the body\r\n";
        assertThat(values(h, "Subject")).containsExactly("Hello  world", "second");
        assertThat(values(h, "received")).containsExactly("from a by b");
        assertThat(values(h, "Cc")).isEmpty();
    }

    @Test
    void bareLineFeedsAndUtf8AndAHeaderWithoutBody() {
        assertThat(values("To: Zoë <z@example.test>\nCc: x\n", "to")).containsExactly("Zoë <z@example.test>");
        assertThat(values("From: a@example.test", "From")).containsExactly("a@example.test");
        assertThat(values("Empty:\r\n\r\n", "Empty")).containsExactly("");
    }
}
