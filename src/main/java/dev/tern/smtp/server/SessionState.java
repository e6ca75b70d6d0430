package dev.tern.smtp.server;

/**
 * Where an SMTP session stands between commands (RFC 5321 §3.3, RFC 3030 §2). Reading DATA content
 * or a BDAT chunk is not a state of its own: while content is read no command is parsed.
 */
enum SessionState {
    /** Greeting sent, no HELO/EHLO yet. */
    CONNECTED,
    /** HELO/EHLO done, no transaction. */
    GREETED,
    /** MAIL accepted, no recipient accepted yet. */
    MAIL,
    /** At least one recipient accepted. */
    RCPT,
    /** At least one BDAT chunk received, the LAST one not yet. */
    BDAT
}
