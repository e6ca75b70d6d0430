package dev.tern.smtp.server;

/**
 * SMTP command verbs the server knows (RFC 5321 §4.1.1, RFC 3030 §2 for BDAT, RFC 3207 for
 * STARTTLS, RFC 4954 for AUTH, RFC 2033 for LMTP's LHLO). {@link #OTHER}
 * stands for any verb without a handler of its own (unknown, or known but not implemented).
 */
public enum Verb {
    HELO, EHLO, LHLO, MAIL, RCPT, DATA, BDAT, RSET, NOOP, QUIT, HELP, VRFY, STARTTLS, AUTH, OTHER
}
