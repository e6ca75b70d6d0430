package dev.tern.cli;

import dev.tern.config.TernConfig;
import dev.tern.server.Services;
import dev.tern.testing.InProcessCli;
import dev.tern.testing.InProcessCli.Result;
import dev.tern.testing.TestConfigs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** `tern webhook` against a store, with no server running. */
class WebhookCommandTest {

    @TempDir
    Path dir;
    TernConfig config;

    @BeforeEach
    void config() {
        config = TestConfigs.write(dir, "");
    }

    private Result tern(String... args) {
        return InProcessCli.run(dir.resolve("tern.toml"), null, args);
    }

    @Test
    void webhooksAreAddedWithTheirSecretShownOnceListedAndDeleted() {
        Result added = tern("webhook", "add", "https://hooks.example.com/tern", "--event", "bounced,delivered",
                "--event", "received", "--domain", "Example.Test");
        assertThat(added.code()).as(added.err()).isZero();
        String[] lines = added.out().split("\n");
        assertThat(lines[0]).matches("webhook [0-9a-f]{16}: https://hooks\\.example\\.com/tern  "
                + "received delivered bounced, only example\\.test");
        String id = lines[0].substring("webhook ".length(), "webhook ".length() + 16);
        String secret = lines[lines.length - 1].trim();
        assertThat(secret).startsWith("whsec_");

        Result list = tern("webhook", "list");
        assertThat(list.code()).isZero();
        assertThat(list.out()).contains(id).contains("https://hooks.example.com/tern")
                .contains("received delivered bounced / example.test").doesNotContain(secret);

        try (Services s = new Services(config, 2)) {
            s.webhooks().ping(id);
        }
        Result deliveries = tern("webhook", "deliveries", id);
        assertThat(deliveries.code()).isZero();
        assertThat(deliveries.out()).containsPattern("[0-9a-f]{24}  ping\\s+pending\\s+0\\s+-\\s+");

        Result deleted = tern("webhook", "delete", id);
        assertThat(deleted.out()).isEqualTo("deleted webhook " + id + "\n");
        assertThat(tern("webhook", "list").out()).startsWith("no webhooks");
        Result again = tern("webhook", "delete", id);
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("tern: no such webhook: " + id + "\n");
        assertThat(tern("webhook", "deliveries", id).err()).contains("no such webhook");
    }

    @Test
    void badWebhooksAreRefusedInOneLine() {
        Result loopback = tern("webhook", "add", "http://127.0.0.1:9000/hook", "--event", "delivered");
        assertThat(loopback.code()).isEqualTo(1);
        assertThat(loopback.err()).startsWith("tern: ").contains("allow_private").doesNotContain("Exception");
        Result ftp = tern("webhook", "add", "ftp://hooks.example.com/", "--event", "delivered");
        assertThat(ftp.err()).contains("http:// or https://");
        Result unknown = tern("webhook", "add", "https://hooks.example.com/", "--event", "opened");
        assertThat(unknown.err()).contains("unknown event type \"opened\"");
        Result none = tern("webhook", "add", "https://hooks.example.com/");
        assertThat(none.code()).isNotZero();
        assertThat(tern("webhook", "list").out()).startsWith("no webhooks");
    }
}
