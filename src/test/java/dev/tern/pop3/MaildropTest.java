package dev.tern.pop3;

import dev.tern.mailbox.Flags;
import dev.tern.mailbox.MessageEntry;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** POP3 unique ids: this server's own, or the one an imported message kept, never two messages with one. */
class MaildropTest {

    private static MessageEntry message(long uid) {
        return new MessageEntry(uid, 1, uid, "B" + uid, "", 10, Instant.EPOCH, Flags.NONE, 1, Instant.EPOCH);
    }

    @Test
    void keptIdsAreUsedUnlessAnotherMessageHasThemAlready() {
        Maildrop drop = new Maildrop(1, 77, List.of(message(1), message(2), message(3), message(4), message(5)),
                Map.of(1L, "000000016b0f49d0", 2L, "dup", 3L, "dup", 4L, "77-5"));
        assertThat(drop.uniqueId(message(1))).isEqualTo("000000016b0f49d0");
        assertThat(drop.uniqueId(message(2))).isEqualTo("dup");
        assertThat(drop.uniqueId(message(3))).as("the second with that id goes by its own").isEqualTo("77-3");
        assertThat(drop.uniqueId(message(4))).as("this server's own id of message 5").isEqualTo("77-4");
        assertThat(drop.uniqueId(message(5))).isEqualTo("77-5");
    }
}
