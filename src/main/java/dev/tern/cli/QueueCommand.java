package dev.tern.cli;

import dev.tern.server.Services;
import dev.tern.store.Rows;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.List;

@Command(name = "queue", description = "Look at and act on the mail queue.",
        subcommands = {QueueCommand.ListQueue.class, QueueCommand.Show.class, QueueCommand.Flush.class,
                QueueCommand.Retry.class, QueueCommand.Hold.class, QueueCommand.Release.class,
                QueueCommand.Delete.class})
final class QueueCommand {

    @Command(name = "list", description = "List queued messages with the recipients still waiting; "
            + "! after an id marks a message on hold.")
    static final class ListQueue extends AdminCommand {
        @Option(names = {"-n", "--limit"}, paramLabel = "N",
                description = "List the oldest N messages (default: 10000); the last line says how many are queued.")
        int limit = 10_000;

        @Override
        int run(Services s, PrintWriter out) {
            if (limit < 1) {
                throw new IllegalArgumentException("--limit: must be 1 or more, got " + limit);
            }
            List<Rows.QueueSummary> queued = s.queue().list(limit);
            if (queued.isEmpty()) {
                out.println("the queue is empty");
                return 0;
            }
            out.printf("%-14s %9s  %-20s  %s%n", "QUEUE ID", "SIZE", "ARRIVED", "SENDER / RECIPIENTS");
            int held = 0;
            for (Rows.QueueSummary q : queued) {
                Rows.QueuedMessage m = q.message();
                held += m.held() ? 1 : 0;
                // "!" after the id marks a held message, as in Postfix's mailq.
                out.printf("%-14s %9d  %-20s  <%s>%n", m.id() + (m.held() ? "!" : ""), m.size(),
                        m.receivedAt().toString().substring(0, 19), m.sender() == null ? "" : m.sender());
                for (Rows.QueueRecipient r : q.recipients()) {
                    out.printf("%47s<%s>  %s%s%n", "", r.address(), r.state(),
                            r.lastError() == null ? "" : " (" + r.lastError() + ")");
                }
            }
            long total = queued.size() < limit ? queued.size() : s.queue().stats(java.util.Set.of()).messages();
            String listed = total > queued.size() ? "the oldest " + queued.size() + " of " + total + " message(s)"
                    : queued.size() + " message(s)";
            out.println("-- " + listed + (held == 0 ? "" : ", " + held + " of them on hold (!)"));
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
                    .orElseThrow(() -> noSuchMessage(id));
            out.println("queue id:    " + m.id());
            if (m.held()) {
                out.println("held:        yes, not delivered until `tern queue release " + m.id() + "`");
            }
            out.println("arrived:     " + m.receivedAt());
            out.println("sender:      <" + (m.sender() == null ? "" : m.sender()) + ">");
            out.println("client:      " + m.clientAddress() + " (helo " + m.clientHelo() + ") on " + m.listener());
            out.println("size:        " + m.size());
            if (m.messageIdHeader() != null) {
                out.println("message-id:  <" + m.messageIdHeader() + ">");
            }
            out.println("body:        " + m.bodyType() + (m.smtpUtf8() ? ", SMTPUTF8" : ""));
            if (m.dsnRet() != null || m.dsnEnvId() != null) {
                out.println("dsn:         RET=" + m.dsnRet() + " ENVID=" + m.dsnEnvId());
            }
            if (m.requireTls()) {
                out.println("requiretls:  yes (goes on only over verified TLS to servers that offer REQUIRETLS)");
            }
            for (Rows.QueueRecipient r : s.queue().recipients(id)) {
                out.println("recipient:   <" + r.address() + "> " + r.state() + ", " + r.attempts() + " attempt(s)"
                        + (r.state().equals("deferred") ? ", next " + r.nextAttemptAt() : "")
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
                throw noSuchMessage(id);
            }
            out.println("deleted " + id);
            return 0;
        }
    }

    @Command(name = "flush", description = "Make every deferred recipient due now (messages on hold stay held).")
    static final class Flush extends AdminCommand {
        @Override
        int run(Services s, PrintWriter out) {
            out.println(s.queue().flush() + " deferred recipient(s) due now");
            return 0;
        }
    }

    @Command(name = "retry", description = "Make the waiting recipients of one message due now.")
    static final class Retry extends AdminCommand {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        int run(Services s, PrintWriter out) {
            Rows.QueuedMessage m = s.queue().message(id).orElseThrow(() -> noSuchMessage(id));
            int moved = s.queue().retry(id);
            out.println(id + ": " + moved + " deferred recipient(s) due now"
                    + (m.held() ? ", but the message is on hold: `tern queue release " + id + "` lets it go" : ""));
            return 0;
        }
    }

    @Command(name = "hold", description = "Keep a message in the queue without delivering it until it is released.")
    static final class Hold extends AdminCommand {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        int run(Services s, PrintWriter out) {
            if (!s.queue().hold(id)) {
                throw noSuchMessage(id);
            }
            out.println("held " + id);
            return 0;
        }
    }

    @Command(name = "release", description = "Take a message off hold and deliver it now.")
    static final class Release extends AdminCommand {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        int run(Services s, PrintWriter out) {
            if (!s.queue().release(id)) {
                throw noSuchMessage(id);
            }
            out.println("released " + id);
            return 0;
        }
    }

    private static IllegalArgumentException noSuchMessage(String id) {
        return new IllegalArgumentException("no message " + id + " in the queue");
    }
}
