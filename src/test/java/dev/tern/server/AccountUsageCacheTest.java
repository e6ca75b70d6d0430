package dev.tern.server;

import dev.tern.mailbox.MailboxEvents;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class AccountUsageCacheTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final AccountUsageCache cache = new AccountUsageCache(now::get);

    @Test
    void aUsageIsKeptUntilTheAccountsMailboxesChange() {
        long tag = cache.tag();
        cache.put(7, tag, 500);
        cache.put(8, tag, 900);
        assertThat(cache.get(7)).isEqualTo(500);

        cache.added(new MailboxEvents.NewMessage(7, 70, 1, 1));
        assertThat(cache.get(7)).isEqualTo(-1);
        assertThat(cache.get(8)).isEqualTo(900);   // another account's change leaves it

        cache.put(7, cache.tag(), 800);
        assertThat(cache.get(7)).isEqualTo(800);
        cache.expunged(new MailboxEvents.Expunged(7, 70, List.of(1L), 2));
        assertThat(cache.get(7)).isEqualTo(-1);
        cache.put(7, cache.tag(), 300);
        cache.removed(new MailboxEvents.MailboxRemoved(7, 71));
        assertThat(cache.get(7)).isEqualTo(-1);
        // Flags do not change what an account holds.
        cache.put(8, cache.tag(), 950);
        cache.flagsChanged(new MailboxEvents.FlagsChanged(8, 80, List.of()));
        assertThat(cache.get(8)).isEqualTo(950);
    }

    @Test
    void aReadBegunBeforeAChangeIsNeverTakenForCurrent() {
        long tag = cache.tag();
        cache.added(new MailboxEvents.NewMessage(7, 70, 1, 1));   // commits while the read runs
        cache.put(7, tag, 500);
        assertThat(cache.get(7)).isEqualTo(-1);

        // Put after the change was checked, but stored once the change had gone by: still not used.
        long later = cache.tag();
        cache.put(7, later, 600);
        assertThat(cache.get(7)).isEqualTo(600);
        cache.added(new MailboxEvents.NewMessage(7, 70, 2, 2));
        cache.put(7, later, 600);
        assertThat(cache.get(7)).isEqualTo(-1);
    }

    @Test
    void anEntryIsTrustedForAtMostItsAge() {
        cache.put(7, cache.tag(), 500);
        now.addAndGet(AccountUsageCache.MAX_AGE_NANOS - 1);
        assertThat(cache.get(7)).isEqualTo(500);
        now.addAndGet(1);
        assertThat(cache.get(7)).isEqualTo(-1);
    }

    @Test
    void pastItsBoundItForgetsEverythingAndReadsBegunBeforeAreNotKept() {
        long before = cache.tag();
        for (long id = 1; id <= AccountUsageCache.MAX_ENTRIES; id++) {
            cache.put(id, cache.tag(), id);
        }
        assertThat(cache.get(1)).isEqualTo(1);
        cache.put(AccountUsageCache.MAX_ENTRIES + 1L, cache.tag(), 5);   // past the bound: all forgotten
        assertThat(cache.get(1)).isEqualTo(-1);
        cache.put(2, before, 2);
        assertThat(cache.get(2)).isEqualTo(-1);
        cache.put(2, cache.tag(), 2);
        assertThat(cache.get(2)).isEqualTo(2);
    }
}
