package dev.tern.webhooks;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.tern.admin.auth.Principal;
import dev.tern.admin.auth.Scope;
import dev.tern.admin.http.ApiException;
import dev.tern.admin.http.ApiResponse;
import dev.tern.admin.http.RouteGroup;
import dev.tern.admin.http.RouteTable;
import dev.tern.store.Rows;

import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code /api/webhooks}: webhooks and their deliveries, with the scopes {@code webhooks:read} and
 * {@code webhooks:write}. A webhook's secret is in the answer that makes it, and never again.
 *
 * <p>Tenants: a token limited to domains sees only the webhooks limited to some of its domains, and
 * makes only such webhooks (with no domains given, they are limited to all of the token's).
 * Another webhook answers 404, as one that does not exist.
 */
public final class WebhookRoutes implements RouteGroup {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 1000;

    public record NewWebhook(@JsonProperty(required = true) @JsonPropertyDescription("where to POST: an http or "
                                     + "https URL") String url,
                             @JsonProperty(required = true) @JsonPropertyDescription("the event types to send: "
                                     + "received, delivered, deferred, bounced, expired") List<String> events,
                             @JsonPropertyDescription("only the events of messages whose sender or recipient is in "
                                     + "these domains; left out: every domain (a token limited to domains: all of "
                                     + "its domains)") List<String> domains) {
    }

    public record WebhookChange(@JsonPropertyDescription("a new URL") String url,
                                @JsonPropertyDescription("the event types to send instead") List<String> events,
                                @JsonPropertyDescription("the domains instead; [] for every domain") List<String> domains,
                                @JsonPropertyDescription("false: send nothing (deliveries wait) until it is true "
                                        + "again") Boolean enabled) {
    }

    /**
     * A webhook.
     *
     * @param domains empty when it hears of every domain
     * @param secret  only in the answer that made it
     */
    public record Webhook(String id, String url, List<String> events, List<String> domains, boolean enabled,
                          String createdAt,
                          @JsonPropertyDescription("the key of the Tern-Signature HMAC; only in the answer that made "
                                  + "the webhook, never again") String secret) {
    }

    public record WebhookList(List<Webhook> webhooks) {
    }

    /**
     * A delivery of an event to a webhook.
     *
     * @param state          pending, delivered or failed
     * @param lastStatus     the HTTP status of the last attempt; absent when none was answered
     * @param nextAttemptAt  when it is pending
     */
    public record WebhookDelivery(String id, String eventType, String state, int attempts, Integer lastStatus,
                           String lastError, String nextAttemptAt, String createdAt, String deliveredAt) {
    }

    public record WebhookDeliveryList(List<WebhookDelivery> deliveries) {
    }

    /** A test POST queued. */
    public record WebhookPing(String deliveryId) {
    }

    private final Webhooks webhooks;

    public WebhookRoutes(Webhooks webhooks) {
        this.webhooks = webhooks;
    }

    @Override
    public void register(RouteTable table) {
        table.get("/api/webhooks", "List the webhooks (without their secrets)").scope(Scope.WEBHOOKS_READ)
                .response(WebhookList.class)
                .handle(r -> {
                    Principal who = r.requirePrincipal();
                    return ApiResponse.ok(new WebhookList(webhooks.list().stream().filter(w -> visible(who, w))
                            .map(w -> webhook(w, null)).toList()));
                });
        table.post("/api/webhooks", "Make a webhook (its secret is shown once)").scope(Scope.WEBHOOKS_WRITE)
                .request(NewWebhook.class).response(Webhook.class).status(201)
                .handle(r -> {
                    Principal who = r.requirePrincipal();
                    NewWebhook body = r.body(NewWebhook.class);
                    List<String> domains = tenantDomains(who, body.domains(), true);
                    Webhooks.Created made = call(() -> webhooks.create(body.url(), body.events(), domains));
                    return ApiResponse.created(webhook(made.webhook(), made.secret()));
                });
        table.get("/api/webhooks/{id}", "Show a webhook").scope(Scope.WEBHOOKS_READ).param("id", "the webhook's id")
                .response(Webhook.class)
                .handle(r -> ApiResponse.ok(webhook(find(r.requirePrincipal(), r.param("id")), null)));
        table.patch("/api/webhooks/{id}", "Change a webhook's URL, events or domains, or disable it")
                .scope(Scope.WEBHOOKS_WRITE).param("id", "the webhook's id").request(WebhookChange.class)
                .response(Webhook.class)
                .handle(r -> {
                    Principal who = r.requirePrincipal();
                    WebhookChange body = r.body(WebhookChange.class);
                    Rows.Webhook w = find(who, r.param("id"));
                    List<String> domains = body.domains() == null ? null : tenantDomains(who, body.domains(), false);
                    Rows.Webhook changed = call(() -> webhooks.update(w.id(),
                            new Webhooks.Change(body.url(), body.events(), domains, body.enabled())));
                    return ApiResponse.ok(webhook(changed, null));
                });
        table.delete("/api/webhooks/{id}", "Delete a webhook and its deliveries").scope(Scope.WEBHOOKS_WRITE)
                .param("id", "the webhook's id").status(204)
                .handle(r -> {
                    Rows.Webhook w = find(r.requirePrincipal(), r.param("id"));
                    call(() -> {
                        webhooks.delete(w.id());
                        return null;
                    });
                    return ApiResponse.noContent();
                });
        table.get("/api/webhooks/{id}/deliveries", "List a webhook's deliveries, newest first")
                .scope(Scope.WEBHOOKS_READ).param("id", "the webhook's id")
                .param("limit", "the most deliveries to list (default " + DEFAULT_LIMIT + ", at most " + MAX_LIMIT + ")")
                .response(WebhookDeliveryList.class)
                .handle(r -> {
                    Rows.Webhook w = find(r.requirePrincipal(), r.param("id"));
                    int limit = limit(r.query("limit").orElse(null));
                    return ApiResponse.ok(new WebhookDeliveryList(call(() -> webhooks.deliveries(w.id(), limit)).stream()
                            .map(WebhookRoutes::delivery).toList()));
                });
        table.post("/api/webhooks/{id}/test", "Send a ping event to a webhook now").scope(Scope.WEBHOOKS_WRITE)
                .param("id", "the webhook's id").response(WebhookPing.class).status(202)
                .handle(r -> {
                    Rows.Webhook w = find(r.requirePrincipal(), r.param("id"));
                    Rows.WebhookDelivery d = call(() -> webhooks.ping(w.id()));
                    return ApiResponse.json(202, new WebhookPing(d.id()));
                });
    }

    /** A webhook the caller may see; else 404 as if it did not exist. */
    private Rows.Webhook find(Principal who, String id) {
        return webhooks.find(id).filter(w -> visible(who, w))
                .orElseThrow(() -> ApiException.notFound("no such webhook: " + id));
    }

    /** A tenant sees the webhooks limited to some of its domains, and no others. */
    static boolean visible(Principal who, Rows.Webhook w) {
        return !who.restricted() || (!w.domains().isEmpty() && w.domains().stream().allMatch(who::mayUse));
    }

    /**
     * The domains a webhook made or changed by this caller gets: as asked, each of them one the
     * caller may use; for a tenant, none asked (on creation) means all of its own.
     */
    private static List<String> tenantDomains(Principal who, List<String> asked, boolean creating) {
        if (!who.restricted()) {
            return asked;
        }
        if (asked == null || asked.isEmpty()) {
            if (creating && asked == null) {
                return List.copyOf(who.domains());
            }
            throw ApiException.forbidden("a token limited to domains makes webhooks limited to some of them");
        }
        List<String> keys = call(() -> Webhooks.domainKeys(asked));
        for (String d : keys) {
            if (!who.mayUse(d)) {
                throw ApiException.forbidden("this token may not use the domain " + d);
            }
        }
        return keys;
    }

    /** Runs a call of the service, its refusals answered as API errors. */
    private static <T> T call(Supplier<T> work) {
        try {
            return work.get();
        } catch (WebhookException e) {
            throw switch (e.kind()) {
                case INVALID -> ApiException.invalidField(e.getMessage());
                case NOT_FOUND -> ApiException.notFound(e.getMessage());
                case CONFLICT -> ApiException.conflict(e.getMessage());
            };
        }
    }

    private static Webhook webhook(Rows.Webhook w, String secret) {
        return new Webhook(w.id(), w.url(), w.events(), w.domains(), w.enabled(), w.createdAt().toString(), secret);
    }

    private static WebhookDelivery delivery(Rows.WebhookDelivery d) {
        return new WebhookDelivery(d.id(), d.eventType(), d.state(), d.attempts(), d.lastStatus(), d.lastError(),
                d.state().equals("pending") ? d.nextAttemptAt().toString() : null, d.createdAt().toString(),
                text(d.deliveredAt()));
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }

    private static int limit(String text) {
        if (text == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(text.trim());
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.invalidField("limit must be a whole number from 1 to " + MAX_LIMIT);
    }
}
