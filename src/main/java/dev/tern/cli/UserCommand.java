package dev.tern.cli;

import dev.tern.config.Sizes;
import dev.tern.directory.Account;
import dev.tern.server.Services;
import dev.tern.store.Rows;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;

@Command(name = "user", description = "Manage accounts (mail users).",
        subcommands = {UserCommand.Add.class, UserCommand.ListUsers.class, UserCommand.Passwd.class,
                UserCommand.Delete.class, UserCommand.Enable.class, UserCommand.Disable.class,
                UserCommand.SendAs.class, UserCommand.Quota.class, UserCommand.Import.class})
final class UserCommand {

    /** A command that sets an account's password, and with it (or not) its CRAM-MD5 secret. */
    abstract static class WithPassword extends PasswordCommand {
        @Option(names = "--cram-md5", description = "Also keep the CRAM-MD5 secret, which is password-equivalent "
                + "(see docs/adr/0003-stored-secrets.md); without it, the account cannot use CRAM-MD5.")
        boolean cramMd5;

        @Option(names = "--password-hash", paramLabel = "HASH", description = "Keep this hash made by another server "
                + "instead of a password, e.g. '{SHA512-CRYPT}$6$…' from Dovecot; the first login it accepts replaces it "
                + "with Tern's own (docs/migration.md).")
        String passwordHash;

        /** Refuses options that do not go with a hash. */
        void checkHashOptions() {
            if (passwordHash != null && (passwordStdin || cramMd5)) {
                throw new IllegalArgumentException("--password-hash takes the place of a password: "
                        + "not with --password-stdin or --cram-md5");
            }
        }

        /** Says so when the secret was kept but the server does not offer CRAM-MD5. */
        void noteIfNotOffered(Services s, PrintWriter out) {
            if (cramMd5 && !s.config().auth().cramMd5()) {
                out.println("note: CRAM-MD5 is offered only with [auth] cram_md5 = true in the config");
            }
        }
    }

    @Command(name = "add", description = "Add an account with its mailboxes.")
    static final class Add extends WithPassword {
        @Parameters(paramLabel = "ADDRESS")
        String address;

        @Override
        int run(Services s, PrintWriter out) throws Exception {
            checkHashOptions();
            if (passwordHash != null) {
                Account a = s.directory().addUserWithHash(address, passwordHash);
                out.println("added user " + a.display() + " with the password hash given");
                return 0;
            }
            PasswordCommand.Chosen pw = password(address);
            Account a = s.directory().addUser(address, pw.password(), cramMd5);
            out.println("added user " + a.display());
            pw.showIfGenerated(out);
            noteIfNotOffered(s, out);
            return 0;
        }
    }

    @Command(name = "import", description = "Add the accounts of a Dovecot passwd-file (lines user@domain:{SCHEME}hash:…) "
            + "with their password hashes and quotas; a hash is replaced by Tern's own at the account's first login "
            + "(docs/migration.md).")
    static final class Import extends AdminCommand {
        @Parameters(paramLabel = "FILE")
        java.nio.file.Path file;

        @Option(names = "--domain", paramLabel = "DOMAIN", description = "The domain of user names without one "
                + "(a passwd-file per domain).")
        String domain;

        @Override
        int run(Services s, PrintWriter out) throws Exception {
            int added = 0;
            int refused = 0;
            int lineNumber = 0;
            for (String line : java.nio.file.Files.readAllLines(file, java.nio.charset.StandardCharsets.UTF_8)) {
                lineNumber++;
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                String[] fields = t.split(":", -1);
                String where = file.getFileName() + ":" + lineNumber + ": ";
                if (fields.length < 2 || fields[1].isEmpty()) {
                    out.println(where + "not imported: no password field (user:password:…)");
                    refused++;
                    continue;
                }
                String user = fields[0].contains("@") || domain == null ? fields[0] : fields[0] + "@" + domain;
                try {
                    s.directory().addUserWithHash(user, fields[1]);
                    added++;
                    String quota = fields.length > 7 ? DovecotQuota.of(String.join(":", java.util.Arrays.copyOfRange(
                            fields, 7, fields.length))) : null;
                    if (quota != null) {
                        s.directory().setQuota(user, dev.tern.config.Sizes.parse(quota));
                    }
                } catch (dev.tern.directory.DirectoryException | IllegalArgumentException e) {
                    out.println(where + user + " not imported: " + e.getMessage());
                    refused++;
                }
            }
            out.println("added " + added + " account(s)" + (refused == 0 ? "" : ", " + refused + " line(s) not imported"));
            return refused == 0 ? 0 : 1;
        }
    }

    @Command(name = "list", description = "List accounts, of one domain or of all.")
    static final class ListUsers extends AdminCommand {
        @Parameters(paramLabel = "DOMAIN", arity = "0..1")
        String domain;

