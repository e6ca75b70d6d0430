/**
 * SMTP TLS reporting (RFC 8460) for outbound mail: each TLS negotiation with a recipient domain's
 * MX hosts is counted ({@link dev.tern.delivery.tlsrpt.TlsSessionCounts}), per UTC day, domain,
 * MTA-STS policy and result; once a day ends, each domain that publishes a {@code _smtp._tls}
 * record ({@link dev.tern.delivery.tlsrpt.TlsRptRecord}) is sent the day's aggregate report
 * ({@link dev.tern.delivery.tlsrpt.TlsReport}) by mail ({@link dev.tern.delivery.tlsrpt.TlsReportSender}).
 *
 * <p>Counts are kept in memory and added to the store every minute, so a crash loses at most a
 * minute of counts, never a message. A day's counts for a domain are read and deleted in the
 * transaction that queues its report, so nodes sharing a store send each report once.
 */
package dev.tern.delivery.tlsrpt;
