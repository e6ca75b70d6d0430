package dev.tern.auth;

import dev.tern.testing.TestClock;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class AuthThrottleTest {

    private final TestClock clock = new TestClock("2026-12-01T10:00:00Z");
    private final AuthThrottle throttle = new AuthThrottle(10, Duration.ofMinutes(10), Duration.ofMinutes(15),
            Duration.ofSeconds(8), 100, clock);

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void delaysGrowWithFailuresUpToTheCap() throws Exception {
        InetAddress a = ip("192.0.2.1");
        assertThat(throttle.delay(a)).isZero();
        long[] expected = {0, 1, 2, 4, 8, 8, 8};
        for (long seconds : expected) {
            throttle.failure(a, null);
            assertThat(throttle.delay(a)).isEqualTo(Duration.ofSeconds(seconds));
        }
        assertThat(throttle.delay(ip("192.0.2.2"))).isZero();
    }

    @Test
    void failuresOutsideTheWindowNoLongerCount() throws Exception {
        InetAddress a = ip("192.0.2.1");
        for (int i = 0; i < 4; i++) {
            throttle.failure(a, null);
            clock.advance(Duration.ofMinutes(4));
        }
        // failures at 0, 4, 8, 12 minutes; now 16: the first two are older than 10 minutes
        assertThat(throttle.delay(a)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void tenFailuresLockTheAddressOutForFifteenMinutes() throws Exception {
        InetAddress a = ip("192.0.2.1");
        for (int i = 0; i < 9; i++) {
            throttle.failure(a, "user" + i + "@example.org");
            clock.advance(Duration.ofSeconds(30));
        }
        assertThat(throttle.clientLocked(a)).isFalse();
        throttle.failure(a, "user9@example.org");
        assertThat(throttle.clientLocked(a)).isTrue();
        assertThat(throttle.clientLocked(ip("192.0.2.2"))).isFalse();
        clock.advance(Duration.ofMinutes(15).minusSeconds(1));
        assertThat(throttle.clientLocked(a)).isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(throttle.clientLocked(a)).isFalse();
        assertThat(throttle.delay(a)).isZero();
    }

    @Test
    void accountsLockOutAcrossAddressesAndASuccessClearsThem() throws Exception {
        for (int i = 0; i < 9; i++) {
            throttle.failure(ip("198.51.100." + i), "Alice@Example.org");
        }
        throttle.success("alice@example.org");
        for (int i = 0; i < 9; i++) {
            throttle.failure(ip("198.51.100." + i), "alice@example.org");
        }
        assertThat(throttle.accountLocked("alice@example.org")).isFalse();
        throttle.failure(ip("198.51.100.200"), "ALICE@example.org");
        assertThat(throttle.accountLocked("alice@example.org")).isTrue();
        assertThat(throttle.accountLocked("bob@example.org")).isFalse();
        clock.advance(Duration.ofMinutes(16));
        assertThat(throttle.accountLocked("alice@example.org")).isFalse();
    }

    @Test
    void ipv6ClientsCountPerSlash64() throws Exception {
        throttle.failure(ip("2001:db8:1:2::1"), null);
        throttle.failure(ip("2001:db8:1:2::ffff"), null);
        assertThat(throttle.delay(ip("2001:db8:1:2:aaaa::1"))).isEqualTo(Duration.ofSeconds(1));
        assertThat(throttle.delay(ip("2001:db8:1:3::1"))).isZero();
    }

    @Test
    void memoryIsBoundedByForgettingTheOldest() throws Exception {
        AuthThrottle small = new AuthThrottle(2, Duration.ofMinutes(10), Duration.ofMinutes(15), Duration.ofSeconds(8), 3, clock);
        InetAddress first = ip("192.0.2.1");
        small.failure(first, null);
        small.failure(first, null);
        assertThat(small.clientLocked(first)).isTrue();
        for (int i = 2; i <= 4; i++) {
            small.failure(ip("192.0.2." + i), null);
        }
        assertThat(small.clientLocked(first)).isFalse();
        assertThat(small.delay(ip("192.0.2.4"))).isZero(); // still tracked, one failure
    }
}
