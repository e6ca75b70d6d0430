package dev.tern.imap.server;

import dev.tern.mailbox.SystemFlag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class FlagsResponderTest {

    private static String list(int bits, boolean recent) {
        return new String(FlagsResponder.systemFlagList(bits, recent), StandardCharsets.US_ASCII);
    }

    @Test
    void keptFlagListsAreWhatAFlagListIsWrittenAs() {
        assertThat(list(0, false)).isEqualTo("()");
        assertThat(list(0, true)).isEqualTo("(\\Recent)");
        assertThat(list(SystemFlag.SEEN.bit(), false)).isEqualTo("(\\Seen)");
        assertThat(list(SystemFlag.SEEN.bit() | SystemFlag.FLAGGED.bit() | SystemFlag.DRAFT.bit(), true))
                .isEqualTo("(\\Seen \\Flagged \\Draft \\Recent)");
        int all = 0;
        for (SystemFlag f : SystemFlag.values()) {
            all |= f.bit();
        }
        assertThat(list(all, false)).isEqualTo("(\\Seen \\Answered \\Flagged \\Deleted \\Draft)");
        // Each combination is written once and then reused.
        assertThat(FlagsResponder.systemFlagList(all, true)).isSameAs(FlagsResponder.systemFlagList(all, true));
    }
}
