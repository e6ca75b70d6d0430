/**
 * The MTA's side of the Sendmail mail filter protocol (milter, version 6), as Postfix's
 * {@code smtpd_milters} speaks it: each SMTP session of the listeners in {@code [milter]} (and,
 * when {@code "http"} is listed, each message of the send API as a session of its own) is
 * shown, step by step, to the filters configured there, which may refuse it, discard or
 * quarantine a message, or change its header, body, sender and recipients (docs/milter.md,
 * docs/adr/0050-milters.md).
 *
 * <p>{@code MilterProtocol} and {@code MilterReply} are the packets, built and parsed without I/O;
 * {@code MilterConnection} is one connection to one filter; {@code MilterSession} follows one SMTP
 * session across all filters; {@code MilterContent} holds a message ({@code HeldContent}) and
 * applies the filters' changes ({@code MessageEdit}); {@code MilterClient} knows where the
 * filters are.
 *
 * <p>Invariants: the packets of one session never interleave (each step is chained after the
 * previous one); nothing a filter asks for is applied before it answered the end of the message;
 * a filter's failure never lets a refused message through unless {@code on_failure = "accept"}
 * says so.
 *
 * <p>Security: a filter is trusted like the configuration (its added recipients are not relay-
 * checked), but what it sends is still checked as input: packets are bounded (16 MB), a reply code
 * must be 4xx or 5xx, header names must be field names and values are refolded, addresses must
 * parse; anything else is a protocol error that drops the filter for the session.
 */
package dev.tern.milter;
