/**
 * Webhooks: HTTP POSTs of delivery events (received, delivered, deferred, bounced, expired) to URLs
 * made with the admin API or `tern webhook`. {@link dev.tern.webhooks.Webhooks} keeps them and, in
 * the transaction of each event, writes the deliveries due to them into an outbox in the store;
 * {@link dev.tern.webhooks.WebhookDispatcher} claims due deliveries with a lease and POSTs them,
 * signed with HMAC-SHA256 ({@link dev.tern.webhooks.WebhookSignature}), retrying on a back-off
 * schedule; {@link dev.tern.webhooks.WebhookRoutes} are the API. See {@code docs/webhooks.md} and
 * {@code docs/adr/0016-webhooks.md}.
 */
package dev.tern.webhooks;
