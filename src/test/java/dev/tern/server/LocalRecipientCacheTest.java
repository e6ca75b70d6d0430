package dev.tern.server;

import dev.tern.directory.Account;
import dev.tern.mail.MailAddress;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class LocalRecipientCacheTest {

    private static final Account PLAIN = new Account(1, "a@example.test", "a@example.test", true, null);
    private static final Account QUOTA = new Account(2, "q@example.test", "q@example.test", true, 1000L);

    @Test
    void anEntryHoldsOnlyWhileTheVersionItWasMadeAtIsCurrent() {
        AtomicLong version = new AtomicLong(7);
        LocalRecipientCache cache = new LocalRecipientCache(version::get);
        MailAddress a = MailAddress.parse("a@example.test");
        long before = cache.version();
        cache.put(a, before, List.of(PLAIN));
        assertThat(cache.get(a)).containsExactly(PLAIN);
        assertThat(cache.get(MailAddress.parse("A@Example.Test"))).containsExactly(PLAIN);
        version.incrementAndGet();
        assertThat(cache.get(a)).isNull();

        // Made from a lookup that began before a change: out of date from the start.
        cache.put(a, before, List.of(PLAIN));
        assertThat(cache.get(a)).isNull();
    }

    @Test
    void disabledAccountsAndStoresWithoutAVersionAreNeverKept() {
        LocalRecipientCache cache = new LocalRecipientCache(() -> 1);
        MailAddress q = MailAddress.parse("q@example.test");
        cache.put(q, 1, List.of(PLAIN, QUOTA));
        assertThat(cache.get(q)).containsExactly(PLAIN, QUOTA);   // the usage is kept apart
        MailAddress d = MailAddress.parse("d@example.test");
        cache.put(d, 1, List.of(PLAIN, new Account(3, "d@example.test", "d@example.test", false, null)));
        assertThat(cache.get(d)).isNull();

        LocalRecipientCache none = new LocalRecipientCache(null);
        MailAddress a = MailAddress.parse("a@example.test");
        none.put(a, none.version(), List.of(PLAIN));
        assertThat(none.get(a)).isNull();
    }

    @Test
    void anEntryIsTrustedForAMinuteAtMostEvenWhenNothingMovedTheVersion() {
        AtomicLong now = new AtomicLong(1_000);
        LocalRecipientCache cache = new LocalRecipientCache(() -> 1, 10, now::get);
        MailAddress a = MailAddress.parse("a@example.test");
        cache.put(a, 1, List.of(PLAIN));
        now.addAndGet(LocalRecipientCache.MAX_AGE_NANOS - 1);
        assertThat(cache.get(a)).containsExactly(PLAIN);
        now.addAndGet(1);
        assertThat(cache.get(a)).isNull();
    }

    @Test
    void pastItsBoundItForgetsEverything() {
        LocalRecipientCache cache = new LocalRecipientCache(() -> 1, 2, System::nanoTime);
        for (String s : List.of("a@x.test", "b@x.test", "c@x.test")) {
            cache.put(MailAddress.parse(s), 1, List.of(PLAIN));
        }
        assertThat(cache.get(MailAddress.parse("a@x.test"))).isNull();
        assertThat(cache.get(MailAddress.parse("c@x.test"))).containsExactly(PLAIN);
    }
}
