package dev.tern.imap.server;

import dev.tern.mailbox.MessageEntry;
import dev.tern.mailbox.MessageService;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The top-level header sections one SEARCH reads, without each message's header prefix. A
 * section comes from the memory of recently searched ones ({@link HeaderSections}), else from the
 * index, which keeps one per content: at the first miss, the sections of that message and every
 * later one of the mailbox are read in one query. A search asks in ascending UID order, and what
 * the memory lacks is mostly what arrived since the last search, at the end: one new message
 * costs one section read, a mailbox never searched costs one query for all. Only a header too long
 * for the index, or one asked for out of order, is read from its content.
 */
final class SearchHeaders {

    private final MessageService messages;
    private final long mailboxId;
    private Map<Long, byte[]> fromIndex;

    SearchHeaders(MessageService messages, long mailboxId) {
        this.messages = messages;
        this.mailboxId = mailboxId;
    }

    /** How many sections the index gave this search (tests). */
    int readFromIndex() {
        return fromIndex == null ? 0 : fromIndex.size();
    }

    /** The content's own header section. Blocks on the store. */
    byte[] of(MessageEntry m) {
        byte[] kept = HeaderSections.get(m.blobId());
        if (kept != null) {
            return kept;
        }
        try {
            if (fromIndex == null) {
                fromIndex = messages.headerSections(mailboxId, m.uid());
            }
            byte[] own = fromIndex.get(m.uid());
            if (own == null) {
                long end = StoredStructures.of(messages, m).root().bodyStart() - m.prefixLength();
                int length = (int) Math.max(0, Math.min(end, Integer.MAX_VALUE - 8));
                try (InputStream in = messages.openContent(m)) {
                    own = in.readNBytes(length);
                }
            }
            HeaderSections.put(m.blobId(), own);
            return own;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
