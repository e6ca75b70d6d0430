package dev.tern.imap.server;

import dev.tern.mailbox.MessageEntry;
import dev.tern.mailbox.MessageService;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads the index entries of some messages of a mailbox: one by one for a few (a client opening
 * one message of a large mailbox), in one query over the range of their UIDs for many.
 */
final class IndexEntries {

    /** Above this many messages, one query over the whole mailbox is cheaper. */
    static final int ONE_BY_ONE = 64;

    private IndexEntries() {
    }

    /** The entries of those UIDs that still exist, by UID. Blocks on the store. */
    static Map<Long, MessageEntry> of(MessageService messages, long mailboxId, Iterable<Long> uids, int count) {
        Map<Long, MessageEntry> out = new LinkedHashMap<>();
        if (count <= ONE_BY_ONE) {
            for (long uid : uids) {
                messages.message(mailboxId, uid).ifPresent(m -> out.put(uid, m));
            }
            return out;
        }
        Set<Long> wanted = new HashSet<>();
        long first = Long.MAX_VALUE;
        long last = 0;
        for (long uid : uids) {
            wanted.add(uid);
            first = Math.min(first, uid);
            last = Math.max(last, uid);
        }
        // Only the UIDs from the lowest to the highest wanted: FETCH 1:1000 of a mailbox of
        // 10,000 reads a thousand rows.
        for (MessageEntry m : messages.messages(mailboxId, first, last)) {
            if (wanted.contains(m.uid())) {
                out.put(m.uid(), m);
            }
        }
        return out;
    }
}
