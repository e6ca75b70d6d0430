package dev.tern.imap.server;

import dev.tern.mailbox.Flags;
import dev.tern.mailbox.MailboxEvents;
import dev.tern.mailbox.MessageSummary;
import dev.tern.mailbox.SystemFlag;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ChangeHintsTest {

    private static final long MAILBOX = 7;

    /** Messages 1–4 with MODSEQs 7 to 10, as of MODSEQ 10. */
    private static MailboxSummaries.Copy copy() {
        long[] uids = {1, 2, 3, 4};
        MessageSummary[] summaries = new MessageSummary[uids.length];
        for (int i = 0; i < uids.length; i++) {
            summaries[i] = new MessageSummary(uids[i], 100, Instant.EPOCH, Flags.NONE, 7 + i, Instant.EPOCH);
        }
        return new MailboxSummaries.Copy(10, uids, summaries);
    }

    private static MailboxEvents.FlagsChanged seen(long modSeq, long... uids) {
        List<MailboxEvents.FlagChange> changes = new java.util.ArrayList<>();
        for (long uid : uids) {
            changes.add(new MailboxEvents.FlagChange(uid, Flags.of(SystemFlag.SEEN), modSeq));
        }
        return new MailboxEvents.FlagsChanged(1, MAILBOX, changes);
    }

    @Test
    void changesThatFollowTheCopyAreTakenInOrderUntilAGap() {
        ChangeHints hints = new ChangeHints();
        hints.watch(MAILBOX);
        hints.flagsChanged(seen(9, 1));                                         // older than the copy
        hints.flagsChanged(seen(11, 2, 3));
        hints.expunged(new MailboxEvents.Expunged(1, MAILBOX, List.of(4L), 12));
        hints.flagsChanged(seen(14, 1));                                        // 13 missing: not taken
        MailboxSummaries.Copy taken = hints.applyTo(MAILBOX, copy());
        assertThat(taken.asOf()).isEqualTo(12);
        assertThat(taken.uids()).containsExactly(1, 2, 3);
        assertThat(taken.find(1).flags().has(SystemFlag.SEEN)).isFalse();
        assertThat(taken.find(2).flags().has(SystemFlag.SEEN)).isTrue();
        assertThat(taken.find(2).modSeq()).isEqualTo(11);
        // Used up: asked again, nothing is left to take.
        assertThat(hints.applyTo(MAILBOX, taken)).isSameAs(taken);
    }

    /** Another node's events carry a large change in parts of the same MODSEQ: all of them are taken. */
    @Test
    void everyPartOfOneChangeIsTaken() {
        ChangeHints hints = new ChangeHints();
        hints.watch(MAILBOX);
        hints.flagsChanged(seen(11, 1, 2));
        hints.flagsChanged(seen(11, 3));
        hints.expunged(new MailboxEvents.Expunged(1, MAILBOX, List.of(4L), 12));
        hints.expunged(new MailboxEvents.Expunged(1, MAILBOX, List.of(1L), 12));
        MailboxSummaries.Copy taken = hints.applyTo(MAILBOX, copy());
        assertThat(taken.asOf()).isEqualTo(12);
        assertThat(taken.uids()).containsExactly(2, 3);
        assertThat(taken.find(3).flags().has(SystemFlag.SEEN)).isTrue();
        assertThat(taken.find(3).modSeq()).isEqualTo(11);
    }

    @Test
    void anArrivalOrAChangeOfAMessageTheCopyLacksEndsTheTaking() {
        ChangeHints hints = new ChangeHints();
        hints.watch(MAILBOX);
        hints.added(new MailboxEvents.NewMessage(1, MAILBOX, 5, 11));
        hints.flagsChanged(seen(12, 5));
        MailboxSummaries.Copy copy = copy();
        assertThat(hints.applyTo(MAILBOX, copy)).isSameAs(copy);

        hints.flagsChanged(seen(11, 9));
        assertThat(hints.applyTo(MAILBOX, copy)).isSameAs(copy);
    }

    @Test
    void nothingIsHeldForMailboxesNotWatchedOrPastTheBound() {
        ChangeHints hints = new ChangeHints(3);
        MailboxSummaries.Copy copy = copy();
        hints.flagsChanged(seen(11, 1));
        assertThat(hints.applyTo(MAILBOX, copy)).isSameAs(copy);

        hints.watch(MAILBOX);
        hints.flagsChanged(seen(11, 1, 2));
        hints.flagsChanged(seen(12, 3, 4));    // four held in all: every hint dropped
        assertThat(hints.applyTo(MAILBOX, copy)).isSameAs(copy);

        hints.flagsChanged(seen(11, 1));       // room again
        assertThat(hints.applyTo(MAILBOX, copy).asOf()).isEqualTo(11);

        hints.flagsChanged(seen(11, 1));
        hints.removed(new MailboxEvents.MailboxRemoved(1, MAILBOX));
        assertThat(hints.applyTo(MAILBOX, copy)).isSameAs(copy);
    }
}
