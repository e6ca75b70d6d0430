package dev.tern.mailbox;

import dev.tern.store.MetadataStore;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MailboxEventCodecTest {

    @Test
    void eachKindOfEventSurvivesTheTrip() {
        var added = new MailboxEvents.NewMessage(3, 7, 42, 99);
        var removed = new MailboxEvents.MailboxRemoved(3, 7);
        var flags = new MailboxEvents.FlagsChanged(3, 7, List.of(
                new MailboxEvents.FlagChange(1, Flags.of(SystemFlag.SEEN, SystemFlag.FLAGGED), 100),
                new MailboxEvents.FlagChange(2, Flags.of("$Forwarded", "\\Seen", "work"), 100),
                new MailboxEvents.FlagChange(5, Flags.NONE, 100)));
        var expunged = new MailboxEvents.Expunged(3, 7, List.of(4L, 9L, 10L), 101);
        for (Object event : List.of(added, removed, flags, expunged)) {
            List<String> payloads = MailboxEventCodec.encode(event);
            assertThat(payloads).hasSize(1);
            assertThat(MailboxEventCodec.decode(payloads.get(0))).isEqualTo(event);
        }
    }

    @Test
    void largeChangesAreSplitIntoCompleteEventsThatFitASignal() {
        List<MailboxEvents.FlagChange> changes = new ArrayList<>();
        for (long uid = 1; uid <= 2000; uid++) {
            changes.add(new MailboxEvents.FlagChange(uid, Flags.of("\\Seen", "$Label" + uid), 7777));
        }
        List<String> flagPayloads = MailboxEventCodec.encode(new MailboxEvents.FlagsChanged(1, 2, changes));
        List<Long> uids = LongStream.rangeClosed(1, 5000).boxed().toList();
        List<String> expungePayloads = MailboxEventCodec.encode(new MailboxEvents.Expunged(1, 2, uids, 8888));

        assertThat(flagPayloads.size()).isGreaterThan(1);
        assertThat(expungePayloads.size()).isGreaterThan(1);
        List<MailboxEvents.FlagChange> back = new ArrayList<>();
        for (String p : flagPayloads) {
            assertThat(p.length()).isLessThanOrEqualTo(MetadataStore.MAX_SIGNAL);
            back.addAll(((MailboxEvents.FlagsChanged) MailboxEventCodec.decode(p)).changes());
        }
        assertThat(back).isEqualTo(changes);
        List<Long> backUids = new ArrayList<>();
        for (String p : expungePayloads) {
            assertThat(p.length()).isLessThanOrEqualTo(MetadataStore.MAX_SIGNAL);
            var e = (MailboxEvents.Expunged) MailboxEventCodec.decode(p);
            assertThat(e.modSeq()).isEqualTo(8888);
            backUids.addAll(e.uids());
        }
        assertThat(backUids).isEqualTo(uids);
    }

    @Test
    void garbageIsRefusedWithAnIllegalArgument() {
        for (String bad : List.of("", "X 1 2", "N 1", "N a b c d", "F 1 2\nnot numbers")) {
            assertThatThrownBy(() -> MailboxEventCodec.decode(bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
