package dev.tern.admin.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.tern.admin.auth.Principal;
import dev.tern.admin.auth.Scope;
import dev.tern.admin.http.ApiException;
import dev.tern.admin.http.ApiResponse;
import dev.tern.admin.http.RouteGroup;
import dev.tern.admin.http.RouteTable;
import dev.tern.queue.MailQueue;
import dev.tern.store.Rows;
import dev.tern.tracking.DeliveryEvent.Type;
import dev.tern.tracking.HourlyCounts;
import dev.tern.tracking.MessageTrace;

import java.util.List;

/**
 * {@code /api/stats}: mail received and delivered per hour, counted from the delivery events, and
 * what the queue holds now. A tenant's token counts only the mail of its domains: an event about
 * a recipient counts when the recipient or the sender is in them, a reception when the sender or
 * any recipient is; the queue counts the messages it could see in {@code /api/queue}.
 */
public final class StatsRoutes implements RouteGroup {

    static final int DEFAULT_HOURS = 24;
    static final int MAX_HOURS = 720;

    /** One hour: the events of each type that happened in it. */
    public record Bucket(@JsonPropertyDescription("the start of the hour") String start,
                         @JsonPropertyDescription("messages received") long received,
                         @JsonPropertyDescription("recipients delivered") long delivered,
                         @JsonPropertyDescription("recipients deferred (a failed attempt, another to come)")
                         long deferred,
                         @JsonPropertyDescription("recipients that failed for good") long bounced,
                         @JsonPropertyDescription("recipients still undelivered at the end of the queue "
                                 + "lifetime") long expired) {
    }

    /** What the queue holds now. */
    public record QueueNow(@JsonPropertyDescription("messages in the queue") long messages,
                           @JsonPropertyDescription("their recipients still waiting for delivery") long recipients,
                           @JsonInclude(JsonInclude.Include.ALWAYS)
                           @JsonPropertyDescription("when the oldest was received; null when the queue is empty")
                           String oldestReceivedAt) {
    }

    /** The queue's size at one moment. */
    public record QueueSample(@JsonPropertyDescription("when it was sampled") String at,
                              @JsonPropertyDescription("messages in the queue") long messages,
                              @JsonPropertyDescription("their recipients still waiting") long recipients) {
    }

    public record Stats(@JsonPropertyDescription("one per hour, oldest first; the last is the hour in progress")
                        List<Bucket> buckets, QueueNow queue,
                        @JsonPropertyDescription("the queue's size sampled every 5 minutes over the same hours, oldest "
                                + "first; empty for a tenant's token (the samples count every domain's mail)")
                        List<QueueSample> queueHistory) {
    }

    private final MessageTrace trace;
    private final MailQueue queue;

    public StatsRoutes(MessageTrace trace, MailQueue queue) {
        this.trace = trace;
        this.queue = queue;
    }

    @Override
    public void register(RouteTable table) {
        table.get("/api/stats", "Count the mail received and delivered per hour, and the queue")
                .scope(Scope.TRACKING_READ)
                .param("hours", "how many hours, the last one being the hour in progress (default " + DEFAULT_HOURS
                        + ", 1 to " + MAX_HOURS + ")")
                .response(Stats.class)
                .handle(r -> {
                    Principal who = r.requirePrincipal();
                    int hours = r.queryCount("hours", DEFAULT_HOURS, MAX_HOURS);
                    List<Bucket> buckets = trace.hourly(hours, who.domains()).stream().map(StatsRoutes::bucket)
                            .toList();
                    Rows.QueueStats q = queue.stats(who.domains());
                    List<QueueSample> history = !who.domains().isEmpty() ? List.of()
                            : trace.queueHistory(hours).stream().map(x -> new QueueSample(x.at().toString(),
                                    x.messages(), x.recipients())).toList();
                    return ApiResponse.ok(new Stats(buckets, new QueueNow(q.messages(), q.waitingRecipients(),
                            q.oldest() == null ? null : q.oldest().toString()), history));
                });
    }

    private static Bucket bucket(HourlyCounts h) {
        return new Bucket(h.start().toString(), h.count(Type.RECEIVED), h.count(Type.DELIVERED),
                h.count(Type.DEFERRED), h.count(Type.BOUNCED), h.count(Type.EXPIRED));
    }
}
