/**
 * Wiring: {@link dev.tern.server.Services} builds the domain services over the configured store
 * (shared by the server and the command line), {@link dev.tern.server.TernServer} starts and stops
 * them with the listeners (with the metrics: the transport's connections, the delivery events,
 * the SMTP refusals and failed logins feed one {@link dev.tern.metrics.TernMetrics}; delivery
 * records are purged hourly), and the SMTP backend applies the relay policy;
 * {@link dev.tern.server.SubmissionChecks} holds the checks of mail from authenticated users
 * (sender ownership, header fix-ups) for the submission listeners.
 *
 * <p>Security: recipients in other domains are accepted only from authenticated clients (no open
 * relay); the submission listeners require AUTH, and password mechanisms only over TLS;
 * one server per data directory, enforced by a file lock.
 */
package dev.tern.server;
