package dev.tern.admin.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.tern.admin.auth.Principal;
import dev.tern.admin.auth.Scope;
import dev.tern.admin.http.ApiException;
import dev.tern.admin.http.ApiRequest;
import dev.tern.admin.http.ApiResponse;
import dev.tern.admin.http.RouteGroup;
import dev.tern.admin.http.RouteTable;
import dev.tern.directory.Directory;
import dev.tern.store.Rows;
import dev.tern.suppression.SuppressionList;

import java.util.List;

/**
 * {@code /api/suppressions}: the addresses of other domains that outbound mail is not sent to (as
 * `tern suppression`, docs/suppressions.md). Bad input is refused by {@link SuppressionList} with
 * a {@link dev.tern.suppression.SuppressionException}, which {@link Errors} answers as 400.
 *
 * <p>Tenants: the list is one for the whole server. Its entries are addresses of other domains,
 * which no tenant owns, and an entry stops mail from every domain, so a token limited to domains
 * may neither read nor change it ({@code 403 forbidden}, whatever the entry): reading it would show
 * whom other tenants write to, and changing it would decide for them.
 */
public final class SuppressionRoutes implements RouteGroup {

    /** The default and the largest number of entries a page holds. */
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    /** A listed address. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Suppression(@JsonPropertyDescription("the address, its domain in A-labels") String address,
                              @JsonPropertyDescription("its domain, in A-labels") String domain,
                              @JsonPropertyDescription("bounce: its server refused it as nonexistent; manual: "
                                      + "an operator listed it") String reason,
                              @JsonPropertyDescription("the refusal's enhanced status code, e.g. 5.1.1; null for a "
                                      + "manual entry") String status,
                              @JsonPropertyDescription("the server's refusal, or the operator's note; may be null")
                              String detail,
                              @JsonPropertyDescription("the queue id of the message that was refused; null for a "
                                      + "manual entry") String queueId,
                              String createdAt,
                              @JsonPropertyDescription("when it leaves the list by itself; null: when it is deleted")
                              String expiresAt) {
    }

    /** A page of the list, ordered by address. */
    public record SuppressionPage(List<Suppression> suppressions,
                                  @JsonInclude(JsonInclude.Include.ALWAYS)
                                  @JsonPropertyDescription("pass it as cursor for the next page; null on the last page")
                                  String nextCursor) {
    }

    public record NewSuppression(@JsonProperty(required = true) @JsonPropertyDescription("an address of another "
                                         + "domain") String address,
                                 @JsonPropertyDescription("why, shown with the entry") String note,
                                 @JsonPropertyDescription("how long it stays listed, e.g. 30d (s, m, h or d); left "
                                         + "out: until it is deleted") String keepFor) {
    }

    /** What a deletion of a whole domain did. */
    public record DomainDeleted(@JsonPropertyDescription("the domain, in A-labels") String domain,
                                @JsonPropertyDescription("how many of its addresses were listed") int deleted) {
    }

    private final SuppressionList suppressions;

    public SuppressionRoutes(SuppressionList suppressions) {
        this.suppressions = suppressions;
    }

    @Override
    public void register(RouteTable table) {
        table.get("/api/suppressions", "List the suppressed addresses, ordered by address")
                .scope(Scope.SUPPRESSIONS_READ).param("domain", "only the addresses of this domain")
                .param("limit", "addresses per page (default " + DEFAULT_LIMIT + ", at most " + MAX_LIMIT + ")")
                .param("cursor", "the next_cursor of the previous page")
                .response(SuppressionPage.class)
                .handle(r -> {
                    refuseDomainLimitedTokens(r);
                    int limit = r.queryCount("limit", DEFAULT_LIMIT, MAX_LIMIT);
                    return ApiResponse.ok(page(r.queryText("domain"), r.queryText("cursor"), limit));
                });
        table.get("/api/suppressions/{address}", "Show whether an address is suppressed, and why")
                .scope(Scope.SUPPRESSIONS_READ).param("address", "the address").response(Suppression.class)
                .handle(r -> {
                    refuseDomainLimitedTokens(r);
                    String address = r.param("address");
                    return ApiResponse.ok(suppressions.find(address).map(SuppressionRoutes::suppression)
                            .orElseThrow(() -> notListed(address)));
                });
        table.post("/api/suppressions", "Suppress an address: its mail bounces at once, without an attempt")
                .scope(Scope.SUPPRESSIONS_WRITE).request(NewSuppression.class).response(Suppression.class)
                .status(201)
                .handle(r -> {
                    refuseDomainLimitedTokens(r);
                    NewSuppression body = r.body(NewSuppression.class);
                    Rows.Suppression made = suppressions.add(body.address(), body.note(), KeepFor.parse(body.keepFor()));
                    // Answered as stored, so that it reads as GET will: the store keeps its times to
                    // its own precision. One that has already run out is answered as it was made.
                    Rows.Suppression stored = suppressions.find(made.address()).orElse(made);
                    return ApiResponse.created(suppression(stored));
                });
        table.delete("/api/suppressions/{address}", "Send to an address again")
                .scope(Scope.SUPPRESSIONS_WRITE).param("address", "the address").status(204)
                .handle(r -> {
                    refuseDomainLimitedTokens(r);
                    String address = r.param("address");
                    if (!suppressions.delete(address)) {
                        throw notListed(address);
                    }
                    return ApiResponse.noContent();
                });
        // The collection with a filter, as GET reads it: one call undoes what a domain's outage
        // (every mailbox refused for a while) put on the list. The filter is required, so that a
        // bare DELETE never empties the whole list.
        table.delete("/api/suppressions", "Send to every suppressed address of a domain again")
                .scope(Scope.SUPPRESSIONS_WRITE).param("domain", "the domain (required)")
                .response(DomainDeleted.class)
                .handle(r -> {
                    refuseDomainLimitedTokens(r);
                    String domain = r.queryText("domain");
                    if (domain == null) {
                        throw ApiException.invalidField("domain is required: DELETE /api/suppressions?domain=D "
                                + "deletes every address of D; one address is deleted at /api/suppressions/{address}");
                    }
                    String key = Directory.domainKey(domain);
                    return ApiResponse.ok(new DomainDeleted(key, suppressions.deleteDomain(key)));
                });
    }

    /** Refuses tokens limited to domains: the list belongs to no domain of theirs (see the class comment). */
    private static void refuseDomainLimitedTokens(ApiRequest r) {
        Principal who = r.requirePrincipal();
        if (who.restricted()) {
            throw ApiException.forbidden("the suppression list is shared by every domain of this server; "
                    + "a token limited to domains may not read or change it");
        }
    }

    /**
     * One page, and the cursor of the next: one entry more than asked is read, so that the last
     * page says it is the last.
     */
    private SuppressionPage page(String domain, String cursor, int limit) {
        List<Rows.Suppression> found = suppressions.list(domain, cursor, limit + 1);
        boolean more = found.size() > limit;
        List<Rows.Suppression> shown = more ? found.subList(0, limit) : found;
        return new SuppressionPage(shown.stream().map(SuppressionRoutes::suppression).toList(),
                more ? shown.get(shown.size() - 1).address() : null);
    }

    private static Suppression suppression(Rows.Suppression s) {
        return new Suppression(s.address(), s.domain(), s.reason(), s.status(), s.detail(), s.queueId(),
                s.createdAt().toString(), s.expiresAt() == null ? null : s.expiresAt().toString());
    }

    private static ApiException notListed(String address) {
        return ApiException.notFound(address.trim() + " is not on the suppression list");
    }
}
