package dev.tern.admin.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.admin.auth.Principal;
import dev.tern.admin.auth.Scope;
import dev.tern.admin.http.ApiException;
import dev.tern.admin.http.ApiResponse;
import dev.tern.admin.http.RouteGroup;
import dev.tern.admin.http.RouteTable;
import dev.tern.directory.GeneratedPasswords;
import dev.tern.mail.MailAddress;

import java.util.List;
import java.util.Optional;

/**
 * {@code /api/accounts}: mail accounts, their passwords, quotas, whether they are enabled and
 * whether a Sieve script filters their mail.
 */
public final class AccountRoutes implements RouteGroup {

    /**
     * A mail account.
     *
     * @param password only in the answer that made it up (an account added or a password reset without one)
     */
    public record Account(String address, String display, String domain, boolean enabled,
                          @JsonInclude(JsonInclude.Include.ALWAYS)
                          @JsonPropertyDescription("the most bytes the account's mailboxes may hold together; "
                                  + "null: no limit") Long quotaBytes,
                          @JsonPropertyDescription("the bytes its messages take now, in all its mailboxes")
                          long usedBytes,
                          @JsonPropertyDescription("it has an active Sieve script, which decides where its "
                                  + "mail goes") boolean sieveActive,
                          @JsonPropertyDescription("the password Tern generated; only in the answer that made it, "
                                  + "never again") String password) {
    }

    public record AccountList(List<Account> accounts) {
    }

    public record NewAccount(@JsonProperty(required = true) @JsonPropertyDescription("the address, user@domain; "
                                     + "its domain must exist") String address,
                             @JsonPropertyDescription("the password; left out, Tern makes one up and answers "
                                     + "with it") String password,
                             @JsonPropertyDescription("also keep the CRAM-MD5 secret, which is password-equivalent "
                                     + "(default false)") Boolean cramMd5,
                             @JsonPropertyDescription("instead of a password: a hash another server made, such as "
                                     + "Dovecot's {SHA512-CRYPT}$6$…; the first login it accepts replaces it with "
                                     + "Tern's own (docs/migration.md)") String passwordHash) {
    }

    public record AccountChange(@JsonPropertyDescription("false keeps the account and its mail but refuses "
                                        + "its mail and its logins") Boolean enabled,
                                @JsonPropertyDescription("a new password") String password,
                                @JsonPropertyDescription("true: Tern makes up a new password and answers with it")
                                Boolean generatePassword,
                                @JsonPropertyDescription("with a new password: also keep its CRAM-MD5 secret "
                                        + "(default false: the secret is removed)") Boolean cramMd5,
                                @JsonPropertyDescription("a quota in bytes (a whole number, 0 or more), or null "
                                        + "for no limit") JsonNode quotaBytes,
                                @JsonPropertyDescription("instead of a password: a hash another server made "
                                        + "(docs/migration.md)") String passwordHash) {
    }

    private final ApiServices s;

    public AccountRoutes(ApiServices services) {
        this.s = services;
    }

