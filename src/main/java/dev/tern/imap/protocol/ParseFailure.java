package dev.tern.imap.protocol;

/**
 * Carries a syntax error out of the nested parsing methods to {@link CommandParser}, which turns
 * it into {@link ImapCommand.Invalid}; never leaves this package. No stack trace: it is control
 * flow, not a bug.
 */
final class ParseFailure extends RuntimeException {

    ParseFailure(String message) {
        super(message, null, false, false);
    }
}
