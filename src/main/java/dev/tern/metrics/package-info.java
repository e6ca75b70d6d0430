/**
 * Metrics: {@link dev.tern.metrics.TernMetrics} keeps Tern's counters, gauges and histograms in a
 * Micrometer Prometheus registry, scraped as text by the admin server's {@code /metrics}.
 *
 * <p>Hooks are thin, one call at each point and nothing per byte: the transport counts a
 * connection when it is accepted and when it closes; delivery events (after commit) give the
 * received, delivered, deferred, bounced and expired counts and the latency; the SMTP server
 * names each refusal with its component; the authenticator reports failed logins. The queue
 * gauges read the store at scrape time, cached for a few seconds.
 *
 * <p>Security: labels are listener, protocol, stage, reason, outcome and destination names from
 * small fixed sets; never addresses or host names, which would leak and grow without bound.
 * See {@code docs/metrics.md}.
 */
package dev.tern.metrics;
