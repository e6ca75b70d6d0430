package dev.tern.cli;

import dev.tern.config.Sizes;
import dev.tern.directory.Account;
import dev.tern.directory.DirectoryException;
import dev.tern.mailbox.MailboxAccess;
import dev.tern.mailbox.MailboxRights;
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

@Command(name = "mailbox", description = "Look into an account's mailboxes, import mail into them or export it.",
        subcommands = {MailboxCommand.ListMessages.class, MailboxCommand.Cat.class, MailboxCommand.Import.class,
                MailboxCommand.Export.class,
                MailboxCommand.Share.class, MailboxCommand.Unshare.class, MailboxCommand.Acl.class})
final class MailboxCommand {

    static Account account(Services s, String address) {
        return s.directory().user(address).orElseThrow(() -> DirectoryException.notFound("no such account: " + address));
    }

    @Command(name = "share", description = "Let another account (or anyone of the owner's domain) use one of an "
            + "account's mailboxes: it appears to them as Shared/OWNER/MAILBOX (docs/sharing.md).")
    static final class Share extends AdminCommand {
        @Parameters(index = "0", paramLabel = "ADDRESS", description = "The owner of the mailbox.")
        String address;

        @Parameters(index = "1", paramLabel = "MAILBOX")
        String mailbox;

        @Parameters(index = "2", paramLabel = "GRANTEE", description = "An account's address, or anyone.")
        String grantee;

        @Option(names = {"-r", "--rights"}, paramLabel = "RIGHTS", defaultValue = "lrs",
                description = "RFC 4314 rights (default: lrs, to read and mark read; lrswipkxte to do everything "
                        + "but share it further); +RIGHTS adds to what the grantee has, -RIGHTS takes away.")
        String rights;

        @Override
        int run(Services s, PrintWriter out) {
            Account owner = account(s, address);
            MailboxRights after = s.mailboxes().access().setRights(owner.id(), mailbox, grantee,
                    MailboxAccess.RightsChange.parse(rights));
            out.println(after.isEmpty() ? grantee + " no longer has " + mailbox + " of " + owner.display()
                    : grantee + " has " + after.letters() + " on " + mailbox + " of " + owner.display()
                    + ", seen as " + MailboxAccess.SHARED + "/" + owner.address() + "/" + mailbox);
            return 0;
        }
    }

    @Command(name = "unshare", description = "Take back what a mailbox was shared with.")
    static final class Unshare extends AdminCommand {
        @Parameters(index = "0", paramLabel = "ADDRESS")
        String address;

        @Parameters(index = "1", paramLabel = "MAILBOX")
        String mailbox;

        @Parameters(index = "2", paramLabel = "GRANTEE", description = "An account's address, or anyone.")
        String grantee;

        @Override
        int run(Services s, PrintWriter out) {
            Account owner = account(s, address);
            s.mailboxes().access().deleteRights(owner.id(), mailbox, grantee);
            out.println(grantee + " no longer has " + mailbox + " of " + owner.display());
            return 0;
        }
    }

    @Command(name = "acl", description = "Show who may use a mailbox, and how (its RFC 4314 access control list).")
    static final class Acl extends AdminCommand {
        @Parameters(index = "0", paramLabel = "ADDRESS")
        String address;

        @Parameters(index = "1", paramLabel = "MAILBOX")
        String mailbox;

        @Override
        int run(Services s, PrintWriter out) {
            Account owner = account(s, address);
            for (MailboxAccess.Grant g : s.mailboxes().access().acl(owner.id(), mailbox)) {
                out.printf("%-40s %s%n", g.identifier(), g.rights().letters());
            }
            return 0;
        }
    }

    @Command(name = "import", description = "Import a Maildir (with its folders) or an mbox file into an account's "
            + "mailboxes, with flags and dates (docs/migration.md).")
    static final class Import extends AdminCommand {
        @Parameters(index = "0", paramLabel = "ADDRESS")
        String address;

        @Parameters(index = "1", paramLabel = "PATH", description = "A Maildir directory (holding cur/) or an mbox file.")
        java.nio.file.Path path;

        @Option(names = {"-m", "--mailbox"}, paramLabel = "NAME", description = "For an mbox: its mailbox (default "
                + "INBOX). For a Maildir: the mailbox of its top folder, and the parent of its subfolders (default: "
                + "INBOX, and the subfolders at the top level).")
        String mailbox;

        @Option(names = "--pop3-uidl-format", paramLabel = "FORMAT", defaultValue = "%08Xu%08Xv",
                description = "The pop3_uidl_format of the Dovecot the mail comes from (default: Dovecot's, "
                        + "%%08Xu%%08Xv), so that messages put into INBOX keep their POP3 ids and POP3 clients that "
                        + "leave mail on the server do not download it again; \"none\" to keep none.")
        String pop3UidlFormat;

