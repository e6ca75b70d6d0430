package dev.tern.admin.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.tern.admin.auth.Principal;
import dev.tern.admin.auth.Scope;
import dev.tern.admin.http.ApiException;
import dev.tern.admin.http.ApiResponse;
import dev.tern.admin.http.RouteGroup;
import dev.tern.admin.http.RouteTable;
import dev.tern.credentials.CredentialRequest;
import dev.tern.credentials.NewSmtpCredential;
import dev.tern.credentials.SendRate;
import dev.tern.credentials.SmtpCredential;
import dev.tern.mail.SenderScope;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /api/credentials}: SMTP credentials of applications (as `tern credential`): a user name
 * and a secret that may only submit mail, as the senders of its scope, at most at its rate. The
 * secret is in the answer that makes it and nowhere else. Revoked credentials stay listed.
 *
 * <p>Tenants: a token limited to domains sees and revokes the credentials of its domains, and makes
 * them only in its domains, with senders and names in its domains.
 */
public final class CredentialRoutes implements RouteGroup {

    /**
     * An SMTP credential.
     *
     * @param secret only in the answer that made it
     */
    public record Credential(@JsonPropertyDescription("the SASL user name, e.g. app-k3x9q2mf@example.org")
                             String username,
                             @JsonPropertyDescription("the secret to authenticate with; only in the answer that made "
                                     + "it, never again") String secret,
                             @JsonPropertyDescription("the local domain it belongs to") String domain,
                             @JsonPropertyDescription("what it may send as (MAIL FROM and From:): addresses and "
                                     + "@domains") List<String> senders,
                             @JsonInclude(JsonInclude.Include.ALWAYS)
                             @JsonPropertyDescription("at most this many messages per window, e.g. 100/1h; null "
                                     + "for no limit of its own") String rate,
                             String createdAt,
                             @JsonInclude(JsonInclude.Include.ALWAYS)
                             @JsonPropertyDescription("when it last sent a message; null when never") String lastUsedAt,
                             long messagesSent,
                             @JsonPropertyDescription("true once revoked: it no longer authenticates") boolean revoked) {
    }

    public record CredentialList(List<Credential> credentials) {
    }

    public record NewCredential(@JsonProperty(required = true) @JsonPropertyDescription("the local domain it "
                                        + "belongs to") String domain,
                                @JsonPropertyDescription("addresses and @domains of local domains it may send as; "
                                        + "left out, the whole of domain") List<String> senders,
                                @JsonPropertyDescription("at most this many messages per window, such as 100/1h "
                                        + "(window in s, m, h or d); left out, no limit of its own") String rate,
                                @JsonPropertyDescription("its user name: an address of a local domain, or a local "
                                        + "part in domain; left out, app-<8 random characters>@domain")
                                String name) {
    }

    private final ApiServices s;

    public CredentialRoutes(ApiServices services) {
        this.s = services;
    }

    @Override
    public void register(RouteTable table) {
        table.get("/api/credentials", "List the SMTP credentials (without their secrets)")
                .scope(Scope.CREDENTIALS_READ).param("domain", "only the credentials of this domain")
                .response(CredentialList.class)
                .handle(r -> {
                    Principal who = r.requirePrincipal();
                    String domain = r.query("domain").map(d -> Tenancy.domain(who, d)).orElse(null);
                    return ApiResponse.ok(new CredentialList(s.credentials().list(domain).stream()
                            .filter(c -> who.mayUse(c.domain())).map(c -> credential(c, null)).toList()));
                });
        table.post("/api/credentials", "Make an SMTP credential for an application (its secret shown once)")
                .scope(Scope.CREDENTIALS_WRITE).request(NewCredential.class).response(Credential.class).status(201)
                .handle(r -> {
                    Principal who = r.requirePrincipal();
                    NewCredential body = r.body(NewCredential.class);
                    String domain = Tenancy.domain(who, body.domain());
                    List<String> senders = senders(who, body.senders());
                    if (body.name() != null && body.name().contains("@")) {
                        String nameDomain = Tenancy.address(body.name()).asciiDomain();
                        if (!who.mayUse(nameDomain)) {
                            throw ApiException.invalidField("name " + body.name().trim()
                                    + " is not in a domain this token may use");
                        }
                    }
                    SendRate rate;
                    try {
                        rate = body.rate() == null ? null : SendRate.parse(body.rate());
                    } catch (IllegalArgumentException e) {
                        throw ApiException.invalidField("rate: " + e.getMessage());
                    }
                    NewSmtpCredential made = s.credentials().create(new CredentialRequest(domain, senders, rate,
                            body.name(), false));
                    return ApiResponse.created(credential(made.credential(), made.secret()));
                });
        table.delete("/api/credentials/{username}", "Revoke an SMTP credential: it no longer authenticates")
                .scope(Scope.CREDENTIALS_WRITE).param("username", "the credential's user name").status(204)
                .handle(r -> {
                    Principal who = r.requirePrincipal();
                    String name = r.param("username");
                    SmtpCredential c = s.credentials().credential(name).filter(found -> who.mayUse(found.domain()))
                            .orElseThrow(() -> ApiException.notFound("no such SMTP credential: " + name));
                    s.credentials().revoke(c.name());
                    return ApiResponse.noContent();
                });
    }

    /** The senders as stored; each must be an address or @domain, in a domain the caller may use. */
    private static List<String> senders(Principal who, List<String> given) {
        if (given == null) {
            return List.of();
        }
        if (given.isEmpty()) {
            throw ApiException.invalidField("senders is empty; leave it out for the whole domain");
        }
        List<String> out = new ArrayList<>();
        for (String sender : given) {
            String pattern;
            try {
                pattern = SenderScope.pattern(sender);
            } catch (IllegalArgumentException e) {
                throw ApiException.invalidField("senders: " + e.getMessage());
            }
            String domain = pattern.substring(pattern.indexOf('@') + 1);
            if (!who.mayUse(domain)) {
                throw ApiException.invalidField("sender " + sender.trim() + " is not in a domain this token may use");
            }
            out.add(pattern);
        }
        return out;
    }

    private static Credential credential(SmtpCredential c, String secret) {
        return new Credential(c.name(), secret, c.domain(), c.senders().patterns(),
                c.rate() == null ? null : c.rate().toString(), c.createdAt().toString(), text(c.lastUsedAt()),
                c.messagesSent(), c.revoked());
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }
}
