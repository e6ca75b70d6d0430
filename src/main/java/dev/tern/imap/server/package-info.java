/**
 * The IMAP server (RFC 9051 IMAP4rev2 and RFC 3501 IMAP4rev1) on the {@code imap} (STARTTLS,
 * RFC 9051 §6.2.1) and {@code imaps} (implicit TLS, RFC 8314) listeners, with LITERAL+
 * (RFC 7888), SASL-IR (RFC 4959), ID (RFC 2971), ENABLE (RFC 5161), NAMESPACE (RFC 2342), IDLE
 * (RFC 2177), UIDPLUS (RFC 4315), MOVE (RFC 6851), CONDSTORE and QRESYNC (RFC 7162), ESEARCH (RFC 4731),
 * SEARCHRES (RFC 5182), WITHIN (RFC 5032),
 * LIST-EXTENDED (RFC 5258), LIST-STATUS (RFC 5819), SPECIAL-USE (RFC 6154), UTF8=ACCEPT
 * (RFC 6855), UNSELECT (RFC 3691), CHILDREN (RFC 3348), BINARY (RFC 3516), STATUS=SIZE
 * (RFC 8438), APPENDLIMIT (RFC 7889), ESORT (RFC 5267), CATENATE (RFC 4469, with IMAP URLs of
 * RFC 5092 naming this server's messages, no URLAUTH) and COMPRESS=DEFLATE (RFC 4978).
 *
 * <p>Layers: {@link dev.tern.imap.server.ImapServer} binds the listeners;
 * {@code ImapConnection} (Netty) frames input with the protocol layer's framer, enforces its
 * limits before reading literals, writes with back-pressure and streams long responses;
 * {@code ImapSession} is the state machine, {@code CommandTable} says which command runs in
 * which state and before TLS, and one class per command (or family) executes it through the
 * mailbox layer, which is the only way to the messages.
 *
 * <p>Invariants: commands of one connection run one at a time, in order; store work runs on the
 * storage executor, never on an event loop. Each selected session keeps its own sequence-number
 * map and reports other sessions' changes only where RFC 9051 §7.5.1 allows (no EXPUNGE after
 * FETCH, STORE or SEARCH by sequence number).
 *
 * <p>Security: passwords (LOGIN, password SASL mechanisms) only over TLS unless configured
 * otherwise; LOGINDISABLED says so. Input pipelined after STARTTLS is discarded (command
 * injection). Authentication shares the SASL authenticator, throttling and log with SMTP and
 * POP3. Every buffer is bounded: a command line by {@code [imap] max_line}, a literal by
 * {@code max_literal} (refused with [TOOBIG] before its octets are read; a LITERAL+ one is read
 * and dropped up to twice that per command, past which BYE ends the connection), APPEND's messages are
 * streamed into the store with back-pressure (never buffered whole), and the memory large
 * literals and messages hold on all connections together by a {@code LiteralBudget}. Responses
 * never carry internal errors. A CATENATE URL part reads its source through the mailbox layer as
 * the session's user (rights checked, read right needed), never the store directly; one that does
 * not resolve is a BADURL that tells a mailbox the user may not read as one that does not exist.
 */
package dev.tern.imap.server;
