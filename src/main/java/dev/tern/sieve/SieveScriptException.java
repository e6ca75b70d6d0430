package dev.tern.sieve;

/** A script that cannot be stored or run: its syntax, or a command, test or extension Tern does not have. */
public final class SieveScriptException extends Exception {

    private final int line;

    /** @param line the line of the script where the problem is, 0 when not known */
    public SieveScriptException(int line, String message) {
        super(message);
        this.line = line;
    }

    public int line() {
        return line;
    }

    /** The message with its line, as ManageSieve and the command line show it: "line 3: unknown test 'foo'". */
    public String describe() {
        return line > 0 ? "line " + line + ": " + getMessage() : getMessage();
    }
}
