/**
 * DMARC aggregate reports (RFC 7489 §7.2) about the mail this server received: each message whose
 * author domain publishes a DMARC record with {@code rua=} is counted
 * ({@link dev.tern.security.dmarc.reports.DmarcReportCounts}) per UTC day, policy domain and report
 * record (source address, what was done, alignment, the SPF and DKIM results); once the day is over
 * the domain is sent its report ({@link dev.tern.security.dmarc.reports.DmarcReport}, XML, gzipped)
 * at the {@code mailto:} addresses it lists that accept it
 * ({@link dev.tern.security.dmarc.reports.DmarcReportSender}).
 *
 * <p>An address outside the policy domain's organizational domain receives reports only when its
 * domain says so (RFC 7489 §7.1, {@code <policy-domain>._report._dmarc.<its-domain>}): otherwise
 * anyone could make this server mail reports to a third party. Counts are kept in memory and added
 * to the store every minute; a day's rows are taken in the transaction that queues the report.
 */
package dev.tern.security.dmarc.reports;
