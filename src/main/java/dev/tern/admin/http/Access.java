package dev.tern.admin.http;

import dev.tern.admin.auth.Scope;

/**
 * Who may call a route. The router checks it before the route's handler runs: no credentials where
 * some are needed is 401, credentials without the scope is 403.
 *
 * @param kind  the rule
 * @param scope the scope needed, for {@link Kind#SCOPE} and {@link Kind#LOOPBACK_OR_SCOPE}; else null
 */
public record Access(Kind kind, Scope scope) {

    /** The rules. */
    public enum Kind {
        /** Anyone, without credentials (the login itself). */
        PUBLIC,
        /** Any valid session or token, whatever its scopes. */
        AUTHENTICATED,
        /** A session or token holding the scope. */
        SCOPE,
        /** Any client connected from a loopback address; others need the scope. */
        LOOPBACK_OR_SCOPE
    }

    public static Access anyone() {
        return new Access(Kind.PUBLIC, null);
    }

    public static Access authenticated() {
        return new Access(Kind.AUTHENTICATED, null);
    }

    public static Access scope(Scope scope) {
        return new Access(Kind.SCOPE, scope);
    }

    public static Access loopbackOr(Scope scope) {
        return new Access(Kind.LOOPBACK_OR_SCOPE, scope);
    }
}
