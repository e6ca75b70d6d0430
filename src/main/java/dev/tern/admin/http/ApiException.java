package dev.tern.admin.http;

import java.util.List;
import java.util.Map;

/**
 * A request that is answered with an error: the HTTP status, a stable machine-readable code and a
 * message a person can act on. Both go on the wire as
 * {@code {"error": {"code": "...", "message": "..."}}}; nothing else of the failure does.
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final Map<String, List<String>> headers;

    public ApiException(int status, String code, String message) {
        this(status, code, message, Map.of());
    }

    public ApiException(int status, String code, String message, Map<String, List<String>> headers) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.headers = Map.copyOf(headers);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** Header fields to send with the error (Allow with a 405). */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** 400 with the code {@code invalid_field}: a value of the request is not acceptable. */
    public static ApiException invalidField(String message) {
        return new ApiException(400, "invalid_field", message);
    }

    /** 400 with the code {@code invalid_json}: the body cannot be read as JSON. */
    public static ApiException invalidJson(String message) {
        return new ApiException(400, "invalid_json", message);
    }

    public static ApiException unauthenticated(String message) {
        return new ApiException(401, "unauthenticated", message);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, "forbidden", message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message);
    }

    public static ApiException conflict(String message) {
        return new ApiException(409, "conflict", message);
    }
}
