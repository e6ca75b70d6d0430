package dev.tern.admin.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.tern.admin.auth.Principal;
import dev.tern.admin.auth.Scope;
import dev.tern.admin.http.ApiException;
import dev.tern.admin.http.ApiResponse;
import dev.tern.admin.http.RouteGroup;
import dev.tern.admin.http.RouteTable;
import dev.tern.mail.MailAddress;

import java.util.List;
import java.util.Map;

/** {@code /api/aliases}: addresses whose mail goes to other local addresses. */
public final class AliasRoutes implements RouteGroup {

    public record Alias(String address, List<String> targets) {
    }

    public record AliasList(List<Alias> aliases) {
    }

    public record NewAlias(@JsonProperty(required = true) @JsonPropertyDescription("the alias address; "
                                   + "its domain must exist") String address,
                           @JsonProperty(required = true) @JsonPropertyDescription("local addresses its mail goes "
                                   + "to; added to the targets it has") List<String> targets) {
    }

    private final ApiServices s;

    public AliasRoutes(ApiServices services) {
        this.s = services;
    }

    @Override
    public void register(RouteTable table) {
        table.get("/api/aliases", "List the aliases").scope(Scope.ACCOUNTS_READ)
                .param("domain", "only the aliases of this domain").response(AliasList.class)
                .handle(r -> {
                    Principal who = r.requirePrincipal();
                    String domain = r.query("domain").map(d -> Tenancy.domain(who, d)).orElse(null);
                    return ApiResponse.ok(new AliasList(s.directory().aliases(domain).entrySet().stream()
                            .filter(e -> who.mayUse(Tenancy.domainOf(e.getKey())))
                            .map(e -> new Alias(e.getKey(), e.getValue())).toList()));
                });
        table.post("/api/aliases", "Add an alias, or more targets to one").scope(Scope.ACCOUNTS_WRITE)
                .request(NewAlias.class).response(Alias.class).status(201)
                .handle(r -> {
                    Principal who = r.requirePrincipal();
                    NewAlias body = r.body(NewAlias.class);
                    MailAddress alias = Tenancy.address(body.address());
                    Tenancy.domain(who, alias.asciiDomain());
                    if (body.targets().isEmpty()) {
                        throw ApiException.invalidField("an alias needs at least one target address");
                    }
                    for (String t : body.targets()) {
                        MailAddress target = Tenancy.address(t);
                        if (!who.mayUse(target.asciiDomain())) {
                            throw ApiException.invalidField("alias target " + target.key()
                                    + " is not in a domain this token may use");
                        }
                    }
                    s.directory().addAlias(alias.toString(), body.targets());
                    Map<String, List<String>> all = s.directory().aliases(alias.asciiDomain());
                    return ApiResponse.created(new Alias(alias.key(), all.getOrDefault(alias.key(), List.of())));
                });
        table.delete("/api/aliases/{alias}", "Delete an alias, or only some of its targets")
                .scope(Scope.ACCOUNTS_WRITE).param("alias", "the alias address")
                .param("target", "remove only this target (may be repeated); without it, the whole alias")
                .status(204)
                .handle(r -> {
                    MailAddress alias = Tenancy.address(r.requirePrincipal(), r.param("alias"), "alias");
                    s.directory().deleteAlias(alias.key(), r.queryAll("target"));
                    return ApiResponse.noContent();
                });
    }
}
