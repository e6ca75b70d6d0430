package dev.tern.admin.api;

import dev.tern.admin.http.Access;
import dev.tern.admin.http.ApiException;
import dev.tern.admin.http.ApiRequest;
import dev.tern.admin.http.ApiResponse;
import dev.tern.admin.http.Handler;
import dev.tern.admin.http.RouteGroup;
import dev.tern.admin.http.RouteTable;
import dev.tern.autoconfig.Autodiscover;
import dev.tern.autoconfig.ThunderbirdAutoconfig;
import dev.tern.config.ClientPorts;
import dev.tern.directory.Directory;
import dev.tern.directory.DirectoryException;
import dev.tern.mail.MailAddress;
import dev.tern.security.ratelimit.RateLimiter;

import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Mail client autoconfiguration (docs/autoconfig.md): the Thunderbird autoconfig file and Outlook's
 * Autodiscover (POX), for the domains of this server only; any other domain is 404. The routes are
 * open to anyone and read no credentials: they tell what the DNS records tell (host and ports) and
 * nothing about accounts. They are served on the public {@code autoconfig} and {@code autoconfigs}
 * listeners, where each client address may make a limited number of requests, and on the admin
 * listener (handy for trying them).
 */
public final class AutoconfigRoutes implements RouteGroup {

    /** What the Thunderbird file is served as. */
    public static final String THUNDERBIRD_TYPE = "text/xml; charset=utf-8";
    /** The answers depend only on the configuration and the domains: clients may keep them for an hour. */
    static final String CACHE = "max-age=3600";
    private static final String HOST_PREFIX = "autoconfig.";

    private final Directory directory;
    private final String hostname;
    private final Supplier<ClientPorts> ports;
    private final Clock clock;
    private final RateLimiter<InetAddress> limiter;

    /**
     * @param ports   where clients reach the client listeners, asked at each request
     * @param limiter requests allowed per client address, or null for no limit
     */
    public AutoconfigRoutes(Directory directory, String hostname, Supplier<ClientPorts> ports, Clock clock,
                            RateLimiter<InetAddress> limiter) {
        this.directory = directory;
        this.hostname = hostname;
        this.ports = ports;
        this.clock = clock;
        this.limiter = limiter;
    }

    @Override
    public void register(RouteTable table) {
        for (String path : List.of("/mail/config-v1.1.xml", "/.well-known/autoconfig/mail/config-v1.1.xml")) {
            table.get(path, "Thunderbird autoconfig file (clientConfig 1.1) for a domain of this server")
                    .access(Access.anyone()).tag("autoconfig")
                    .param("emailaddress", "the address being set up; without it, the domain is the Host "
                            + "header's, less autoconfig.")
                    .produces(THUNDERBIRD_TYPE)
                    .handle(limited(this::thunderbird));
        }
        for (String path : List.of("/autodiscover/autodiscover.xml", "/Autodiscover/Autodiscover.xml")) {
            table.post(path, "Outlook Autodiscover (POX): the request's address gets IMAP, POP3 and SMTP settings")
                    .access(Access.anyone()).tag("autoconfig").produces(Autodiscover.CONTENT_TYPE)
                    .handle(limited(this::autodiscover));
        }
    }

    private Handler limited(Handler h) {
        if (limiter == null) {
            return h;
        }
        return r -> {
            InetAddress client = r.client() == null ? null : r.client().getAddress();
            if (client != null && !limiter.tryAcquire(client)) {
                long seconds = Math.max(1, limiter.retryAfter(client).toSeconds());
                throw new ApiException(429, "too_many_requests", "too many requests from this address; try again in "
                        + seconds + "s", Map.of("Retry-After", List.of(String.valueOf(seconds))));
            }
            return h.handle(r);
        };
    }

    private ApiResponse thunderbird(ApiRequest r) {
        Optional<String> given = r.query("emailaddress");
        String domain = given.isPresent() ? ThunderbirdAutoconfig.domainOf(given.get()).orElse(null) : hostDomain(r);
        String key = localDomain(domain);
        String xml = ThunderbirdAutoconfig.xml(key, hostname, ports.get())
                .orElseThrow(() -> ApiException.notFound("this server offers no IMAP or POP3 with submission to "
                        + "configure"));
        return ApiResponse.text(200, THUNDERBIRD_TYPE, xml).withHeader("Cache-Control", CACHE);
    }

    private ApiResponse autodiscover(ApiRequest r) {
        byte[] body = r.body();
        if (body.length > Autodiscover.MAX_REQUEST_BYTES) {
            throw new ApiException(413, "payload_too_large", "an Autodiscover request has at most "
                    + Autodiscover.MAX_REQUEST_BYTES + " bytes");
        }
        Optional<String> domain = requestedDomain(body);
        if (domain.isPresent()) {
            localDomain(domain.get());
        }
        // A request that is not one gets Autodiscover's own error answer (600, 601), as Exchange sends it.
        String xml = Autodiscover.respond(body, hostname, ports.get(), this::isLocal, clock.instant());
        return ApiResponse.text(200, Autodiscover.CONTENT_TYPE, xml).withHeader("Cache-Control", "no-store");
    }

    /** The domain of a well-formed request's address; empty when the request is not one. */
    private static Optional<String> requestedDomain(byte[] body) {
        try {
            return Optional.of(MailAddress.parse(Autodiscover.parse(body).emailAddress()).asciiDomain());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The domain named by the Host header, less its {@code autoconfig.} label and port; null when none. */
    static String hostDomain(ApiRequest r) {
        String host = r.header("host").map(h -> h.trim().toLowerCase(Locale.ROOT)).orElse("");
        if (host.startsWith("[")) {
            return null;   // an IPv6 literal names no domain
        }
        int colon = host.indexOf(':');
        if (colon >= 0) {
            host = host.substring(0, colon);
        }
        if (host.startsWith(HOST_PREFIX)) {
            host = host.substring(HOST_PREFIX.length());
        }
        return host.isEmpty() ? null : host;
    }

    /** The A-label form of a domain of this server; else 404, the same for every other name. */
    private String localDomain(String domain) {
        if (domain != null) {
            try {
                String key = Directory.domainKey(domain);
                if (isLocal(key)) {
                    return key;
                }
            } catch (DirectoryException | IllegalArgumentException e) {
                // not a domain name: answered below
            }
        }
        throw ApiException.notFound("no mail settings for " + (domain == null ? "this request" : "this domain"));
    }

    private boolean isLocal(String domain) {
        try {
            return directory.isLocalDomain(domain);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
