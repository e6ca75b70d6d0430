package dev.tern.delivery.tlsrpt;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Posts a report to an {@code https:} address of a domain's TLSRPT record (RFC 8460 §5.2).
 *
 * <p>The address is the recipient domain's choice, so a POST to it is a request this server makes
 * on a stranger's word: like a webhook's, its host must not be, or resolve to, an address of this
 * host or its private network (server-side request forgery); it is looked up just before the POST.
 */
final class TlsReportUpload {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http;
    private final Predicate<InetAddress> allowed;
    private final String userAgent;

    /** @param allowed which addresses a report may be posted to (the globally reachable ones) */
    TlsReportUpload(javax.net.ssl.SSLContext tls, Predicate<InetAddress> allowed, String userAgent) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(tls)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(TIMEOUT).build();
        this.allowed = allowed;
        this.userAgent = userAgent;
    }

    /**
     * Posts the gzipped report; blocks. Returns null when the server took it (2xx), else why not.
     */
    String post(String url, byte[] gzipped) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return "not a URL";
        }
        if (!"https".equals(uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT))
                || uri.getHost() == null) {
            return "not an https URL with a host";
        }
        try {
            for (InetAddress a : InetAddress.getAllByName(uri.getHost())) {
                if (!allowed.test(a)) {
                    return "its host " + uri.getHost() + " resolves to an address that is not public (" + a.getHostAddress() + ")";
                }
            }
        } catch (UnknownHostException e) {
            return "its host " + uri.getHost() + " was not found";
        }
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .header("Content-Type", "application/tlsrpt+gzip")
                .header("User-Agent", userAgent)
                .POST(HttpRequest.BodyPublishers.ofByteArray(gzipped)).build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            return status / 100 == 2 ? null : "HTTP status " + status;
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
