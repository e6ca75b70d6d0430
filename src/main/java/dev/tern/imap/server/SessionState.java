package dev.tern.imap.server;

/** The states of an IMAP connection (RFC 9051 §3). */
enum SessionState {
    NOT_AUTHENTICATED, AUTHENTICATED, SELECTED, LOGOUT
}
