package dev.tern.imap.server;

import dev.tern.imap.protocol.FetchItem;
import dev.tern.imap.protocol.ResponseWriter;
import dev.tern.mailbox.MessageFlags;
import dev.tern.mailbox.MessageService;

import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;

/**
 * Writes the FETCH responses of a request for nothing but flags, UID and MODSEQ (RFC 9051
 * §6.4.5, RFC 7162 §3.1.4): the commonest request of a client resynchronising a large mailbox.
 * It reads the UIDs and flags of the mailbox in one narrow query, never an index entry or a
 * content, and writes straight into the outgoing chunk.
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
    private Map<Long, MessageFlags> byUid;
    private int next;

    FlagsResponder(MessageService messages, long mailboxId, List<FetchResponder.Target> targets,
                   List<FetchItem> items, boolean utf8, long changedSince, LongPredicate recent) {
        this.recent = recent;
        this.messages = messages;
        this.mailboxId = mailboxId;
        this.targets = targets;
        this.items = items;
        this.utf8 = utf8;
        this.changedSince = changedSince;
    }

    @Override
    public boolean produce(OutputStream out) throws IOException {
        if (byUid == null) {
            List<MessageFlags> all = changedSince > 0 ? messages.flagsChangedSince(mailboxId, changedSince)
                    : messages.flags(mailboxId);
            byUid = new HashMap<>(all.size() * 2);
            for (MessageFlags m : all) {
                byUid.put(m.uid(), m);
            }
        }
        ResponseWriter w = new ResponseWriter(out, utf8);
        int end = Math.min(targets.size(), next + PER_CHUNK);
        for (; next < end; next++) {
            FetchResponder.Target t = targets.get(next);
            MessageFlags m = byUid.get(t.uid());
            if (m == null || m.modSeq() <= changedSince) {
                continue;    // expunged meanwhile, or not changed since CHANGEDSINCE
            }
            w.fetchStart(t.sequence());
            for (FetchItem item : items) {
                if (item == FetchItem.Attribute.UID) {
                    w.atom("UID").number(m.uid());
                } else if (item == FetchItem.Attribute.FLAGS) {
                    w.atom("FLAGS").flags(SelectedMailbox.withRecent(m.flags(), recent.test(m.uid())));
                } else {
                    w.atom("MODSEQ").openList().number(m.modSeq()).closeList();
                }
            }
            w.fetchEnd();
        }
        return next >= targets.size();
    }

    @Override
    public void close() {
        byUid = null;
    }
}
