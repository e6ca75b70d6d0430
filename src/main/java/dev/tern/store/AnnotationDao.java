package dev.tern.store;

import java.util.List;

/**
 * IMAP METADATA entries (RFC 5464): name and value, of a mailbox or of the server (mailbox
 * {@link #SERVER}), each either one account's ({@code /private/...}) or everyone's
 * ({@link #EVERYONE}, {@code /shared/...}). Names are stored in lower case.
 */
public interface AnnotationDao {

    /** The mailbox id that stands for the server's own entries. */
    long SERVER = 0;
    /** The account id of entries everyone who may read the mailbox sees. */
    long EVERYONE = 0;

    /** The entries of a mailbox that an account sees: its own and everyone's, by name. */
    List<Rows.Annotation> entries(long mailboxId, long accountId);

    /**
     * The characters of the values an account holds: its own entries anywhere, and everyone's
     * entries on its mailboxes.
     */
    long totalLength(long accountId);

    /** Sets an entry, replacing its value; a null value removes it. */
    void set(long mailboxId, long accountId, String name, String value);
}
