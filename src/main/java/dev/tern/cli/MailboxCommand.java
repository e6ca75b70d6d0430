package dev.tern.cli;

import dev.tern.directory.Account;
import dev.tern.directory.DirectoryException;
import dev.tern.mailbox.MailboxService;
import dev.tern.message.HeaderSummary;
import dev.tern.server.Services;
import dev.tern.store.Rows;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.InputStream;
import java.io.PrintWriter;
import java.util.List;

@Command(name = "mailbox", description = "Look into an account's mailboxes.",
        subcommands = {MailboxCommand.ListMessages.class, MailboxCommand.Cat.class})
final class MailboxCommand {

    static Account account(Services s, String address) {
        return s.directory().user(address).orElseThrow(() -> DirectoryException.notFound("no such account: " + address));
    }

    @Command(name = "list", description = "List an account's mailboxes and the messages of one of them.")
    static final class ListMessages extends AdminCommand {
        @Parameters(paramLabel = "ADDRESS")
        String address;

        @Option(names = {"-m", "--mailbox"}, paramLabel = "NAME", description = "Mailbox to list (default: INBOX).")
        String mailbox = MailboxService.INBOX;

        @Override
        int run(Services s, PrintWriter out) throws Exception {
            Account a = account(s, address);
            List<Rows.Mailbox> boxes = s.mailboxes().mailboxes(a.id());
            Rows.Mailbox chosen = null;
            for (Rows.Mailbox b : boxes) {
                int count = s.mailboxes().messages(b.id()).size();
                out.printf("%-10s %5d message(s)%s%n", b.name(), count, b.specialUse() == null ? "" : "  " + b.specialUse());
                if (b.name().equals(mailbox)) {
                    chosen = b;
                }
            }
            if (chosen == null) {
                throw new IllegalArgumentException("no mailbox " + mailbox + " for " + a.display());
            }
            out.println();
            out.println(chosen.name() + " (UIDVALIDITY " + chosen.uidValidity() + "):");
            out.printf("%6s  %-20s %8s  %-30s %s%n", "UID", "RECEIVED", "SIZE", "FROM", "SUBJECT");
            for (Rows.Message m : s.mailboxes().messages(chosen.id())) {
                HeaderSummary h;
                try (InputStream in = s.mailboxes().open(m)) {
                    h = HeaderSummary.read(in);
                }
                out.printf("%6d  %-20s %8d  %-30s %s%n", m.uid(), m.internalDate().toString().substring(0, 19),
                        m.size(), truncate(h.get("from"), 30), h.get("subject"));
            }
            return 0;
        }

        private static String truncate(String s, int n) {
            return s.length() <= n ? s : s.substring(0, n - 1) + "…";
        }
    }

    @Command(name = "cat", description = "Print a message exactly as stored.")
    static final class Cat extends AdminCommand {
        @Parameters(index = "0", paramLabel = "ADDRESS")
        String address;

        @Parameters(index = "1", paramLabel = "UID")
        long uid;

        @Option(names = {"-m", "--mailbox"}, paramLabel = "NAME", description = "Mailbox (default: INBOX).")
        String mailbox = MailboxService.INBOX;

        @Override
        int run(Services s, PrintWriter out) throws Exception {
            Account a = account(s, address);
            Rows.Message m = s.mailboxes().message(a.id(), mailbox, uid)
                    .orElseThrow(() -> new IllegalArgumentException("no message with UID " + uid + " in " + mailbox));
            out.flush();
            try (InputStream in = s.mailboxes().open(m)) {
                in.transferTo(System.out);
            }
            System.out.flush();
            return 0;
        }
    }
}
