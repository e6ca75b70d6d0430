package dev.tern.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DmarcReportsConfigTest {

    private static CheckSettings parse(String text) {
        return ConfigLoader.parse(Path.of("/etc/tern/tern.toml"), text).checks();
    }

    @Test
    void offByDefaultAndReadLikeTheTlsReports() {
        assertThat(parse("").dmarcReports().enabled()).isFalse();
        assertThat(parse("[checks.dmarc_reports]\nenabled = true\nfrom = \"dmarc-reports@example.com\"\n").dmarcReports())
                .isEqualTo(new ReportSettings(true, "dmarc-reports@example.com", null, null));
        assertThatThrownBy(() -> parse("[checks.dmarc_reports]\nenabled = true\n"))
                .hasMessageStartingWith("checks.dmarc_reports.from: reports need an address");
        assertThatThrownBy(() -> parse("[checks]\ndmarc = false\n[checks.dmarc_reports]\nenabled = true\nfrom = \"a@example.com\"\n"))
                .hasMessageStartingWith("checks.dmarc_reports: reports need DMARC checks on");
    }

    @Test
    void theStarterConfigsExampleParsesOnceUncommented() {
        String text = StarterConfig.text("mx.example.org", "0.0.0.0:25")
                .replace("# [checks.dmarc_reports]", "[checks.dmarc_reports]")
                .replace("# enabled = true\n# from = \"dmarc-reports@", "enabled = true\nfrom = \"dmarc-reports@");
        assertThat(parse(text).dmarcReports().enabled()).isTrue();
    }
}
