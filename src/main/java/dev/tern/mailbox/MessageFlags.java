package dev.tern.mailbox;

import dev.tern.store.Rows;

/**
 * A message's UID with its flags and MODSEQ: all that SELECT, FETCH FLAGS and UID FETCH (FLAGS)
 * need, read without the rest of the index entry.
 */
public record MessageFlags(long uid, Flags flags, long modSeq) {

    static MessageFlags of(Rows.MessageFlags row) {
        return new MessageFlags(row.uid(), Flags.fromStored(row.systemFlags(), row.keywords()), row.modSeq());
    }

    static MessageFlags of(Rows.Message row) {
        return new MessageFlags(row.uid(), Flags.fromStored(row.systemFlags(), row.keywords()), row.modSeq());
    }
}