        @Override
        int run(Services s, PrintWriter out) throws Exception {
            Account a = account(s, address);
            dev.tern.mailimport.MailImport.Result r;
            String format = pop3UidlFormat.equalsIgnoreCase("none") ? null : pop3UidlFormat;
            try {
                r = new dev.tern.mailimport.MailImport(s.mailboxes()).from(a.id(), path, mailbox, format, line -> {
                    out.println(line);
                    out.flush();
                });
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("cannot import " + path + ": " + e.getMessage());
            }
            out.println("imported " + r.total() + " message(s), " + Sizes.format(r.bytes()) + ", into " + a.display()
                    + (r.present() > 0 ? "; " + r.present() + " message(s) were there already" : ""));
            if (r.pop3Ids() > 0) {
                out.println("POP3 ids kept for " + r.pop3Ids() + " message(s) of INBOX, as the other server gave them");
            }
            for (String skipped : r.skipped()) {
                out.println("not imported: " + skipped);
            }
            s.mailboxes().quota(a.id()).filter(q -> q.used() > q.limit()).ifPresent(q -> out.println(
                    "note: " + a.display() + " now holds " + Sizes.format(q.used()) + ", over its quota of "
                            + Sizes.format(q.limit()) + ": new mail for it waits (452 Mailbox full) until some is deleted"));
            return r.skipped().isEmpty() ? 0 : 1;
        }
    }

    @Command(name = "export", description = "Write an account's mailboxes into a new Maildir, as Dovecot keeps "
            + "mail: folders, flags, keywords, UIDs, received dates and subscriptions (docs/migration.md).")
    static final class Export extends AdminCommand {
        @Parameters(index = "0", paramLabel = "ADDRESS")
        String address;

        @Parameters(index = "1", paramLabel = "DIR", description = "A directory that does not exist yet, or is empty.")
        java.nio.file.Path path;

        @Option(names = {"-m", "--mailbox"}, paramLabel = "NAME",
                description = "Only this mailbox, written as the Maildir's top folder (default: every mailbox).")
        String mailbox;

        @Override
        int run(Services s, PrintWriter out) throws Exception {
            Account a = account(s, address);
            dev.tern.mailexport.MaildirExport.Result r;
            try {
                r = new dev.tern.mailexport.MaildirExport(s.mailboxes(), s.config().hostname())
                        .to(a.id(), path, mailbox, line -> {
                            out.println(line);
                            out.flush();
                        });
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("cannot export into " + path + ": " + e.getMessage());
            }
            out.println("exported " + r.total() + " message(s), " + Sizes.format(r.bytes()) + ", of "
                    + r.messages().size() + " mailbox(es) of " + a.display() + " into " + path);
            for (String note : r.notes()) {
                out.println("note: " + note);
            }
            return 0;
        }
    }

    @Command(name = "list", description = "List an account's mailboxes and the messages of one of them.")
    static final class ListMessages extends AdminCommand {
        @Parameters(paramLabel = "ADDRESS")
        String address;

        @Option(names = {"-m", "--mailbox"}, paramLabel = "NAME", description = "Mailbox to list (default: INBOX).")
        String mailbox = MailboxService.INBOX;

        @Option(names = {"-n", "--limit"}, paramLabel = "N",
                description = "List the newest N messages of the mailbox (default: 50; 0 for all).")
        int limit = 50;

        @Override
        int run(Services s, PrintWriter out) throws Exception {
            if (limit < 0) {
                throw new IllegalArgumentException("--limit: must be 0 (all) or more, got " + limit);
            }
            Account a = account(s, address);
            List<Rows.Mailbox> boxes = s.mailboxes().mailboxes(a.id());
            int width = boxes.stream().mapToInt(b -> b.name().length()).max().orElse(0);
            Rows.Mailbox chosen = null;
            long chosenCount = 0;
            for (Rows.Mailbox b : boxes) {
                Rows.MailboxCounts counts = s.mailboxes().counts(b.id());
                out.printf("%-" + width + "s %7d message(s) %5d unseen %9s%s%n", b.name(), counts.messages(),
                        counts.unseen(), Sizes.format(counts.size()), b.specialUse() == null ? "" : "  " + b.specialUse());
                if (b.name().equals(mailbox)) {
                    chosen = b;
                    chosenCount = counts.messages();
                }
            }
            if (chosen == null) {
                throw new IllegalArgumentException("no mailbox " + mailbox + " for " + a.display());
            }
            out.println();
            out.println(chosen.name() + " (UIDVALIDITY " + chosen.uidValidity() + "):");
            out.printf("%6s  %-20s %8s  %-30s %s%n", "UID", "RECEIVED", "SIZE", "FROM", "SUBJECT");
            List<Rows.Message> shown = limit == 0 ? s.mailboxes().messages(chosen.id())
                    : s.mailboxes().newest(chosen, limit);
            for (Rows.Message m : shown) {
                HeaderSummary h;
                try (InputStream in = s.mailboxes().open(m)) {
                    h = HeaderSummary.read(in);
                }
                out.printf("%6d  %-20s %8d  %-30s %s%n", m.uid(), m.internalDate().toString().substring(0, 19),
                        m.size(), truncate(h.get("from"), 30), h.get("subject"));
            }
            if (shown.size() < chosenCount) {
                out.println("-- the newest " + shown.size() + " of " + chosenCount + " messages; --limit N for more, 0 for all");
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
