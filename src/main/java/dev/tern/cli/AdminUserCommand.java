package dev.tern.cli;

import dev.tern.admin.auth.AdminAccounts;
import dev.tern.admin.auth.ApiTokens;
import dev.tern.admin.auth.Scope;
import dev.tern.server.Services;
import dev.tern.store.Rows;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

@Command(name = "admin", description = "Manage who may use the admin listener (HTTP API, web console): "
        + "admin accounts and API tokens.",
        subcommands = {AdminUserCommand.Add.class, AdminUserCommand.ListAdmins.class, AdminUserCommand.Delete.class,
                AdminUserCommand.Passwd.class, AdminUserCommand.Token.class})
final class AdminUserCommand {

    private static AdminAccounts accounts(Services s) {
        return new AdminAccounts(s.metadata(), Clock.systemUTC());
    }

    private static ApiTokens tokens(Services s) {
        return new ApiTokens(s.metadata(), Clock.systemUTC());
    }

    @Command(name = "add", description = "Add an admin, who may log in to the web console and the API.")
    static final class Add extends PasswordCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run(Services s, PrintWriter out) throws Exception {
            String key = AdminAccounts.nameKey(name);
            PasswordCommand.Chosen pw = password(key);
            accounts(s).add(key, pw.password());
            out.println("added admin " + key);
            pw.showIfGenerated(out);
            return 0;
        }
    }

    @Command(name = "list", description = "List the admins.")
    static final class ListAdmins extends AdminCommand {
        @Override
        int run(Services s, PrintWriter out) {
            for (Rows.AdminUser u : accounts(s).list()) {
                out.println(u.name() + "  (since " + u.createdAt().toString().substring(0, 10) + ")");
            }
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete an admin and end its console sessions.")
    static final class Delete extends AdminCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run(Services s, PrintWriter out) {
            accounts(s).delete(name);
            out.println("deleted admin " + AdminAccounts.nameKey(name));
            return 0;
        }
    }

    @Command(name = "passwd", description = "Set an admin's password; its console sessions end.")
    static final class Passwd extends PasswordCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run(Services s, PrintWriter out) throws Exception {
            String key = AdminAccounts.nameKey(name);
            if (accounts(s).list().stream().noneMatch(u -> u.name().equals(key))) {
                throw new IllegalArgumentException("no such admin: " + key);
            }
            PasswordCommand.Chosen pw = password(key);
            accounts(s).setPassword(key, pw.password());
            out.println("password changed for " + key);
            pw.showIfGenerated(out);
            return 0;
        }
    }

    @Command(name = "token", description = "Manage API tokens.",
            subcommands = {TokenCreate.class, TokenList.class, TokenRevoke.class})
    static final class Token {
    }

    @Command(name = "create", description = "Make an API token and print it (it is shown only this once).")
    static final class TokenCreate extends AdminCommand {
        @Parameters(paramLabel = "NAME", description = "What the token is for.")
        String name;

        @Option(names = "--scope", paramLabel = "SCOPE", required = true,
                description = "What it may do (repeat for more): admin, domains:read, domains:write, accounts:read, "
                        + "accounts:write, queue:read, queue:write, tracking:read, credentials:read, credentials:write, "
                        + "webhooks:read, webhooks:write, suppressions:read, suppressions:write, access:read, "
                        + "access:write, settings:read.")
        List<String> scopes = new ArrayList<>();

        @Option(names = "--domain", paramLabel = "DOMAIN",
                description = "Limit it to this domain (repeat for more): it sees nothing of other domains.")
        List<String> domains = new ArrayList<>();

        @Option(names = "--expires-in-days", paramLabel = "DAYS", description = "Stop accepting it after this many days.")
        Integer expiresInDays;

        @Override
        int run(Services s, PrintWriter out) {
            List<Scope> parsed = new ArrayList<>();
            for (String name : scopes) {
                for (String one : name.split(",")) {
                    parsed.add(Scope.parse(one).orElseThrow(() -> new IllegalArgumentException(
                            "unknown scope \"" + one + "\"; the scopes are: " + Scope.names())));
                }
            }
            ApiTokens.Created made = tokens(s).create(name, parsed, domains, expiresInDays, "cli");
            out.println("token " + made.row().id() + " (" + made.row().name() + "): "
                    + String.join(" ", made.row().scopes())
                    + (made.row().domains().isEmpty() ? "" : ", only " + String.join(" ", made.row().domains()))
                    + (made.row().expiresAt() == null ? "" : ", expires " + made.row().expiresAt()));
            out.println(made.token());
            return 0;
        }
    }

    @Command(name = "list", description = "List the API tokens (not the tokens themselves, which are not kept).")
    static final class TokenList extends AdminCommand {
        @Override
        int run(Services s, PrintWriter out) {
            List<Rows.ApiToken> all = tokens(s).list();
            if (all.isEmpty()) {
                out.println("no API tokens; make one with: tern admin token create NAME --scope SCOPE");
                return 0;
            }
            out.printf("%-16s  %-24s  %-10s  %-10s  %s%n", "ID", "NAME", "LAST USED", "EXPIRES", "SCOPES / DOMAINS");
            for (Rows.ApiToken t : all) {
                out.printf("%-16s  %-24s  %-10s  %-10s  %s%s%n", t.id(), t.name(), day(t.lastUsedAt(), "never"),
                        day(t.expiresAt(), "never"), String.join(" ", t.scopes()),
                        t.domains().isEmpty() ? "" : " / " + String.join(" ", t.domains()));
            }
            return 0;
        }

        private static String day(Instant t, String none) {
            return t == null ? none : t.toString().substring(0, 10);
        }
    }

    @Command(name = "revoke", description = "Revoke an API token: it stops working at once.")
    static final class TokenRevoke extends AdminCommand {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        int run(Services s, PrintWriter out) {
            tokens(s).revoke(id);
            out.println("revoked token " + id);
            return 0;
        }
    }
}
