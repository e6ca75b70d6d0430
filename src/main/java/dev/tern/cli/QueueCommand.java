package dev.tern.cli;

import dev.tern.server.Services;
import dev.tern.store.Rows;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.List;

@Command(name = "queue", description = "Look at and act on the mail queue.",
        subcommands = {QueueCommand.ListQueue.class, QueueCommand.Show.class, QueueCommand.Delete.class})
final class QueueCommand {

    @Command(name = "list", description = "List queued messages with the recipients still waiting.")
    static final class ListQueue extends AdminCommand {
        @Override
        int run(Services s, PrintWriter out) {
            List<Rows.QueueSummary> queued = s.queue().list(10_000);
            if (queued.isEmpty()) {
                out.println("the queue is empty");
                return 0;
            }
            out.printf("%-14s %9s  %-20s  %s%n", "QUEUE ID", "SIZE", "ARRIVED", "SENDER / RECIPIENTS");
            for (Rows.QueueSummary q : queued) {
                Rows.QueuedMessage m = q.message();
                out.printf("%-14s %9d  %-20s  <%s>%s%n", m.id(), m.size(),
                        m.receivedAt().toString().substring(0, 19), m.sender() == null ? "" : m.sender(),
                        m.held() ? "  (held)" : "");
                for (Rows.QueueRecipient r : q.recipients()) {
                    out.printf("%47s<%s>  %s%s%n", "", r.address(), r.state(),
                            r.lastError() == null ? "" : " (" + r.lastError() + ")");
                }
            }
            out.println("-- " + queued.size() + " message(s)");
            return 0;
        }
    }

    @Command(name = "show", description = "Show one queued message: envelope, recipients and content.")
    static final class Show extends AdminCommand {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        int run(Services s, PrintWriter out) throws Exception {
            Rows.QueuedMessage m = s.queue().message(id)
                    .orElseThrow(() -> new IllegalArgumentException("no message " + id + " in the queue"));
            out.println("queue id:    " + m.id());
            out.println("arrived:     " + m.receivedAt());
            out.println("sender:      <" + (m.sender() == null ? "" : m.sender()) + ">");
            out.println("client:      " + m.clientAddress() + " (helo " + m.clientHelo() + ") on " + m.listener());
            out.println("size:        " + m.size());
            out.println("body:        " + m.bodyType() + (m.smtpUtf8() ? ", SMTPUTF8" : ""));
            if (m.dsnRet() != null || m.dsnEnvId() != null) {
                out.println("dsn:         RET=" + m.dsnRet() + " ENVID=" + m.dsnEnvId());
            }
            for (Rows.QueueRecipient r : s.queue().recipients(id)) {
                out.println("recipient:   <" + r.address() + "> " + r.state() + ", " + r.attempts() + " attempt(s)"
                        + (r.lastError() == null ? "" : ": " + r.lastError()));
            }
            out.println();
            out.flush();
            try (var in = s.mailboxes().openContent(m.blobId())) {
                in.transferTo(System.out);
            }
            System.out.flush();
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a message from the queue without delivering it.")
    static final class Delete extends AdminCommand {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        int run(Services s, PrintWriter out) {
            if (!s.queue().delete(id)) {
                throw new IllegalArgumentException("no message " + id + " in the queue");
            }
            out.println("deleted " + id);
            return 0;
        }
    }
}