        @Override
        int run(Services s, PrintWriter out) {
            for (Account a : s.directory().users(domain)) {
                out.println(a.display() + "  " + usage(s, a) + (a.enabled() ? "" : "  (disabled)"));
            }
            return 0;
        }
    }

    /** "used 1.2 MB of 500 MB", or "used 0 B, no quota". */
    static String usage(Services s, Account a) {
        String used = "used " + Sizes.format(s.mailboxes().usage(a.id()));
        return a.quotaBytes() == null ? used + ", no quota" : used + " of " + Sizes.format(a.quotaBytes());
    }

    @Command(name = "quota", description = "Set the most bytes an account's mailboxes may hold together "
            + "(SIZE such as 500MB or 2GB), or none for no limit.")
    static final class Quota extends AdminCommand {
        @Parameters(index = "0", paramLabel = "ADDRESS")
        String address;

        @Parameters(index = "1", paramLabel = "SIZE|none")
        String size;

        @Override
        int run(Services s, PrintWriter out) {
            Long bytes = size.trim().equalsIgnoreCase("none") ? null : Sizes.parse(size);
            s.directory().setQuota(address, bytes);
            Account a = s.directory().user(address).orElseThrow();
            out.println("quota of " + a.display() + ": " + (bytes == null ? "none" : Sizes.format(bytes))
                    + " (" + usage(s, a) + ")");
            return 0;
        }
    }

    @Command(name = "passwd", description = "Set an account's password (without --cram-md5, its CRAM-MD5 secret is removed).")
    static final class Passwd extends WithPassword {
        @Parameters(paramLabel = "ADDRESS")
        String address;

        @Override
        int run(Services s, PrintWriter out) throws Exception {
            s.directory().user(address).orElseThrow(() ->
                    dev.tern.directory.DirectoryException.notFound("no such account: " + address));
            checkHashOptions();
            if (passwordHash != null) {
                s.directory().setPasswordHash(address, passwordHash);
                out.println("password hash set for " + address);
                return 0;
            }
            PasswordCommand.Chosen pw = password(address);
            s.directory().setPassword(address, pw.password(), cramMd5);
            out.println("password changed for " + address);
            pw.showIfGenerated(out);
            noteIfNotOffered(s, out);
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete an account with all its mail.")
    static final class Delete extends AdminCommand {
        @Parameters(paramLabel = "ADDRESS")
        String address;

        @Override
        int run(Services s, PrintWriter out) {
            s.directory().deleteUser(address, s.mailboxes());
            out.println("deleted user " + address);
            return 0;
        }
    }

    @Command(name = "enable", description = "Let a disabled account receive mail and log in again.")
    static final class Enable extends AdminCommand {
        @Parameters(paramLabel = "ADDRESS")
        String address;

        @Override
        int run(Services s, PrintWriter out) {
            s.directory().setEnabled(address, true);
            out.println("enabled user " + address);
            return 0;
        }
    }

    @Command(name = "disable", description = "Keep an account and its mail, but refuse its mail and its logins.")
    static final class Disable extends AdminCommand {
        @Parameters(paramLabel = "ADDRESS")
        String address;

        @Override
        int run(Services s, PrintWriter out) {
            s.directory().setEnabled(address, false);
            out.println("disabled user " + address);
            return 0;
        }
    }

    @Command(name = "send-as", description = "Manage the other sender addresses an account may use (MAIL FROM and From:).",
            subcommands = {SendAsAdd.class, SendAsList.class, SendAsDelete.class})
    static final class SendAs {
    }

    @Command(name = "add", description = "Let ADDRESS send as PATTERN: an address, or @domain for all of a domain's addresses.")
    static final class SendAsAdd extends AdminCommand {
        @Parameters(index = "0", paramLabel = "ADDRESS")
        String address;

        @Parameters(index = "1", paramLabel = "PATTERN")
        String pattern;

        @Override
        int run(Services s, PrintWriter out) {
            String p = s.directory().addSendAs(address, pattern);
            out.println(address + " may send as " + p);
            return 0;
        }
    }

    @Command(name = "list", description = "List send-as permissions, of one account or of all.")
    static final class SendAsList extends AdminCommand {
        @Parameters(paramLabel = "ADDRESS", arity = "0..1")
        String address;

        @Override
        int run(Services s, PrintWriter out) {
            for (Rows.SendAs r : s.directory().sendAs(address)) {
                out.println(r.account() + " may send as " + r.pattern());
            }
            return 0;
        }
    }

    @Command(name = "delete", description = "Withdraw a send-as permission.")
    static final class SendAsDelete extends AdminCommand {
        @Parameters(index = "0", paramLabel = "ADDRESS")
        String address;

        @Parameters(index = "1", paramLabel = "PATTERN")
        String pattern;

        @Override
        int run(Services s, PrintWriter out) {
            String p = s.directory().deleteSendAs(address, pattern);
            out.println(address + " may no longer send as " + p);
            return 0;
        }
    }
}
