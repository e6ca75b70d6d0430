package dev.tern.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RspamdConfigTest {

    private static RspamdSettings rspamd(String section) {
        return ConfigLoader.parse(Path.of("/etc/tern/tern.toml"), "hostname = \"mx.example.test\"\n" + section)
                .checks().rspamd();
    }

    @Test
    void offUnlessAnAddressIsGiven() {
        RspamdSettings none = rspamd("");
        assertThat(none.enabled()).isFalse();
        assertThat(none.timeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(none.maxSize()).isEqualTo(2L * 1024 * 1024);
        assertThat(none.onFailure()).isEqualTo(RspamdSettings.OnFailure.ACCEPT);
    }

    @Test
    void everySettingIsRead() {
        RspamdSettings s = rspamd("[checks.rspamd]\nurl = \"http://127.0.0.1:11333/\"\ntimeout = \"5s\"\n"
                + "max_size = \"512KB\"\non_failure = \"defer\"\npassword = \"s3cret\"\n");
        assertThat(s.enabled()).isTrue();
        assertThat(s.url()).hasToString("http://127.0.0.1:11333");
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.maxSize()).isEqualTo(512L * 1024);
        assertThat(s.onFailure()).isEqualTo(RspamdSettings.OnFailure.DEFER);
        assertThat(s.password()).isEqualTo("s3cret");
        assertThat(s.learns()).isFalse();
        RspamdSettings learning = rspamd("[checks.rspamd]\nurl = \"http://127.0.0.1:11333\"\n"
                + "controller_url = \"http://127.0.0.1:11334\"\ncontroller_password = \"q1w2e3\"\n");
        assertThat(learning.learns()).isTrue();
        assertThat(learning.controllerUrl()).hasToString("http://127.0.0.1:11334");
        assertThat(learning.controllerPassword()).isEqualTo("q1w2e3");
        assertThat(learning.scanSubmission()).isFalse();
        assertThat(rspamd("[checks.rspamd]\nurl = \"http://127.0.0.1:11333\"\nscan_submission = true\n").scanSubmission())
                .isTrue();
        assertThatThrownBy(() -> rspamd("[checks.rspamd]\nscan_submission = true\n"))
                .hasMessage("checks.rspamd.scan_submission: scanning needs rspamd's url");
        assertThatThrownBy(() -> rspamd("[checks.rspamd]\ncontroller_url = \"localhost:11334\"\n"))
                .hasMessageStartingWith("checks.rspamd.controller_url: expected rspamd's address such as "
                        + "\"http://127.0.0.1:11334\"");
    }

    @Test
    void mistakesNameTheKey() {
        assertThatThrownBy(() -> rspamd("[checks.rspamd]\nurl = \"127.0.0.1:11333\"\n"))
                .hasMessageStartingWith("checks.rspamd.url: expected rspamd's address such as \"http://127.0.0.1:11333\"");
        assertThatThrownBy(() -> rspamd("[checks.rspamd]\nurl = \"ftp://rspamd.example\"\n"))
                .hasMessageStartingWith("checks.rspamd.url:");
        assertThatThrownBy(() -> rspamd("[checks.rspamd]\nurl = \"http://127.0.0.1:11333\"\non_failure = \"drop\"\n"))
                .hasMessage("checks.rspamd.on_failure: expected one of \"accept\", \"defer\", got \"drop\"");
        assertThatThrownBy(() -> rspamd("[checks.rspamd]\nmax_size = \"1GB\"\n"))
                .hasMessageStartingWith("checks.rspamd.max_size: at most 64MB");
        assertThatThrownBy(() -> rspamd("[checks.rspamd]\npassword = \"two words\"\n"))
                .hasMessageStartingWith("checks.rspamd.password:");
        assertThatThrownBy(() -> rspamd("[checks.rspamd]\nadress = \"http://127.0.0.1:11333\"\n"))
                .hasMessageStartingWith("checks.rspamd.adress: unknown setting");
    }
}
