package dev.tern.pop3;

import dev.tern.mailbox.MessageEntry;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * The INBOX as one POP3 session sees it (RFC 1939 §5): the messages present at login, numbered
 * from 1, and the ones marked deleted. Deletions reach the store only in the UPDATE state; until
 * then RSET forgets them and a dropped connection loses them.
 *
 * <p>Unique ids (UIDL, RFC 1939 §7) are {@code UIDVALIDITY-UID}: stable across sessions, never
 * reused, and the same message IMAP sees. A message imported from another server keeps the id it
 * had there, when the import knew it and no other message of the maildrop has it.
 */
final class Maildrop {

    private final long mailboxId;
    private final long uidValidity;
    private final List<MessageEntry> messages;
    /** Ids kept from another server, by UID. */
    private final Map<Long, String> importedIds;
    private final BitSet deleted = new BitSet();

    Maildrop(long mailboxId, long uidValidity, List<MessageEntry> messages, Map<Long, String> importedIds) {
        this.mailboxId = mailboxId;
        this.uidValidity = uidValidity;
        this.messages = List.copyOf(messages);
        this.importedIds = unique(importedIds);
    }

    /**
     * The kept ids, each given to one message only (RFC 1939 §7 wants them unique in the maildrop):
     * when two messages imported from different places came with the same one, or one came with
     * what is this server's own id of a message here, the later UID goes by its own.
     */
    private Map<Long, String> unique(Map<Long, String> byUid) {
        Map<Long, String> out = new java.util.HashMap<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (MessageEntry m : messages) {
            if (!byUid.containsKey(m.uid())) {
                seen.add(uidValidity + "-" + m.uid());
            }
        }
        new java.util.TreeMap<>(byUid).forEach((uid, id) -> {
            if (seen.add(id)) {
                out.put(uid, id);
            }
        });
        return out;
    }

    long mailboxId() {
        return mailboxId;
    }

    /** Messages not marked deleted. */
    int count() {
        return messages.size() - deleted.cardinality();
    }

    /** Octets of the messages not marked deleted. */
    long size() {
        long total = 0;
        for (int i = 0; i < messages.size(); i++) {
            if (!deleted.get(i)) {
                total += messages.get(i).size();
            }
        }
        return total;
    }

    /** Numbers run from 1 to this, deleted ones included. */
    int highestNumber() {
        return messages.size();
    }

    /** The message with this number, or null when there is none or it is marked deleted. */
    MessageEntry get(int number) {
        if (number < 1 || number > messages.size() || deleted.get(number - 1)) {
            return null;
        }
        return messages.get(number - 1);
    }

    boolean isDeleted(int number) {
        return number >= 1 && number <= messages.size() && deleted.get(number - 1);
    }

    void delete(int number) {
        deleted.set(number - 1);
    }

    /** RSET: unmarks every message. */
    void reset() {
        deleted.clear();
    }

    List<Long> deletedUids() {
        List<Long> uids = new ArrayList<>();
        for (int i = deleted.nextSetBit(0); i >= 0; i = deleted.nextSetBit(i + 1)) {
            uids.add(messages.get(i).uid());
        }
        return uids;
    }

    String uniqueId(MessageEntry m) {
        String imported = importedIds.get(m.uid());
        return imported != null ? imported : uidValidity + "-" + m.uid();
    }
}
