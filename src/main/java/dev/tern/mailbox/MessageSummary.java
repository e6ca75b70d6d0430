package dev.tern.mailbox;

import dev.tern.store.Rows;

import java.time.Instant;

/**
 * A message's UID, size, internal date, flags, MODSEQ and save date: what SEARCH's keys on flags,
 * sizes and dates need, read without the header prefix and blob id that make up most of an index
 * entry.
 *
 * @param savedAt when it was put into this mailbox (RFC 8514); null when not known
 */
public record MessageSummary(long uid, long size, Instant internalDate, Flags flags, long modSeq, Instant savedAt) {

    static MessageSummary of(Rows.MessageSummary row) {
        return new MessageSummary(row.uid(), row.size(), row.internalDate(),
                Flags.fromStored(row.systemFlags(), row.keywords()), row.modSeq(), row.savedAt());
    }

    /** The same summary with other flags and MODSEQ, after a change of its flags. */
    public MessageSummary withFlags(Flags newFlags, long newModSeq) {
        return new MessageSummary(uid, size, internalDate, newFlags, newModSeq, savedAt);
    }
}
