package dev.tern.imap.server;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What streamed messages take from the literal budget: bounded per message, whatever its size, and given back. */
class AppendReceiverTest {

    @Test
    void aMessageTakesItsBoundedMemoryFromTheBudgetUntilItIsDone() {
        LiteralBudget budget = new LiteralBudget(2 * AppendReceiver.MESSAGE_MEMORY + 1000);
        AppendReceiver first = new AppendReceiver("a", "INBOX", budget);
        AppendReceiver second = new AppendReceiver("b", "INBOX", budget);
        AppendReceiver third = new AppendReceiver("c", "INBOX", budget);
        assertThat(first.reserve(30L * 1024 * 1024)).isTrue();
        assertThat(second.reserve(30L * 1024 * 1024)).isTrue();
        // A third large upload at once (LITERAL+ or not) finds no room: the session answers NO [UNAVAILABLE].
        assertThat(third.reserve(30L * 1024 * 1024)).isFalse();
        assertThat(third.reserve(100)).isTrue();   // small ones take only their size
        third.release();
        first.discard();   // a client that left, or a refused command
        assertThat(third.reserve(30L * 1024 * 1024)).isTrue();
        second.release();
        third.release();
        assertThat(budget.tryTake(2 * AppendReceiver.MESSAGE_MEMORY + 1000)).isTrue();
    }
}
