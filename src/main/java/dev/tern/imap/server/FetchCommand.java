package dev.tern.imap.server;

import dev.tern.imap.protocol.FetchItem;
import dev.tern.imap.protocol.ImapCommand;
import dev.tern.imap.protocol.ResponseCode;
import dev.tern.mailbox.MessageService;

import java.util.ArrayList;
import java.util.List;

/**
 * FETCH and UID FETCH (RFC 9051 §6.4.5, CHANGEDSINCE of RFC 7162 §3.1.4): checks the request on
 * the event loop, maps sequence numbers to UIDs with the session's view, and hands the writing to
 * a {@link FetchResponder} streamed with back-pressure.
 */
final class FetchCommand {

    private FetchCommand() {
    }

    static void fetch(ImapSession s, String tag, ImapCommand.Fetch c) {
        SelectedMailbox box = s.selected();
        if (!c.uid() && box.outOfRange(c.set())) {
            s.bad(tag, "no message has that sequence number");
            return;
        }
        if (c.vanished() && !s.qresync()) {
            s.bad(tag, "VANISHED needs ENABLE QRESYNC first");
            return;
        }
        if (c.changedSince() >= 0) {
            s.enableCondstore();
        }
        List<FetchItem> items = new ArrayList<>();
        if (c.uid()) {
            items.add(FetchItem.Attribute.UID);
        }
        boolean setSeen = false;
        for (FetchItem item : c.items()) {
            if (!items.contains(item)) {
                items.add(item);
            }
            if (item instanceof FetchItem.BodySection b && !b.peek() || item instanceof FetchItem.Binary bin && !bin.peek()
                    || item == FetchItem.Attribute.RFC822 || item == FetchItem.Attribute.RFC822_TEXT) {
                setSeen = true;
            }
        }
        // RFC 7162 §3.1: once CONDSTORE is on, FETCH responses with FLAGS also carry MODSEQ.
        if ((c.changedSince() >= 0 || s.condstore() && items.contains(FetchItem.Attribute.FLAGS))
                && !items.contains(FetchItem.Attribute.MODSEQ)) {
            items.add(FetchItem.Attribute.MODSEQ);
        }
        List<FetchResponder.Target> targets = new ArrayList<>();
        for (long uid : box.resolve(c.set(), c.uid())) {
            targets.add(new FetchResponder.Target(box.sequence().sequenceOf(uid), uid));
        }
        boolean marksSeen = setSeen;
        if (!c.vanished()) {
            respond(s, tag, c, box, targets, items, marksSeen);
            return;
        }
        // RFC 7162 §3.2.6: what was expunged among the UIDs asked about comes first.
        long[] view = box.uidsInView();
        s.onStorage(() -> Vanished.since(s.context().mailboxes(), box.id(), c.changedSince(), c.set(), view),
                (vanished, error) -> {
                    if (error != null) {
                        s.failed(tag, error, c.name());
                        return;
                    }
                    if (!vanished.isEmpty()) {
                        s.writer().untagged().atom("VANISHED").openList().atom("EARLIER").closeList()
                                .sequenceSet(vanished).end();
                    }
                    respond(s, tag, c, box, targets, items, marksSeen);
                });
    }

    private static void respond(ImapSession s, String tag, ImapCommand.Fetch c, SelectedMailbox box,
                                List<FetchResponder.Target> targets, List<FetchItem> items, boolean setSeen) {
        MessageService messages = s.context().mailboxes().messageService();
        // Flags of many messages come from one narrow query; a few are looked up one by one.
        FetchResponder full = FlagsResponder.answers(items) && targets.size() > IndexEntries.ONE_BY_ONE ? null
                // RFC 4314 §4: a fetch sets \Seen only for a user who may keep it.
                : new FetchResponder(messages, box.id(), targets, items, setSeen && !box.readOnly() && box.may('s'),
                s.utf8(), c.changedSince(), box.recentSnapshot());
        ImapIo.ResponseProducer responder = full;
        if (full == null) {
            responder = new FlagsResponder(messages, box.id(), targets, items, s.utf8(), c.changedSince(),
                    box.recentSnapshot(), () -> s.context().summaries().current(messages, box.id(), box.uidValidity()));
        }
        s.io().stream(responder, failure -> {
            if (full != null && s.selected() == box) {
                box.ownChanges(full.seenModSeqs());
            }
            if (failure != null) {
                ImapSession.LOG.warn("{}: FETCH failed", s.id(), failure);
                // Part of the response may be out already; the client must start afresh.
                s.writer().status(null, "BYE", ResponseCode.serverBug(), "FETCH failed; please reconnect");
                s.io().closeAfterFlush();
            } else if (full != null && full.unknownEncoding()) {
                s.no(tag, ResponseCode.unknownCte(),
                        "a part asked for has a Content-Transfer-Encoding this server cannot decode; BODY[] gives its octets");
            } else if (c.uid()) {
                s.completed(tag, c.name() + " completed");
            } else {
                s.completedWithoutExpunges(tag, null, c.name() + " completed");
            }
        });
    }
}
