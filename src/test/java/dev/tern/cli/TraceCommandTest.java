package dev.tern.cli;

import dev.tern.testing.InProcessCli;
import dev.tern.testing.InProcessCli.Result;
import dev.tern.testing.RawSmtpClient;
import dev.tern.testing.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** `tern trace` against the store of a running server. */
class TraceCommandTest {

    @TempDir
    Path dir;

    private Result tern(String... args) {
        return InProcessCli.run(dir.resolve("tern.toml"), null, args);
    }

    private static String send(RunningServer tern, String to, String messageId) throws Exception {
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 10_000)) {
            RawSmtpClient.expect(c.reply(), "220");
            RawSmtpClient.expect(c.command("EHLO client.example.test"), "250");
            String reply = c.sendMail("carol@elsewhere.test", List.of(to),
                    "Subject: hi\r\nMessage-ID: <" + messageId + ">\r\n\r\nHello\r\n");
            RawSmtpClient.expect(reply, "250");
            return reply.substring(reply.lastIndexOf(' ') + 1).trim();
        }
    }

    @Test
    void printsTheTimelineOfTheMessagesFound() throws Exception {
        try (RunningServer tern = new RunningServer(dir, "")) {
            tern.services().directory().addDomain("example.test");
            tern.services().directory().addUser("alice@example.test", "a");
            tern.services().directory().addUser("bob@example.test", "b");
            String first = send(tern, "alice@example.test", "one@elsewhere.test");
            String second = send(tern, "bob@example.test", "two@elsewhere.test");
            await().atMost(Duration.ofSeconds(10)).until(() -> tern.inbox("bob@example.test").size() == 1);

            Result byId = tern("trace", "--message-id", "<one@elsewhere.test>");
            assertThat(byId.code()).isZero();
            assertThat(byId.out()).startsWith(first + "  ").contains("<carol@elsewhere.test>")
                    .contains("  message-id: <one@elsewhere.test>\n")
                    .contains("  to <alice@example.test>: delivered\n")
                    .containsPattern("received  client_address=127\\.0\\.0\\.1 helo=client\\.example\\.test")
                    .containsPattern("queued    <alice@example.test>\n")
                    .containsPattern("delivered <alice@example.test> destination=local status=2\\.0\\.0 delay=")
                    .contains("mailbox=\"delivered to alice@example.test INBOX uid=1\"")
                    .endsWith("-- 1 message(s)\n")
                    .doesNotContain(second);

            Result page = tern("trace", "--since", "1h", "--status", "delivered", "--limit", "1");
            assertThat(page.out()).startsWith(second + "  ").containsPattern("-- 1 message\\(s\\); more with --cursor \\S+\n");
            String cursor = page.out().substring(page.out().indexOf("--cursor ") + 9).trim();
            assertThat(tern("trace", "--limit", "1", "--cursor", cursor).out()).startsWith(first + "  ");

            assertThat(tern("trace", "--to", "nobody@example.test").out()).isEqualTo("no message matches\n");
            Result bad = tern("trace", "--status", "lost");
            assertThat(bad.code()).isEqualTo(1);
            assertThat(bad.err()).startsWith("tern: unknown status \"lost\"");
        }
    }
}
