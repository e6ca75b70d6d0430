package dev.tern.imap.server;

import dev.tern.imap.protocol.FetchItem;
import dev.tern.imap.protocol.ResponseWriter;
import dev.tern.mailbox.Flags;
import dev.tern.mailbox.MessageFlags;
import dev.tern.mailbox.MessageService;
import dev.tern.mailbox.MessageSummary;
import dev.tern.mailbox.SystemFlag;

import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;
import java.util.function.Supplier;

/**
 * Writes the FETCH responses of a request for nothing but flags, UID and MODSEQ (RFC 9051
 * §6.4.5, RFC 7162 §3.1.4): the commonest request of a client resynchronising a large mailbox.
 * It takes the flags from the copy that searches keep ({@link MailboxSummaries}, brought up to
 * date by what changed since), or with CHANGEDSINCE from one narrow query of the changed ones;
 * never an index entry or a content. It writes straight into the outgoing chunk.
 */
final class FlagsResponder implements ImapIo.ResponseProducer {

    /** The items this responder answers; a request for anything else needs a {@link FetchResponder}. */
    static boolean answers(List<FetchItem> items) {
        for (FetchItem item : items) {
            if (item != FetchItem.Attribute.UID && item != FetchItem.Attribute.FLAGS && item != FetchItem.Attribute.MODSEQ) {
                return false;
            }
        }
        return true;
    }

    /** Responses written per call: a few dozen octets each, so they fill about one chunk. */
    private static final int PER_CHUNK = ImapSession.CHUNK / 64;

    private final MessageService messages;
    private final long mailboxId;
    private final List<FetchResponder.Target> targets;
    private final List<FetchItem> items;
    private final boolean utf8;
    private final long changedSince;
    private final LongPredicate recent;
    private final Supplier<MailboxSummaries.Copy> kept;
    /** With CHANGEDSINCE: the changed messages. */
    private Map<Long, MessageFlags> byUid;
    /** Without: every message's flags. */
    private MailboxSummaries.Copy copy;
    private final int[] cursor = new int[1];
    private int next;

    /** {@code kept} gives the mailbox's summaries when there is no CHANGEDSINCE ({@code changedSince} 0 or less). */
    FlagsResponder(MessageService messages, long mailboxId, List<FetchResponder.Target> targets,
                   List<FetchItem> items, boolean utf8, long changedSince, LongPredicate recent,
                   Supplier<MailboxSummaries.Copy> kept) {
        this.recent = recent;
        this.kept = kept;
        this.messages = messages;
        this.mailboxId = mailboxId;
        this.targets = targets;
        this.items = items;
        this.utf8 = utf8;
        this.changedSince = changedSince;
    }

    @Override
    public boolean produce(OutputStream out) throws IOException {
        if (changedSince > 0 && byUid == null) {
            List<MessageFlags> all = messages.flagsChangedSince(mailboxId, changedSince);
            byUid = new HashMap<>(all.size() * 2);
            for (MessageFlags m : all) {
                byUid.put(m.uid(), m);
            }
        } else if (changedSince <= 0 && copy == null) {
            copy = kept.get();
        }
        ResponseWriter w = new ResponseWriter(out, utf8);
        int end = Math.min(targets.size(), next + PER_CHUNK);
        for (; next < end; next++) {
            FetchResponder.Target t = targets.get(next);
            MessageFlags m = flagsOf(t.uid());
            if (m == null || m.modSeq() <= changedSince) {
                continue;    // expunged meanwhile, or not changed since CHANGEDSINCE
            }
            w.fetchStart(t.sequence());
            for (FetchItem item : items) {
                if (item == FetchItem.Attribute.UID) {
                    w.atom("UID").number(m.uid());
                } else if (item == FetchItem.Attribute.FLAGS) {
                    w.atom("FLAGS");
                    boolean isRecent = recent.test(m.uid());
                    if (!m.flags().hasKeywords()) {
                        w.prepared(systemFlagList(m.flags().systemBits(), isRecent));
                    } else {
                        w.flags(SelectedMailbox.withRecent(m.flags(), isRecent));
                    }
                } else {
                    w.atom("MODSEQ").openList().number(m.modSeq()).closeList();
                }
            }
            w.fetchEnd();
        }
        return next >= targets.size();
    }

    /**
     * The flag lists of messages without keywords, most messages: one per combination of system
     * flags and \Recent, written once and then copied, not built again for each of thousands of
     * responses.
     */
    private static final byte[][] SYSTEM_FLAG_LISTS = new byte[2 << SystemFlag.values().length][];

    static byte[] systemFlagList(int systemBits, boolean recent) {
        int index = systemBits << 1 | (recent ? 1 : 0);
        if (index >= SYSTEM_FLAG_LISTS.length) {    // a bit no flag has: as written, not kept
            return list(systemBits, recent);
        }
        byte[] list = SYSTEM_FLAG_LISTS[index];
        if (list == null) {
            list = list(systemBits, recent);
            SYSTEM_FLAG_LISTS[index] = list;    // a benign race: every thread makes the same octets
        }
        return list;
    }

    private static byte[] list(int systemBits, boolean recent) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(64);
        new ResponseWriter(out).flags(SelectedMailbox.withRecent(Flags.fromStored(systemBits, null), recent));
        return out.toByteArray();
    }

    private MessageFlags flagsOf(long uid) {
        if (byUid != null) {
            return byUid.get(uid);
        }
        MessageSummary s = copy.findFrom(cursor, uid);
        return s == null ? null : new MessageFlags(uid, s.flags(), s.modSeq());
    }

    @Override
    public void close() {
        byUid = null;
        copy = null;
    }
}
