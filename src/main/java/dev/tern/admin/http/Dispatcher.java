package dev.tern.admin.http;

import dev.tern.admin.auth.Principal;
import dev.tern.admin.auth.Scope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Runs one request: finds its route, finds out who sent it, checks the route's access rule and the
 * CSRF token, then calls the handler and turns whatever it throws into a JSON error. This is the
 * only place where access is decided, so a handler can count on it: when it runs, the caller holds
 * the route's scope.
 *
 * <p>Security notes: a session (cookie) must send its CSRF token in {@code X-CSRF-Token} with every
 * request that is not GET or HEAD, since a browser attaches the cookie to requests other sites make
 * it send; a bearer token is never attached by a browser and needs none. Request bodies must be
 * {@code application/json}, which a cross-site form cannot send. Unexpected exceptions are logged
 * with the request id and answered with a 500 that says nothing about them.
 */
public final class Dispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    public static final String CSRF_HEADER = "X-CSRF-Token";

    private final RouteTable table;
    private final Authenticator authenticator;
    private final List<Function<Throwable, ApiException>> translators;
    private final StaticFiles staticFiles;

    /**
     * @param translators turn the exceptions of the services into API errors (for example a
     *                    directory refusal into 404 or 409); the first that gives non-null wins
     * @param staticFiles what GET serves for paths outside {@code /api/} that no route takes, or null
     */
    public Dispatcher(RouteTable table, Authenticator authenticator,
                      List<Function<Throwable, ApiException>> translators, StaticFiles staticFiles) {
        this.table = table;
        this.authenticator = authenticator;
        this.translators = List.copyOf(translators);
        this.staticFiles = staticFiles;
    }

    public ApiResponse dispatch(ApiRequest request) {
        Principal principal = null;
        try {
            RouteTable.Match match = table.match(request.method(), request.path());
            if (match instanceof RouteTable.WrongMethod wrong) {
                throw new ApiException(405, "method_not_allowed", request.method() + " is not allowed on "
                        + request.path() + "; allowed: " + String.join(", ", wrong.allowed()),
                        Map.of("Allow", List.of(String.join(", ", wrong.allowed()))));
            }
            if (!(match instanceof RouteTable.Found found)) {
                return staticFile(request);
            }
            Route route = found.route();
            principal = authenticate(route, request);
            authorize(route, request, principal);
            checkBody(route, request);
            ApiResponse response = route.handler().handle(request.routed(found.params(), principal));
            log(request, principal, response.status());
            return response;
        } catch (Throwable t) {
            ApiException e = translate(t, request);
            log(request, principal, e.status());
            return ApiResponse.error(e);
        }
    }

    /** Who sent the request; null when nobody needs to be known (a public route, metrics from loopback). */
    private Principal authenticate(Route route, ApiRequest request) {
        Access access = route.access();
        switch (access.kind()) {
            case PUBLIC -> {
                try {
                    return authenticator.authenticate(request).orElse(null);
                } catch (ApiException e) {
                    return null;   // a stale cookie does not stand in the way of a public route (the login)
                }
            }
            case LOOPBACK_OR_SCOPE -> {
                if (request.fromLoopback() && request.header("authorization").isEmpty()) {
                    return null;
                }
            }
            default -> {
            }
        }
        return authenticator.authenticate(request).orElseThrow(() -> ApiException.unauthenticated(
                "this request needs credentials: log in with POST /api/session, "
                        + "or send an API token as Authorization: Bearer tern_…"));
    }

    /** Checks that the principal may call the route: its scope, and for a session the CSRF token. */
    private static void authorize(Route route, ApiRequest request, Principal p) {
        if (p == null || route.access().kind() == Access.Kind.PUBLIC) {
            return;
        }
        if (p.kind() == Principal.Kind.SESSION && !SAFE_METHODS.contains(request.method())) {
            String sent = request.header(CSRF_HEADER).orElse(null);
            if (sent == null || !constantTimeEquals(sent, p.csrfToken())) {
                throw new ApiException(403, "csrf_failed", "this request needs the session's CSRF token in the "
                        + CSRF_HEADER + " header (it was given at login, and is in the tern_csrf cookie)");
            }
        }
        Scope needed = route.access().scope();
        if (needed != null && !p.has(needed)) {
            throw new ApiException(403, "insufficient_scope", "this request needs the scope " + needed
                    + "; the credentials have: " + (p.scopes().isEmpty() ? "none" : String.join(", ",
                    p.scopes().stream().map(Object::toString).sorted().toList())));
        }
    }

    private static void checkBody(Route route, ApiRequest request) {
        if (request.body().length == 0 || route.requestType() == null) {
            return;
        }
        String type = request.header("content-type").orElse("").toLowerCase(Locale.ROOT);
        int semicolon = type.indexOf(';');
        String media = (semicolon < 0 ? type : type.substring(0, semicolon)).trim();
        if (!media.equals("application/json")) {
            throw new ApiException(415, "unsupported_media_type", "the body must be JSON, sent with "
                    + "Content-Type: application/json" + (media.isEmpty() ? "" : " (not " + media + ")"));
        }
    }

    private ApiResponse staticFile(ApiRequest request) {
        boolean read = request.method().equals("GET") || request.method().equals("HEAD");
        if (read && staticFiles != null && !request.path().startsWith("/api/")) {
            Optional<ApiResponse> file = staticFiles.serve(request.path());
            if (file.isPresent()) {
                return file.get();
            }
        }
        throw ApiException.notFound("nothing here: " + request.method() + " " + request.path()
                + " (the API is described at /api/openapi.json)");
    }

    private ApiException translate(Throwable t, ApiRequest request) {
        if (t instanceof ApiException e) {
            return e;
        }
        Throwable cause = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
        if (cause instanceof ApiException e) {
            return e;
        }
        for (Function<Throwable, ApiException> f : translators) {
            ApiException e = f.apply(cause);
            if (e != null) {
                return e;
            }
        }
        LOG.error("admin api: request {} {} {} failed", request.id(), request.method(), request.path(), cause);
        return new ApiException(500, "internal_error", "the server could not complete the request; "
                + "its log tells why (request " + request.id() + ")");
    }

    /** One line per change, and per refused request; reads only at debug level. */
    private static void log(ApiRequest request, Principal who, int status) {
        String by = who == null ? "-" : who.kind() == Principal.Kind.SESSION ? "admin " + who.name()
                : "token " + who.id() + " (" + who.name() + ")";
        if (!SAFE_METHODS.contains(request.method()) || status == 401 || status == 403) {
            LOG.info("admin api: {} {} {} by {} from {}: {}", request.id(), request.method(), request.path(), by,
                    request.client() == null ? "-" : request.client().getAddress().getHostAddress(), status);
        } else if (LOG.isDebugEnabled()) {
            LOG.debug("admin api: {} {} {} by {}: {}", request.id(), request.method(), request.path(), by, status);
        }
    }

    private static boolean constantTimeEquals(String a, String b) {
        return b != null && java.security.MessageDigest.isEqual(a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
