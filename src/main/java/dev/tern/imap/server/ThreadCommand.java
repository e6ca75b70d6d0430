package dev.tern.imap.server;

import dev.tern.imap.protocol.BaseSubject;
import dev.tern.imap.protocol.ImapCommand;
import dev.tern.imap.protocol.MessageView;
import dev.tern.imap.protocol.SearchText;
import dev.tern.imap.protocol.SortOrder;
import dev.tern.imap.protocol.Threads;

import java.util.ArrayList;
import java.util.List;

/**
 * THREAD and UID THREAD (RFC 5256): the messages that match the criteria, as SEARCH finds them,
 * in threads by ORDEREDSUBJECT or REFERENCES ({@link Threads}). What a message says of itself
 * (its ids and base subject) is kept between commands, as SORT's keys are.
 */
final class ThreadCommand {

    private ThreadCommand() {
    }

    static void thread(ImapSession s, String tag, ImapCommand.Thread c) {
        SearchCommand.overMatches(s, tag, c, c.uid(), c.charset(), c.criteria(),
                fields -> new SearchCommand.MatchCollector<String>() {
                    private final List<Threads.Message> found = new ArrayList<>();

                    public void add(MessageView match) {
                        found.add(message(match, c.uid()));
                    }

                    public String result() {
                        return Threads.format(c.algorithm() == ImapCommand.ThreadAlgorithm.REFERENCES
                                ? Threads.references(found) : Threads.orderedSubject(found));
                    }
                },
                (w, threads) -> {
                    w.untagged().atom("THREAD");
                    if (!threads.isEmpty()) {
                        w.atom(threads);
                    }
                    w.end();
                });
    }

    private static Threads.Message message(MessageView m, boolean uid) {
        List<String> subject = m.derived("\u0000thread subject", () -> {
            BaseSubject.Result r = BaseSubject.analyze(SearchText.decodeHeader(m.firstHeaderValue("Subject")));
            return List.of(r.base(), r.replyOrForward() ? "reply" : "");
        });
        List<String> ids = m.derived("\u0000thread ids", () -> {
            List<String> own = Threads.messageIds(m.firstHeaderValue("Message-ID"));
            List<String> parents = Threads.messageIds(String.join(" ", m.headerValues("References")));
            if (parents.isEmpty()) {
                parents = Threads.messageIds(m.firstHeaderValue("In-Reply-To")).stream().limit(1).toList();
            }
            List<String> out = new ArrayList<>();
            out.add(own.isEmpty() ? "" : own.get(0));
            out.addAll(parents);
            return out;
        });
        return new Threads.Message(uid ? m.uid() : m.sequenceNumber(), m.sequenceNumber(),
                ids.get(0).isEmpty() ? null : ids.get(0), ids.subList(1, ids.size()),
                new BaseSubject.Result(subject.get(0), !subject.get(1).isEmpty()), SortOrder.sentDate(m));
    }
}
