package dev.tern.mail;

/** RFC 3461 §4.3 RET: what a bounce should return of the original message. */
public enum DsnRet {
    FULL, HDRS
}
