package dev.tern.admin;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

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

    @Test
    void everySpellingOfALockedNameIsLockedOut() throws IOException {
        try (AdminFixture fx = new AdminFixture(dir, "[auth]\nlockout_failures = 3\nmax_failure_delay = \"200ms\"\n",
                s -> s)) {
            fx.addAdmin("victim", "right");
            // One failure from each of three addresses: no address is locked, only the name.
            assertThat(loginFrom(fx, "127.0.0.2", "victim", "wrong")).isEqualTo(401);
            assertThat(loginFrom(fx, "127.0.0.3", " VICTIM", "wrong")).isEqualTo(401);
            assertThat(loginFrom(fx, "127.0.0.4", "Victim\t", "wrong")).isEqualTo(401);

            assertThat(loginFrom(fx, "127.0.0.5", "victim", "right")).isEqualTo(429);
            assertThat(loginFrom(fx, "127.0.0.6", " victim", "right")).as("padded with a space").isEqualTo(429);
            assertThat(loginFrom(fx, "127.0.0.7", "VICTIM\t", "wrong")).as("upper case and a tab").isEqualTo(429);
            assertThat(loginFrom(fx, "127.0.0.8", "someone-else", "x")).as("other names are not locked")
                    .isEqualTo(401);
        }
    }

    /** The status of a login sent from the given loopback address (each address is its own client). */
    private static int loginFrom(AdminFixture fx, String from, String name, String password) throws IOException {
        String body = AdminClient.json(Map.of("name", name, "password", password));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(from, 0));
            s.connect(new InetSocketAddress("127.0.0.1", fx.port()), 5000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/session HTTP/1.1\r\nHost: admin.test\r\nConnection: close\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            InputStream in = s.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            return Integer.parseInt(answer.substring("HTTP/1.1 ".length(), "HTTP/1.1 ".length() + 3));
        }
    }
}
