package dev.tern.store;

import java.util.List;

/**
 * The access control lists of mailboxes (RFC 4314): which other accounts may do what in a
 * mailbox. Rights are the letters of RFC 4314 §2.1 as text; the mailbox layer reads and checks
 * them. A mailbox's owner is never listed: its rights are implicit.
 */
public interface AclDao {

    /** The grantee id that stands for every account of the owner's domain ({@code anyone}). */
    long ANYONE = 0;

    /** A mailbox's entries, {@link #ANYONE} first, then by grantee address. */
    List<Rows.AclEntry> entries(long mailboxId);

    /** Sets a grantee's rights on a mailbox, replacing what it had; empty rights remove the entry. */
    void set(long mailboxId, long granteeId, String rights);

    /** Removes a grantee's entry; false when there was none. */
    boolean delete(long mailboxId, long granteeId);

    /**
     * The mailboxes of other accounts an account has an entry on, or that have one for
     * {@link #ANYONE} and belong to an account of {@code domainId}; one row per mailbox and entry.
     */
    List<Rows.SharedMailbox> sharedWith(long accountId, long domainId);
}
