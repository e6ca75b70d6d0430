package dev.tern.imap.protocol;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MailboxNamesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "~peter/mail/&U,BTFw-/&ZeVnLIqe-|~peter/mail/\u53f0\u5317/\u65e5\u672c\u8a9e",
            "&Jjo-!|\u263a!",
            "Entw&APw-rfe|Entw\u00fcrfe",
            "Tom &- Jerry|Tom & Jerry",
            "INBOX|INBOX",
            "&2D3eAA-|\ud83d\ude00",
            "&AOQA9gD8-|\u00e4\u00f6\u00fc",
    })
    void roundTrips(String wire, String decoded) {
        assertThat(MailboxNames.decodeModifiedUtf7(wire)).isEqualTo(decoded);
        assertThat(MailboxNames.encodeModifiedUtf7(decoded)).isEqualTo(wire);
    }

    @ParameterizedTest
    @ValueSource(strings = {"&", "&U,BTF", "&AGE-", "&Jjo-&Jjo-", "&Jj-", "&2D0-", "caf\u00e9", "&U/BTFw-", "&Jjo=-"})
    void refusesInvalidModifiedUtf7(String wire) {
        assertThatThrownBy(() -> MailboxNames.decodeModifiedUtf7(wire)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"inbox", "Inbox", "INBOX"})
    void inboxIsCaseInsensitive(String name) {
        assertThat(MailboxNames.normalize(name)).isEqualTo("INBOX");
        assertThat(MailboxNames.normalize("inbox/sub")).isEqualTo("inbox/sub");
    }
}
