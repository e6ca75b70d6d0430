package dev.tern.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArcSealersConfigTest {

    private static CheckSettings checks(String section) {
        return ConfigLoader.parse(Path.of("/etc/tern/tern.toml"), "hostname = \"mx.example.test\"\n" + section).checks();
    }

    @Test
    void noSealerIsTrustedUnlessNamedAndANamedOneCoversItsSubdomains() {
        assertThat(checks("").arcTrustedSealers()).isEmpty();
        assertThat(checks("").trustsSealer("google.com")).isFalse();
        CheckSettings s = checks("[checks]\narc_trusted_sealers = [\"Google.com\", \"lists.example.org.\"]\n");
        assertThat(s.arcTrustedSealers()).containsExactly("google.com", "lists.example.org");
        assertThat(s.trustsSealer("google.com")).isTrue();
        assertThat(s.trustsSealer("mail.GOOGLE.com")).isTrue();
        assertThat(s.trustsSealer("notgoogle.com")).isFalse();
        assertThat(s.trustsSealer(null)).isFalse();
    }

    @Test
    void aNameThatIsNotADomainOrDmarcOffIsRefused() {
        assertThatThrownBy(() -> checks("[checks]\narc_trusted_sealers = [\"not a domain\"]\n"))
                .hasMessage("checks.arc_trusted_sealers: \"not a domain\" is not a domain name such as \"google.com\"");
        assertThatThrownBy(() -> checks("[checks]\ndmarc = false\narc_trusted_sealers = [\"google.com\"]\n"))
                .hasMessageStartingWith("checks.arc_trusted_sealers: trusted sealers lift DMARC results");
    }
}
