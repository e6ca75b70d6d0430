package dev.tern.imap.server;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What streamed messages take from the literal budget: bounded per message, whatever its size, and given back. */
class AppendReceiverTest {

    @Test
    void aMessageTakesItsBoundedMemoryFromTheBudgetUntilItIsDone() {
        LiteralBudget budget = new LiteralBudget(2 * AppendReceiver.MESSAGE_MEMORY + AppendReceiver.MESSAGE_FLOOR);
        AppendReceiver first = new AppendReceiver("a", "INBOX", budget);
        AppendReceiver second = new AppendReceiver("b", "INBOX", budget);
        AppendReceiver third = new AppendReceiver("c", "INBOX", budget);
        assertThat(first.reserve(30L * 1024 * 1024)).isTrue();
        assertThat(second.reserve(30L * 1024 * 1024)).isTrue();
        // A third large upload at once (LITERAL+ or not) finds no room: the session answers NO [UNAVAILABLE].
        assertThat(third.reserve(30L * 1024 * 1024)).isFalse();
        assertThat(third.reserve(100)).isTrue();   // a small one takes what any message holds
        third.release();
        first.discard();   // a client that left, or a refused command
        assertThat(third.reserve(30L * 1024 * 1024)).isTrue();
        second.release();
        third.release();
        assertThat(budget.tryTake(2 * AppendReceiver.MESSAGE_MEMORY + AppendReceiver.MESSAGE_FLOOR)).isTrue();
    }

    @Test
    void tinyMessagesTakeWhatEachMessageHoldsSoThatAMultiappendOfManyIsBounded() {
        // A MULTIAPPEND of one-octet messages costs a few octets of input each, but every message
        // holds the start kept for its header and its sink's first buffer whatever its size.
        LiteralBudget budget = new LiteralBudget(100 * AppendReceiver.MESSAGE_FLOOR);
        AppendReceiver multi = new AppendReceiver("a", "Drafts", budget);
        int reserved = 0;
        while (reserved < 1000 && multi.reserve(1)) {
            reserved++;
        }
        assertThat(reserved).isEqualTo(100);
        multi.discard();
        assertThat(budget.tryTake(100 * AppendReceiver.MESSAGE_FLOOR)).isTrue();
    }
}
