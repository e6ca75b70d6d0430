package dev.tern.server;

import dev.tern.store.Rows;
import dev.tern.testing.RawSmtpClient;
import dev.tern.testing.RunningServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code [smtp] relay_from}: clients on a listed network may relay over port 25 without
 * authentication; every other client still gets 550 5.7.1 for a domain the server does not host.
 */
class RelayFromTest {

    @TempDir
    Path dir;
    RunningServer tern;

    @BeforeEach
    void start() {
        tern = new RunningServer(dir, """
                [smtp]
                relay_from = ["127.0.0.2/32"]
                """);
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addUser("bob@example.test", "b");
    }

    @AfterEach
    void stop() {
        tern.close();
    }

    @Test
    void unlistedClientMayNotRelay() throws Exception {
        try (RawSmtpClient c = RawSmtpClient.from("127.0.0.1", "127.0.0.1", tern.smtpPort(), 10_000)) {
            RawSmtpClient.expect(c.reply(), "220");
            RawSmtpClient.expect(c.command("EHLO client.test"), "250");
            RawSmtpClient.expect(c.command("MAIL FROM:<app@example.test>"), "250");
            assertThat(c.command("RCPT TO:<friend@remote.example>"))
                    .isEqualTo("550 5.7.1 <friend@remote.example>: Relay access denied");
            RawSmtpClient.expect(c.command("RCPT TO:<bob@example.test>"), "250");
        }
    }

    @Test
    void listedClientMayRelayWithoutAuthentication() throws Exception {
        try (RawSmtpClient c = RawSmtpClient.from("127.0.0.2", "127.0.0.1", tern.smtpPort(), 10_000)) {
            RawSmtpClient.expect(c.reply(), "220");
            assertThat(c.command("EHLO client.test")).doesNotContain("AUTH");
            String reply = c.sendMail("app@example.test", List.of("friend@remote.example"),
                    "Subject: relayed\r\n\r\nhello\r\n");
            assertThat(reply).startsWith("250");
        }
        List<Rows.QueueSummary> queued = tern.services().queue().list(10);
        assertThat(queued).hasSize(1);
        assertThat(queued.get(0).recipients()).extracting(Rows.QueueRecipient::address)
                .containsExactly("friend@remote.example");
        assertThat(queued.get(0).message().authUser()).isNull();
    }
}
