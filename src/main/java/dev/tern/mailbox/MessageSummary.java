package dev.tern.mailbox;

import dev.tern.store.Rows;

import java.time.Instant;

/**
 * A message's UID, size, internal date, flags and MODSEQ: what SEARCH's keys on flags, sizes and
 * dates need, read without the header prefix and blob id that make up most of an index entry.
 */
public record MessageSummary(long uid, long size, Instant internalDate, Flags flags, long modSeq) {

    static MessageSummary of(Rows.MessageSummary row) {
        return new MessageSummary(row.uid(), row.size(), row.internalDate(),
                Flags.fromStored(row.systemFlags(), row.keywords()), row.modSeq());
    }
}
