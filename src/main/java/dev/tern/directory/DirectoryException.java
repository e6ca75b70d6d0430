package dev.tern.directory;

/**
 * A refused directory change (unknown domain, duplicate account…), worded for the operator. Its
 * {@link Kind} says what kind of refusal it is, so that the admin API can answer with the right
 * status without reading the words.
 */
public class DirectoryException extends RuntimeException {

    /** Why a change was refused. */
    public enum Kind {
        /** The input is not valid: not an address, an empty password, a target outside the local domains. */
        INVALID,
        /** What the change names does not exist. */
        NOT_FOUND,
        /** It clashes with what exists: a duplicate, or a domain that still has accounts. */
        CONFLICT
    }

    private final Kind kind;

    public DirectoryException(String message) {
        this(Kind.INVALID, message);
    }

    public DirectoryException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public static DirectoryException notFound(String message) {
        return new DirectoryException(Kind.NOT_FOUND, message);
    }

    public static DirectoryException conflict(String message) {
        return new DirectoryException(Kind.CONFLICT, message);
    }

    public Kind kind() {
        return kind;
    }
}
