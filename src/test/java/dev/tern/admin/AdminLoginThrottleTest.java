package dev.tern.admin;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Failed console logins are throttled like mail logins: enough of them lock the client out. */
class AdminLoginThrottleTest {

    @TempDir
    Path dir;

    @Test
    void repeatedFailuresLockTheClientOutEvenWithTheRightPassword() {
        try (AdminFixture fx = new AdminFixture(dir, "[auth]\nlockout_failures = 3\nmax_failure_delay = \"200ms\"\n",
                s -> s)) {
            fx.addAdmin("root", "right");
            AdminClient c = new AdminClient(fx.port());
            long start = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                assertThat(c.login("root", "wrong-" + i).errorCode()).isEqualTo("invalid_credentials");
            }
            assertThat(System.nanoTime() - start).as("later failures are answered later")
                    .isGreaterThanOrEqualTo(200_000_000L);
            AdminClient.Answer locked = c.login("root", "right");
            assertThat(locked.status()).isEqualTo(429);
            assertThat(locked.errorCode()).isEqualTo("too_many_attempts");
            assertThat(c.cookies()).isEmpty();
            assertThat(c.login("someone-else", "x").status()).as("the client address is locked").isEqualTo(429);
        }
    }
}
