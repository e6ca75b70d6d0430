package dev.tern.cli;

import dev.tern.credentials.CredentialRequest;
import dev.tern.credentials.NewSmtpCredential;
import dev.tern.credentials.SendRate;
import dev.tern.credentials.SmtpCredential;
import dev.tern.server.Services;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

@Command(name = "credential", description = "Manage SMTP credentials of applications: logins that may only send mail.",
        subcommands = {CredentialCommand.Create.class, CredentialCommand.ListCredentials.class,
                CredentialCommand.Revoke.class})
final class CredentialCommand {

    @Command(name = "create", description = "Make a credential and print its user name and secret (shown this once).")
    static final class Create extends AdminCommand {
        @Option(names = "--domain", paramLabel = "DOMAIN", required = true,
                description = "The local domain it belongs to; without --sender it may send as any address of it.")
        String domain;

        @Option(names = "--sender", paramLabel = "ADDRESS",
                description = "An address, or @domain, of a local domain it may send as (MAIL FROM and From:); repeatable.")
        List<String> senders = new ArrayList<>();

        @Option(names = "--rate", paramLabel = "N/WINDOW",
                description = "At most N messages per window, e.g. 100/1h (window in s, m, h or d).")
        String rate;

        @Option(names = "--name", paramLabel = "NAME",
                description = "Its user name: an address, or a local part in DOMAIN (default: app-<random>@DOMAIN).")
        String name;

        @Option(names = "--cram-md5", description = "Also keep the CRAM-MD5 secret, which is password-equivalent "
                + "(see docs/adr/0003-stored-secrets.md); without it, the credential cannot use CRAM-MD5.")
        boolean cramMd5;

        @Override
        int run(Services s, PrintWriter out) {
            SendRate limit = rate == null ? null : SendRate.parse(rate);
            NewSmtpCredential made = s.smtpCredentials().create(new CredentialRequest(domain, senders, limit, name, cramMd5));
            SmtpCredential c = made.credential();
            out.println("created SMTP credential " + c.name());
            out.println("user name: " + c.name());
            out.println("secret:    " + made.secret());
            out.println("senders:   " + c.senders().format());
            out.println("rate:      " + (c.rate() == null ? "no limit of its own" : c.rate().describe()));
            out.println("The secret is shown only now: store it in the application's settings. Send on port 587 "
                    + "(STARTTLS) or 465 (TLS) with AUTH PLAIN, LOGIN or SCRAM-SHA-256"
                    + (c.cramMd5() ? " or CRAM-MD5." : "."));
            return 0;
        }
    }

    @Command(name = "list", description = "List credentials, of one domain or of all, with their use.")
    static final class ListCredentials extends AdminCommand {
        @Option(names = "--domain", paramLabel = "DOMAIN", description = "Only the credentials of this domain.")
        String domain;

        @Override
        int run(Services s, PrintWriter out) {
            List<SmtpCredential> all = s.smtpCredentials().list(domain);
            if (all.isEmpty()) {
                out.println("no SMTP credentials; make one with: tern credential create --domain DOMAIN");
                return 0;
            }
            int nameWidth = Math.max(4, all.stream().mapToInt(c -> c.name().length()).max().orElse(0));
            int senderWidth = Math.max(7, all.stream().mapToInt(c -> c.senders().format().length()).max().orElse(0));
            String format = "%-" + nameWidth + "s  %-" + senderWidth + "s  %-8s  %8s  %-20s  %s";
            out.println(String.format(format, "NAME", "SENDERS", "RATE", "MESSAGES", "LAST USED", "STATUS"));
            for (SmtpCredential c : all) {
                out.println(String.format(format, c.name(), c.senders().format(), c.rate() == null ? "-" : c.rate(),
                        c.messagesSent(), c.lastUsedAt() == null ? "never" : time(c.lastUsedAt()),
                        c.revoked() ? "revoked " + time(c.revokedAt()) : "active"));
            }
            return 0;
        }
    }

    @Command(name = "revoke", description = "Revoke a credential: it can no longer authenticate or send.")
    static final class Revoke extends AdminCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run(Services s, PrintWriter out) {
            SmtpCredential c = s.smtpCredentials().revoke(name);
            out.println("revoked SMTP credential " + c.name() + " (it sent " + c.messagesSent() + " message(s))");
            return 0;
        }
    }

    private static String time(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
