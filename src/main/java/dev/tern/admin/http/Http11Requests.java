package dev.tern.admin.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Refuses a request that Netty's decoder took but that is not HTTP/1.1 as RFC 9112 writes it, so
 * that the listener answers only the protocol it promises rather than whatever a lenient parser
 * makes of the bytes: another version ({@code 505}), a version not written {@code HTTP/1.1}
 * exactly (the name is case-sensitive, RFC 9112 §2.3), or a {@code Host} field missing, repeated,
 * empty or not a host (RFC 9112 §3.2: "A server MUST respond with a 400"). Such requests are
 * where parsers disagree, and disagreement between a proxy in front and this server is how
 * requests are smuggled past the proxy.
 */
final class Http11Requests {

    /** uri-host [":" port] (RFC 3986 §3.2.2): an IP literal or a reg-name, never empty. */
    private static final Pattern HOST = Pattern.compile(
            "(\\[[0-9A-Za-z:._~!$&'()*+,;=-]+]|([0-9A-Za-z._~!$&'()*+,;=-]|%[0-9A-Fa-f]{2})+)(:[0-9]*)?");

    private Http11Requests() {
    }

    /**
     * Checks the version and the Host field of a request.
     *
     * @throws ApiException 505 {@code http_version_not_supported} for another version of HTTP,
     *                      400 {@code bad_request} for the rest
     */
    static void check(HttpRequest request) {
        HttpVersion v = request.protocolVersion();
        // Netty reads the version without regard to case, but gives its HTTP_1_1 constant only for
        // the exact text "HTTP/1.1": "http/1.1" is another object, equal to the constant.
        if (v != HttpVersion.HTTP_1_1) {
            if (v.protocolName().equals("HTTP") && !v.equals(HttpVersion.HTTP_1_1)) {
                throw new ApiException(505, "http_version_not_supported", "this server speaks HTTP/1.1 only, not "
                        + v.text());
            }
            throw new ApiException(400, "bad_request", "the request line must end with HTTP/1.1, in upper case");
        }
        List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
        if (hosts.size() != 1) {
            throw new ApiException(400, "bad_request", "an HTTP/1.1 request needs one Host field, not "
                    + hosts.size());
        }
        if (!HOST.matcher(hosts.get(0)).matches()) {
            throw new ApiException(400, "bad_request", "the Host field must be a host name or address, "
                    + "with an optional port");
        }
    }
}
