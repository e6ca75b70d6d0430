package dev.tern.cli;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The parts of {@code tern send} that need no server. */
class SendCommandUnitTest {

    @Test
    void serverOptionForms() {
        assertThat(SendCommand.Target.parse("mx.example.org", 25)).isEqualTo(new SendCommand.Target("mx.example.org", 25));
        assertThat(SendCommand.Target.parse("127.0.0.1:2525", 25)).isEqualTo(new SendCommand.Target("127.0.0.1", 2525));
        assertThat(SendCommand.Target.parse("[::1]:587", 25)).isEqualTo(new SendCommand.Target("::1", 587));
        assertThat(SendCommand.Target.parse("[::1]", 465)).isEqualTo(new SendCommand.Target("::1", 465));
        assertThat(SendCommand.Target.parse("::1", 25)).isEqualTo(new SendCommand.Target("::1", 25));
        assertThat(new SendCommand.DurationConverter().convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(new SendCommand.DurationConverter().convert("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(new SendCommand.DurationConverter().convert("30")).isEqualTo(Duration.ofSeconds(30));
        for (String bad : List.of("host:0", "host:99999", "host:x", ":25")) {
            assertThatThrownBy(() -> SendCommand.Target.parse(bad, 25)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aPasswordTravelsOnlyEncryptedOrToLoopback() throws Exception {
        InetAddress remote = InetAddress.getByAddress(new byte[]{(byte) 192, 0, 2, 1});  // TEST-NET-1, never contacted
        assertThat(SendCommand.passwordAllowed(false, remote)).isFalse();
        assertThat(SendCommand.passwordAllowed(true, remote)).isTrue();
        assertThat(SendCommand.passwordAllowed(false, InetAddress.getByName("127.0.0.1"))).isTrue();
        assertThat(SendCommand.passwordAllowed(false, InetAddress.getByName("127.0.0.2"))).isTrue();
        assertThat(SendCommand.passwordAllowed(false, InetAddress.getByName("::1"))).isTrue();
    }
}
