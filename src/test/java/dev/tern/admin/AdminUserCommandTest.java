package dev.tern.admin;

import dev.tern.admin.auth.AdminAccounts;
import dev.tern.admin.auth.AdminSessions;
import dev.tern.admin.auth.ApiTokens;
import dev.tern.admin.auth.Principal;
import dev.tern.admin.auth.Scope;
import dev.tern.config.ConfigLoader;
import dev.tern.server.Services;
import dev.tern.testing.InProcessCli;
import dev.tern.testing.InProcessCli.Result;
import dev.tern.testing.TestConfigs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** `tern admin`: admin accounts and API tokens from the command line, on the store the server uses. */
class AdminUserCommandTest {

    @TempDir
    Path dir;

    @BeforeEach
    void config() {
        TestConfigs.write(dir);
    }

    private Result tern(String stdin, String... args) {
        return InProcessCli.run(dir.resolve("tern.toml"), stdin, args);
    }

    private <T> T withServices(java.util.function.Function<Services, T> f) {
        try (Services s = new Services(ConfigLoader.load(dir.resolve("tern.toml")), 2)) {
            return f.apply(s);
        }
    }

    @Test
    void adminsAreAddedListedGivenANewPasswordAndDeleted() {
        assertThat(tern("first-pw\n", "admin", "add", "Root", "--password-stdin").out()).isEqualTo("added admin root\n");
        Result generated = tern(null, "admin", "add", "ops");
        assertThat(generated.out()).startsWith("added admin ops\npassword: ");
        String opsPassword = generated.out().lines().toList().get(1).substring("password: ".length());
        assertThat(tern(null, "admin", "list").out()).matches("ops  \\(since \\d{4}-\\d\\d-\\d\\d\\)\n"
                + "root  \\(since \\d{4}-\\d\\d-\\d\\d\\)\n");

        Result again = tern("x\n", "admin", "add", "root", "--password-stdin");
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("tern: admin root already exists\n");
        assertThat(tern("x\n", "admin", "add", "no spaces", "--password-stdin").err())
                .startsWith("tern: \"no spaces\" is not a valid admin name");

        // A password change ends the sessions of the admin.
        Optional<AdminSessions.Login> login = withServices(s -> sessions(s).login("root", "first-pw"));
        assertThat(login).isPresent();
        var found1 = withServices(s -> new AdminAccounts(s.metadata(), Clock.systemUTC()).verify("ops", opsPassword));
        assertThat(found1)
                .contains("ops");
        assertThat(tern("second-pw\n", "admin", "passwd", "root", "--password-stdin").out())
                .isEqualTo("password changed for root\n");
        var found2 = withServices(s -> sessions(s).authenticate(login.get().cookieValue()));
        assertThat(found2).isEmpty();
        var found3 = withServices(s -> sessions(s).login("root", "first-pw"));
        assertThat(found3).isEmpty();
        var found4 = withServices(s -> sessions(s).login("root", "second-pw"));
        assertThat(found4).isPresent();
        assertThat(tern("x\n", "admin", "passwd", "nobody", "--password-stdin").err())
                .isEqualTo("tern: no such admin: nobody\n");

        assertThat(tern(null, "admin", "delete", "ops").out()).isEqualTo("deleted admin ops\n");
        assertThat(tern(null, "admin", "delete", "ops").err()).isEqualTo("tern: no such admin: ops\n");
        assertThat(tern(null, "admin", "list").out()).startsWith("root");
    }

    @Test
    void tokensAreCreatedListedAndRevoked() {
        Result made = tern(null, "admin", "token", "create", "shop", "--scope", "accounts:write",
                "--scope", "queue:read,domains:read", "--domain", "Shop.Example", "--expires-in-days", "7");
        assertThat(made.code()).as(made.err()).isZero();
        String[] lines = made.out().split("\n");
        assertThat(lines[0]).matches("token [0-9a-f]{16} \\(shop\\): domains:read accounts:write queue:read, "
                + "only shop.example, expires .*");
        String token = lines[1];
        assertThat(token).startsWith("tern_");
        String id = lines[0].substring(6, 22);

        Principal p = withServices(s -> new ApiTokens(s.metadata(), Clock.systemUTC()).authenticate(token)).orElseThrow();
        assertThat(p.scopes()).isEqualTo(Set.of(Scope.ACCOUNTS_WRITE, Scope.QUEUE_READ, Scope.DOMAINS_READ));
        assertThat(p.domains()).containsExactly("shop.example");

        assertThat(tern(null, "admin", "token", "list").out()).contains(id).contains("shop")
                .contains("/ shop.example").doesNotContain(token);
        assertThat(tern(null, "admin", "token", "create", "x", "--scope", "root").err())
                .startsWith("tern: unknown scope \"root\"; the scopes are: admin, domains:read");
        assertThat(tern(null, "admin", "token", "create", "x", "--scope", "admin", "--domain", "a.example").err())
                .startsWith("tern: the admin scope cannot be limited to domains");

        assertThat(tern(null, "admin", "token", "revoke", id).out()).isEqualTo("revoked token " + id + "\n");
        var found5 = withServices(s -> new ApiTokens(s.metadata(), Clock.systemUTC()).authenticate(token));
        assertThat(found5).isEmpty();
        assertThat(tern(null, "admin", "token", "revoke", id).err()).isEqualTo("tern: no such token: " + id + "\n");
        assertThat(tern(null, "admin", "token", "list").out()).startsWith("no API tokens");
    }

    private static AdminSessions sessions(Services s) {
        return new AdminSessions(s.metadata(), new AdminAccounts(s.metadata(), Clock.systemUTC()), Duration.ofHours(1),
                Clock.systemUTC());
    }
}
