package dev.tern.pop3;

import dev.tern.mailbox.MessageEntry;
import dev.tern.mailbox.Pop3Ids;

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
 * had there, when the import knew it and no other message of the maildrop has it ({@link Pop3Ids}).
 */
final class Maildrop {

    private final long mailboxId;
    private final List<MessageEntry> messages;
    private final Pop3Ids uniqueIds;
    private final BitSet deleted = new BitSet();

    Maildrop(long mailboxId, long uidValidity, List<MessageEntry> messages, Map<Long, String> importedIds) {
        this.mailboxId = mailboxId;
        this.messages = List.copyOf(messages);
        this.uniqueIds = new Pop3Ids(uidValidity, this.messages.stream().map(MessageEntry::uid).toList(), importedIds);
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
        return uniqueIds.of(m.uid());
    }
}
