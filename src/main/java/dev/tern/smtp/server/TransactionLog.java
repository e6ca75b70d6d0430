package dev.tern.smtp.server;

import dev.tern.mail.MailAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one log line per SMTP transaction, in the spirit of Postfix's: grep-able by queue id, with
 * the client, the envelope and the outcome, e.g.
 * <pre>
 * 4XkQ2: client=unknown[192.0.2.1] from=&lt;a@b&gt; to=&lt;c@d&gt;,&lt;e@f&gt; size=1234 result=queued
 * NOQUEUE: client=unknown[192.0.2.1] from=&lt;a@b&gt; to=&lt;x@y&gt; result=rejected code=550 status=5.7.1 text="Relay access denied"
 * </pre>
 * Logger {@code dev.tern.smtp}.
 */
final class TransactionLog {

    static final Logger LOG = LoggerFactory.getLogger("dev.tern.smtp");

    private TransactionLog() {
    }

    static void queued(String client, Transaction t) {
        LOG.info("{}: client={} {} size={} result=queued", t.queueId(), client, t.describe(), t.body().size());
    }

    static void discarded(String client, Transaction t) {
        LOG.info("{}: client={} {} size={} result=discarded by a mail filter", t.queueId(), client, t.describe(),
                t.body().size());
    }

    static void refused(String client, Transaction t, SmtpReply reply) {
        LOG.info("{}: client={} {} size={} result=rejected {}", t.queueId(), client, t.describe(),
                t.body().size(), outcome(reply));
    }

    static void aborted(String client, Transaction t, String reason) {
        LOG.info("{}: client={} {} size={} result=aborted reason=\"{}\"", t.queueId(), client, t.describe(),
                t.body().size(), reason);
    }

    static void recipientRefused(String client, Transaction t, MailAddress recipient, SmtpReply reply) {
        MailAddress sender = t.mail().sender();
        LOG.info("NOQUEUE: client={} from=<{}> to=<{}> result=rejected {}", client,
                sender == null ? "" : sender, recipient, outcome(reply));
    }

    static void senderRefused(String client, MailAddress sender, SmtpReply reply) {
        LOG.info("NOQUEUE: client={} from=<{}> result=rejected {}", client, sender == null ? "" : sender, outcome(reply));
    }

    private static String outcome(SmtpReply reply) {
        return "code=" + reply.code() + " status=" + reply.enhancedCode() + " text=\""
                + SmtpReply.printable(String.join(" ", reply.lines())).replace('"', '\'') + "\"";
    }
}
