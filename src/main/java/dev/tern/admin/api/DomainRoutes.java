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
import dev.tern.directory.Directory;
import dev.tern.directory.DnsRecords;
import dev.tern.directory.DomainDetails;
import dev.tern.onboarding.VerificationReport;
import dev.tern.security.dkim.DkimKey;
import dev.tern.store.Rows;

import java.time.Instant;
import java.util.List;

/** {@code /api/domains}: the domains this server receives mail for, with the DNS records to publish. */
public final class DomainRoutes implements RouteGroup {

    /** A domain in a list. */
    public record DomainSummary(String name, String catchAll, String createdAt) {
    }

    public record DomainList(List<DomainSummary> domains) {
    }

    public record NewDomain(@JsonProperty(required = true)
                            @JsonPropertyDescription("the domain name, e.g. example.org (IDN allowed)") String name) {
    }

    public record DkimKeyInfo(String selector, String algorithm) {
    }

    /** A DNS record to publish, with what it is for and the line to paste into a zone file. */
    public record DnsRecord(String purpose, String name, String type, String data, String zoneLine) {
    }

    /** A domain, its counts, its DKIM keys, whether its ownership is verified, and the DNS records to publish for it. */
    public record Domain(String name, String catchAll, String createdAt, int accounts, int aliases,
                         List<DkimKeyInfo> dkimKeys,
                         @JsonPropertyDescription("true once its ownership token was found in DNS (POST "
                                 + "/api/domains/{domain}/verify); it stays so") boolean ownershipVerified,
                         @JsonInclude(JsonInclude.Include.ALWAYS)
                         @JsonPropertyDescription("when the ownership was verified; null while it is not")
                         String verifiedAt,
                         @JsonPropertyDescription("every record to publish: MX, SPF, DKIM, DMARC, the ownership "
                                 + "token (TXT at _tern-verify), the SRV records of the client services and the "
                                 + "autoconfig names") List<DnsRecord> dnsRecords) {
    }

    /** What DNS says about one record of a domain. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record RecordStatus(String purpose,
                               @JsonPropertyDescription("the record's name, with its final dot") String owner,
                               String type,
                               @JsonPropertyDescription("what should be there") String expected,
                               @JsonPropertyDescription("what DNS has at that name, in text form") List<String> published,
                               @JsonPropertyDescription("found, missing, different (see published and expected), or "
                                       + "error (DNS did not answer: unknown, try again later)") String status,
                               @JsonPropertyDescription("why, in words") String detail) {
    }

    /** The check of every record of a domain in live DNS. */
    public record Verification(String domain, boolean ownershipVerified,
                               @JsonInclude(JsonInclude.Include.ALWAYS)
                               @JsonPropertyDescription("when the ownership was verified (now or earlier); null "
                                       + "while it is not") String verifiedAt,
                               List<RecordStatus> records) {
    }

    private final ApiServices s;

    public DomainRoutes(ApiServices services) {
        this.s = services;
    }

    @Override
    public void register(RouteTable table) {
        table.get("/api/domains", "List the domains").scope(Scope.DOMAINS_READ).response(DomainList.class)
                .handle(r -> {
                    Principal who = r.requirePrincipal();
                    return ApiResponse.ok(new DomainList(s.directory().domains().stream()
                            .filter(d -> who.mayUse(d.name())).map(DomainRoutes::summary).toList()));
                });
        table.post("/api/domains", "Add a domain, with an RSA and an Ed25519 DKIM key")
                .scope(Scope.DOMAINS_WRITE).request(NewDomain.class).response(Domain.class).status(201)
                .handle(r -> {
                    NewDomain body = r.body(NewDomain.class);
                    String key = Directory.domainKey(body.name());
                    if (!r.requirePrincipal().mayUse(key)) {
                        throw ApiException.forbidden("this token may only add the domains it is limited to");
                    }
                    s.onboarding().addDomain(key);
                    return ApiResponse.created(detail(key));
                });
        table.get("/api/domains/{domain}", "Show a domain and the DNS records to publish for it")
                .scope(Scope.DOMAINS_READ).param("domain", "the domain name").response(Domain.class)
                .handle(r -> ApiResponse.ok(detail(Tenancy.domain(r.requirePrincipal(), r.param("domain")))));
        table.post("/api/domains/{domain}/verify", "Check the domain's DNS records in live DNS; finding its "
                        + "ownership token verifies it").scope(Scope.DOMAINS_WRITE).param("domain", "the domain name")
                .response(Verification.class)
                .handle(r -> {
                    String key = Tenancy.domain(r.requirePrincipal(), r.param("domain"));
                    return ApiResponse.ok(verification(s.onboarding().verify(key).join()));
                });
        table.delete("/api/domains/{domain}", "Delete a domain that has no accounts or aliases left")
                .scope(Scope.DOMAINS_WRITE).param("domain", "the domain name").status(204)
                .handle(r -> {
                    s.directory().deleteDomain(Tenancy.domain(r.requirePrincipal(), r.param("domain")));
                    return ApiResponse.noContent();
                });
    }

    private Domain detail(String key) {
        DomainDetails d = DomainDetails.read(s.directory(), s.dkimKeys(), s.hostname(), key);
        Rows.Domain row = d.domain();
        Instant verifiedAt = s.onboarding().ownership().verifiedAt(row.name()).orElse(null);
        return new Domain(row.name(), row.catchAll(), row.createdAt().toString(), d.accounts(), d.aliases(),
                d.dkimKeys().stream().map(DomainRoutes::key).toList(), verifiedAt != null,
                verifiedAt == null ? null : verifiedAt.toString(),
                s.onboarding().records(row.name()).stream().map(DomainRoutes::record).toList());
    }

    private static Verification verification(VerificationReport report) {
        return new Verification(report.domain(), report.ownershipVerified(),
                report.verifiedAt() == null ? null : report.verifiedAt().toString(),
                report.checks().stream().map(c -> new RecordStatus(c.record().purpose(), c.record().owner(),
                        c.record().type(), c.expected(), c.published(), c.status().word(), c.detail())).toList());
    }

    private static DomainSummary summary(Rows.Domain d) {
        return new DomainSummary(d.name(), d.catchAll(), d.createdAt().toString());
    }

    private static DkimKeyInfo key(DkimKey k) {
        return new DkimKeyInfo(k.selector(), k.algorithm().tagValue());
    }

    private static DnsRecord record(DnsRecords.Record r) {
        return new DnsRecord(r.purpose(), r.owner(), r.type(), r.data(), r.zoneLine());
    }
}
