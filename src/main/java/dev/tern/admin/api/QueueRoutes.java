package dev.tern.admin.api;

import dev.tern.admin.auth.Principal;
import dev.tern.admin.auth.Scope;
import dev.tern.admin.http.ApiException;
import dev.tern.admin.http.ApiResponse;
import dev.tern.admin.http.RouteGroup;
import dev.tern.admin.http.RouteTable;
import dev.tern.store.Rows;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code /api/queue}: the mail waiting for delivery, and the operator's actions on it (the same as
 * `tern queue`). The actions only change rows; the queue runner acts on them at its next scan.
 *
 * <p>Tenants: a token limited to domains sees a message when its sender or one of its recipients
 * is in one of them, and may act on it only when its sender is, or all its recipients are (mail
 * shared with other domains is not one tenant's to hold or delete).
 */
public final class QueueRoutes implements RouteGroup {

    /** The default and the largest number of messages a list answers with. */
    static final int DEFAULT_LIMIT = 1000;
    static final int MAX_LIMIT = 10_000;

    /**
     * A recipient of a queued message.
     *
     * @param state queued, inflight, deferred, delivered, bounced or expired
     */
    public record QueueRecipient(String address, String state, int attempts, String nextAttemptAt,
                                 String lastError) {
    }

    /**
     * A queued message.
     *
     * @param sender the envelope sender; empty for the null reverse-path {@code <>}
     */
    public record QueueMessage(String id, String sender, long size, String receivedAt, boolean held,
                               String clientAddress, String clientHelo, String listener, String authUser,
                               List<QueueRecipient> recipients) {
    }

    public record QueueList(List<QueueMessage> messages) {
    }

    /** What a retry did. */
    public record RetryResult(String id, int dueNow, boolean held) {
    }

    private final ApiServices s;

    public QueueRoutes(ApiServices services) {
        this.s = services;
    }

    @Override
    public void register(RouteTable table) {
        table.get("/api/queue", "List queued messages with the recipients still waiting")
                .scope(Scope.QUEUE_READ).param("limit", "the most messages to list, oldest first (default "
                        + DEFAULT_LIMIT + ", at most " + MAX_LIMIT + ")")
                .response(QueueList.class)
                .handle(r -> {
                    Principal who = r.requirePrincipal();
                    int limit = r.queryCount("limit", DEFAULT_LIMIT, MAX_LIMIT);
                    // The tenant's filter is in the query: filtered after it, the oldest messages
                    // of other domains would fill the limit and hide the tenant's own.
                    List<QueueMessage> out = new ArrayList<>();
                    for (Rows.QueueSummary q : s.queue().list(limit, who.domains())) {
                        out.add(message(q.message(), q.recipients()));
                    }
                    return ApiResponse.ok(new QueueList(out));
                });
        table.get("/api/queue/{id}", "Show a queued message: envelope and every recipient")
                .scope(Scope.QUEUE_READ).param("id", "the queue id").response(QueueMessage.class)
                .handle(r -> {
                    String id = r.param("id");
                    Rows.QueuedMessage m = find(r.requirePrincipal(), id, false);
                    return ApiResponse.ok(message(m, s.queue().recipients(id)));
                });
        table.post("/api/queue/{id}/retry", "Make the waiting recipients of a message due now")
                .scope(Scope.QUEUE_WRITE).param("id", "the queue id").response(RetryResult.class)
                .handle(r -> {
                    String id = r.param("id");
                    Rows.QueuedMessage m = find(r.requirePrincipal(), id, true);
                    return ApiResponse.ok(new RetryResult(id, s.queue().retry(id), m.held()));
                });
        table.post("/api/queue/{id}/hold", "Keep a message from being delivered until it is released")
                .scope(Scope.QUEUE_WRITE).param("id", "the queue id").status(204)
                .handle(r -> {
                    String id = r.param("id");
                    find(r.requirePrincipal(), id, true);
                    if (!s.queue().hold(id)) {
                        throw noSuchMessage(id);
                    }
                    return ApiResponse.noContent();
                });
        table.post("/api/queue/{id}/release", "Take a message off hold and deliver it now")
                .scope(Scope.QUEUE_WRITE).param("id", "the queue id").status(204)
                .handle(r -> {
                    String id = r.param("id");
                    find(r.requirePrincipal(), id, true);
                    if (!s.queue().release(id)) {
                        throw noSuchMessage(id);
                    }
                    return ApiResponse.noContent();
                });
        table.delete("/api/queue/{id}", "Delete a message from the queue without delivering it")
                .scope(Scope.QUEUE_WRITE).param("id", "the queue id").status(204)
                .handle(r -> {
                    String id = r.param("id");
                    find(r.requirePrincipal(), id, true);
                    if (!s.queue().delete(id)) {
                        throw noSuchMessage(id);
                    }
                    return ApiResponse.noContent();
                });
    }

    /** A message the caller may see (and, with {@code act}, act on); else 404, or 403 for shared mail. */
    private Rows.QueuedMessage find(Principal who, String id, boolean act) {
        Rows.QueuedMessage m = s.queue().message(id).orElseThrow(() -> noSuchMessage(id));
        if (!who.restricted()) {
            return m;
        }
        List<Rows.QueueRecipient> recipients = s.queue().recipients(id);
        if (!visible(who, m, recipients)) {
            throw noSuchMessage(id);
        }
        if (act && !who.mayUse(Tenancy.domainOf(m.sender()))
                && !recipients.stream().allMatch(rcpt -> who.mayUse(Tenancy.domainOf(rcpt.address())))) {
            throw ApiException.forbidden("message " + id + " also concerns domains this token may not use");
        }
        return m;
    }

    private static boolean visible(Principal who, Rows.QueuedMessage m, List<Rows.QueueRecipient> recipients) {
        if (!who.restricted()) {
            return true;
        }
        Set<String> domains = new TreeSet<>();
        String sender = Tenancy.domainOf(m.sender());
        if (sender != null) {
            domains.add(sender);
        }
        for (Rows.QueueRecipient r : recipients) {
            String d = Tenancy.domainOf(r.address());
            if (d != null) {
                domains.add(d);
            }
        }
        return domains.stream().anyMatch(who::mayUse);
    }

    private static QueueMessage message(Rows.QueuedMessage m, List<Rows.QueueRecipient> recipients) {
        return new QueueMessage(m.id(), m.sender() == null ? "" : m.sender(), m.size(), m.receivedAt().toString(),
                m.held(), m.clientAddress(), m.clientHelo(), m.listener(), m.authUser(),
                recipients.stream().map(r -> new QueueRecipient(r.address(), r.state(), r.attempts(),
                        Rows.QueueRecipient.isWaiting(r.state()) ? r.nextAttemptAt().toString() : null,
                        r.lastError())).toList());
    }

    private static ApiException noSuchMessage(String id) {
        return ApiException.notFound("no message " + id + " in the queue");
    }
}
