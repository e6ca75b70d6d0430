package dev.tern.admin;

import dev.tern.admin.auth.Scope;
import dev.tern.testing.HostileInput;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin API under hostile requests: paths that climb out of the console's files or carry NUL
 * and broken escapes, bodies that are no JSON, nest without end or are too large. Each gets a
 * 4xx with a JSON error that names no class, exception or file, and the server goes on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminApiHostileInputTest {

    /** What must never be in an answer: class and exception names, stack frames, a file's content, the server's paths. */
    /** Never in an answer: the data directory's path, a system file's or the project's contents. */
    private String[] secrets;

    private AdminFixture fx;
    private AdminClient api;
    private String token;

    @BeforeAll
    void start(@TempDir Path dir) {
        fx = new AdminFixture(dir);
        secrets = new String[] {dir.toString(), "root:x:0:0", "<project"};
        token = fx.token(List.of(Scope.ADMIN));
        api = new AdminClient(fx.port()).withToken(token);
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    /** One request written as given, path and all (no client normalizes it); the status and the whole answer. */
    private String[] raw(String method, String path) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), fx.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            String status = answer.isEmpty() ? "" : answer.substring(answer.indexOf(' ') + 1, answer.indexOf(' ') + 4);
            return new String[] {status, answer};
        }
    }

    @Test
    void pathsThatClimbOrCarryOddOctetsFindNothing() throws Exception {
        for (String path : List.of("/api/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/console/../../../../etc/passwd",
                "/console/..%2f..%2f..%2f..%2fetc%2fpasswd", "/console/%2e%2e/%2e%2e/pom.xml", "/api/domains/%00",
                "/api/users/%ff%fe", "/api/queue/'%20OR%201=1", "/metrics?x=%", "/api/domains/%", "//etc/passwd",
                "/api/domains/" + "a".repeat(5000))) {
            String[] r = raw("GET", path);
            assertThat(Integer.parseInt(r[0])).as(path + ":\n" + r[1]).isBetween(400, 431);
            assertThat(r[1]).as(path).contains("\"error\"");
            assertThat(HostileInput.leak(r[1], path, secrets)).as(path + ":\n" + r[1]).isNull();
        }
        assertThat(api.get("/api/domains").status()).isEqualTo(200);
    }

    @Test
    void bodiesThatAreNoUsableJsonAreRefusedByName() {
        Map<String, String> bodies = Map.of(
                "{\"name\": ", "invalid_json",
                "[[[[[[", "invalid_json",
                "[".repeat(100_000), "invalid_json",
                "\"x\"", "invalid_json",
                "{\"name\": 12}", "invalid_field",
                "{\"name\": null}", "invalid_field",
                "{}", "invalid_field",
                "{\"name\": \"\\u0000evil.test\"}", "invalid_field",
                "{\"name\": \"a..b\"}", "invalid_field",
                "{\"name\": \"" + "a".repeat(3_000_000) + "\"}", "payload_too_large");
        bodies.forEach((body, code) -> {
            AdminClient.Answer a = api.send("POST", "/api/domains", body);
            String shown = body.length() > 60 ? body.substring(0, 60) + "…" : body;
            assertThat(a.status()).as(shown + ": " + a.body()).isBetween(400, 413);
            assertThat(a.errorCode()).as(shown).isEqualTo(code);
            assertThat(HostileInput.leak(a.body(), body, secrets)).as(shown + ": " + a.body()).isNull();
        });
        // Nothing half-made: the name with NUL did not become evil.test.
        assertThat(fx.services().directory().domain("evil.test")).isEmpty();
        assertThat(api.post("/api/domains", Map.of("name", "after.test")).status()).isEqualTo(201);
    }
}
