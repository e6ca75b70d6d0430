package dev.tern.imap.server;

import dev.tern.imap.protocol.ImapCommand;
import dev.tern.imap.protocol.ResponseCode;
import dev.tern.imap.protocol.ResponseWriter;
import dev.tern.mailbox.MailboxAccess;
import dev.tern.mailbox.MailboxService;
import dev.tern.mailbox.QuotaUsage;

import java.util.Optional;

/**
 * The QUOTA extension (RFC 9208), read-only: what clients show as "x of y used" (Thunderbird,
 * Roundcube, K-9). An account with a quota (`tern user quota`) has one quota root, named {@code ""}
 * as in the RFC's examples, over all its mailboxes, with the STORAGE resource in units of 1024
 * octets; an account without one has no quota root. SETQUOTA is refused: quotas are set by the
 * administrator, and QUOTASET is not announced.
 */
final class QuotaCommands {

    static final String ROOT = "";

    private record RootAnswer(String mailbox, Optional<QuotaUsage> quota) {
    }

    private QuotaCommands() {
    }

    /** Octets as STORAGE counts them: whole units of 1024 octets (as Dovecot rounds). */
    static long kibibytes(long octets) {
        return octets / 1024;
    }

    static void getQuotaRoot(ImapSession s, String tag, ImapCommand.GetQuotaRoot c) {
        MailboxService mailboxes = s.context().mailboxes();
        long account = s.user().accountId();
        s.onStorage(() -> {
            MailboxAccess.Reached reached = mailboxes.access().reach(account, c.mailbox());
            // Another account's mailbox counts against that account's quota, which is not the user's to see.
            return new RootAnswer(reached.name(), reached.own() ? mailboxes.quota(account) : Optional.empty());
        }, (answer, error) -> {
            if (error != null) {
                s.failed(tag, error, "GETQUOTAROOT");
                return;
            }
            ResponseWriter w = s.writer();
            w.untagged().atom("QUOTAROOT").mailbox(answer.mailbox());
            if (answer.quota().isPresent()) {
                w.string(ROOT);
            }
            w.end();
            answer.quota().ifPresent(q -> writeQuota(w, q));
            s.completed(tag, "GETQUOTAROOT completed");
        });
    }

    static void getQuota(ImapSession s, String tag, ImapCommand.GetQuota c) {
        MailboxService mailboxes = s.context().mailboxes();
        long account = s.user().accountId();
        s.onStorage(() -> mailboxes.quota(account), (quota, error) -> {
            if (error != null) {
                s.failed(tag, error, "GETQUOTA");
                return;
            }
            if (!c.root().equals(ROOT) || quota.isEmpty()) {
                s.no(tag, ResponseCode.nonExistent(), "no quota root named \"" + printable(c.root()) + "\" here");
                return;
            }
            writeQuota(s.writer(), quota.get());
            s.completed(tag, "GETQUOTA completed");
        });
    }

    static void setQuota(ImapSession s, String tag) {
        s.no(tag, ResponseCode.of("NOPERM"), "quotas are set by the server's administrator");
    }

    private static void writeQuota(ResponseWriter w, QuotaUsage q) {
        w.untagged().atom("QUOTA").string(ROOT).openList()
                .atom("STORAGE").number(kibibytes(q.used())).number(kibibytes(q.limit()))
                .closeList().end();
    }

    private static String printable(String root) {
        String cut = root.length() > 64 ? root.substring(0, 64) + "..." : root;
        return cut.replaceAll("[^\\x20-\\x7e]", "?").replace("\"", "'");
    }
}
