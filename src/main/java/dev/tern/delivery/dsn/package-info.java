/**
 * Delivery status notifications: what Tern sends back to a sender when a message failed, is
 * delayed, or (when asked for) was delivered or relayed. The queue manager decides when a report is
 * due and for which recipients; this package decides whether the sender wants it
 * ({@link dev.tern.delivery.dsn.DsnPolicy}) and writes it
 * ({@link dev.tern.delivery.dsn.DsnMessageWriter} from a {@link dev.tern.delivery.dsn.DsnRequest}).
 * It does no I/O of its own beyond the two streams it is given, and reads no clock but the one it
 * is given.
 *
 * <p>Standards: RFC 3461 (NOTIFY, RET, ENVID, ORCPT), RFC 6522 (multipart/report, formerly
 * RFC 3462), RFC 3463 (enhanced status codes), RFC 3464 (message/delivery-status), RFC 6533
 * (utf-8 address type, message/global-delivery-status, message/global, message/global-headers for
 * SMTPUTF8 mail), RFC 3834 (Auto-Submitted), RFC 5322 (message format).
 *
 * <p>Invariants:
 * <ul>
 *   <li>A message from the null sender never gets a report ({@code DsnRequest} refuses to exist).</li>
 *   <li>A report is a complete RFC 5322 message with CRLF line endings; the machine-readable part
 *       of a plain (non-SMTPUTF8) report is pure ASCII; the MIME boundary occurs in no part.</li>
 *   <li>The whole original is returned only with a failure, when RET is not HDRS, and when it is
 *       at most the size limit (50,000 bytes by default); otherwise its header section, and the
 *       text says why.</li>
 *   <li>ENVID and ORCPT, stored xtext-encoded as received, are shown decoded.</li>
 * </ul>
 *
 * <p>Security: everything shown comes from the request, cleaned to single lines without control
 * characters, so remote replies and client-given values cannot inject header fields or MIME parts;
 * no exception text or file path reaches a report. Memory per report is bounded by the size limit
 * and a 100 KB header-section cap, whatever the size of the original.
 */
package dev.tern.delivery.dsn;
