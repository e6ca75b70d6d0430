package dev.tern.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Webhooks and their outbox. Deliveries are written in the transaction that records the event
 * they carry; senders claim due ones with a lease, so that one delivery is sent by one node at a
 * time, and record each attempt under their claim.
 */
public interface WebhookDao {

    /** Adds a webhook; its id must be new. */
    void insertWebhook(Rows.Webhook webhook);

    Optional<Rows.Webhook> webhook(String id);

    /** Every webhook, oldest first. */
    List<Rows.Webhook> webhooks();

    /** The enabled webhooks, oldest first. */
    List<Rows.Webhook> enabledWebhooks();

    /** Replaces a webhook's URL, events, domains and enabled flag; false when there is no such webhook. */
    boolean updateWebhook(Rows.Webhook webhook);

    /** Deletes a webhook with its deliveries; false when there was none. */
    boolean deleteWebhook(String id);

    /** Adds a delivery to the outbox; its id must be new. */
    void insertDelivery(Rows.WebhookDelivery delivery);

    Optional<Rows.WebhookDelivery> delivery(String id);

    /** A webhook's deliveries, newest first, at most {@code limit}. */
    List<Rows.WebhookDelivery> deliveries(String webhookId, int limit);

    /** When the earliest pending delivery of an enabled webhook is due (or its lease ends); empty when none is pending. */
    Optional<Instant> nextDue();

    /**
     * Claims at most {@code limit} pending deliveries of enabled webhooks due at {@code now}, earliest
     * first: each gets {@code claim} and is not due again before {@code leaseUntil}. A delivery
     * claimed by another sender meanwhile is not taken. Returns what this call claimed.
     */
    List<Rows.ClaimedDelivery> claim(String claim, Instant now, Instant leaseUntil, int limit);

    /**
     * Records an attempt of a delivery still held under {@code claim}: one more attempt, the new
     * state (pending with {@code nextAttemptAt}, delivered or failed), the HTTP status (null when
     * none was answered) and error. False when the claim was lost (its lease ran out and another
     * sender took it).
     */
    boolean recordAttempt(String deliveryId, String claim, String state, Integer status, String error,
                          Instant nextAttemptAt, Instant now);

    /**
     * Forgets at most {@code limit} delivered and failed deliveries last changed before
     * {@code before}, so that one transaction stays small however many have piled up; returns how
     * many (fewer than {@code limit}: none of them is left).
     */
    int purgeDeliveries(Instant before, int limit);
}
