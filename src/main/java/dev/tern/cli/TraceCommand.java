package dev.tern.cli;

import dev.tern.server.Services;
import dev.tern.tracking.DeliveryEvent;
import dev.tern.tracking.TracePage;
import dev.tern.tracking.TraceQuery;
import dev.tern.tracking.TraceTime;
import dev.tern.tracking.TracedMessage;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

@Command(name = "trace", description = "Show what happened to messages: when they were received, each delivery "
        + "attempt, and where each recipient stands. Newest first; options narrow the search.")
final class TraceCommand extends AdminCommand {

    @Option(names = "--message-id", paramLabel = "ID", description = "The Message-ID header, with or without <>.")
    String messageId;

    @Option(names = "--queue-id", paramLabel = "Q", description = "The queue id (as in the log and the 250 reply).")
    String queueId;

    @Option(names = "--from", paramLabel = "ADDRESS", description = "The envelope sender; <> for bounces, @domain for a whole domain.")
    String from;

    @Option(names = "--to", paramLabel = "ADDRESS", description = "A recipient, or @domain.")
    String to;

    @Option(names = "--since", paramLabel = "WHEN", converter = PointInTime.class,
            description = "Received since: a time ago (30m, 1h, 2d) or a date or time (2025-06-01, 2025-06-01T10:00:00Z).")
    Instant since;

    @Option(names = "--until", paramLabel = "WHEN", converter = PointInTime.class,
            description = "Received before, in the same forms as --since.")
    Instant until;

    @Option(names = "--status", paramLabel = "STATUS",
            description = "A recipient's latest state: queued, deferred, delivered, bounced, expired or deleted.")
    String status;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "Messages to show (default 20).")
    int limit;

    @Option(names = "--cursor", paramLabel = "C", description = "Go on from where the previous page ended.")
    String cursor;

    @Override
    int run(Services s, PrintWriter out) {
        TracePage page = s.trace().search(TraceQuery.all().withMessageId(messageId).withQueueId(queueId)
                .withSender(from).withRecipient(to).withSince(since).withUntil(until).withStatus(status)
                .withLimit(limit).withCursor(cursor));
        if (page.messages().isEmpty()) {
            out.println("no message matches");
            return 0;
        }
        for (TracedMessage m : page.messages()) {
            print(m, out);
        }
        out.println("-- " + page.messages().size() + " message(s)"
                + (page.nextCursor() == null ? "" : "; more with --cursor " + page.nextCursor()));
        return 0;
    }

    static void print(TracedMessage m, PrintWriter out) {
        out.printf("%s  %s  <%s>  %d bytes  on %s%n", m.queueId(), time(m.receivedAt()), m.sender(), m.size(),
                m.listener() == null ? "?" : m.listener());
        if (m.messageId() != null) {
            out.println("  message-id: <" + m.messageId() + ">");
        }
        for (TracedMessage.Recipient r : m.recipients()) {
            out.printf("  to <%s>: %s%n", r.address(), r.status());
        }
        for (DeliveryEvent e : m.events()) {
            StringBuilder line = new StringBuilder();
            line.append(String.format("    %s  %-9s", time(e.at()), e.type().label()));
            if (e.recipient() != null) {
                line.append(" <").append(e.recipient()).append('>');
            }
            for (Map.Entry<String, String> f : e.fields().entrySet()) {
                line.append(' ').append(f.getKey()).append('=').append(quoted(f.getValue()));
            }
            out.println(line);
        }
        out.println();
    }

    private static String time(Instant t) {
        return t.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private static String quoted(String v) {
        return v.isEmpty() || v.indexOf(' ') >= 0 || v.indexOf('"') >= 0 ? '"' + v.replace("\"", "\\\"") + '"' : v;
    }

    /** A time ago ({@code 30m}, {@code 1h}, {@code 2d}), a date (midnight UTC) or an instant. */
    static final class PointInTime implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            try {
                return TraceTime.parse(value, Instant.now());
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("not a time: " + value
                        + " (examples: 30m, 1h, 2d, 2025-06-01, 2025-06-01T10:00:00Z; years 0000 to 9999)");
            }
        }
    }
}
