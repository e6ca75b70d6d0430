package dev.tern.admin.http;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a handler answers: a status, a body with its media type, and extra header fields (cookies
 * among them). {@link #delay} holds the answer back without holding a thread (failed logins).
 */
public record ApiResponse(int status, String contentType, byte[] body, List<Map.Entry<String, String>> headers,
                          Duration delay) {

    public static final String JSON = "application/json";

    public ApiResponse {
        headers = List.copyOf(headers);
    }

    /** 200 with the value as JSON. */
    public static ApiResponse ok(Object value) {
        return json(200, value);
    }

    /** 201 with the value as JSON. */
    public static ApiResponse created(Object value) {
        return json(201, value);
    }

    /** 204, no body. */
    public static ApiResponse noContent() {
        return new ApiResponse(204, null, new byte[0], List.of(), Duration.ZERO);
    }

    public static ApiResponse json(int status, Object value) {
        return new ApiResponse(status, JSON, Json.write(value), List.of(), Duration.ZERO);
    }

    public static ApiResponse text(int status, String contentType, String text) {
        return new ApiResponse(status, contentType, text.getBytes(StandardCharsets.UTF_8), List.of(), Duration.ZERO);
    }

    public static ApiResponse bytes(int status, String contentType, byte[] body) {
        return new ApiResponse(status, contentType, body, List.of(), Duration.ZERO);
    }

    /** The error as JSON: {@code {"error": {"code": ..., "message": ...}}}, with its header fields. */
    public static ApiResponse error(ApiException e) {
        ApiResponse r = json(e.status(), ErrorBody.of(e));
        for (Map.Entry<String, List<String>> h : e.headers().entrySet()) {
            for (String v : h.getValue()) {
                r = r.withHeader(h.getKey(), v);
            }
        }
        return r;
    }

    public ApiResponse withHeader(String name, String value) {
        List<Map.Entry<String, String>> h = new ArrayList<>(headers);
        h.add(Map.entry(name, value));
        return new ApiResponse(status, contentType, body, h, delay);
    }

    /** Adds a {@code Set-Cookie} field. */
    public ApiResponse withCookie(String setCookie) {
        return withHeader("Set-Cookie", setCookie);
    }

    public ApiResponse delayed(Duration d) {
        return new ApiResponse(status, contentType, body, headers, d);
    }
}
