package dev.tern.admin.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.tern.admin.auth.ApiTokens;
import dev.tern.admin.auth.Principal;
import dev.tern.admin.auth.Scope;
import dev.tern.admin.http.ApiException;
import dev.tern.admin.http.ApiResponse;
import dev.tern.admin.http.RouteGroup;
import dev.tern.admin.http.RouteTable;
import dev.tern.store.Rows;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@code /api/tokens}: API tokens, for admins only. A token is shown once, in the answer that makes it. */
public final class TokenRoutes implements RouteGroup {

    public record NewToken(@JsonProperty(required = true) @JsonPropertyDescription("what the token is for")
                           String name,
                           @JsonProperty(required = true) @JsonPropertyDescription("what it may do, e.g. "
                                   + "[\"accounts:write\"]") List<String> scopes,
                           @JsonPropertyDescription("limit it to these domains (a tenant); left out: every "
                                   + "domain") List<String> domains,
                           @JsonPropertyDescription("days until it stops working; left out: never")
                           Integer expiresInDays) {
    }

    /**
     * An API token.
     *
     * @param token the token itself: only in the answer that made it
     */
    public record Token(String id, String name, List<String> scopes, List<String> domains, String createdBy,
                        String createdAt, String lastUsedAt, String expiresAt,
                        @JsonPropertyDescription("the token to send as Authorization: Bearer; only in the answer "
                                + "that made it, never again") String token) {
    }

    public record TokenList(List<Token> tokens) {
    }

    private final ApiServices s;

    public TokenRoutes(ApiServices services) {
        this.s = services;
    }

    @Override
    public void register(RouteTable table) {
        table.post("/api/tokens", "Make an API token (shown once)").scope(Scope.ADMIN).request(NewToken.class)
                .response(Token.class).status(201)
                .handle(r -> {
                    NewToken body = r.body(NewToken.class);
                    List<Scope> scopes = new ArrayList<>();
                    for (String name : body.scopes()) {
                        scopes.add(Scope.parse(name).orElseThrow(() -> ApiException.invalidField(
                                "unknown scope \"" + name + "\"; the scopes are: " + Scope.names())));
                    }
                    if (body.domains() != null && body.domains().isEmpty()) {
                        throw ApiException.invalidField("domains is empty; leave it out for a token of every domain");
                    }
                    Principal who = r.requirePrincipal();
                    String by = who.kind() == Principal.Kind.SESSION ? who.name() : "token " + who.id();
                    ApiTokens.Created made = s.tokens().create(body.name(), scopes,
                            body.domains() == null ? List.of() : body.domains(), body.expiresInDays(), by);
                    return ApiResponse.created(token(made.row(), made.token()));
                });
        table.get("/api/tokens", "List the API tokens (without their secrets)").scope(Scope.ADMIN)
                .response(TokenList.class)
                .handle(r -> ApiResponse.ok(new TokenList(s.tokens().list().stream().map(t -> token(t, null)).toList())));
        table.delete("/api/tokens/{id}", "Revoke an API token").scope(Scope.ADMIN).param("id", "the token's id")
                .status(204)
                .handle(r -> {
                    s.tokens().revoke(r.param("id"));
                    return ApiResponse.noContent();
                });
    }

    private static Token token(Rows.ApiToken t, String secret) {
        return new Token(t.id(), t.name(), t.scopes(), t.domains().isEmpty() ? null : t.domains(), t.createdBy(),
                t.createdAt().toString(), text(t.lastUsedAt()), text(t.expiresAt()), secret);
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }
}
