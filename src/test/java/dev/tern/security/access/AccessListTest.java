package dev.tern.security.access;

import dev.tern.mail.MailAddress;
import dev.tern.store.MetadataStore;
import dev.tern.store.embedded.EmbeddedStore;
import dev.tern.testing.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Patterns as operators type them, which rule decides, and when a server sees another process's change. */
class AccessListTest {

    @TempDir
    Path dir;
    MetadataStore store;
    final TestClock clock = new TestClock(Instant.parse("2026-12-02T10:00:00Z"));
    /** Reloads wait here until the test runs them, as a storage thread would run them later. */
    final List<Runnable> pending = new ArrayList<>();
    final Executor later = pending::add;

    @BeforeEach
    void open() {
        store = EmbeddedStore.openMetadata(dir, 2);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static AccessRule parse(String text) {
        return AccessRule.of(text, AccessRule.Action.REJECT, null, Instant.EPOCH, null);
    }

    @Test
    void patternsAreNormalised() {
        assertThat(parse(" 203.0.113.7 ").pattern()).isEqualTo("203.0.113.7/32");
        assertThat(parse("203.0.113.77/24").pattern()).isEqualTo("203.0.113.0/24");
        assertThat(parse("2001:DB8::1/48").pattern()).isEqualTo("2001:db8::/48");
        assertThat(parse("2001:db8::1").kind()).isEqualTo(AccessRule.Kind.CLIENT);
        assertThat(parse("Some.One@Example.ORG").pattern()).isEqualTo("some.one@example.org");
        assertThat(parse("@Example.org").pattern()).isEqualTo("example.org");
        assertThat(parse("bücher.example").pattern()).isEqualTo("xn--bcher-kva.example");
        assertThat(parse("example.org").kind()).isEqualTo(AccessRule.Kind.SENDER);
        assertThat(parse("TO: NoReply@Example.org").pattern()).isEqualTo("to:noreply@example.org");
        assertThat(parse("to:@bücher.example").pattern()).isEqualTo("to:xn--bcher-kva.example");
        assertThat(parse("to:example.org").kind()).isEqualTo(AccessRule.Kind.RECIPIENT);
        assertThatThrownBy(() -> parse("to:")).hasMessage("\"to:\" is not a domain such as example.org");

        assertThatThrownBy(() -> parse("")).hasMessageStartingWith("empty pattern");
        assertThatThrownBy(() -> parse("intranet")).hasMessage("\"intranet\" is not a domain such as example.org");
        assertThatThrownBy(() -> parse("300.1.2.3")).hasMessageContaining("is not an IP network");
        assertThatThrownBy(() -> parse("exa mple.org")).hasMessageStartingWith("\"exa mple.org\" is not a domain");
        assertThatThrownBy(() -> AccessRule.of("192.0.2.1", AccessRule.Action.ALLOW, "a\nb", Instant.EPOCH, null))
                .hasMessage("the note has control characters");
        assertThatThrownBy(() -> AccessRule.Action.of("deny")).hasMessage("\"deny\" is not an action: reject or allow");
    }

    @Test
    void theMostSpecificRuleDecides() throws Exception {
        AccessList list = new AccessList(store, null, clock);
        list.put("10.0.0.0/8", AccessRule.Action.REJECT, null);
        list.put("10.1.0.0/16", AccessRule.Action.ALLOW, null);
        list.put("2001:db8::/32", AccessRule.Action.REJECT, null);
        list.put("example.org", AccessRule.Action.REJECT, null);
        list.put("mail.example.org", AccessRule.Action.ALLOW, null);
        list.put("boss@example.org", AccessRule.Action.ALLOW, "the exception");

        assertThat(list.client(InetAddress.getByName("10.1.2.3")).pattern()).isEqualTo("10.1.0.0/16");
        assertThat(list.client(InetAddress.getByName("10.2.2.3")).action()).isEqualTo(AccessRule.Action.REJECT);
        assertThat(list.client(InetAddress.getByName("11.0.0.1"))).isNull();
        assertThat(list.client(InetAddress.getByName("2001:db8:5::9")).pattern()).isEqualTo("2001:db8::/32");
        assertThat(list.client(InetAddress.getByName("2001:db9::9"))).isNull();

        assertThat(list.sender(MailAddress.parse("x@example.org")).action()).isEqualTo(AccessRule.Action.REJECT);
        assertThat(list.sender(MailAddress.parse("x@a.b.example.org")).pattern()).isEqualTo("example.org");
        assertThat(list.sender(MailAddress.parse("x@relay.mail.example.org")).pattern()).isEqualTo("mail.example.org");
        assertThat(list.sender(MailAddress.parse("BOSS@Example.org")).note()).isEqualTo("the exception");
        assertThat(list.sender(MailAddress.parse("x@notexample.org"))).isNull();
        assertThat(list.sender(null)).as("the null sender").isNull();

        // Recipients have rules of their own: a sender rule for the same domain is not one.
        assertThat(list.recipient(MailAddress.parse("x@example.org"))).isNull();
        list.put("to:internal.example.org", AccessRule.Action.REJECT, null);
        list.put("to:abuse@internal.example.org", AccessRule.Action.ALLOW, null);
        assertThat(list.recipient(MailAddress.parse("x@lists.internal.example.org")).pattern())
                .isEqualTo("to:internal.example.org");
        assertThat(list.recipient(MailAddress.parse("Abuse@internal.example.org")).action())
                .isEqualTo(AccessRule.Action.ALLOW);
        assertThat(list.sender(MailAddress.parse("x@internal.example.org")).pattern()).isEqualTo("example.org");
    }

    @Test
    void aServerSeesAnotherProcesssChangeAfterASecondWithoutWaitingForIt() throws Exception {
        AccessList server = new AccessList(store, later, clock).load();
        AccessList commandLine = new AccessList(store, null, clock);
        InetAddress client = InetAddress.getByName("192.0.2.1");

        commandLine.put("192.0.2.0/24", AccessRule.Action.REJECT, null);
        assertThat(server.client(client)).as("read less than a second ago").isNull();
        assertThat(pending).isEmpty();

        clock.advance(Duration.ofMillis(1500));
        assertThat(server.client(client)).as("decided by the old rules while they are read again").isNull();
        assertThat(pending).hasSize(1);
        assertThat(server.client(client)).isNull();
        assertThat(pending).as("one reload at a time").hasSize(1);
        pending.remove(0).run();
        assertThat(server.client(client).action()).isEqualTo(AccessRule.Action.REJECT);

        // Its own change: the old rules decide until the new ones are read, never none at all.
        server.put("192.0.2.0/24", AccessRule.Action.ALLOW, null);
        assertThat(server.client(client).action()).isEqualTo(AccessRule.Action.REJECT);
        pending.remove(0).run();
        assertThat(server.client(client).action()).isEqualTo(AccessRule.Action.ALLOW);
    }

    @Test
    void aRuleForAWhileEndsByItselfAndIsPurged() throws Exception {
        AccessList list = new AccessList(store, null, clock);
        list.put("192.0.2.0/24", AccessRule.Action.ALLOW, null);
        AccessRule block = list.put("192.0.2.66", AccessRule.Action.REJECT, "one day", Duration.ofDays(1));
        assertThat(block.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofDays(1)));
        InetAddress client = InetAddress.getByName("192.0.2.66");
        assertThat(list.client(client).action()).isEqualTo(AccessRule.Action.REJECT);

        clock.advance(Duration.ofDays(1));
        assertThat(list.client(client).action()).as("the wider rule again").isEqualTo(AccessRule.Action.ALLOW);
        assertThat(list.rules()).extracting(AccessRule::pattern).containsExactly("192.0.2.0/24");
        assertThat(list.purgeExpired()).isEqualTo(1);
        assertThat(list.purgeExpired()).isZero();

        assertThatThrownBy(() -> list.put("192.0.2.1", AccessRule.Action.REJECT, null, Duration.ZERO))
                .hasMessageContaining("from a second to 36500 days");
        assertThatThrownBy(() -> list.put("192.0.2.1", AccessRule.Action.REJECT, null, Duration.ofDays(40_000)))
                .hasMessageContaining("from a second");
    }

    @Test
    void whenTheStoreCannotBeReadTheLastRulesReadStillDecide() throws Exception {
        new AccessList(store, null, clock).put("192.0.2.0/24", AccessRule.Action.REJECT, null);
        MetadataStore failing = EmbeddedStore.openMetadata(dir, 1);
        AccessList server = new AccessList(failing, later, clock).load();
        failing.close();
        clock.advance(Duration.ofSeconds(5));
        InetAddress client = InetAddress.getByName("192.0.2.1");
        assertThat(server.client(client).action()).isEqualTo(AccessRule.Action.REJECT);
        pending.remove(0).run();   // the reload fails, and is logged
        assertThat(server.client(client).action()).isEqualTo(AccessRule.Action.REJECT);
        assertThat(pending).as("a later decision tries again").hasSize(1);
    }
}
