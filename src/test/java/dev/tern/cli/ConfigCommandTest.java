package dev.tern.cli;

import dev.tern.config.ConfigLoader;
import dev.tern.config.ConfigSetting;
import dev.tern.testing.InProcessCli;
import dev.tern.testing.InProcessCli.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tern config}: the settings in effect, as TOML, defaults marked, secrets hidden. */
class ConfigCommandTest {

    private static final String FILE = """
            hostname = "mx.example.test"
            data_dir = "var/data"

            [listeners]
            smtp = ["127.0.0.1:2525"]

            [smtp]
            max_message_size = "25MB"

            [delivery.smarthost]
            host = "relay.example.net"
            port = 587
            username = "relay-user"
            password = "do not show me"

            [delivery.tls_policy]
            "bank.example" = "verify"

            [rate_limits]
            messages_per_user = "100/1h"
            """;

    @TempDir
    Path dir;

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void everySettingWithTheFilesValueOrItsDefault() throws Exception {
        Path config = write("tern.toml", FILE + """

                [checks.rspamd]
                url = "http://scanner:s3cr3t@127.0.0.1:11333"
                """);
        Result r = InProcessCli.run(config, null, "config");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().lines()).contains(
                "hostname = \"mx.example.test\"",
                "data_dir = \"var/data\"",
                "[smtp]",
                "max_message_size = \"25MB\"",
                "max_recipients = 1000   # default",
                "command_timeout = \"5m\"   # default",
                "[delivery.smarthost]",
                "host = \"relay.example.net\"",
                "port = 587",
                // What a secret is never shown as; the file that would hold it is.
                "password = \"********\"",
                "# password_file is not set",
                "[delivery.tls_policy]",
                "\"bank.example\" = \"verify\"",
                "[rate_limits]",
                "messages_per_ip = \"120/1m\"   # default",
                "messages_per_user = \"100/1h\"",
                "recipients_per_user = \"off\"   # default",
                "[milter]",
                "on_failure = \"tempfail\"   # default");
        assertThat(r.out()).doesNotContain("do not show me").doesNotContain("s3cr3t")
                .contains("url = \"http://scanner:********@127.0.0.1:11333\"");
        // Top-level keys come before the first table, as TOML requires.
        assertThat(r.out().indexOf("data_dir =")).isLessThan(r.out().indexOf("["));
    }

    @Test
    void theOutputIsAConfigurationThatMeansTheSame() throws Exception {
        // Without the secret, which the output hides and so cannot give back.
        Path config = write("tern.toml", FILE.replace("username = \"relay-user\"\n", "")
                .replace("password = \"do not show me\"\n", ""));
        Result r = InProcessCli.run(config, null, "config");
        assertThat(r.code()).as(r.err()).isZero();
        Path effective = write("effective.toml", r.out());
        List<ConfigSetting> original = ConfigLoader.settings(config);
        List<ConfigSetting> again = ConfigLoader.settings(effective);
        assertThat(again).extracting(ConfigSetting::dottedKey, ConfigSetting::value)
                .containsExactlyElementsOf(original.stream()
                        .map(s -> org.assertj.core.groups.Tuple.tuple(s.dottedKey(), s.value())).toList());
        assertThat(ConfigLoader.load(effective).smtp()).isEqualTo(ConfigLoader.load(config).smtp());
        assertThat(ConfigLoader.load(effective).dataDir()).isEqualTo(ConfigLoader.load(config).dataDir());
    }

    @Test
    void changedOnlyAndSingleKeys() throws Exception {
        Path config = write("tern.toml", FILE);
        Result changed = InProcessCli.run(config, null, "config", "--changed");
        assertThat(changed.out().lines()).contains("max_message_size = \"25MB\"", "\"bank.example\" = \"verify\"")
                .noneMatch(l -> l.endsWith("# default") || l.contains("is not set"));
        assertThat(changed.out()).doesNotContain("[milter]");

        Result some = InProcessCli.run(config, null, "config", "smtp.max_message_size", "delivery.dane",
                "delivery.tls_policy.\"bank.example\"");
        assertThat(some.code()).as(some.err()).isZero();
        assertThat(some.out().lines()).containsExactly("smtp.max_message_size = \"25MB\"",
                "delivery.dane = true   # default", "delivery.tls_policy.\"bank.example\" = \"verify\"");

        Result unknown = InProcessCli.run(config, null, "config", "smtp.max_msg_size");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("smtp.max_msg_size: not a setting in effect");
    }

    @Test
    void aFileWithAnErrorIsRefusedAsTheServerWouldRefuseIt() throws Exception {
        Path config = write("tern.toml", "[smtp]\nmax_mesage_size = 10\n");
        Result r = InProcessCli.run(config, null, "config");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("smtp.max_mesage_size: unknown setting");
    }
}
