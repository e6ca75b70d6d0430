package dev.tern.delivery.dsn;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The words of a report: its Subject and the text/plain first part (RFC 6522 §3), which says in
 * plain language what happened to each recipient and why, quoting the remote server's reply.
 *
 * <p>Security: only what the request carries is shown (addresses, status codes, remote replies,
 * reasons chosen by the delivery agents), each cleaned to one line; nothing about Tern's
 * internals, such as exceptions or file paths.
 */
final class HumanReadableReport {

    private static final int WIDTH = 76;
    private static final String INDENT = "    ";

    private HumanReadableReport() {
    }

    /** The Subject, by the most serious action in the report. */
    static String subject(DsnAction mostSerious) {
        return switch (mostSerious) {
            case FAILED -> "Undelivered Mail Returned to Sender";
            case DELAYED -> "Delayed Mail (still being retried)";
            case RELAYED -> "Mail Relayed (no further notifications)";
            case EXPANDED -> "Mail Delivered to a List or Alias";
            case DELIVERED -> "Successful Mail Delivery Report";
        };
    }

    static String render(DsnRequest request, ReturnedContent returned, int sizeLimit, ZoneId zone) {
        StringBuilder b = new StringBuilder(1024);
        paragraph(b, "This is the mail delivery system at " + request.reportingMta() + ".");
        paragraph(b, introduction(request.mostSeriousAction()));
        Map<DsnAction, List<DsnRecipientReport>> byAction = new EnumMap<>(DsnAction.class);
        for (DsnRecipientReport r : request.recipients()) {
            byAction.computeIfAbsent(r.action(), a -> new ArrayList<>()).add(r);
        }
        byAction.forEach((action, recipients) -> {
            paragraph(b, heading(action));
            for (DsnRecipientReport r : recipients) {
                recipient(b, r, zone);
            }
            b.append("\r\n");
        });
        paragraph(b, returnedSentence(returned, sizeLimit));
        wrapLines(b, "If you ask your postmaster for help, please include this report; it names the"
                + " message by its queue ID " + FieldText.singleLine(request.queueId(), false, 100) + ".", "");
        return b.toString();
    }

    private static String introduction(DsnAction mostSerious) {
        return switch (mostSerious) {
            case FAILED -> "I'm sorry to have to tell you that your message could not be delivered to one"
                    + " or more recipients. The details are below.";
            case DELAYED -> "Your message has not been delivered yet to one or more recipients. This is only a"
                    + " warning: delivery is still being tried, and you need not send the message again."
                    + " You will be told if it fails for good.";
            default -> "This is the delivery report you asked for when you sent your message.";
        };
    }

    private static String heading(DsnAction action) {
        return switch (action) {
            case FAILED -> "Your message could not be delivered to these recipients:";
            case DELAYED -> "Delivery to these recipients has been delayed, and is being retried:";
            case RELAYED -> "Your message was passed on for these recipients to a mail system that sends no"
                    + " delivery reports, so you will hear nothing more about them:";
            case EXPANDED -> "Your message was delivered to these addresses, which forward it to further"
                    + " recipients:";
            case DELIVERED -> "Your message was delivered to these recipients:";
        };
    }

    private static void recipient(StringBuilder b, DsnRecipientReport r, ZoneId zone) {
        b.append("  <").append(FieldText.singleLine(r.finalRecipient(), true, 998)).append(">\r\n");
        if (r.originalRecipient() != null) {
            String original = ReportAddress.original(r.originalRecipient(), true);
            wrap(b, "originally addressed to " + original.substring(original.indexOf(';') + 2));
        }
        String diagnostic = r.diagnosticCode() == null ? "" : FieldText.singleLine(r.diagnosticCode(), true, 900);
        String remote = r.remoteMta() == null ? "" : FieldText.singleLine(r.remoteMta(), true, 255);
        if (r.hasRemoteReply()) {
            wrap(b, remote + " said: " + diagnostic);
        } else {
            if (!remote.isEmpty()) {
                wrap(b, "Remote server: " + remote);
            }
            if (!diagnostic.isEmpty()) {
                wrap(b, "Reason: " + diagnostic);
            }
        }
        wrap(b, "Status: " + r.status());
        if (r.willRetryUntil() != null) {
            wrap(b, "Will be retried until " + FieldText.date(r.willRetryUntil(), zone));
        }
    }

    private static String returnedSentence(ReturnedContent returned, int sizeLimit) {
        return switch (returned) {
            case FULL_MESSAGE -> "The original message is attached.";
            case HEADERS -> "The header section of the original message is attached.";
            case HEADERS_BECAUSE_TOO_LARGE -> "The original message was larger than " + sizeLimit
                    + " bytes, so only its header section is attached.";
            case NONE -> "The original message could not be attached.";
        };
    }

    private static void paragraph(StringBuilder b, String text) {
        wrapLines(b, text, "");
        b.append("\r\n");
    }

    private static void wrap(StringBuilder b, String text) {
        wrapLines(b, text, INDENT);
    }

    /** Word-wraps one line of text at {@value #WIDTH} columns; a longer word gets a line of its own. */
    private static void wrapLines(StringBuilder b, String text, String indent) {
        StringBuilder line = new StringBuilder(indent);
        for (String word : text.split(" ")) {
            if (word.isEmpty()) {
                continue;
            }
            if (line.length() > indent.length() && line.length() + 1 + word.length() > WIDTH) {
                b.append(line).append("\r\n");
                line.setLength(0);
                line.append(indent);
            }
            if (line.length() > indent.length()) {
                line.append(' ');
            }
            line.append(word);
        }
        b.append(line).append("\r\n");
    }
}
