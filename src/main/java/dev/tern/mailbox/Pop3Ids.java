package dev.tern.mailbox;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The POP3 unique ids (UIDL, RFC 1939 §7) of an INBOX's messages: {@code UIDVALIDITY-UID},
 * stable across sessions, never reused, naming the same message IMAP sees; or, for a message
 * brought over from another server, the id it had there, so that clients that leave mail on the
 * server do not download it again. POP3 serves these, and an export writes them for the server
 * that takes the mail next.
 */
public final class Pop3Ids {

    private final long uidValidity;
    /** The kept ids, by UID, each given to one message only. */
    private final Map<Long, String> kept;

    /**
     * @param uidValidity the INBOX's UIDVALIDITY
     * @param uids        the UIDs of its messages
     * @param imported    ids kept from another server, by UID ({@link MessageService#pop3Uidls})
     */
    public Pop3Ids(long uidValidity, Collection<Long> uids, Map<Long, String> imported) {
        this.uidValidity = uidValidity;
        this.kept = unique(uids, imported);
    }

    /**
     * The kept ids, each given to one message only (RFC 1939 §7 wants them unique in the maildrop):
     * when two messages imported from different places came with the same one, or one came with
     * what is this server's own id of a message here, the later UID goes by its own.
     */
    private Map<Long, String> unique(Collection<Long> uids, Map<Long, String> byUid) {
        Map<Long, String> out = new HashMap<>();
        Set<String> seen = new HashSet<>();
        for (long uid : uids) {
            if (!byUid.containsKey(uid)) {
                seen.add(own(uid));
            }
        }
        new TreeMap<>(byUid).forEach((uid, id) -> {
            if (seen.add(id)) {
                out.put(uid, id);
            }
        });
        return out;
    }

    /** The unique id of the message with this UID. */
    public String of(long uid) {
        String imported = kept.get(uid);
        return imported != null ? imported : own(uid);
    }

    private String own(long uid) {
        return uidValidity + "-" + uid;
    }
}
