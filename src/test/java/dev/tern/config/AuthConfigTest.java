package dev.tern.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuthConfigTest {

    @TempDir
    Path dir;

    private TernConfig parse(String text) {
        return ConfigLoader.parse(dir.resolve("tern.toml"), "hostname = \"mx.example.org\"\n" + text);
    }

    @Test
    void defaultsAreFail2bansAndNoKerberos() {
        AuthSettings a = parse("").auth();
        assertThat(a).isEqualTo(AuthSettings.defaults());
        assertThat(a.plaintextOnLoopback()).isFalse();
        assertThat(a.lockoutFailures()).isEqualTo(10);
        assertThat(a.lockoutWindow()).isEqualTo(Duration.ofMinutes(10));
        assertThat(a.lockoutTime()).isEqualTo(Duration.ofMinutes(15));
        assertThat(a.maxFailureDelay()).isEqualTo(Duration.ofSeconds(8));
        assertThat(a.kerberos()).isNull();
        assertThat(a.cacheTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(a.cacheSize()).isEqualTo(10_000);
        assertThat(ConfigLoader.parse(dir.resolve("tern.toml"), StarterConfig.text("mx.example.org", "0.0.0.0:25")).auth())
                .isEqualTo(AuthSettings.defaults());
    }

    @Test
    void readsThePasswordCache() {
        AuthSettings a = parse("[auth]\ncache_ttl = \"15m\"\ncache_size = 500\n").auth();
        assertThat(a.cacheTtl()).isEqualTo(Duration.ofMinutes(15));
        assertThat(a.cacheSize()).isEqualTo(500);
        assertThat(parse("[auth]\ncache_ttl = \"0\"\n").auth().cacheTtl()).isZero();
        assertThatThrownBy(() -> parse("[auth]\ncache_ttl = \"forever\"\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("auth.cache_ttl");
        assertThatThrownBy(() -> parse("[auth]\ncache_size = 0\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("auth.cache_size");
    }

    @Test
    void readsAuthAndKerberos() throws Exception {
        Files.writeString(dir.resolve("tern.keytab"), "");
        AuthSettings a = parse("""
                [auth]
                plaintext_on_loopback = true
                lockout_failures = 5
                lockout_window = "1h"
                lockout_time = "30m"
                max_failure_delay = "4s"
                [auth.kerberos]
                keytab = "tern.keytab"
                realm = "EXAMPLE.ORG"
                realms = { "EXAMPLE.ORG" = "example.org", "PARTNER.TEST" = "Partner.Example" }
                """).auth();
        assertThat(a.plaintextOnLoopback()).isTrue();
        assertThat(a.lockoutFailures()).isEqualTo(5);
        assertThat(a.lockoutWindow()).isEqualTo(Duration.ofHours(1));
        assertThat(a.lockoutTime()).isEqualTo(Duration.ofMinutes(30));
        assertThat(a.maxFailureDelay()).isEqualTo(Duration.ofSeconds(4));
        assertThat(a.kerberos().keytab()).isEqualTo(dir.resolve("tern.keytab"));
        assertThat(a.kerberos().realms()).isEqualTo(Map.of("EXAMPLE.ORG", "example.org", "PARTNER.TEST", "partner.example"));

        KerberosSettings byDefault = parse("[auth.kerberos]\nkeytab = \"tern.keytab\"\nrealm = \"EXAMPLE.ORG\"\n").auth().kerberos();
        assertThat(byDefault.domainFor("EXAMPLE.ORG")).isEqualTo("example.org");
        assertThat(byDefault.domainFor("OTHER.ORG")).isNull();
    }

    @Test
    void errorsNameTheKey() throws Exception {
        assertThatThrownBy(() -> parse("[auth]\nlockout_failures = 0\n"))
                .hasMessageStartingWith("auth.lockout_failures: expected a positive whole number");
        assertThatThrownBy(() -> parse("[auth]\nlockout_time = \"soon\"\n"))
                .hasMessageStartingWith("auth.lockout_time: expected a duration");
        assertThatThrownBy(() -> parse("[auth]\nlockout = 3\n"))
                .hasMessageStartingWith("auth.lockout: unknown setting");
        assertThatThrownBy(() -> parse("[auth.kerberos]\nrealm = \"EXAMPLE.ORG\"\n"))
                .hasMessageStartingWith("auth.kerberos.keytab: required");
        assertThatThrownBy(() -> parse("[auth.kerberos]\nkeytab = \"missing.keytab\"\nrealm = \"EXAMPLE.ORG\"\n"))
                .hasMessageStartingWith("auth.kerberos.keytab: ").hasMessageContaining("does not exist");
        Files.writeString(dir.resolve("tern.keytab"), "");
        assertThatThrownBy(() -> parse("[auth.kerberos]\nkeytab = \"tern.keytab\"\n"))
                .hasMessageStartingWith("auth.kerberos.realm: expected the Kerberos realm");
        assertThatThrownBy(() -> parse("[auth.kerberos]\nkeytab = \"tern.keytab\"\nrealm = \"EXAMPLE.ORG\"\n"
                + "realms = { \"EXAMPLE.ORG\" = \"not a domain\" }\n"))
                .hasMessageStartingWith("auth.kerberos.realms.EXAMPLE.ORG: \"not a domain\" is not a mail domain");
        assertThatThrownBy(() -> parse("[auth.kerberos]\nkeytab = \"tern.keytab\"\nrealm = \"EXAMPLE.ORG\"\nprincipal = \"x\"\n"))
                .hasMessageStartingWith("auth.kerberos.principal: unknown setting");
    }
}
