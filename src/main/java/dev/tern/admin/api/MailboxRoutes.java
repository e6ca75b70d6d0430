package dev.tern.admin.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.tern.admin.auth.Principal;
import dev.tern.admin.auth.Scope;
import dev.tern.admin.http.ApiException;
import dev.tern.admin.http.ApiRequest;
import dev.tern.admin.http.ApiResponse;
import dev.tern.admin.http.RouteGroup;
import dev.tern.admin.http.RouteTable;
import dev.tern.directory.Directory;
import dev.tern.mail.MailAddress;
import dev.tern.mailbox.MailboxAccess;
import dev.tern.mailbox.MailboxException;
import dev.tern.mailbox.MailboxRights;
import dev.tern.mailbox.MailboxService;
import dev.tern.store.Rows;

import java.util.List;
import java.util.function.Supplier;

/**
 * {@code /api/accounts/{address}/mailboxes} and {@code /api/accounts/{address}/acl}: an account's
 * mailboxes, and who else may use one of them (docs/sharing.md), as {@code tern mailbox share}
 * does it. Mailbox names hold {@code /}, so the mailbox is a query parameter.
 */
public final class MailboxRoutes implements RouteGroup {

    public record MailboxInfo(String name, String specialUse, long messages, long unseen, long sizeBytes) {
    }

    public record MailboxList(List<MailboxInfo> mailboxes) {
    }

    public record Grant(String identifier, String rights, boolean owner) {
    }

    public record AccessList(String mailbox, List<Grant> entries) {
    }

    public record RightsUpload(@JsonPropertyDescription("RFC 4314 rights such as lrs; +rights adds them to what "
            + "the identifier has, -rights takes them away") String rights) {
    }

    private final Directory directory;
    private final MailboxService mailboxes;

    public MailboxRoutes(Directory directory, MailboxService mailboxes) {
        this.directory = directory;
        this.mailboxes = mailboxes;
    }

    @Override
    public void register(RouteTable table) {
        table.get("/api/accounts/{address}/mailboxes", "List an account's mailboxes with their counts")
                .scope(Scope.ACCOUNTS_READ).param("address", "the account's address").response(MailboxList.class)
                .handle(r -> {
                    long id = account(r.requirePrincipal(), r.param("address"));
                    return ApiResponse.ok(new MailboxList(mailboxes.mailboxes(id).stream().map(m -> {
                        Rows.MailboxCounts c = mailboxes.counts(m.id());
                        return new MailboxInfo(m.name(), m.specialUse(), c.messages(), c.unseen(), c.size());
                    }).toList()));
                });
        table.get("/api/accounts/{address}/acl", "Show who may use one of an account's mailboxes, and how")
                .scope(Scope.ACCOUNTS_READ).param("address", "the account's address")
                .param("mailbox", "the mailbox's name (query parameter)").response(AccessList.class)
                .handle(r -> {
                    long id = account(r.requirePrincipal(), r.param("address"));
                    String mailbox = mailbox(r);
                    List<MailboxAccess.Grant> grants = mapped(() -> mailboxes.access().acl(id, mailbox));
                    return ApiResponse.ok(new AccessList(mailbox, grants.stream().map(g ->
                            new Grant(g.identifier(), g.rights().letters(), g == grants.get(0))).toList()));
                });
        table.put("/api/accounts/{address}/acl/{identifier}", "Give an account, or anyone of the owner's domain, "
                        + "rights on a mailbox").scope(Scope.ACCOUNTS_WRITE).param("address", "the account's address")
                .param("identifier", "an account's address, or anyone")
                .param("mailbox", "the mailbox's name (query parameter)").request(RightsUpload.class)
                .response(Grant.class)
                .handle(r -> {
                    Principal who = r.requirePrincipal();
                    long id = account(who, r.param("address"));
                    String identifier = grantee(who, r.param("identifier"));
                    String mailbox = mailbox(r);
                    RightsUpload body = r.body(RightsUpload.class);
                    if (body.rights() == null) {
                        throw ApiException.invalidField("rights: missing (RFC 4314 letters, e.g. lrs)");
                    }
                    MailboxAccess.RightsChange change;
                    try {
                        change = MailboxAccess.RightsChange.parse(body.rights());
                    } catch (IllegalArgumentException e) {
                        throw ApiException.invalidField("rights: " + e.getMessage());
                    }
                    MailboxRights after = mapped(() -> mailboxes.access().setRights(id, mailbox, identifier, change));
                    return ApiResponse.ok(new Grant(identifier, after.letters(), false));
                });
        table.delete("/api/accounts/{address}/acl/{identifier}", "Take back what a mailbox was shared with")
                .scope(Scope.ACCOUNTS_WRITE).param("address", "the account's address")
                .param("identifier", "an account's address, or anyone")
                .param("mailbox", "the mailbox's name (query parameter)").status(204)
                .handle(r -> {
                    Principal who = r.requirePrincipal();
                    long id = account(who, r.param("address"));
                    String identifier = grantee(who, r.param("identifier"));
                    String mailbox = mailbox(r);
                    mapped(() -> {
                        mailboxes.access().deleteRights(id, mailbox, identifier);
                        return null;
                    });
                    return ApiResponse.noContent();
                });
    }

    private long account(Principal who, String address) {
        MailAddress a = Tenancy.address(who, address, "account");
        return directory.user(a.key()).orElseThrow(() -> ApiException.notFound("no such account: " + a.key())).id();
    }

    /** {@code anyone}, or an account's address in a domain the caller may use (a tenant's token cannot probe others'). */
    private static String grantee(Principal who, String identifier) {
        if (identifier.equalsIgnoreCase(MailboxAccess.ANYONE)) {
            return MailboxAccess.ANYONE;
        }
        return Tenancy.address(who, identifier, "account").key();
    }

    private static String mailbox(ApiRequest r) {
        return r.query("mailbox").filter(m -> !m.isEmpty())
                .orElseThrow(() -> ApiException.invalidField("mailbox: give the mailbox's name as ?mailbox=NAME"));
    }

    /** The mailbox layer's refusals as the API's errors. */
    private static <T> T mapped(Supplier<T> work) {
        try {
            return work.get();
        } catch (MailboxException e) {
            throw switch (e.reason()) {
                case NONEXISTENT -> ApiException.notFound(e.getMessage());
                case NO_PERMISSION -> ApiException.forbidden(e.getMessage());
                case ALREADY_EXISTS, INVALID_NAME, NOT_ALLOWED, HAS_CHILDREN -> ApiException.invalidField(e.getMessage());
            };
        }
    }
}
