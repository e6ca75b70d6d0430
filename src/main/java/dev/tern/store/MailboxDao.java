package dev.tern.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Mailboxes (folders) of accounts and the messages in them. */
public interface MailboxDao {

    Optional<Rows.Mailbox> mailbox(long accountId, String name);

    List<Rows.Mailbox> mailboxes(long accountId);

    Rows.Mailbox create(long accountId, String name, String specialUse, long uidValidity);

    /**
     * Appends a message: takes the mailbox's next UID and a new MODSEQ, both in this transaction.
     * Returns the new row.
     */
    Rows.Message append(long mailboxId, String blobId, String headerPrefix, long size, Instant internalDate,
                        String flags);

    List<Rows.Message> messages(long mailboxId);

    Optional<Rows.Message> message(long mailboxId, long uid);

    /** Deletes every mailbox and message of an account; returns the blob ids the messages used. */
    List<String> deleteAll(long accountId);
}
