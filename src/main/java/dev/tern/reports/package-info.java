/**
 * What the daily aggregate reports have in common, whatever their format: the mail message they
 * travel in ({@link dev.tern.reports.ReportMessage}), and the run over the days and domains that
 * are due ({@link dev.tern.reports.DailyReports}). The formats live with what they report on:
 * TLS reports in {@code delivery.tlsrpt}, DMARC reports in {@code security.dmarc.reports}.
 */
package dev.tern.reports;