    @Override
    public void register(RouteTable table) {
        table.get("/api/accounts", "List the accounts").scope(Scope.ACCOUNTS_READ)
                .param("domain", "only the accounts of this domain").response(AccountList.class)
                .handle(r -> {
                    Principal who = r.requirePrincipal();
                    String domain = r.query("domain").map(d -> Tenancy.domain(who, d)).orElse(null);
                    return ApiResponse.ok(new AccountList(s.directory().users(domain).stream()
                            .filter(a -> who.mayUse(Tenancy.domainOf(a.address()))).map(a -> account(a, null)).toList()));
                });
        table.post("/api/accounts", "Add an account with its mailboxes").scope(Scope.ACCOUNTS_WRITE)
                .request(NewAccount.class).response(Account.class).status(201)
                .handle(r -> {
                    NewAccount body = r.body(NewAccount.class);
                    MailAddress a = Tenancy.address(body.address());
                    Tenancy.domain(r.requirePrincipal(), a.asciiDomain());
                    if (body.passwordHash() != null) {
                        if (body.password() != null || body.cramMd5() != null) {
                            throw ApiException.invalidField("password_hash takes the place of password and cram_md5");
                        }
                        return ApiResponse.created(account(s.directory().addUserWithHash(a.toString(), body.passwordHash()),
                                null));
                    }
                    String generated = body.password() == null ? GeneratedPasswords.next() : null;
                    dev.tern.directory.Account made = s.directory().addUser(a.toString(),
                            generated != null ? generated : body.password(), Boolean.TRUE.equals(body.cramMd5()));
                    return ApiResponse.created(account(made, generated));
                });
        table.get("/api/accounts/{address}", "Show an account").scope(Scope.ACCOUNTS_READ)
                .param("address", "the account's address").response(Account.class)
                .handle(r -> ApiResponse.ok(account(find(r.requirePrincipal(), r.param("address")), null)));
        table.patch("/api/accounts/{address}", "Enable or disable an account, or set its password")
                .scope(Scope.ACCOUNTS_WRITE).param("address", "the account's address")
                .request(AccountChange.class).response(Account.class)
                .handle(r -> {
                    dev.tern.directory.Account a = find(r.requirePrincipal(), r.param("address"));
                    AccountChange c = r.body(AccountChange.class);
                    boolean generate = Boolean.TRUE.equals(c.generatePassword());
                    if (c.enabled() == null && c.password() == null && !generate && c.quotaBytes() == null
                            && c.passwordHash() == null) {
                        throw ApiException.invalidField("nothing to change: give enabled, password, generate_password, "
                                + "password_hash or quota_bytes");
                    }
                    if (c.passwordHash() != null && (c.password() != null || generate || c.cramMd5() != null)) {
                        throw ApiException.invalidField("password_hash takes the place of password, generate_password "
                                + "and cram_md5");
                    }
                    Long quota = c.quotaBytes() == null ? null : quota(c.quotaBytes());
                    if (c.password() != null && generate) {
                        throw ApiException.invalidField("give password or generate_password, not both");
                    }
                    if (c.cramMd5() != null && c.password() == null && !generate) {
                        throw ApiException.invalidField("cram_md5 goes with a new password");
                    }
                    if (c.password() != null && c.password().isEmpty()) {
                        throw ApiException.invalidField("the password is empty");
                    }
                    String generated = generate ? GeneratedPasswords.next() : null;
                    String password = generate ? generated : c.password();
                    if (password != null) {
                        s.directory().setPassword(a.address(), password, Boolean.TRUE.equals(c.cramMd5()));
                    }
                    if (c.passwordHash() != null) {
                        s.directory().setPasswordHash(a.address(), c.passwordHash());
                    }
                    if (c.enabled() != null) {
                        s.directory().setEnabled(a.address(), c.enabled());
                    }
                    if (c.quotaBytes() != null) {
                        s.directory().setQuota(a.address(), quota);
                    }
                    return ApiResponse.ok(account(s.directory().user(a.address()).orElseThrow(), generated));
                });
        table.delete("/api/accounts/{address}", "Delete an account with all its mail").scope(Scope.ACCOUNTS_WRITE)
                .param("address", "the account's address").status(204)
                .handle(r -> {
                    dev.tern.directory.Account a = find(r.requirePrincipal(), r.param("address"));
                    s.directory().deleteUser(a.address(), s.mailboxes());
                    return ApiResponse.noContent();
                });
    }

    private dev.tern.directory.Account find(Principal who, String address) {
        MailAddress a = Tenancy.address(who, address, "account");
        Optional<dev.tern.directory.Account> found = s.directory().user(a.key());
        return found.orElseThrow(() -> ApiException.notFound("no such account: " + a.key()));
    }

    private Account account(dev.tern.directory.Account a, String generatedPassword) {
        return new Account(a.address(), a.display(), Tenancy.domainOf(a.address()), a.enabled(), a.quotaBytes(),
                s.mailboxes().usage(a.id()), a.filtered(), generatedPassword);
    }

    /** The quota of a PATCH: a whole number of bytes, 0 or more; JSON null for none (then null). */
    private static Long quota(JsonNode n) {
        if (n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0) {
            throw ApiException.invalidField("quota_bytes: expected a whole number of bytes, 0 or more, or null");
        }
        return n.asLong();
    }
}
