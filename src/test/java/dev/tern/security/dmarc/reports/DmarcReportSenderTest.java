package dev.tern.security.dmarc.reports;

import dev.tern.store.Rows;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DmarcReportSenderTest {

    private static Rows.DmarcReportRow row(String ruaJson) {
        return new Rows.DmarcReportRow("2026-11-30", "example.com", "{\"domain\":\"example.com\",\"rua\":" + ruaJson + "}",
                "{}", 1);
    }

    @Test
    void sizeLimitsAreReadInPowersOfTwo() {
        assertThat(DmarcReportSender.size("500")).isEqualTo(500);
        assertThat(DmarcReportSender.size("10k")).isEqualTo(10_240);
        assertThat(DmarcReportSender.size("10m")).isEqualTo(10L << 20);
        assertThat(DmarcReportSender.size("1G")).isEqualTo(1L << 30);
        assertThat(DmarcReportSender.size("2t")).isEqualTo(2L << 40);
        assertThat(DmarcReportSender.size("lots")).as("not a limit: none").isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void onlyMailtoAddressesAreReportedToAndAtMostFive() {
        var d = DmarcReportSender.destinations(row("[\"mailto:a@example.com!10m\",\"https://r.example.com/\","
                + "\"mailto:a@example.com\",\"mailto:not an address\",\"mailto:b%2Btag@example.net\"]"));
        assertThat(d).extracting(x -> x.address().toString()).containsExactly("a@example.com", "b+tag@example.net");
        assertThat(d.get(0).maxBytes()).isEqualTo(10L << 20);
        assertThat(d.get(1).maxBytes()).isEqualTo(Long.MAX_VALUE);

        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i < 30; i++) {
            many.append(i == 0 ? "" : ",").append("\"mailto:v").append(i).append("@example.org\"");
        }
        assertThat(DmarcReportSender.destinations(row(many + "]"))).hasSize(DmarcReportSender.MAX_ADDRESSES);
        assertThat(DmarcReportSender.destinations(null)).isEmpty();
        assertThat(DmarcReportSender.destinations(new Rows.DmarcReportRow("2026-11-30", "example.com",
                "{\"domain\":\"example.com\"}", "{}", 1))).as("no rua kept").isEmpty();
    }
}
