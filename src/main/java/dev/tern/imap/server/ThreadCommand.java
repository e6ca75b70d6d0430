package dev.tern.imap.server;

import dev.tern.imap.protocol.BaseSubject;
import dev.tern.imap.protocol.ImapCommand;
import dev.tern.imap.protocol.MessageView;
import dev.tern.imap.protocol.ResponseWriter;
import dev.tern.imap.protocol.SearchProgram;
import dev.tern.imap.protocol.SearchText;
import dev.tern.imap.protocol.SortOrder;
import dev.tern.imap.protocol.Threads;
import dev.tern.mailbox.MessageService;

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
        if (SearchCommand.refusedCharset(s, tag, c.charset())) {
            return;
        }
        SearchProgram program = SearchProgram.compile(c.criteria());
        if (program.usesModSeq()) {
            s.enableCondstore();
        }
        SearchCommand.View v = SearchCommand.view(s);
        MessageService messages = s.context().mailboxes().messageService();
        s.onStorage(() -> {
            List<Threads.Message> found = new ArrayList<>();
            SearchCommand.forEachMatch(messages, v, program, view -> found.add(message(view, c.uid())));
            List<Threads.Node> threads = c.algorithm() == ImapCommand.ThreadAlgorithm.REFERENCES
                    ? Threads.references(found) : Threads.orderedSubject(found);
            return Threads.format(threads);
        }, (threads, error) -> {
            if (error != null) {
                s.failed(tag, error, c.name());
                return;
            }
            ResponseWriter w = s.writer();
            w.untagged().atom("THREAD");
            if (!threads.isEmpty()) {
                w.atom(threads);
            }
            w.end();
            if (c.uid()) {
                s.completed(tag, c.name() + " completed");
            } else {
                s.completedWithoutExpunges(tag, null, c.name() + " completed");
            }
        });
    }

    private static Threads.Message message(MessageView m, boolean uid) {
        List<String> subject = m.derived("\u0000thread subject", () -> {
            BaseSubject.Result r = BaseSubject.analyze(SearchText.decodeHeader(first(m, "Subject")));
            return List.of(r.base(), r.replyOrForward() ? "reply" : "");
        });
        List<String> ids = m.derived("\u0000thread ids", () -> {
            List<String> own = Threads.messageIds(first(m, "Message-ID"));
            List<String> parents = Threads.messageIds(String.join(" ", m.headerValues("References")));
            if (parents.isEmpty()) {
                parents = Threads.messageIds(first(m, "In-Reply-To")).stream().limit(1).toList();
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

    private static String first(MessageView m, String field) {
        List<String> values = m.headerValues(field);
        return values.isEmpty() ? "" : values.get(0);
    }
}
