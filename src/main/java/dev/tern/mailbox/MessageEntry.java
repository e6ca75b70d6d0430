package dev.tern.mailbox;

import dev.tern.store.Rows;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A message in a mailbox's index: what FETCH FLAGS, UID, INTERNALDATE, RFC822.SIZE and MODSEQ
 * answer from, without touching the content.
 *
 * @param id           the message's store id (unique across mailboxes)
 * @param blobId       its content; several messages may share one
 * @param headerPrefix header fields written at delivery (Return-Path, Delivered-To) that come before the content
 * @param size         octets of prefix and content together (RFC822.SIZE)
 * @param savedAt      when it was put into this mailbox (RFC 8514's save date); null when not known
 */
public record MessageEntry(long id, long mailboxId, long uid, String blobId, String headerPrefix, long size,
                           Instant internalDate, Flags flags, long modSeq, Instant savedAt) {

    static MessageEntry of(Rows.Message m) {
        return new MessageEntry(m.id(), m.mailboxId(), m.uid(), m.blobId(), m.headerPrefix(), m.size(),
                m.internalDate(), Flags.fromStored(m.systemFlags(), m.keywords()), m.modSeq(), m.savedAt());
    }

    /** The same entry with other flags and MODSEQ, after a change of its flags. */
    public MessageEntry withFlags(Flags newFlags, long newModSeq) {
        return new MessageEntry(id, mailboxId, uid, blobId, headerPrefix, size, internalDate, newFlags, newModSeq, savedAt);
    }

    /** Octets of the header prefix: offsets in a content's structure are shifted by this much. */
    public int prefixLength() {
        return headerPrefix.getBytes(StandardCharsets.UTF_8).length;
    }
}
