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
 * Autodiscover (POX), for the domains of this server only; any other domain is 404. Also the MTA-STS
 * policy (RFC 8461 §3.3) of the local domains, at {@code https://mta-sts.DOMAIN/.well-known/mta-sts.txt},
 * when this server publishes one (docs/onboarding.md), and on the plain HTTP listener the answers to
 * the ACME CA's http-01 checks while this server orders its certificate. The routes are
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
    /** RFC 8461 §3.3: the policy host is the domain with this label in front. */
    private static final String POLICY_HOST_PREFIX = "mta-sts.";

    private final Directory directory;
    private final String hostname;
    private final Supplier<ClientPorts> ports;
    private final Clock clock;
    private final RateLimiter<InetAddress> limiter;
    private final String mtaStsPolicy;
    private final dev.tern.acme.AcmeChallenges acmeChallenges;

    /**
     * @param ports        where clients reach the client listeners, asked at each request
     * @param limiter      requests allowed per client address, or null for no limit
     * @param mtaStsPolicy the MTA-STS policy file of the local domains, or null when none is published
     * @param acmeChallenges the answers to the ACME CA's http-01 challenges, or null where they are not served
     */
    public AutoconfigRoutes(Directory directory, String hostname, Supplier<ClientPorts> ports, Clock clock,
                            RateLimiter<InetAddress> limiter, String mtaStsPolicy,
                            dev.tern.acme.AcmeChallenges acmeChallenges) {
        this.directory = directory;
        this.hostname = hostname;
        this.ports = ports;
        this.clock = clock;
        this.limiter = limiter;
        this.mtaStsPolicy = mtaStsPolicy;
        this.acmeChallenges = acmeChallenges;
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
        table.get("/.well-known/mta-sts.txt", "MTA-STS policy (RFC 8461) of the domain named by the Host header, "
                        + "mta-sts.DOMAIN")
                .access(Access.anyone()).tag("autoconfig").produces("text/plain")
                .handle(limited(this::mtaSts));
        if (acmeChallenges != null) {
            // The CA checks from several places at once: only tokens this node does not hold, which
            // cost a read of the store, count against the client's allowance.
            table.get("/.well-known/acme-challenge/{token}", "Answer to the ACME CA's http-01 challenge "
                            + "(RFC 8555 section 8.3) while this server orders its certificate")
                    .access(Access.anyone()).tag("autoconfig").produces("application/octet-stream")
                    .handle(this::acmeChallenge);
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
            checkLimit(r);
            return h.handle(r);
        };
    }

    /** Counts a request against its client address's allowance: 429 once it is spent. */
    private void checkLimit(ApiRequest r) {
        InetAddress client = r.client() == null ? null : r.client().getAddress();
        if (limiter != null && client != null && !limiter.tryAcquire(client)) {
            long seconds = Math.max(1, limiter.retryAfter(client).toSeconds());
            throw new ApiException(429, "too_many_requests", "too many requests from this address; try again in "
                    + seconds + "s", Map.of("Retry-After", List.of(String.valueOf(seconds))));
        }
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

    /** RFC 8461 §3.3: the policy, as {@code text/plain}, for {@code mta-sts.} and a local domain; else 404. */
    private ApiResponse mtaSts(ApiRequest r) {
        String host = hostName(r);
        if (mtaStsPolicy == null || host == null || !host.startsWith(POLICY_HOST_PREFIX)) {
            throw ApiException.notFound("no MTA-STS policy here");
        }
        localDomain(host.substring(POLICY_HOST_PREFIX.length()));
        return ApiResponse.text(200, "text/plain; charset=utf-8", mtaStsPolicy).withHeader("Cache-Control", CACHE);
    }

    /** RFC 8555 §8.3: the key authorization of a token being checked; 404 for any other. */
    private ApiResponse acmeChallenge(ApiRequest r) {
        String token = r.param("token");
        if (!acmeChallenges.heldHere(token)) {
            checkLimit(r);
        }
        String answer = acmeChallenges.answer(token)
                .orElseThrow(() -> ApiException.notFound("no such ACME challenge"));
        return ApiResponse.text(200, "application/octet-stream", answer).withHeader("Cache-Control", "no-store");
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
        String host = hostName(r);
        if (host != null && host.startsWith(HOST_PREFIX)) {
            host = host.substring(HOST_PREFIX.length());
        }
        return host == null || host.isEmpty() ? null : host;
    }

    /** The Host header's name, lower case, without a port; null for none or an IP literal. */
    private static String hostName(ApiRequest r) {
        String host = r.header("host").map(h -> h.trim().toLowerCase(Locale.ROOT)).orElse("");
        if (host.startsWith("[")) {
            return null;   // an IPv6 literal names no domain
        }
        int colon = host.indexOf(':');
        if (colon >= 0) {
            host = host.substring(0, colon);
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
