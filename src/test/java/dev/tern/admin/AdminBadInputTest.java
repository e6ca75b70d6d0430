package dev.tern.admin;

import dev.tern.admin.auth.Scope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad requests get a clear 4xx JSON error, and change nothing. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminBadInputTest {

    private AdminFixture fx;
    private AdminClient api;

    @BeforeAll
    void start(@TempDir Path dir) {
        fx = new AdminFixture(dir, "", s -> s.withAdminRoutes(services -> table ->
                table.get("/api/broken", "Fails").scope(Scope.SETTINGS_READ).handle(r -> {
                    throw new IllegalStateException("secret detail /etc/shadow");
                })));
        api = fx.admin();
        api.post("/api/domains", Map.of("name", "ok.test"));
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    @Test
    void malformedJsonIs400InvalidJson() {
        AdminClient.Answer a = api.send("POST", "/api/domains", "{\"name\": \"x.test\"");
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.errorCode()).isEqualTo("invalid_json");
        assertThat(a.errorMessage()).startsWith("the body is not valid JSON");
        assertThat(api.send("POST", "/api/domains", "[1, 2]").errorCode()).isEqualTo("invalid_json");
        assertThat(api.send("POST", "/api/domains", "{\"name\": \"x.test\"} trailing").errorCode())
                .isEqualTo("invalid_json");
        assertThat(api.send("POST", "/api/domains", "").errorCode()).isEqualTo("invalid_json");
        assertThat(api.send("POST", "/api/domains", "{\"name\": \"x.test\", \"name\": \"y.test\"}").status())
                .isEqualTo(400);
        assertThat(fx.services().directory().domain("x.test")).isEmpty();
        assertThat(fx.services().directory().domain("y.test")).isEmpty();
    }

    @Test
    void anUnknownFieldIsNamed() {
        AdminClient.Answer a = api.post("/api/domains", Map.of("name", "x.test", "catchall", "a@x.test"));
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.errorCode()).isEqualTo("invalid_field");
        assertThat(a.errorMessage()).isEqualTo("unknown field \"catchall\"; the fields are: name");
        assertThat(fx.services().directory().domain("x.test")).isEmpty();
    }

    @Test
    void wrongTypesAndMissingFieldsAreNamed() {
        AdminClient.Answer number = api.post("/api/domains", Map.of("name", 5));
        assertThat(number.errorCode()).isEqualTo("invalid_field");
        assertThat(number.errorMessage()).isEqualTo("field \"name\" must be a string");
        AdminClient.Answer missing = api.post("/api/accounts", Map.of("password", "pw"));
        assertThat(missing.errorMessage()).isEqualTo("field \"address\" is required");
        AdminClient.Answer text = api.post("/api/accounts", Map.of("address", "t@ok.test", "cram_md5", "yes"));
        assertThat(text.errorMessage()).isEqualTo("field \"cram_md5\" must be true or false");
        AdminClient.Answer list = api.post("/api/aliases", Map.of("address", "a@ok.test", "targets", "b@ok.test"));
        assertThat(list.errorMessage()).isEqualTo("field \"targets\" must be a list");
        assertThat(fx.services().directory().users("ok.test")).extracting(u -> u.address()).doesNotContain("t@ok.test");
        assertThat(fx.services().directory().aliases("ok.test")).isEmpty();
    }

    @Test
    void nullForARequiredFieldOrInAListIsNamed() {
        Map<String, String> bodies = Map.of(
                "/api/tokens", "{\"name\": \"x\", \"scopes\": null}",
                "/api/aliases", "{\"address\": \"z@ok.test\", \"targets\": null}",
                "/api/accounts", "{\"address\": null}",
                "/api/credentials", "{\"domain\": null}",
                "/api/session", "{\"name\": null, \"password\": \"x\"}",
                "/api/domains", "{\"name\": null}");
        Map<String, String> fields = Map.of("/api/tokens", "scopes", "/api/aliases", "targets",
                "/api/accounts", "address", "/api/credentials", "domain", "/api/session", "name", "/api/domains", "name");
        for (Map.Entry<String, String> b : bodies.entrySet()) {
            AdminClient.Answer a = api.send("POST", b.getKey(), b.getValue());
            assertThat(a.status()).as("%s %s", b.getKey(), a.body()).isEqualTo(400);
            assertThat(a.errorCode()).as(b.getKey()).isEqualTo("invalid_field");
            assertThat(a.errorMessage()).as(b.getKey())
                    .isEqualTo("field \"" + fields.get(b.getKey()) + "\" must not be null");
        }
        AdminClient.Answer inList = api.send("POST", "/api/tokens",
                "{\"name\": \"x\", \"scopes\": [\"domains:read\"], \"domains\": [null]}");
        assertThat(inList.status()).isEqualTo(400);
        assertThat(inList.errorMessage()).isEqualTo("field \"domains[0]\" must not be null");
        AdminClient.Answer target = api.send("POST", "/api/aliases",
                "{\"address\": \"z@ok.test\", \"targets\": [\"a@ok.test\", null]}");
        assertThat(target.errorMessage()).isEqualTo("field \"targets[1]\" must not be null");
        assertThat(api.send("POST", "/api/accounts", "{\"address\": \"n@ok.test\", \"password\": null}").status())
                .as("null for a field that may be left out is leaving it out").isEqualTo(201);
        assertThat(fx.services().directory().aliases("ok.test")).isEmpty();
        assertThat(api.get("/api/tokens").json().findValuesAsText("name")).doesNotContain("x");
    }

    @Test
    void anInvalidAddressOrDomainIs400AndNothingChanges() {
        AdminClient.Answer a = api.post("/api/accounts", Map.of("address", "not an address", "password", "pw"));
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.errorCode()).isEqualTo("invalid_field");
        assertThat(a.errorMessage()).startsWith("\"not an address\" is not a valid address");
        assertThat(api.post("/api/accounts", Map.of("address", "e@ok.test", "password", "")).errorMessage())
                .isEqualTo("the password is empty");
        assertThat(api.post("/api/domains", Map.of("name", "bad domain!")).errorCode()).isEqualTo("invalid_field");
        AdminClient.Answer fullWidth = api.post("/api/domains", Map.of("name", "\uFF4Fk.test"));
        assertThat(fullWidth.errorCode()).isEqualTo("invalid_field");
        assertThat(fullWidth.errorMessage()).contains("U+FF4F");
        assertThat(api.post("/api/accounts", Map.of("address", "f@ok\u3002test", "password", "pw")).errorCode())
                .isEqualTo("invalid_field");
        assertThat(api.get("/api/domains/bad..name").status()).isEqualTo(400);
        assertThat(api.patch("/api/accounts/nobody@ok.test", Map.of("enabled", false)).status()).isEqualTo(404);
        assertThat(fx.services().directory().users("ok.test")).extracting(u -> u.address()).doesNotContain("e@ok.test");
        assertThat(fx.services().directory().domains()).extracting(d -> d.name()).doesNotContain("bad domain!");
    }

    @Test
    void anIpAddressIsNoDomain() {
        for (String name : List.of("[127.0.0.1]", "127.0.0.1", "[IPv6:::1]", "[IPv6:2001:db8::1]", "10.1.2.3.",
                "192.168.1")) {
            AdminClient.Answer a = api.post("/api/domains", Map.of("name", name));
            assertThat(a.status()).as("%s: %s", name, a.body()).isEqualTo(400);
            assertThat(a.errorCode()).as(name).isEqualTo("invalid_field");
            assertThat(a.errorMessage()).as(name).contains("not a domain name");
        }
        assertThat(fx.services().directory().domains()).extracting(d -> d.name())
                .noneMatch(n -> n.startsWith("[") || n.matches("[0-9.]+"));
        assertThat(api.post("/api/domains", Map.of("name", "123.example")).status())
                .as("digits are fine before the last label").isEqualTo(201);
    }

    @Test
    void addressesThatWouldLookLikeAnotherAreRefused() {
        assertThat(api.post("/api/accounts", Map.of("address", "lookalike@ok.test", "password", "pw")).status())
                .isEqualTo(201);
        Map<String, String> hidden = Map.of("lookalike\u200b@ok.test", "U+200B ZERO WIDTH SPACE",
                "\ufefflookalike@ok.test", "U+FEFF ZERO WIDTH NO-BREAK SPACE",
                "look\u00adalike@ok.test", "U+00AD SOFT HYPHEN",
                "lookalike\u2060@ok.test", "U+2060 WORD JOINER",
                "lookalike\u00a0@ok.test", "U+00A0 NO-BREAK SPACE",
                "look\u202ealike@ok.test", "U+202E RIGHT-TO-LEFT OVERRIDE");
        for (Map.Entry<String, String> h : hidden.entrySet()) {
            AdminClient.Answer a = api.post("/api/accounts", Map.of("address", h.getKey(), "password", "pw"));
            assertThat(a.status()).as("%s: %s", h.getValue(), a.body()).isEqualTo(400);
            assertThat(a.errorCode()).isEqualTo("invalid_field");
            assertThat(a.errorMessage()).as(h.getValue()).contains("holds " + h.getValue())
                    .as("the character is shown, not hidden in the message")
                    .contains("<" + h.getValue().substring(0, "U+200B".length()) + ">").doesNotContain(h.getKey());
            AdminClient.Answer alias = api.post("/api/aliases",
                    Map.of("address", h.getKey(), "targets", List.of("lookalike@ok.test")));
            assertThat(alias.status()).as("alias %s", h.getValue()).isEqualTo(400);
            AdminClient.Answer credential = api.post("/api/credentials",
                    Map.of("domain", "ok.test", "name", h.getKey()));
            assertThat(credential.status()).as("credential %s", h.getValue()).isEqualTo(400);
        }
        AdminClient.Answer decomposed = api.post("/api/accounts", Map.of("address", "lookalik\u0065\u0301@ok.test",
                "password", "pw"));
        assertThat(decomposed.status()).isEqualTo(400);
        assertThat(decomposed.errorMessage()).contains("not in Unicode Normalization Form C (NFC)")
                .contains("\"lookalik\u00e9\"");
        assertThat(api.post("/api/accounts", Map.of("address", "lookalik\u00e9@ok.test", "password", "pw")).status())
                .as("the same letters, each in one character").isEqualTo(201);
        assertThat(api.get("/api/accounts?domain=ok.test").json().findValuesAsText("address"))
                .filteredOn(a -> a.startsWith("look")).containsExactlyInAnyOrder("lookalike@ok.test", "lookalik\u00e9@ok.test");
        assertThat(fx.services().directory().aliases("ok.test")).isEmpty();
    }

    @Test
    void aPatchThatSaysNothingOrTooMuchIsRefused() {
        api.post("/api/accounts", Map.of("address", "p@ok.test", "password", "pw"));
        assertThat(api.patch("/api/accounts/p@ok.test", Map.of()).errorMessage()).startsWith("nothing to change");
        assertThat(api.patch("/api/accounts/p@ok.test", Map.of("password", "a", "generate_password", true))
                .status()).isEqualTo(400);
        assertThat(api.patch("/api/accounts/p@ok.test", Map.of("enabled", false, "cram_md5", true)).status())
                .isEqualTo(400);
        assertThat(fx.services().directory().user("p@ok.test")).get().extracting(u -> u.enabled()).isEqualTo(true);
        api.delete("/api/accounts/p@ok.test");
    }

    @Test
    void aBodyOverTheLimitIs413() {
        String big = "{\"name\": \"" + "a".repeat(2 * 1024 * 1024) + "\"}";
        AdminClient.Answer a = api.send("POST", "/api/domains", big);
        assertThat(a.status()).isEqualTo(413);
        assertThat(a.errorCode()).isEqualTo("payload_too_large");
        assertThat(a.errorMessage()).contains("1048576 bytes");
        assertThat(api.get("/api/domains").status()).as("the server goes on").isEqualTo(200);
    }

    @Test
    void aBodyThatIsNotJsonIs415() {
        AdminClient.Answer a = api.send("POST", "/api/domains", "name=x.test", "application/x-www-form-urlencoded");
        assertThat(a.status()).isEqualTo(415);
        assertThat(a.errorCode()).isEqualTo("unsupported_media_type");
        assertThat(api.send("POST", "/api/domains", "{\"name\": \"x.test\"}", "text/plain").status()).isEqualTo(415);
        assertThat(fx.services().directory().domain("x.test")).isEmpty();
        assertThat(api.send("POST", "/api/domains", "{\"name\": \"cs.test\"}", "application/json; charset=utf-8")
                .status()).isEqualTo(201);
    }

    @Test
    void unknownPathsAre404AndWrongMethods405() {
        AdminClient.Answer none = api.get("/api/nothing/here");
        assertThat(none.status()).isEqualTo(404);
        assertThat(none.errorCode()).isEqualTo("not_found");
        AdminClient.Answer put = api.send("PUT", "/api/domains", "{}");
        assertThat(put.status()).isEqualTo(405);
        assertThat(put.errorCode()).isEqualTo("method_not_allowed");
        assertThat(put.header("allow")).isEqualTo("GET, POST");
        assertThat(api.get("/api/queue/x/retry").header("allow")).isEqualTo("POST");
    }

    @Test
    void anUnexpectedFailureIs500WithoutItsDetails() {
        AdminClient.Answer a = api.get("/api/broken");
        assertThat(a.status()).isEqualTo(500);
        assertThat(a.errorCode()).isEqualTo("internal_error");
        assertThat(a.body()).doesNotContain("secret").doesNotContain("shadow").doesNotContain("Exception")
                .contains(a.header("x-request-id"));
    }

    @Test
    void oversizedHeadersAndBadRequestsGetJsonErrors() throws IOException {
        String huge = "x".repeat(20 * 1024);
        String answer = raw("GET /api/domains HTTP/1.1\r\nHost: a\r\nX-Big: " + huge + "\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 431").contains("\"code\":\"headers_too_large\"");
        String longLine = raw("GET /" + "a".repeat(10 * 1024) + " HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(longLine).startsWith("HTTP/1.1 414").contains("uri_too_long");
        String garbage = raw("NOT HTTP AT ALL\r\n\r\n");
        assertThat(garbage).startsWith("HTTP/1.1 400").contains("\"error\"");
    }

    @Test
    void errorsOfTheHttpLayerCarryARequestIdAndTheSecurityHeaders() throws IOException {
        String token = fx.token(List.of(Scope.ADMIN));
        String post = "POST /api/domains HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + token
                + "\r\nContent-Type: application/json\r\n";
        Map<String, String> requests = Map.of(
                "400", "GET /api/session HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
                "414", "GET /?" + "a".repeat(9000) + " HTTP/1.1\r\nHost: a\r\n\r\n",
                "431", "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + "a".repeat(17_000) + "\r\n\r\n",
                "413", post + "Content-Length: 2000000\r\nExpect: 100-continue\r\n\r\n",
                "417", post + "Expect: foo\r\nContent-Length: 2\r\n\r\n{}",
                "404", "GET /nothing HTTP/1.1\r\nHost: a\r\n\r\n");
        for (Map.Entry<String, String> r : requests.entrySet()) {
            String head = rawHead(r.getValue());
            assertThat(head).as(r.getKey()).startsWith("HTTP/1.1 " + r.getKey() + " ");
            Map<String, String> fields = headerFields(head);
            assertThat(fields.get("x-request-id")).as("%s: %s", r.getKey(), head).matches("[0-9a-f]{1,10}");
            assertThat(fields).as(r.getKey())
                    .containsEntry("cache-control", "no-store")
                    .containsEntry("x-content-type-options", "nosniff")
                    .containsEntry("x-frame-options", "DENY")
                    .containsEntry("referrer-policy", "no-referrer")
                    .containsEntry("content-security-policy", "default-src 'self'; frame-ancestors 'none'");
        }
    }

    /** The header fields of an answer's head, by lower-case name. */
    private static Map<String, String> headerFields(String head) {
        Map<String, String> fields = new java.util.HashMap<>();
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.put(line.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT),
                        line.substring(colon + 1).trim());
            }
        }
        return fields;
    }

    /** Sends raw bytes and reads the head of the first answer (the server may keep the connection). */
    private String rawHead(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", fx.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            while (!got.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                got.write(b);
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void onlyHttp11WithOneHostIsServed() throws IOException {
        String token = fx.token(List.of(Scope.ADMIN));
        String request = "GET /api/session %s\r\n%sConnection: close\r\nAuthorization: Bearer " + token + "\r\n\r\n";
        assertThat(raw(request.formatted("HTTP/1.1", "Host: a\r\n"))).startsWith("HTTP/1.1 200");
        for (String version : List.of("HTTP/1.0", "HTTP/1.2", "HTTP/2.0", "HTTP/9.9")) {
            String answer = raw(request.formatted(version, "Host: a\r\n"));
            assertThat(answer).as(version).startsWith("HTTP/1.1 505").contains("\"code\":\"http_version_not_supported\"")
                    .doesNotContain("\"kind\":\"token\"");
        }
        for (String version : List.of("http/1.1", "FOO/1.1", "HTTPS/1.1")) {
            String answer = raw(request.formatted(version, "Host: a\r\n"));
            assertThat(answer).as(version).startsWith("HTTP/1.1 400").contains("\"code\":\"bad_request\"");
        }
        for (String host : List.of("", "Host: a\r\nHost: b\r\n", "Host:\r\n", "Host: a b\r\n")) {
            String answer = raw(request.formatted("HTTP/1.1", host));
            assertThat(answer).as(host).startsWith("HTTP/1.1 400").contains("Host field");
        }
        assertThat(raw(request.formatted("HTTP/1.1", "Host: [::1]:8080\r\n"))).startsWith("HTTP/1.1 200");
    }

    @Test
    void methodsAreCaseSensitive() throws IOException {
        String token = fx.token(List.of(Scope.ADMIN));
        String get = raw("get /api/session HTTP/1.1\r\nHost: a\r\nConnection: close\r\n"
                + "Authorization: Bearer " + token + "\r\n\r\n");
        assertThat(get).startsWith("HTTP/1.1 405").contains("\"code\":\"method_not_allowed\"")
                .doesNotContain("\"kind\":\"token\"");
        String id = api.post("/api/tokens", Map.of("name", "kept", "scopes", List.of("domains:read")))
                .json().get("id").asText();
        String delete = raw("dElEtE /api/tokens/" + id + " HTTP/1.1\r\nHost: a\r\nConnection: close\r\n"
                + "Authorization: Bearer " + token + "\r\n\r\n");
        assertThat(delete).startsWith("HTTP/1.1 405");
        assertThat(api.get("/api/tokens").json().findValuesAsText("id")).contains(id);
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderOnOneConnection() throws IOException {
        String token = fx.token(List.of(Scope.ADMIN));
        String req = "GET %s HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + token + "\r\n\r\n";
        String answer = raw(req.formatted("/api/domains") + req.formatted("/api/nothing")
                + req.formatted("/api/session").replace("HTTP/1.1\r\n", "HTTP/1.1\r\nConnection: close\r\n"));
        int first = answer.indexOf("HTTP/1.1 200");
        int second = answer.indexOf("HTTP/1.1 404");
        int third = answer.indexOf("HTTP/1.1 200", first + 1);
        assertThat(first).isGreaterThanOrEqualTo(0);
        assertThat(second).isGreaterThan(first);
        assertThat(third).isGreaterThan(second);
        assertThat(answer).contains("\"kind\":\"token\"");
    }

    /** Sends raw bytes and reads until the server closes the connection. */
    private String raw(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", fx.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) > 0; ) {
                    got.write(buf, 0, n);
                }
            } catch (java.net.SocketException e) {
                // reset after the answer: what was read is enough
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

}
