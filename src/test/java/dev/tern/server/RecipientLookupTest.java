package dev.tern.server;

import dev.tern.testing.InProcessCli;
import dev.tern.testing.RawSmtpClient;
import dev.tern.testing.RunningServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RCPT for a local address answered from what the server remembers (docs/adr/0024) still sees
 * every change the command line makes, from its own connection to the database, at once.
 */
class RecipientLookupTest {

    @TempDir
    Path dir;
    RunningServer tern;
    Path config;

    @BeforeEach
    void start() {
        tern = new RunningServer(dir, "");
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addUser("dora@example.test", "d");
        config = dir.resolve("tern.toml");
    }

    @AfterEach
    void stop() {
        tern.close();
    }

    private String rcpt(String address) throws Exception {
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 10_000)) {
            c.reply();
            c.command("EHLO client.example");
            assertThat(c.command("MAIL FROM:<a@example.org>")).startsWith("250");
            return c.command("RCPT TO:<" + address + ">");
        }
    }

    private void cli(String... args) {
        assertThat(InProcessCli.run(config, "pw\n", args).code()).as(String.join(" ", args)).isZero();
    }

    @Test
    void aDeletedOrDisabledAccountIsRefusedAtTheNextRcpt() throws Exception {
        assertThat(rcpt("dora@example.test")).startsWith("250");
        assertThat(rcpt("dora@example.test")).startsWith("250");   // now from memory

        cli("user", "disable", "dora@example.test");
        assertThat(rcpt("dora@example.test")).startsWith("550 5.1.1");
        cli("user", "enable", "dora@example.test");
        assertThat(rcpt("dora@example.test")).startsWith("250");

        cli("user", "delete", "dora@example.test");
        assertThat(rcpt("dora@example.test")).startsWith("550 5.1.1");
    }

    @Test
    void whereAnAddressLeadsFollowsAliasAndDomainChanges() throws Exception {
        assertThat(rcpt("sales@example.test")).startsWith("550 5.1.1");
        cli("alias", "add", "sales@example.test", "dora@example.test");
        assertThat(rcpt("sales@example.test")).startsWith("250");
        assertThat(rcpt("sales@example.test")).startsWith("250");
        cli("alias", "delete", "sales@example.test", "dora@example.test");
        assertThat(rcpt("sales@example.test")).startsWith("550 5.1.1");

        cli("domain", "add", "new.test");
        cli("user", "add", "nina@new.test", "--password-stdin");
        assertThat(rcpt("nina@new.test")).startsWith("250");
        cli("user", "delete", "nina@new.test");
        cli("domain", "delete", "new.test");
        assertThat(rcpt("nina@new.test")).startsWith("550 5.7.1");   // no longer a local domain
    }
}
