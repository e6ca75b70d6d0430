package dev.tern.server;

import dev.tern.testing.InProcessCli;
import dev.tern.testing.RawSmtpClient;
import dev.tern.testing.RunningServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator's access rules on the smtp listener, changed with {@code tern access} while the
 * server runs: a refused network is turned away at connection, a refused sender (address or
 * domain, subdomains included) at MAIL, an allowed network skips greylisting and the per-address
 * rate limits, an allowed sender greylisting only; the most specific rule wins; authenticated and
 * exempt clients are never judged; deleting a rule undoes it.
 */
class AccessRulesTest {

    @TempDir
    Path dir;
    RunningServer tern;

    @BeforeEach
    void start() {
        // Loopback clients are exempt from the checks by default; here only 127.0.0.9 is.
        tern = new RunningServer(dir, """
                [checks]
                exempt = ["127.0.0.9"]
                [greylisting]
                enabled = true
                delay = "1h"
                [rate_limits]
                messages_per_ip = "2/1h"
                """);
        tern.services().directory().addDomain("tern.test");
        tern.services().directory().addUser("bob@tern.test", "b");
    }

    @AfterEach
    void stop() {
        if (tern != null) {
            tern.close();
        }
    }

    private InProcessCli.Result cli(String... args) {
        return InProcessCli.run(dir.resolve("tern.toml"), null, args);
    }

    /** The greeting a client at {@code from} gets, then MAIL and RCPT's replies; "" for those not reached. */
    private String[] dialogue(String from, String sender) throws Exception {
        return dialogue(from, sender, "bob@tern.test");
    }

    private String[] dialogue(String from, String sender, String recipient) throws Exception {
        try (RawSmtpClient c = RawSmtpClient.from(from, "127.0.0.1", tern.smtpPort(), 10_000)) {
            String greeting = c.reply();
            if (!greeting.startsWith("220")) {
                return new String[]{greeting, "", ""};
            }
            RawSmtpClient.expect(c.command("EHLO client.test"), "250");
            String mail = c.command("MAIL FROM:<" + sender + ">");
            String rcpt = mail.startsWith("250") ? c.command("RCPT TO:<" + recipient + ">") : "";
            c.command("QUIT");
            return new String[]{greeting, mail, rcpt};
        }
    }

    @Test
    void rejectedNetworksAndSendersAreTurnedAwayUntilTheRuleGoes() throws Exception {
        assertThat(dialogue("127.0.0.2", "a@sender.test")[2]).as("greylisted, but let in").startsWith("451 4.7.1");

        InProcessCli.Result added = cli("access", "reject", "127.0.0.0/30", "--note", "spam run");
        assertThat(added.code()).as(added.err()).isZero();
        assertThat(added.out()).startsWith("reject  client  127.0.0.0/30  since ").endsWith("spam run\n");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(dialogue("127.0.0.2", "a@sender.test")[0]).startsWith("554 5.7.1 Access denied"));
        assertThat(dialogue("127.0.0.9", "a@sender.test")[1]).as("exempt: never judged").startsWith("250");

        // A narrower allow wins over the wider reject, and spares greylisting and the rate limit.
        InProcessCli.Result allowed = cli("access", "allow", "127.0.0.3", "--for", "2h");
        assertThat(allowed.code()).as(allowed.err()).isZero();
        assertThat(allowed.out()).startsWith("allow  client  127.0.0.3/32  since ").contains("  until ");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(dialogue("127.0.0.3", "a@sender.test")[2]).startsWith("250"));
        for (int i = 0; i < 3; i++) {   // over messages_per_ip = 2/1h
            assertThat(dialogue("127.0.0.3", "a@sender.test")[1]).startsWith("250");
        }

        // Senders: a domain with its subdomains, refused at MAIL; an address allowed within it.
        assertThat(cli("access", "reject", "Spam.Example").code()).isZero();
        assertThat(cli("access", "allow", "friend@spam.example").code()).isZero();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(dialogue("127.0.0.5", "x@mail.spam.example")[1])
                        .isEqualTo("550 5.7.1 <x@mail.spam.example>: Sender address rejected: Access denied"));
        String[] friend = dialogue("127.0.0.6", "Friend@spam.example");
        assertThat(friend[1]).startsWith("250");
        assertThat(friend[2]).as("an allowed sender skips greylisting").startsWith("250");

        InProcessCli.Result list = cli("access", "list");
        assertThat(list.out()).contains("reject  client  127.0.0.0/30", "allow  client  127.0.0.3/32",
                "reject  sender  spam.example", "allow  sender  friend@spam.example");

        assertThat(cli("access", "delete", "127.0.0.0/30", "spam.example").code()).isZero();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(dialogue("127.0.0.2", "a@sender.test")[0]).startsWith("220");
            // another client: 127.0.0.5 may have used up its messages_per_ip before the rule was read
            assertThat(dialogue("127.0.0.7", "x@mail.spam.example")[1]).startsWith("250");
        });
        InProcessCli.Result missing = cli("access", "delete", "127.0.0.0/30");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.out()).contains("no rule for 127.0.0.0/30");
    }

    @Test
    void recipientRulesRefuseAnAddressFromOutsideOrSpareItGreylisting() throws Exception {
        tern.services().directory().addUser("noreply@tern.test", "n");
        tern.services().directory().addUser("abuse@tern.test", "a");
        assertThat(cli("access", "reject", "to:noreply@tern.test", "--note", "sends only").code()).isZero();
        assertThat(cli("access", "allow", "to:abuse@tern.test").code()).isZero();
        // The server reads the rules again within a second; each dialogue takes one of the
        // client's two messages an hour (messages_per_ip), so it waits for the rules first.
        await().atMost(Duration.ofSeconds(10)).until(() ->
                tern.services().access().recipient(dev.tern.mail.MailAddress.parse("noreply@tern.test")) != null
                        && tern.services().access().recipient(dev.tern.mail.MailAddress.parse("abuse@tern.test")) != null);
        assertThat(dialogue("127.0.0.2", "a@sender.test", "noreply@tern.test")[2])
                .isEqualTo("550 5.7.1 <noreply@tern.test>: Recipient address rejected: Access denied");
        assertThat(dialogue("127.0.0.3", "a@sender.test", "abuse@tern.test")[2])
                .as("an allowed recipient skips greylisting").startsWith("250");
        assertThat(dialogue("127.0.0.4", "a@sender.test", "bob@tern.test")[2]).startsWith("451 4.7.1");
        assertThat(dialogue("127.0.0.9", "a@sender.test", "noreply@tern.test")[2])
                .as("exempt: never judged").startsWith("250");
        assertThat(cli("access", "list").out()).contains("reject  recipient  to:noreply@tern.test",
                "allow  recipient  to:abuse@tern.test");
        assertThat(cli("access", "delete", "to:NoReply@tern.test").code()).isZero();
    }

    @Test
    void badPatternsAreRefusedWithTheReason() {
        InProcessCli.Result r = cli("access", "reject", "localhost");
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("\"localhost\" is not a domain such as example.org");
        assertThat(cli("access", "reject", "10.0.0.0/33").err()).contains("prefix length");
        assertThat(cli("access", "allow", "@").err()).contains("is not a domain");
        assertThat(cli("access", "reject", "a@@b.test").err()).contains("is not an address");
        assertThat(cli("access", "list").out()).isEqualTo("no access rules\n");
    }
}
