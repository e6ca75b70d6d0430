package dev.tern.admin.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.tern.admin.auth.Principal;
import dev.tern.admin.auth.Scope;
import dev.tern.admin.http.ApiException;
import dev.tern.admin.http.ApiResponse;
import dev.tern.admin.http.RouteGroup;
import dev.tern.admin.http.RouteTable;
import dev.tern.directory.Directory;
import dev.tern.mail.MailAddress;
import dev.tern.sieve.SieveScriptException;
import dev.tern.sieve.SieveScripts;
import dev.tern.store.Rows;

import java.util.List;

/**
 * {@code /api/accounts/{address}/sieve}: an account's Sieve filters (docs/sieve.md), as ManageSieve
 * and {@code tern sieve} manage them: for a program that sets a user's vacation reply, say.
 */
public final class SieveRoutes implements RouteGroup {

    public record ScriptInfo(String name, boolean active, String updatedAt) {
    }

    public record ScriptList(List<ScriptInfo> scripts) {
    }

    public record Script(String name, boolean active, String updatedAt, String script) {
    }

    public record ScriptUpload(@JsonPropertyDescription("the Sieve script (RFC 5228); it is checked before it is "
                                       + "stored") String script,
                               @JsonPropertyDescription("true: make it the account's active script") Boolean active) {
    }

    public record ScriptChange(@JsonPropertyDescription("true: make it the active script; false: leave the account "
                                       + "without one, if it is the active one") Boolean active,
                               @JsonPropertyDescription("a new name") String name) {
    }

    private final Directory directory;
    private final SieveScripts scripts;

    public SieveRoutes(Directory directory, SieveScripts scripts) {
        this.directory = directory;
        this.scripts = scripts;
    }

    @Override
    public void register(RouteTable table) {
        table.get("/api/accounts/{address}/sieve", "List an account's Sieve scripts").scope(Scope.ACCOUNTS_READ)
                .param("address", "the account's address").response(ScriptList.class)
                .handle(r -> ApiResponse.ok(new ScriptList(scripts.list(account(r.requirePrincipal(), r.param("address")))
                        .stream().map(s -> new ScriptInfo(s.name(), s.active(), s.updatedAt().toString())).toList())));
        table.get("/api/accounts/{address}/sieve/{name}", "Show a Sieve script").scope(Scope.ACCOUNTS_READ)
                .param("address", "the account's address").param("name", "the script's name").response(Script.class)
                .handle(r -> ApiResponse.ok(script(find(account(r.requirePrincipal(), r.param("address")), r.param("name")))));
        table.put("/api/accounts/{address}/sieve/{name}", "Check and store a Sieve script, replacing one of that name")
                .scope(Scope.ACCOUNTS_WRITE).param("address", "the account's address").param("name", "the script's name")
                .request(ScriptUpload.class).response(Script.class)
                .handle(r -> {
                    long id = account(r.requirePrincipal(), r.param("address"));
                    ScriptUpload body = r.body(ScriptUpload.class);
                    if (body.script() == null) {
                        throw ApiException.invalidField("script: the script's text is missing");
                    }
                    String name = r.param("name");
                    try {
                        scripts.put(id, name, body.script());
                        if (Boolean.TRUE.equals(body.active())) {
                            scripts.activate(id, name);
                        }
                    } catch (SieveScriptException e) {
                        throw ApiException.invalidField("script: " + e.describe());
                    } catch (SieveScripts.RefusedException e) {
                        throw refused(e);
                    }
                    return ApiResponse.ok(script(find(id, name)));
                });
        table.patch("/api/accounts/{address}/sieve/{name}", "Activate, deactivate or rename a Sieve script")
                .scope(Scope.ACCOUNTS_WRITE).param("address", "the account's address").param("name", "the script's name")
                .request(ScriptChange.class).response(Script.class)
                .handle(r -> {
                    long id = account(r.requirePrincipal(), r.param("address"));
                    ScriptChange c = r.body(ScriptChange.class);
                    if (c.active() == null && c.name() == null) {
                        throw ApiException.invalidField("nothing to change: give active or name");
                    }
                    String name = r.param("name");
                    Rows.SieveScript current = find(id, name);
                    try {
                        if (c.name() != null && !c.name().equals(name)) {
                            scripts.rename(id, name, c.name());
                            name = c.name();
                        }
                        if (Boolean.TRUE.equals(c.active())) {
                            scripts.activate(id, name);
                        } else if (Boolean.FALSE.equals(c.active()) && current.active()) {
                            scripts.activate(id, null);
                        }
                    } catch (SieveScripts.RefusedException e) {
                        throw refused(e);
                    }
                    return ApiResponse.ok(script(find(id, name)));
                });
        table.delete("/api/accounts/{address}/sieve/{name}", "Delete a Sieve script (the active one too)")
                .scope(Scope.ACCOUNTS_WRITE).param("address", "the account's address").param("name", "the script's name")
                .status(204)
                .handle(r -> {
                    long id = account(r.requirePrincipal(), r.param("address"));
                    try {
                        scripts.delete(id, r.param("name"), true);
                    } catch (SieveScripts.RefusedException e) {
                        throw refused(e);
                    }
                    return ApiResponse.noContent();
                });
    }

    private long account(Principal who, String address) {
        MailAddress a = Tenancy.address(who, address, "account");
        return directory.user(a.key()).orElseThrow(() -> ApiException.notFound("no such account: " + a.key())).id();
    }

    private Rows.SieveScript find(long accountId, String name) {
        return scripts.get(accountId, name).orElseThrow(() -> ApiException.notFound("no script named " + name));
    }

    private static Script script(Rows.SieveScript s) {
        return new Script(s.name(), s.active(), s.updatedAt().toString(), s.content());
    }

    private static ApiException refused(SieveScripts.RefusedException e) {
        return switch (e.refusal()) {
            case NONEXISTENT -> ApiException.notFound(e.getMessage());
            case ALREADYEXISTS, ACTIVE, QUOTA_MAXSCRIPTS -> ApiException.conflict(e.getMessage());
            case QUOTA_MAXSIZE, BAD_NAME -> ApiException.invalidField(e.getMessage());
        };
    }
}
