package dev.tern.server;

import dev.tern.store.Rows;
import dev.tern.testing.InProcessCli;
import dev.tern.testing.LoopbackPorts;
import dev.tern.testing.RunningServer;
import dev.tern.testing.ScriptedSmtpServer;
import dev.tern.testing.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The suppression list in delivery: Tern (a.test, 127.0.0.2) sends to the MX of b.test, a scripted
 * server on 127.0.0.3 that refuses one recipient.
 */
class SuppressionDeliveryTest {

    private static final String BODY = "From: alice@a.test\r\nTo: nobody@b.test\r\nSubject: hello\r\n\r\nHello\r\n";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    TestDnsServer dns;
    int port;
    RunningServer a;

    @BeforeEach
    void setUp() throws IOException {
        dns = TestDnsServer.start();
        dns.mx("a.test", 10, "mx.a.test").a("mx.a.test", "127.0.0.2");
        dns.mx("b.test", 10, "mx.b.test").a("mx.b.test", "127.0.0.3");
        port = LoopbackPorts.freeOnAll("127.0.0.3", "127.0.0.2");
    }

    @AfterEach
    void tearDown() {
        if (a != null) {
            a.close();
        }
        dns.close();
    }

    private RunningServer startA(String extra) {
        return RunningServer.sender(dir.resolve("a"), dns, port, extra);
    }

    private ScriptedSmtpServer.Options refusing(String reply) {
        ScriptedSmtpServer.Options o = new ScriptedSmtpServer.Options();
        o.bind = "127.0.0.3";
        o.port = port;
        o.refusedRecipients = Set.of("nobody@b.test");
        o.recipientRefusal = reply;
        return o;
    }

    private static long rcptsFor(ScriptedSmtpServer fake, String address) {
        return fake.commands().stream().filter(c -> c.equalsIgnoreCase("RCPT TO:<" + address + ">")).count();
    }

    /** Waits for the queue to forget a message, and for the sender's inbox to hold {@code bounces} messages. */
    private void awaitDone(String id, int bounces) {
        await().atMost(WAIT).until(() -> a.services().queue().message(id).isEmpty()
                && a.inbox("alice@a.test").size() == bounces);
    }

    @Test
    void anAddressItsServerRefusedAsUnknownBouncesAtOnceUntilDeleted() throws Exception {
        try (ScriptedSmtpServer fake = new ScriptedSmtpServer(refusing("550 5.1.1 <%s>: Recipient address rejected: User unknown"))) {
            a = startA("");
            String first = a.submit("alice@a.test", BODY, "nobody@b.test");
            awaitDone(first, 1);
            assertThat(rcptsFor(fake, "nobody@b.test")).isEqualTo(1);
            Rows.Suppression entry = a.services().suppressions().find("nobody@b.test").orElseThrow();
            assertThat(entry.reason()).isEqualTo("bounce");
            assertThat(entry.status()).isEqualTo("5.1.1");
            assertThat(entry.queueId()).isEqualTo(first);
            assertThat(entry.detail()).contains("User unknown");

            // the next message: bob's copy goes, nobody's bounces without being tried
            String second = a.submit("alice@a.test", BODY, "Nobody@b.test", "bob@b.test");
            awaitDone(second, 2);
            assertThat(fake.messages()).hasSize(1);
            assertThat(rcptsFor(fake, "bob@b.test")).isEqualTo(1);
            assertThat(rcptsFor(fake, "nobody@b.test")).as("not tried again, in any case").isEqualTo(1);
            String bounce = a.content(a.inbox("alice@a.test").get(1));
            assertThat(bounce).contains("Final-Recipient: rfc822; Nobody@b.test", "Action: failed", "Status: 5.1.1",
                    "suppression list since").doesNotContain("Final-Recipient: rfc822; bob@b.test");
            assertThat(a.services().trace().message(second).orElseThrow().events().stream()
                    .map(e -> e.type() + " " + e.recipient() + " " + e.fields()))
                    .anyMatch(e -> e.startsWith("BOUNCED Nobody@b.test") && e.contains("suppression list"));

            Path config = a.services().config().source();
            InProcessCli.Result shown = InProcessCli.run(config, null, "suppression", "show", "nobody@b.test");
            assertThat(shown.code()).isZero();
            assertThat(shown.out()).contains("hard bounce (5.1.1)", first);
            InProcessCli.Result deleted = InProcessCli.run(config, null, "suppression", "delete", "nobody@b.test");
            assertThat(deleted.code()).as(deleted.err()).isZero();

            String third = a.submit("alice@a.test", BODY, "nobody@b.test");
            awaitDone(third, 3);
            assertThat(rcptsFor(fake, "nobody@b.test")).as("tried again once deleted").isEqualTo(2);
            assertThat(a.services().suppressions().find("nobody@b.test")).as("and listed again").isPresent();
        }
    }

    @Test
    void aPolicyRefusalLeavesTheAddressOffTheList() throws Exception {
        try (ScriptedSmtpServer fake = new ScriptedSmtpServer(refusing("550 5.7.1 <%s>: Recipient address rejected: Access denied"))) {
            a = startA("");
            for (int i = 1; i <= 2; i++) {
                awaitDone(a.submit("alice@a.test", BODY, "nobody@b.test"), i);
            }
            assertThat(rcptsFor(fake, "nobody@b.test")).isEqualTo(2);
            assertThat(a.services().suppressions().list(null, null, 10)).isEmpty();
        }
    }

    @Test
    void withHardBouncesOffOnlyTheOperatorsEntriesCount() throws Exception {
        try (ScriptedSmtpServer fake = new ScriptedSmtpServer(refusing("550 5.1.1 <%s>: Recipient address rejected: User unknown"))) {
            a = startA("\n[suppression]\nhard_bounces = false\n");
            awaitDone(a.submit("alice@a.test", BODY, "nobody@b.test"), 1);
            assertThat(a.services().suppressions().find("nobody@b.test")).isEmpty();

            InProcessCli.Result added = InProcessCli.run(a.services().config().source(), null,
                    "suppression", "add", "bob@b.test", "--note", "asked us to stop");
            assertThat(added.code()).as(added.err()).isZero();
            String id = a.submit("alice@a.test", BODY, "bob@b.test");
            awaitDone(id, 2);
            assertThat(rcptsFor(fake, "bob@b.test")).isZero();
            assertThat(a.content(a.inbox("alice@a.test").get(1))).contains("Status: 5.7.1", "asked us to stop");
        }
    }
}
