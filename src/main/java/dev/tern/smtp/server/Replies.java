package dev.tern.smtp.server;

import dev.tern.mail.MailAddress;

import java.util.List;

/**
 * Every fixed reply of the SMTP server in one place, so that codes and words can be reviewed
 * together. Basic codes follow RFC 5321 §4.2 and §4.3.2; enhanced codes RFC 3463 (and RFC 1870,
 * 3030, 3207, 4954, 6531 where those apply).
 */
final class Replies {

    private Replies() {
    }

    static final SmtpReply OK = SmtpReply.of(250, "2.0.0", "Ok");
    static final SmtpReply SENDER_OK = SmtpReply.of(250, "2.1.0", "Ok");
    static final SmtpReply RECIPIENT_OK = SmtpReply.of(250, "2.1.5", "Ok");
    static final SmtpReply START_DATA = SmtpReply.plain(354, "End data with <CR><LF>.<CR><LF>");
    static final SmtpReply BYE = SmtpReply.of(221, "2.0.0", "Bye");
    static final SmtpReply CANNOT_VRFY = SmtpReply.of(252, "2.5.0",
            "Cannot VRFY user, but will accept message and attempt delivery");
    static final SmtpReply HELP = new SmtpReply(214, "2.0.0", List.of(
            "Commands: HELO EHLO MAIL RCPT DATA BDAT RSET NOOP QUIT HELP VRFY",
            "See RFC 5321 for their use"));

    // Sequence errors (RFC 5321 §4.3.2, RFC 3030 §3).
    static final SmtpReply NEED_HELO = SmtpReply.of(503, "5.5.1", "Error: send HELO/EHLO first");
    static final SmtpReply NEED_MAIL = SmtpReply.of(503, "5.5.1", "Error: need MAIL command");
    static final SmtpReply NESTED_MAIL = SmtpReply.of(503, "5.5.1", "Error: nested MAIL command");
    static final SmtpReply NO_VALID_RECIPIENTS = SmtpReply.of(554, "5.5.1", "Error: no valid recipients");
    static final SmtpReply RCPT_AFTER_BDAT = SmtpReply.of(503, "5.5.1",
            "Error: no more recipients once BDAT has started the message");
    static final SmtpReply DATA_AFTER_BDAT = SmtpReply.of(503, "5.5.1",
            "Error: DATA cannot follow BDAT in the same transaction");
    static final SmtpReply BINARYMIME_NEEDS_BDAT = SmtpReply.of(503, "5.5.1",
            "Error: BODY=BINARYMIME requires BDAT, not DATA");

    // Syntax errors.
    static final SmtpReply UNKNOWN_COMMAND = SmtpReply.of(500, "5.5.2", "Error: command not recognized");
    static final SmtpReply NOT_IMPLEMENTED = SmtpReply.of(502, "5.5.1", "Error: command not implemented");
    static final SmtpReply LINE_TOO_LONG = SmtpReply.of(500, "5.5.2", "Error: line too long");
    static final SmtpReply BARE_LF_IN_COMMAND = SmtpReply.of(500, "5.5.2",
            "Error: bare LF in command; lines must end with CRLF (see RFC 5321 section 2.3.8)");
    static final SmtpReply NON_ASCII_RECIPIENT = SmtpReply.of(553, "5.6.7",
            "Error: non-ASCII recipient address needs SMTPUTF8 on MAIL FROM (RFC 6531)");
    /** The reply a UTF-8 ORCPT always had outside SMTPUTF8, where RFC 6533 §3 does not allow it. */
    static final SmtpReply UTF8_ORCPT_WITHOUT_SMTPUTF8 = SmtpReply.of(501, "5.5.4",
            "Error: ORCPT must be xtext (RFC 3461 section 4); UTF-8 in it needs SMTPUTF8 on MAIL FROM (RFC 6533)");

    // Transaction outcomes.
    static final SmtpReply TOO_MANY_RECIPIENTS = SmtpReply.of(452, "4.5.3", "Error: too many recipients");
    static final SmtpReply MESSAGE_TOO_BIG = SmtpReply.of(552, "5.3.4",
            "Message size exceeds fixed maximum message size");
    static final SmtpReply BARE_LINE_ENDING = SmtpReply.of(554, "5.5.2",
            "Bare LF or bare CR in message content refused (see RFC 5321 section 2.3.8)");
    static final SmtpReply LOCAL_ERROR = SmtpReply.of(451, "4.3.0", "Temporary local problem, try again later");
    /** RFC 5321 §4.2.3 (452) and RFC 3463 (X.3.1, mail system full); Postfix's words. */
    static final SmtpReply INSUFFICIENT_STORAGE = SmtpReply.of(452, "4.3.1",
            "Insufficient system storage, try again later");

    // STARTTLS (RFC 3207 §4).
    static final SmtpReply TLS_READY = SmtpReply.of(220, "2.0.0", "Ready to start TLS");
    static final SmtpReply TLS_ALREADY_ACTIVE = SmtpReply.of(503, "5.5.1", "Error: TLS already active");
    static final SmtpReply IN_TRANSACTION = SmtpReply.of(503, "5.5.1", "Error: MAIL transaction in progress");

