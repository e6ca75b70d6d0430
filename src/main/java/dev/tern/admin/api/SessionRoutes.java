package dev.tern.admin.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.tern.admin.auth.AdminAccounts;
import dev.tern.admin.auth.AdminSessions;
import dev.tern.admin.auth.Principal;
import dev.tern.admin.http.Access;
import dev.tern.admin.http.ApiException;
import dev.tern.admin.http.ApiRequest;
import dev.tern.admin.http.ApiResponse;
import dev.tern.admin.http.RouteGroup;
import dev.tern.admin.http.RouteTable;
import dev.tern.mail.IpAddresses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code /api/session}: console logins. A login sets two cookies: {@code tern_session} (HttpOnly,
 * the credential) and {@code tern_csrf} (readable by the console's script, which sends it back in
 * {@code X-CSRF-Token}); both are SameSite=Strict, and Secure when the listener serves HTTPS.
 *
 * <p>Failed logins are throttled like mail logins ({@link dev.tern.auth.AuthThrottle}): each delays
 * its answer longer, and enough of them lock the client address and the admin name out for a while.
 * They are logged on {@code dev.tern.auth} as {@code auth failed: client=… user=… protocol=admin},
 * for fail2ban.
 */
public final class SessionRoutes implements RouteGroup {

    public static final String SESSION_COOKIE = "tern_session";
    public static final String CSRF_COOKIE = "tern_csrf";
    private static final Logger AUTH_LOG = LoggerFactory.getLogger("dev.tern.auth");

    public record Login(@JsonProperty(required = true) String name, @JsonProperty(required = true) String password) {
        @Override
        public String toString() {
            return "Login[" + name + "]";
        }
    }

    /**
     * Who is logged in.
     *
     * @param kind      session (a console login) or token
     * @param csrfToken for a session: the value to send in X-CSRF-Token with every change
     */
    public record SessionInfo(String kind, String name, List<String> scopes, List<String> domains, String csrfToken,
                              String expiresAt) {
    }

    private final ApiServices s;

    public SessionRoutes(ApiServices services) {
        this.s = services;
    }

    @Override
    public void register(RouteTable table) {
        table.post("/api/session", "Log in to the console: sets the session and CSRF cookies")
                .access(Access.anyone()).request(Login.class).response(SessionInfo.class).status(201)
                .handle(this::login);
        table.get("/api/session", "Say who is logged in (or whose token this is)").access(Access.authenticated())
                .response(SessionInfo.class)
                .handle(r -> ApiResponse.ok(info(r.requirePrincipal())));
        table.delete("/api/session", "Log out: ends the session and clears its cookies")
                .access(Access.authenticated()).status(204)
                .handle(r -> {
                    Principal who = r.requirePrincipal();
                    if (who.kind() != Principal.Kind.SESSION) {
                        throw new ApiException(400, "not_a_session", "a token has no session to end; "
                                + "revoke it with DELETE /api/tokens/{id}");
                    }
                    s.sessions().logout(who.id());
                    return ApiResponse.noContent()
                            .withCookie(cookie(SESSION_COOKIE, "", Duration.ZERO, true, r.secure()))
                            .withCookie(cookie(CSRF_COOKIE, "", Duration.ZERO, false, r.secure()));
                });
    }

    private ApiResponse login(ApiRequest r) {
        Login body = r.body(Login.class);
        // The lockout and the password check both go by the name the admin accounts store, so
        // that every spelling of one admin (" root", "ROOT\t") shares its failures and lockout.
        String name = AdminAccounts.loginName(body.name());
        InetAddress client = r.client().getAddress();
        if (s.throttle().clientLocked(client) || s.throttle().accountLocked(name)) {
            AUTH_LOG.warn("auth failed: client={} user={} mechanism=password protocol=admin reason=locked-out",
                    IpAddresses.format(client), printable(name));
            throw new ApiException(429, "too_many_attempts", "too many failed logins; try again later");
        }
        Optional<AdminSessions.Login> login = s.sessions().login(name, body.password());
        if (login.isEmpty()) {
            s.throttle().failure(client, name);
            AUTH_LOG.warn("auth failed: client={} user={} mechanism=password protocol=admin reason=bad-credentials",
                    IpAddresses.format(client), printable(name));
            return ApiResponse.error(new ApiException(401, "invalid_credentials", "wrong name or password"))
                    .delayed(s.throttle().delay(client));
        }
        s.throttle().success(name);
        AdminSessions.Login l = login.get();
        AUTH_LOG.info("auth ok: client={} user={} mechanism=password protocol=admin", IpAddresses.format(client),
                l.session().adminName());
        Principal who = s.sessions().authenticate(l.cookieValue())
                .orElseThrow(() -> new IllegalStateException("a new session cannot be read back"));
        Duration lifetime = s.sessions().lifetime();
        return ApiResponse.created(info(who))
                .withCookie(cookie(SESSION_COOKIE, l.cookieValue(), lifetime, true, r.secure()))
                .withCookie(cookie(CSRF_COOKIE, l.session().csrfToken(), lifetime, false, r.secure()));
    }

    static SessionInfo info(Principal p) {
        return new SessionInfo(p.kind() == Principal.Kind.SESSION ? "session" : "token", p.name(),
                p.scopes().stream().map(Object::toString).sorted().toList(), p.domains().stream().sorted().toList(),
                p.csrfToken(), p.expiresAt() == null ? null : p.expiresAt().toString());
    }

    /** A Set-Cookie value; an empty value with no lifetime removes the cookie. */
    static String cookie(String name, String value, Duration maxAge, boolean httpOnly, boolean secure) {
        return name + "=" + value + "; Path=/; Max-Age=" + maxAge.toSeconds() + (httpOnly ? "; HttpOnly" : "")
                + "; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    /** A client-given name made safe for one log line. */
    private static String printable(String s) {
        String t = s.codePoints().map(c -> c < 0x21 || c == 0x7f ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return t.isEmpty() ? "-" : t.length() > 64 ? t.substring(0, 64) + "…" : t;
    }
}
