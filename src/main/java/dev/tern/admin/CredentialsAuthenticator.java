package dev.tern.admin;

import dev.tern.admin.api.SessionRoutes;
import dev.tern.admin.auth.AdminSessions;
import dev.tern.admin.auth.ApiTokens;
import dev.tern.admin.auth.Principal;
import dev.tern.admin.http.ApiException;
import dev.tern.admin.http.ApiRequest;
import dev.tern.admin.http.Authenticator;

import java.util.Locale;
import java.util.Optional;

/**
 * The credentials of an admin API request: an API token in {@code Authorization: Bearer}, else the
 * session cookie. A token, when there is one, is the only thing looked at.
 */
final class CredentialsAuthenticator implements Authenticator {

    private final ApiTokens tokens;
    private final AdminSessions sessions;

    CredentialsAuthenticator(ApiTokens tokens, AdminSessions sessions) {
        this.tokens = tokens;
        this.sessions = sessions;
    }

    @Override
    public Optional<Principal> authenticate(ApiRequest request) {
        Optional<String> authorization = request.header("authorization");
        if (authorization.isPresent()) {
            String value = authorization.get().trim();
            if (!value.toLowerCase(Locale.ROOT).startsWith("bearer ")) {
                throw ApiException.unauthenticated("only API tokens are accepted in Authorization: "
                        + "send \"Authorization: Bearer tern_…\"");
            }
            return Optional.of(tokens.authenticate(value.substring(7).trim()).orElseThrow(() ->
                    ApiException.unauthenticated("the API token is not valid: unknown, revoked or expired")));
        }
        Optional<String> cookie = request.cookie(SessionRoutes.SESSION_COOKIE);
        if (cookie.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(sessions.authenticate(cookie.get()).orElseThrow(() ->
                ApiException.unauthenticated("the session has ended or expired; log in again")));
    }
}