    // AUTH (RFC 4954 §4, §6) and submission (RFC 6409).
    static final SmtpReply AUTH_SUCCESS = SmtpReply.of(235, "2.7.0", "Authentication successful");
    static final SmtpReply AUTH_CANCELLED = SmtpReply.of(501, "5.0.0", "Authentication cancelled");
    static final SmtpReply AUTH_BAD_BASE64 = SmtpReply.of(501, "5.5.2", "Cannot decode the response (base64 expected)");
    static final SmtpReply AUTH_MALFORMED = SmtpReply.of(501, "5.5.2", "Malformed authentication response");
    static final SmtpReply AUTH_UNKNOWN_MECHANISM = SmtpReply.of(504, "5.5.4", "Unrecognized authentication type");
    static final SmtpReply AUTH_NEEDS_TLS = SmtpReply.of(538, "5.7.11",
            "Encryption required for requested authentication mechanism");
    static final SmtpReply AUTH_FAILED = SmtpReply.of(535, "5.7.8", "Authentication credentials invalid");
    static final SmtpReply AUTH_LOCKED_OUT = SmtpReply.of(454, "4.7.0",
            "Too many failed authentication attempts, try again later");
    static final SmtpReply AUTH_TEMPORARY = SmtpReply.of(454, "4.7.0", "Temporary authentication failure, try again later");
    static final SmtpReply AUTH_TWICE = SmtpReply.of(503, "5.5.1", "Error: already authenticated");
    static final SmtpReply AUTH_LINE_TOO_LONG = SmtpReply.of(500, "5.5.6", "Authentication exchange line is too long");
    static final SmtpReply AUTH_REQUIRED = SmtpReply.of(530, "5.7.0", "Authentication required");
    /** RFC 8689 §2: REQUIRETLS only over TLS (5.7.10, "encryption needed", RFC 5248). */
    static final SmtpReply REQUIRETLS_WITHOUT_TLS = SmtpReply.of(530, "5.7.10",
            "Error: REQUIRETLS needs a TLS session: send STARTTLS first");

    /** A SASL challenge (RFC 4954 §4): {@code 334} and the base64 data, without an enhanced code. */
    static SmtpReply challenge(String base64) {
        return SmtpReply.plain(334, base64);
    }

    static SmtpReply greeting(String hostname) {
        return SmtpReply.plain(220, hostname + " ESMTP Tern");
    }

    /** RFC 2033 §4.1: an LMTP server answers LHLO only. */
    /** RFC 2034 §3: no enhanced status code in a response to HELO or EHLO, on LMTP too. */
    static final SmtpReply LHLO_EXPECTED = SmtpReply.plain(500, "Error: this is an LMTP server, send LHLO");
    static final SmtpReply NEED_LHLO = SmtpReply.of(503, "5.5.1", "Error: send LHLO first");
    /** RFC 2033 §4.2: DATA without a successful RCPT fails with 503 in LMTP. */
    static final SmtpReply LMTP_NO_VALID_RECIPIENTS = SmtpReply.of(503, "5.5.1", "Error: no valid recipients");

    static SmtpReply lmtpGreeting(String hostname) {
        return SmtpReply.plain(220, hostname + " LMTP Tern");
    }

    /**
     * LMTP's reply for one recipient of a message that is now in its mailbox or in the queue (RFC
     * 2033 §4.2), naming the recipient when it is ASCII (replies are; the order says which it is).
     */
    static SmtpReply accepted(MailAddress recipient, String queueId) {
        return SmtpReply.of(250, "2.0.0", (recipient.needsUtf8() ? "" : "<" + recipient + "> ") + "Ok: queued as " + queueId);
    }

    static SmtpReply queued(String queueId) {
        return SmtpReply.of(250, "2.0.0", "Ok: queued as " + queueId);
    }

    static SmtpReply chunkReceived(long octets) {
        return SmtpReply.of(250, "2.0.0", octets + " octets received");
    }

    // Replies that end the session (RFC 5321 §3.8: 421 and close).
    /** The greeting for a connection that cannot be served now (RFC 5321 §3.1 allows 421 in place of 220). */
    static SmtpReply serviceUnavailable(String hostname) {
        return SmtpReply.of(421, "4.3.2", hostname + " Service not available, closing transmission channel");
    }

    static final SmtpReply EARLY_TALKER =
            SmtpReply.of(554, "5.5.1", "Protocol error: commands sent before the greeting");

    static SmtpReply tooManyErrors(String hostname) {
        return SmtpReply.of(421, "4.7.0", hostname + " Error: too many errors");
    }

    static SmtpReply timeout(String hostname) {
        return SmtpReply.of(421, "4.4.2", hostname + " Error: timeout exceeded");
    }

    static SmtpReply tooManyConnections(String hostname) {
        return SmtpReply.of(421, "4.7.0", hostname + " Too many connections, try again later");
    }

    static SmtpReply shuttingDown(String hostname) {
        return SmtpReply.of(421, "4.3.2", hostname + " Service shutting down, try again later");
    }
}
