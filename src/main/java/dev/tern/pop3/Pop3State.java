package dev.tern.pop3;

/** The states of a POP3 session (RFC 1939 §3). */
enum Pop3State {
    /** Before login: CAPA, USER, PASS, AUTH, STLS, QUIT. */
    AUTHORIZATION,
    /** Logged in, maildrop locked: STAT, LIST, RETR, DELE, TOP, UIDL, NOOP, RSET, QUIT. */
    TRANSACTION,
    /** After QUIT in TRANSACTION: the deletions are being made. */
    UPDATE
}
