/**
 * The SMTP server: RFC 5321 sessions over the listeners of {@link dev.tern.net}, handing
 * recipients and messages to an {@link dev.tern.smtp.server.SmtpBackend}. The same sessions speak
 * LMTP (RFC 2033) on a server made by {@link dev.tern.smtp.server.SmtpServer#lmtp}: LHLO, and a
 * reply for each successful RCPT after the content.
 *
 * <p>Reading order: {@link dev.tern.smtp.server.SmtpServer} (entry point) →
 * {@link dev.tern.smtp.server.SmtpSessionHandler} (bytes, framing, timeouts) →
 * {@link dev.tern.smtp.server.SmtpCommandParser} (pure: line → {@link dev.tern.smtp.server.SmtpCommand}) →
 * {@link dev.tern.smtp.server.SmtpSession} (state machine, one method per command, order checked by
 * {@link dev.tern.smtp.server.CommandTable}; AUTH in {@link dev.tern.smtp.server.SmtpAuthExchange};
 * what a listener offers in {@link dev.tern.smtp.server.SmtpSecurity}) → {@link dev.tern.smtp.server.DataReader} /
 * {@link dev.tern.smtp.server.ChunkContent} (message content) → the backend.
 *
 * <p>Standards: RFC 5321 (SMTP), RFC 1870 (SIZE), RFC 2034 and RFC 3463 (enhanced status codes),
 * RFC 2920 (PIPELINING), RFC 3030 (CHUNKING, BINARYMIME), RFC 3461 (DSN parameters), RFC 6152
 * (8BITMIME), RFC 6531 (SMTPUTF8), RFC 3848 (Received WITH keywords), RFC 3207 (STARTTLS),
 * RFC 8314 (implicit TLS), RFC 4954 (AUTH), RFC 6409 (message submission).
 *
 * <p>Invariants:
 * <ul>
 *   <li>Commands are executed strictly in the order received; while a backend call is pending,
 *       no further command is parsed and the socket is not read.</li>
 *   <li>Every reply but the greeting, the HELO/EHLO answers, 354 and the
 *       SASL challenges (334) carries an enhanced status code.</li>
 *   <li>DATA and BDAT content is always read to its end, even when the message is refused, so the
 *       session stays in step with the client; "250" after content means the backend has made the
 *       message durable.</li>
 *   <li>Content being received when the client disconnects, sends RSET, or a new EHLO is aborted
 *       ({@link dev.tern.store.BlobSink#abort()}).</li>
 *   <li>Buffers are bounded: command lines by {@code max_line_length}, content is streamed to the
 *       sink as it arrives, and input is not read while the session waits or while the client
 *       does not read its replies.</li>
 * </ul>
 *
 * <p>Security notes:
 * <ul>
 *   <li>SMTP smuggling (CVE-2023-51764): the end of DATA is only {@code CRLF.CRLF}; content with a
 *       bare CR or bare LF is read to the end and refused with {@code 554 5.5.2}. BDAT content is
 *       held to the same rule unless BODY=BINARYMIME. Command lines must end in CRLF; a line ending
 *       in a bare LF is refused with {@code 500 5.5.2} and not executed.</li>
 *   <li>Nothing internal reaches the client: backend failures other than
 *       {@link dev.tern.mail.MailException} become {@code 451 4.3.0}, with details in the server log.</li>
 *   <li>Reply text is reduced to printable ASCII; HELO names are sanitised before they enter the
 *       Received header.</li>
 *   <li>VRFY answers {@code 252 2.5.0} (RFC 5321 §3.5.3) unless {@code [smtp] vrfy = true}, so by
 *       default it cannot be used to probe for users; EXPN is not implemented.</li>
 *   <li>STARTTLS command injection (CVE-2011-0411): input that arrived after the STARTTLS line
 *       before the handshake is discarded, never executed; after the handshake the session starts
 *       afresh (no HELO, transaction or authentication survives, RFC 3207 §4.2).</li>
 *   <li>AUTH: password mechanisms are refused before TLS on submission ({@code 538 5.7.11});
 *       SASL steps run on a bounded executor, never the event loop; a failed authentication is
 *       answered after the authenticator's failure delay (a timer, no thread waits) and counts
 *       as an error towards {@code max_errors}; SASL responses and AUTH's initial response are
 *       never logged or traced. Relaying to other domains needs a successful AUTH.</li>
 * </ul>
 *
 * <p>Choices where the standards leave room: UTF-8 in an address without SMTPUTF8 gets
 * {@code 553 5.6.7} (RFC 6531 §3.5); a bare {@code <Postmaster>} is passed to the backend as
 * {@code postmaster@<hostname>}; an over-long command line gets {@code 500 5.5.2} (RFC 3463 has no
 * specific code; 5.5.6 is reserved for AUTH by RFC 4954); after {@code max_errors} error replies
 * without a message delivered the session ends with {@code 421 4.7.0}.
 */
package dev.tern.smtp.server;
