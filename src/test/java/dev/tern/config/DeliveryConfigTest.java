package dev.tern.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeliveryConfigTest {

    private static DeliverySettings parse(String text) {
        return ConfigLoader.parse(Path.of("/etc/tern/tern.toml"), text).delivery();
    }

    @Test
    void defaultsAreLikePostfixs() {
        DeliverySettings d = parse("");
        assertThat(d.smtpPort()).isEqualTo(25);
        assertThat(d.tls()).isEqualTo(DeliverySettings.TlsLevel.MAY);
        assertThat(d.retryFirst()).isEqualTo(Duration.ofMinutes(5));
        assertThat(d.retryMax()).isEqualTo(Duration.ofHours(1));
        assertThat(d.maxLifetime()).isEqualTo(Duration.ofDays(5));
        assertThat(d.delayWarning()).isNull();
        assertThat(d.smarthost()).isNull();
        assertThat(d.maxConnectionsPerDestination()).isEqualTo(20);
        assertThat(d.mtaSts()).isTrue();
        assertThat(d.mtaStsPort()).isEqualTo(443);
        assertThat(d.dane()).isTrue();
    }

    @Test
    void savingToDetailMailboxesIsOffUnlessAskedFor() {
        assertThat(parse("").saveToDetailMailbox()).isFalse();
        assertThat(parse("[delivery]\nsave_to_detail_mailbox = true\n").saveToDetailMailbox()).isTrue();
        assertThatThrownBy(() -> parse("[delivery]\nsave_to_detail_mailbox = \"yes\"\n"))
                .hasMessageStartingWith("delivery.save_to_detail_mailbox");
    }

    @Test
    void daneCanBeSwitchedOffOrRequiredForOneDomain() {
        assertThat(parse("[delivery]\ndane = false\n").dane()).isFalse();
        assertThatThrownBy(() -> parse("[delivery]\ndane = \"no\"\n")).hasMessageStartingWith("delivery.dane");

        DeliverySettings d = parse("[delivery.tls_policy]\n\"bank.example\" = \"dane-only\"\n\"signed.example\" = \"dane\"\n");
        assertThat(d.tlsFor("bank.example")).isEqualTo(DeliverySettings.TlsLevel.DANE_ONLY);
        assertThat(d.tlsFor("signed.example")).isEqualTo(DeliverySettings.TlsLevel.DANE);
        assertThatThrownBy(() -> parse("[delivery]\ntls = \"dane-only\"\n"))
                .hasMessage("delivery.tls: \"dane-only\" is for one domain in [delivery.tls_policy]; for every domain, "
                        + "DANE is [delivery] dane = true");
        assertThatThrownBy(() -> parse("[delivery.tls_policy]\n\"x.example\" = \"dane-please\"\n"))
                .hasMessageContaining("expected \"none\", \"may\", \"encrypt\", \"verify\", \"dane\" or \"dane-only\"");
        assertThatThrownBy(() -> parse("[delivery.routes]\n\"x.example\" = \"relay.example:25\"\n"
                + "[delivery.tls_policy]\n\"x.example\" = \"dane\"\n"))
                .hasMessageContaining("DANE applies to MX hosts");
    }

    @Test
    void mtaStsCanBeSwitchedOffAndAnOperatorsPolicyIsKnown() {
        DeliverySettings d = parse("[delivery]\nmta_sts = false\nmta_sts_port = 8443\n[delivery.tls_policy]\n\"legacy.example\" = \"none\"\n");
        assertThat(d.mtaSts()).isFalse();
        assertThat(d.mtaStsPort()).isEqualTo(8443);
        assertThat(d.hasTlsPolicy("legacy.example")).isTrue();
        assertThat(d.hasTlsPolicy("other.example")).isFalse();
        assertThatThrownBy(() -> parse("[delivery]\nmta_sts_port = 70000\n")).hasMessageStartingWith("delivery.mta_sts_port: ");
        assertThatThrownBy(() -> parse("[delivery]\nmta_sts = \"yes\"\n")).hasMessageStartingWith("delivery.mta_sts");
    }

    @Test
    void tlsReportsAreOffByDefaultAndNeedAnAddressToComeFrom() {
        assertThat(parse("").tlsReports().enabled()).isFalse();
        ReportSettings r = parse("""
                [delivery.tls_reports]
                enabled = true
                from = "tls-reports@example.com"
                organization = "Example Ltd"
                contact = "https://example.com/contact"
                """).tlsReports();
        assertThat(r).isEqualTo(new ReportSettings(true, "tls-reports@example.com", "Example Ltd",
                "https://example.com/contact"));
        assertThatThrownBy(() -> parse("[delivery.tls_reports]\nenabled = true\n"))
                .hasMessageStartingWith("delivery.tls_reports.from: reports need an address");
        assertThatThrownBy(() -> parse("[delivery.tls_reports]\nfrom = \"not an address\"\n"))
                .hasMessageStartingWith("delivery.tls_reports.from: not a mail address");
        assertThatThrownBy(() -> parse("[delivery.tls_reports]\nenable = true\n"))
                .hasMessageStartingWith("delivery.tls_reports.enable: unknown setting");

        String starter = StarterConfig.text("mx.example.org", "0.0.0.0:25")
                .replace("# [delivery.tls_reports]", "[delivery.tls_reports]")
                .replace("# enabled = true\n# from = \"tls-reports@", "enabled = true\nfrom = \"tls-reports@");
        ReportSettings fromStarter = ConfigLoader.parse(Path.of("/etc/tern/tern.toml"), starter).delivery().tlsReports();
        assertThat(fromStarter.enabled()).isTrue();
        assertThat(fromStarter.from()).startsWith("tls-reports@");
    }

    @Test
    void routesPoliciesAndASmarthostAreRead() {
        DeliverySettings d = parse("""
                [delivery]
                smtp_port = 2525
                tls = "encrypt"
                [delivery.tls_policy]
                "Bank.Example" = "verify"
                [delivery.routes]
                "partner.example" = "mx.partner.example"
                "v6.example" = "[2001:db8::25]:2526"
                [delivery.smarthost]
                host = "smtp.provider.example"
                username = "apikey"
                password = "s3cret"
                domains = ["gmail.example"]
                """);
        assertThat(d.tlsFor("bank.example")).isEqualTo(DeliverySettings.TlsLevel.VERIFY);
        assertThat(d.tlsFor("other.example")).isEqualTo(DeliverySettings.TlsLevel.ENCRYPT);
        assertThat(d.routes().get("partner.example").port()).isEqualTo(2525);
        assertThat(d.routes().get("v6.example")).isEqualTo(new DeliverySettings.NextHopAddress("2001:db8::25", 2526));
        assertThat(d.smarthost().address().port()).isEqualTo(587);
        assertThat(d.smarthost().domains()).containsExactly("gmail.example");
        assertThat(d.smarthost().toString()).doesNotContain("s3cret");
    }

    @Test
    void errorsNameTheKey() {
        assertThatThrownBy(() -> parse("[delivery]\ntls = \"sometimes\"\n"))
                .hasMessageStartingWith("delivery.tls: expected \"none\", \"may\"");
        assertThatThrownBy(() -> parse("[delivery.smarthost]\nhost = \"relay\"\ntls = \"none\"\nusername = \"u\"\npassword = \"p\"\n"))
                .hasMessageStartingWith("delivery.smarthost.tls: \"none\" would send the password in clear text");
        assertThatThrownBy(() -> parse("[delivery.smarthost]\nport = 25\n"))
                .hasMessageStartingWith("delivery.smarthost.host:");
        assertThatThrownBy(() -> parse("[delivery.routes]\n\"a.example\" = \"host:99999\"\n"))
                .hasMessageStartingWith("delivery.routes.a.example:");
        assertThatThrownBy(() -> parse("[delivery]\nretry_first = \"2h\"\nretry_max = \"1h\"\n"))
                .hasMessageStartingWith("delivery.retry_max:");
        assertThatThrownBy(() -> parse("[delivery.smarthost]\nhost = \"relay\"\nusernme = \"u\"\n"))
                .hasMessageContaining("delivery.smarthost.usernme");
    }
}
