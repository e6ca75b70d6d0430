package dev.tern.admin.auth;

/**
 * A refused change to admin accounts or API tokens, worded for the operator. It is an
 * {@link IllegalArgumentException}, so the command line prints its message as it is; the admin API
 * answers by its {@link Kind}.
 */
public final class AdminAuthException extends IllegalArgumentException {

    /** Why the change was refused. */
    public enum Kind { INVALID, NOT_FOUND, CONFLICT }

    private final Kind kind;

    AdminAuthException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
