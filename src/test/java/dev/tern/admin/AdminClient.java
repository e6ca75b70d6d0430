package dev.tern.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A client of the admin API for tests, on Java's HttpClient: sends an API token or the cookies a
 * login set, and reads every answer as JSON when it is JSON.
 */
final class AdminClient {

    static final ObjectMapper JSON = new ObjectMapper();

    /** An answer: status, header fields and body (parsed when it is JSON). */
    record Answer(int status, Map<String, List<String>> headers, String body, JsonNode json) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst().orElse(null);
        }

        List<String> all(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).toList();
        }

        String errorCode() {
            return json == null ? null : json.path("error").path("code").asText(null);
        }

        String errorMessage() {
            return json == null ? null : json.path("error").path("message").asText(null);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private String token;
    private final Map<String, String> cookies = new LinkedHashMap<>();
    private String csrf;

    AdminClient(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    AdminClient withToken(String t) {
        AdminClient c = new AdminClient(base);
        c.token = t;
        return c;
    }

    private AdminClient(String base) {
        this.base = base;
    }

    /** A client without credentials. */
    AdminClient anonymous() {
        return new AdminClient(base);
    }

    /** Logs in; keeps the cookies and the CSRF token for the requests that follow. */
    Answer login(String name, String password) {
        Answer a = send("POST", "/api/session", json(Map.of("name", name, "password", password)));
        for (String setCookie : a.all("set-cookie")) {
            String pair = setCookie.substring(0, setCookie.indexOf(';'));
            cookies.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        if (a.json() != null && a.json().has("csrf_token")) {
            csrf = a.json().get("csrf_token").asText();
        }
        return a;
    }

    String csrf() {
        return csrf;
    }

    Map<String, String> cookies() {
        return cookies;
    }

    /** Stops sending the CSRF token (to see what happens without it). */
    AdminClient withoutCsrf() {
        AdminClient c = new AdminClient(base);
        c.cookies.putAll(cookies);
        return c;
    }

    Answer get(String path) {
        return send("GET", path, null);
    }

    Answer delete(String path) {
        return send("DELETE", path, null);
    }

    Answer post(String path, Object body) {
        return send("POST", path, body == null ? null : json(body));
    }

    Answer patch(String path, Object body) {
        return send("PATCH", path, json(body));
    }

    static String json(Object body) {
        try {
            return body instanceof String s ? s : JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Answer send(String method, String path, String body) {
        return send(method, path, body, "application/json");
    }

    Answer send(String method, String path, String body, String contentType) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null && contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (!cookies.isEmpty()) {
            b.header("Cookie", String.join("; ", cookies.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).toList()));
        }
        if (csrf != null) {
            b.header("X-CSRF-Token", csrf);
        }
        return send(b.build());
    }

    Answer send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            JsonNode json = null;
            String type = r.headers().firstValue("content-type").orElse("");
            if (type.startsWith("application/json") && !r.body().isEmpty()) {
                json = JSON.readTree(r.body());
            }
            return new Answer(r.statusCode(), r.headers().map(), r.body(), json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String base() {
        return base;
    }
}
