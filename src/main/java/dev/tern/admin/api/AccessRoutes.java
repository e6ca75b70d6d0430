package dev.tern.admin.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.tern.admin.auth.Scope;
import dev.tern.admin.http.ApiException;
import dev.tern.admin.http.ApiRequest;
import dev.tern.admin.http.ApiResponse;
import dev.tern.admin.http.RouteGroup;
import dev.tern.admin.http.RouteTable;
import dev.tern.security.access.AccessList;
import dev.tern.security.access.AccessRule;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * {@code /api/access}: the access rules for mail from other servers (as {@code tern access},
 * docs/inbound-checks.md). A pattern holds a slash ({@code 203.0.113.0/24}), so a rule is named by
 * the query parameter {@code pattern}, not by a path segment.
 *
 * <p>Tenants: the rules are the whole server's (a refused network sends nothing to any domain), so
 * a token limited to domains may neither read nor change them ({@code 403 forbidden}).
 */
public final class AccessRoutes implements RouteGroup {

    /** A rule as the API shows it. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Rule(@JsonPropertyDescription("the network, the sender address or the sender domain, normalised")
                       String pattern,
                       @JsonPropertyDescription("client (a network) or sender (an address or a domain)") String kind,
                       @JsonPropertyDescription("reject or allow") String action,
                       @JsonPropertyDescription("why, in the operator's words; may be null") String note,
                       String createdAt,
                       @JsonPropertyDescription("when it stops applying by itself; null: when it is deleted")
                       String expiresAt) {
    }

    public record RuleList(List<Rule> rules) {
    }

    public record NewRule(@JsonProperty(required = true) @JsonPropertyDescription("a client network "
                                  + "(203.0.113.0/24), a sender address (user@example.org) or a sender domain "
                                  + "(example.org, subdomains included)") String pattern,
                          @JsonProperty(required = true) @JsonPropertyDescription("reject: refuse it; allow: spare "
                                  + "a network the block lists, greylisting and rate limits, a sender greylisting")
                          String action,
                          @JsonPropertyDescription("why, shown with the rule") String note,
                          @JsonPropertyDescription("how long it applies, e.g. 24h or 7d (s, m, h or d); left out: "
                                  + "until it is deleted") String keepFor) {
    }

    private final AccessList access;

    public AccessRoutes(AccessList access) {
        this.access = access;
    }

    @Override
    public void register(RouteTable table) {
        table.get("/api/access", "List the access rules, ordered by pattern")
                .scope(Scope.ACCESS_READ).response(RuleList.class)
                .handle(r -> {
                    refuseDomainLimitedTokens(r);
                    return ApiResponse.ok(new RuleList(access.rules().stream().map(AccessRoutes::rule).toList()));
                });
        table.post("/api/access", "Add a rule, or replace the rule of the same pattern; a running server applies "
                        + "it within a second")
                .scope(Scope.ACCESS_WRITE).request(NewRule.class).response(Rule.class).status(201)
                .handle(r -> {
                    refuseDomainLimitedTokens(r);
                    NewRule body = r.body(NewRule.class);
                    AccessRule.Action action;
                    try {
                        action = AccessRule.Action.of(body.action() == null ? "" : body.action().trim()
                                .toLowerCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw ApiException.invalidField("action: " + e.getMessage());
                    }
                    Duration keepFor = KeepFor.parse(body.keepFor());
                    if (keepFor != null && (keepFor.isZero() || keepFor.isNegative())) {
                        throw ApiException.invalidField("keep_for: at least 1s; leave it out to keep the rule until "
                                + "it is deleted");
                    }
                    try {
                        return ApiResponse.created(rule(access.put(body.pattern(), action, body.note(), keepFor)));
                    } catch (IllegalArgumentException e) {
                        throw ApiException.invalidField("pattern: " + e.getMessage());
                    }
                });
        table.delete("/api/access", "Delete the rule of a pattern")
                .scope(Scope.ACCESS_WRITE).param("pattern", "the pattern, as added or as listed (required)").status(204)
                .handle(r -> {
                    refuseDomainLimitedTokens(r);
                    String pattern = r.queryText("pattern");
                    if (pattern == null) {
                        throw ApiException.invalidField("pattern is required: DELETE /api/access?pattern=203.0.113.0/24");
                    }
                    boolean deleted;
                    try {
                        deleted = access.delete(pattern);
                    } catch (IllegalArgumentException e) {
                        throw ApiException.invalidField("pattern: " + e.getMessage());
                    }
                    if (!deleted) {
                        throw ApiException.notFound("no access rule for " + pattern.trim());
                    }
                    return ApiResponse.noContent();
                });
    }

    private static void refuseDomainLimitedTokens(ApiRequest r) {
        if (r.requirePrincipal().restricted()) {
            throw ApiException.forbidden("the access rules are shared by every domain of this server; "
                    + "a token limited to domains may not read or change them");
        }
    }

    private static Rule rule(AccessRule a) {
        return new Rule(a.pattern(), a.kind().name().toLowerCase(Locale.ROOT), a.action().word(), a.note(),
                a.createdAt().toString(), a.expiresAt() == null ? null : a.expiresAt().toString());
    }
}
