package dev.tern.imap.protocol;

/**
 * Carries a syntax error out of the nested parsing methods to {@link CommandParser}, which turns
 * it into {@link ImapCommand.Invalid}; never leaves this package. No stack trace: it is control
 * flow, not a bug.
 */
final class ParseFailure extends RuntimeException {

    /** The command is well formed but names something that cannot exist: answered NO, not BAD. */
    private final boolean refused;

    ParseFailure(String message) {
        this(message, false);
    }

    private ParseFailure(String message, boolean refused) {
        super(message, null, false, false);
        this.refused = refused;
    }

    /** A well-formed argument that cannot be taken, such as a mailbox name that is not modified UTF-7. */
    static ParseFailure refusal(String message) {
        return new ParseFailure(message, true);
    }

    boolean refused() {
        return refused;
    }

    /** The command to answer with. */
    ImapCommand.Invalid invalid() {
        return new ImapCommand.Invalid(getMessage(), refused);
    }
}
