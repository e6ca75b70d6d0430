/**
 * The SMTP client: used by {@code tern send} today and by outbound delivery (MX routing,
 * smarthost relaying) next.
 *
 * <p>Reading order: {@link dev.tern.smtp.client.SmtpClient} (threads, settings, connect) →
 * {@link dev.tern.smtp.client.SmtpConnection} (one session: a method per step, each returning a
 * future) → {@link dev.tern.smtp.client.CommandPipeline} (the wire: commands out, replies matched in
 * order, timers) → {@link dev.tern.smtp.client.ReplyParser} (pure: lines → {@link dev.tern.smtp.client.ServerReply})
 * → {@link dev.tern.smtp.client.Capabilities} (the EHLO keywords) →
 * {@link dev.tern.smtp.client.ContentSender} and {@link dev.tern.smtp.client.ContentEncoder} (pure:
 * content → wire form) → {@link dev.tern.smtp.client.AuthExchange} (AUTH with a
 * {@link dev.tern.auth.client.SaslClientMechanism}).
 *
 * <p>Standards: RFC 5321 (SMTP; timeouts of §4.5.3.2 in {@link dev.tern.smtp.client.SmtpTimeouts}),
 * RFC 3207 (STARTTLS), RFC 8314 (implicit TLS), RFC 4954 (AUTH), RFC 2920 (PIPELINING),
 * RFC 1870 (SIZE), RFC 6152 (8BITMIME), RFC 6531 (SMTPUTF8), RFC 3030 (CHUNKING, BINARYMIME),
 * RFC 3461 (DSN parameters), RFC 2034 and RFC 3463 (enhanced status codes), RFC 6125 (server
 * identity in certificates).
 *
 * <p>Invariants:
 * <ul>
 *   <li>Replies are matched to commands strictly in order; a reply nothing asked for ends the
 *       session (a 421 as "closing", anything else as a protocol error).</li>
 *   <li>Every wait has a timeout; a step that times out closes the connection.</li>
 *   <li>Content goes out with CRLF line endings only (bare CR and LF are repaired), dot-stuffed
 *       for DATA, read a block at a time with back-pressure: memory per connection is bounded
 *       whatever the message size. Content that cannot be read half-way closes the connection
 *       without the final ".", so a truncated message is never accepted.</li>
 *   <li>Refusals inside a transaction (MAIL, RCPT, DATA) are results; failures of the session
 *       are {@link dev.tern.smtp.client.SmtpClientException}s with a kind and, when the server
 *       said something, its reply.</li>
 * </ul>
 *
 * <p>Security notes:
 * <ul>
 *   <li>Certificates are verified by default (chain and name); skipping it is an explicit
 *       {@link dev.tern.smtp.client.TlsSettings#insecure()}.</li>
 *   <li>Plaintext received after the 220 to STARTTLS and before the handshake ends the session
 *       (response injection); capabilities from before TLS are forgotten.</li>
 *   <li>SASL responses never reach the transcript ({@code <redacted>}); a SCRAM or GSSAPI server
 *       that answers 235 without proving itself is not trusted.</li>
 *   <li>Reply lines and replies are bounded in length and number of lines.</li>
 * </ul>
 */
package dev.tern.smtp.client;
