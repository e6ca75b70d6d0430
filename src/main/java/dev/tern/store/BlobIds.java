package dev.tern.store;

/** What a blob id may be: letters, digits, '-' and '_' (safe as a file name and as an object key). */
public final class BlobIds {

    private BlobIds() {
    }

    public static boolean isValid(String id) {
        return !id.isEmpty() && id.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '_');
    }

    /** The id, or IllegalArgumentException when it is not one. */
    public static String check(String id) {
        if (!isValid(id)) {
            throw new IllegalArgumentException("not a blob id: " + id);
        }
        return id;
    }
}
