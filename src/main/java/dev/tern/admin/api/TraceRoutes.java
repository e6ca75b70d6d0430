package dev.tern.admin.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.tern.admin.auth.Principal;
import dev.tern.admin.auth.Scope;
import dev.tern.admin.http.ApiException;
import dev.tern.admin.http.ApiRequest;
import dev.tern.admin.http.ApiResponse;
import dev.tern.admin.http.RouteGroup;
import dev.tern.admin.http.RouteTable;
import dev.tern.tracking.DeliveryEvent;
import dev.tern.tracking.MessageTrace;
import dev.tern.tracking.TracePage;
import dev.tern.tracking.TraceQuery;
import dev.tern.tracking.TraceTime;
import dev.tern.tracking.TracedMessage;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /api/trace}: what happened to messages, the search of `tern trace` ({@link MessageTrace}).
 *
 * <p>Tenants: a token limited to domains finds only messages whose sender or one of whose
 * recipients is in one of them. The filter is part of the search itself, so pages are full and
 * the cursor is the position of a message the tenant may see: nothing tells how much other mail
 * there is. Another domain's message answers 404 as one that does not exist.
 */
public final class TraceRoutes implements RouteGroup {

    static final int DEFAULT_LIMIT = TraceQuery.DEFAULT_LIMIT;
    static final int MAX_LIMIT = 200;

    /** A recipient of a traced message and its latest state. */
    public record TraceRecipient(String address,
                                 @JsonPropertyDescription("queued, deferred, delivered, bounced, expired or deleted")
                                 String status) {
    }

    /** One step in the life of a message. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record TraceEvent(String at,
                             @JsonPropertyDescription("received, queued, attempt, deferred, delivered, bounced, "
                                     + "expired or deleted") String type,
                             @JsonPropertyDescription("the recipient it is about; null for the whole message")
                             String recipient,
                             @JsonPropertyDescription("the event's details, by name (see docs/tracking.md)")
                             Map<String, String> fields) {
    }

    /** A message's record: envelope, reception, each recipient's state, and its timeline (oldest first). */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record TraceMessage(String queueId,
                               @JsonPropertyDescription("the Message-ID header field without <>, or null")
                               String messageId,
                               @JsonPropertyDescription("the envelope sender; empty for the null reverse-path <>")
                               String sender, long size,
                               @JsonPropertyDescription("smtp, submission, submissions, or bounce for Tern's own "
                                       + "notifications") String listener,
                               String clientAddress, String authUser, String receivedAt,
                               List<TraceRecipient> recipients, List<TraceEvent> events) {
    }

    /** A page of a search, newest message first. */
    public record TraceList(List<TraceMessage> messages,
                            @JsonInclude(JsonInclude.Include.ALWAYS)
                            @JsonPropertyDescription("pass it as cursor for the next page; null on the last page")
                            String nextCursor) {
    }

    private final MessageTrace trace;
    private final Clock clock;

    public TraceRoutes(MessageTrace trace, Clock clock) {
        this.trace = trace;
        this.clock = clock;
    }

    @Override
    public void register(RouteTable table) {
        table.get("/api/trace", "Search the delivery records of messages, newest first").scope(Scope.TRACKING_READ)
                .param("message_id", "the Message-ID, with or without <>")
                .param("queue_id", "the queue id")
                .param("from", "the envelope sender (any case), <> for bounces, or @domain")
                .param("to", "a recipient (any case), or @domain")
                .param("since", "received at or after: an ISO-8601 instant, a date (midnight UTC), or a time ago "
                        + "such as 30m, 1h, 7d; from the year 0000 to 9999")
                .param("until", "received before; the same forms as since")
                .param("status", "a recipient's latest state: queued, deferred, delivered, bounced, expired or "
                        + "deleted; with to, that recipient's")
                .param("limit", "messages per page (default " + DEFAULT_LIMIT + ", at most " + MAX_LIMIT + ")")
                .param("cursor", "the next_cursor of the previous page")
                .response(TraceList.class)
                .handle(r -> ApiResponse.ok(search(r)));
        table.get("/api/trace/{queue_id}", "Show the delivery record of one message").scope(Scope.TRACKING_READ)
                .param("queue_id", "the queue id").response(TraceMessage.class)
                .handle(r -> {
                    String id = r.param("queue_id").trim().toUpperCase(Locale.ROOT);
                    Principal who = r.requirePrincipal();
                    return ApiResponse.ok(trace.message(id).filter(m -> visible(who, m)).map(TraceRoutes::message)
                            .orElseThrow(() -> ApiException.notFound("no delivery record of message " + id)));
                });
    }

    private TraceList search(ApiRequest r) {
        Principal who = r.requirePrincipal();
        Instant now = clock.instant();
        String status = r.query("status").map(s -> s.trim().toLowerCase(Locale.ROOT)).orElse(null);
        if (status != null && !MessageTrace.STATUSES.contains(status)) {
            throw ApiException.invalidField("status must be one of " + String.join(", ",
                    MessageTrace.STATUSES.stream().sorted().toList()));
        }
        TraceQuery q = TraceQuery.all()
                .withMessageId(r.queryText("message_id"))
                .withQueueId(r.queryText("queue_id"))
                .withSender(r.query("from").map(String::trim).filter(s -> !s.isEmpty()).orElse(null))
                .withRecipient(r.queryText("to"))
                .withSince(r.query("since").map(v -> pointInTime("since", v, now)).orElse(null))
                .withUntil(r.query("until").map(v -> pointInTime("until", v, now)).orElse(null))
                .withStatus(status)
                .withLimit(r.queryCount("limit", DEFAULT_LIMIT, MAX_LIMIT))
                .withCursor(r.queryText("cursor"))
                .withDomains(who.domains());
        TracePage page;
        try {
            page = trace.search(q);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidField(e.getMessage());
        }
        return new TraceList(page.messages().stream().map(TraceRoutes::message).toList(), page.nextCursor());
    }

    /** A message a tenant may see: its sender or one of its recipients is in the tenant's domains. */
    static boolean visible(Principal who, TracedMessage m) {
        if (!who.restricted()) {
            return true;
        }
        if (who.mayUse(Tenancy.domainOf(m.sender()))) {
            return true;
        }
        return m.recipients().stream().anyMatch(rcpt -> {
            String d = Tenancy.domainOf(rcpt.address());
            return d != null && who.mayUse(d);
        });
    }

    static TraceMessage message(TracedMessage m) {
        return new TraceMessage(m.queueId(), m.messageId(), m.sender(), m.size(), m.listener(), m.clientAddress(),
                m.authUser(), m.receivedAt().toString(),
                m.recipients().stream().map(r -> new TraceRecipient(r.address(), r.status())).toList(),
                m.events().stream().map(TraceRoutes::event).toList());
    }

    private static TraceEvent event(DeliveryEvent e) {
        return new TraceEvent(e.at().toString(), e.type().label(), e.recipient(), e.fields());
    }

    /** A bound in time of the search; 400 naming the parameter when it is not one. */
    static Instant pointInTime(String name, String value, Instant now) {
        try {
            return TraceTime.parse(value, now);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidField(name + " " + e.getMessage());
        }
    }
}
