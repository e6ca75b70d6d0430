package dev.tern.admin.http;

import dev.tern.admin.auth.Principal;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One request to the admin API, read in full, with what routing and authentication found out. Holds
 * no Netty objects: handlers are plain Java.
 *
 * @param id         a short id for this request, in the log and in the {@code X-Request-Id} field
 * @param method     as sent (methods are case-sensitive), e.g. {@code GET}
 * @param path       the path as sent, without the query
 * @param query      the query parameters, decoded
 * @param headers    header fields by lower-case name
 * @param cookies    cookies by name
 * @param body       the body; empty when there is none
 * @param client     the peer of the connection
 * @param secure     true when the connection is TLS
 * @param pathParams the values of the route's {@code {name}} segments, decoded
 * @param principal  who sent it, or null when it carried no credentials
 */
public record ApiRequest(String id, String method, String path, Map<String, List<String>> query,
                         Map<String, List<String>> headers, Map<String, String> cookies, byte[] body,
                         InetSocketAddress client, boolean secure, Map<String, String> pathParams,
                         Principal principal) {

    public ApiRequest {
        query = Map.copyOf(query);
        headers = Map.copyOf(headers);
        cookies = Map.copyOf(cookies);
        pathParams = Map.copyOf(pathParams);
    }

    /** A new request id: 10 random hexadecimal digits, enough to find one request in a day's log. */
    static String newId() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffffL);
    }

    /** A path parameter of the route (it is always there when the route matched). */
    public String param(String name) {
        String v = pathParams.get(name);
        if (v == null) {
            throw new IllegalArgumentException("the route has no parameter " + name);
        }
        return v;
    }

    /** The first value of a query parameter. */
    public Optional<String> query(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    /** The first value of a query parameter, trimmed; null when it is absent or blank. */
    public String queryText(String name) {
        return query(name).map(String::trim).filter(v -> !v.isEmpty()).orElse(null);
    }

    /**
     * A query parameter that counts something (a page's length, hours): a whole number from 1 to
     * {@code max}, or {@code fallback} when it is absent.
     *
     * @throws ApiException 400 naming the parameter and its range otherwise
     */
    public int queryCount(String name, int fallback, int max) {
        Optional<String> text = query(name);
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(text.get().trim());
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.invalidField(name + " must be a whole number from 1 to " + max);
    }

    /** Every value of a query parameter (it may be repeated). */
    public List<String> queryAll(String name) {
        return query.getOrDefault(name, List.of());
    }

    /** The first value of a header field. */
    public Optional<String> header(String name) {
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    public Optional<String> cookie(String name) {
        return Optional.ofNullable(cookies.get(name));
    }

    /** The body read as JSON into {@code type}; see {@link Json#read}. */
    public <T> T body(Class<T> type) {
        return Json.read(body, type);
    }

    /** The principal; only for routes that need credentials, where the router has made sure there is one. */
    public Principal requirePrincipal() {
        if (principal == null) {
            throw ApiException.unauthenticated("log in or send an API token");
        }
        return principal;
    }

    /** True when the connection comes from a loopback address. */
    public boolean fromLoopback() {
        return client != null && client.getAddress() != null && client.getAddress().isLoopbackAddress();
    }

    ApiRequest routed(Map<String, String> params, Principal who) {
        return new ApiRequest(id, method, path, query, headers, cookies, body, client, secure, params, who);
    }
}
