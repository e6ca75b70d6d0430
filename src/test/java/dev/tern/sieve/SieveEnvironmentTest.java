package dev.tern.sieve;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** environment (RFC 5183): the items of the place a script runs in. */
class SieveEnvironmentTest {

    private final SieveEngine engine = new SieveEngine();

    @Test
    void itemsTernKnowsAndOnesItDoesNot() throws Exception {
        byte[] bytes = "From: bob@example.org\r\n\r\nHi.\r\n".getBytes(StandardCharsets.UTF_8);
        FilteredMessage message = FilteredMessage.read(() -> new ByteArrayInputStream(bytes), bytes.length,
                "bob@example.org", "anna@example.test")
                .about(AccountFacts.NONE.withEnvironment(Map.of("host", "mx.example.test", "domain", "example.test",
                        "remote-ip", "192.0.2.7", "remote-host", "", "location", "MTA")));
        String script = """
                require ["environment", "fileinto", "variables"];
                if environment :is "location" "MDA" { fileinto "mda"; }
                if environment :is "phase" "during" { fileinto "during"; }
                if environment :is "NAME" "tern" { fileinto "tern"; }
                if environment :matches "host" "*.example.test" { fileinto "host-${1}"; }
                if environment :is "domain" "example.test" { fileinto "domain"; }
                if environment :matches "remote-ip" "192.0.2.*" { fileinto "ip"; }
                if environment :is "remote-host" "" { fileinto "no-remote-host"; }
                if environment :matches "vnd.unknown" "*" { fileinto "never"; }
                """;
        engine.check(script);
        SieveOutcome o = engine.run(script, message);
        assertThat(o.error()).isNull();
        assertThat(o.fileInto()).as("location, name and phase are fixed").containsExactly("mda", "during", "tern",
                "host-mx", "domain", "ip", "no-remote-host");
    }

    @Test
    void itNeedsItsRequire() {
        assertThatThrownBy(() -> engine.check("if environment \"host\" \"x\" { keep; }"))
                .hasMessageContaining("require \"environment\"");
    }
}
