package dev.tern.admin.http;

import dev.tern.admin.auth.Scope;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * The routes of the admin API, and the matching of a request to one. Routes are added with a small
 * builder that makes every route say its scope, summary, parameters and bodies:
 *
 * <pre>{@code
 * table.get("/api/domains/{domain}", "Show a domain")
 *      .scope(Scope.DOMAINS_READ).param("domain", "the domain name").response(DomainDetail.class)
 *      .handle(request -> ...);
 * }</pre>
 *
 * <p>A path matches a pattern when it has as many segments and each literal segment is equal; of
 * several matching patterns, the one with the most literal segments wins. Path segments are
 * percent-decoded one by one (so {@code %2F} stays inside its segment, and {@code +} stays a plus).
 *
 * <p>Thread safety: routes are added before the server starts; matching may run on any thread.
 */
public final class RouteTable {

    private static final Pattern PARAM = Pattern.compile("\\{([a-z_][a-z0-9_]*)}");
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");

    private final List<Route> routes = new CopyOnWriteArrayList<>();

    /** What a request's method and path lead to. */
    public sealed interface Match permits Found, WrongMethod, NoRoute {
    }

    /** A route, with the decoded values of its parameters. */
    public record Found(Route route, Map<String, String> params) implements Match {
    }

    /** The path exists, but not with this method; {@code allowed} lists the methods it has. */
    public record WrongMethod(Set<String> allowed) implements Match {
    }

    public record NoRoute() implements Match {
    }

    public Builder get(String pattern, String summary) {
        return new Builder("GET", pattern, summary);
    }

    public Builder post(String pattern, String summary) {
        return new Builder("POST", pattern, summary);
    }

    public Builder put(String pattern, String summary) {
        return new Builder("PUT", pattern, summary);
    }

    public Builder patch(String pattern, String summary) {
        return new Builder("PATCH", pattern, summary);
    }

    public Builder delete(String pattern, String summary) {
        return new Builder("DELETE", pattern, summary);
    }

    /** Every route, in the order they were added. */
    public List<Route> routes() {
        return List.copyOf(routes);
    }

    /** The route for a request; HEAD is matched as GET. */
    public Match match(String method, String path) {
        List<String> segments = decodedSegments(path);
        if (segments == null) {
            return new NoRoute();
        }
        String m = method.equals("HEAD") ? "GET" : method;
        Found best = null;
        int bestLiterals = -1;
        Set<String> allowed = new LinkedHashSet<>();
        for (Route r : routes) {
            List<String> pattern = r.segments();
            Map<String, String> params = bind(pattern, segments);
            if (params == null) {
                continue;
            }
            allowed.add(r.method());
            if (!r.method().equals(m)) {
                continue;
            }
            int literals = (int) pattern.stream().filter(s -> !s.startsWith("{")).count();
            if (literals > bestLiterals) {
                best = new Found(r, params);
                bestLiterals = literals;
            }
        }
        if (best != null) {
            return best;
        }
        return allowed.isEmpty() ? new NoRoute() : new WrongMethod(allowed);
    }

    private static Map<String, String> bind(List<String> pattern, List<String> segments) {
        if (pattern.size() != segments.size()) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < pattern.size(); i++) {
            String p = pattern.get(i);
            String s = segments.get(i);
            if (p.startsWith("{")) {
                if (s.isEmpty()) {
                    return null;
                }
                params.put(p.substring(1, p.length() - 1), s);
            } else if (!p.equals(s)) {
                return null;
            }
        }
        return params;
    }

    /** The segments of a path or pattern: {@code /api/a/} gives {@code [api, a]}; {@code /} gives none. */
    static List<String> split(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.isEmpty()) {
            return List.of();
        }
        return List.of(p.split("/", -1));
    }

    /** The percent-decoded segments of a request path, or null when it cannot be decoded. */
    static List<String> decodedSegments(String path) {
        if (!path.startsWith("/")) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (String s : split(path)) {
            String d = percentDecode(s);
            if (d == null) {
                return null;
            }
            out.add(d);
        }
        return out;
    }

    /** Decodes %XX escapes as UTF-8; null when an escape is malformed or the bytes are not UTF-8. */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    return null;
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(b, 0, b.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Collects what a route says about itself; {@link #handle} adds it to the table. */
    public final class Builder {
        private final String method;
        private final String pattern;
        private final String summary;
        private Access access;
        private String tag;
        private final Map<String, Route.Param> params = new LinkedHashMap<>();
        private Class<?> request;
        private Class<?> response;
        private int status = 200;
        private String produces = ApiResponse.JSON;

        private Builder(String method, String pattern, String summary) {
            if (!METHODS.contains(method) || !pattern.startsWith("/") || summary == null || summary.isBlank()) {
                throw new IllegalArgumentException("a route needs a method, a pattern starting with / and a summary");
            }
            this.method = method;
            this.pattern = pattern;
            this.summary = summary;
            List<String> segments = split(pattern);
            for (String s : segments) {
                if (s.startsWith("{")) {
                    var m = PARAM.matcher(s);
                    if (!m.matches()) {
                        throw new IllegalArgumentException(pattern + ": bad parameter segment " + s);
                    }
                    params.put(m.group(1), new Route.Param(m.group(1), Route.In.PATH, m.group(1), true));
                }
            }
            this.tag = segments.size() >= 2 && segments.get(0).equals("api") ? segments.get(1)
                    : segments.isEmpty() ? "console" : segments.get(0);
        }

        /** Callers need a session or token holding this scope. */
        public Builder scope(Scope scope) {
            this.access = Access.scope(scope);
            return this;
        }

        public Builder access(Access access) {
            this.access = access;
            return this;
        }

        public Builder tag(String tag) {
            this.tag = tag;
            return this;
        }

        /** Describes a path parameter, or adds an optional query parameter. */
        public Builder param(String name, String description) {
            Route.Param p = params.get(name);
            params.put(name, p != null ? new Route.Param(name, Route.In.PATH, description, true)
                    : new Route.Param(name, Route.In.QUERY, description, false));
            return this;
        }

        /** The JSON body the route reads. */
        public Builder request(Class<?> type) {
            this.request = type;
            return this;
        }

        /** The JSON body the route answers with. */
        public Builder response(Class<?> type) {
            this.response = type;
            return this;
        }

        /** The status of success (default 200). */
        public Builder status(int status) {
            this.status = status;
            return this;
        }

        /** The media type of the answer, when it is not JSON. */
        public Builder produces(String contentType) {
            this.produces = contentType.toLowerCase(Locale.ROOT);
            return this;
        }

        public Route handle(Handler handler) {
            if (access == null) {
                throw new IllegalStateException(method + " " + pattern + ": every route must say who may call it");
            }
            Route r = new Route(method, pattern, access, summary, tag, List.copyOf(params.values()), request,
                    response, status, produces, handler);
            for (Route other : routes) {
                if (other.method().equals(method) && other.segments().size() == r.segments().size()
                        && shape(other.pattern()).equals(shape(pattern))) {
                    throw new IllegalStateException(method + " " + pattern + " is already taken by " + other.pattern());
                }
            }
            routes.add(r);
            return r;
        }

        private static String shape(String p) {
            return PARAM.matcher(p).replaceAll("{}");
        }
    }
}
