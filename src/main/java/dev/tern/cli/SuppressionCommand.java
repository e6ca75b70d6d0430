package dev.tern.cli;

import dev.tern.config.Durations;
import dev.tern.server.Services;
import dev.tern.store.Rows;
import dev.tern.suppression.SuppressionList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.List;

@Command(name = "suppression", description = "Manage the suppression list: addresses of other domains that "
        + "outbound mail is not sent to (their server refused them as nonexistent, or you listed them).",
        subcommands = {SuppressionCommand.ListEntries.class, SuppressionCommand.Show.class, SuppressionCommand.Add.class,
                SuppressionCommand.Delete.class})
final class SuppressionCommand {

    @Command(name = "list", description = "List suppressed addresses, of one domain or of all.")
    static final class ListEntries extends AdminCommand {
        @Parameters(paramLabel = "DOMAIN", arity = "0..1")
        String domain;

        @Option(names = "--limit", paramLabel = "N", description = "At most this many (default 100).")
        int limit = 100;

        @Override
        int run(Services s, PrintWriter out) {
            List<Rows.Suppression> entries = s.suppressions().list(domain, null, Math.max(1, limit));
            for (Rows.Suppression e : entries) {
                out.println(line(e));
            }
            if (entries.isEmpty()) {
                out.println("no suppressed addresses" + (domain == null ? "" : " in " + domain));
            }
            return 0;
        }
    }

    @Command(name = "show", description = "Say whether an address is suppressed, and why.")
    static final class Show extends AdminCommand {
        @Parameters(paramLabel = "ADDRESS")
        String address;

        @Override
        int run(Services s, PrintWriter out) {
            var entry = s.suppressions().find(address);
            if (entry.isEmpty()) {
                out.println(address + " is not suppressed");
                return 1;
            }
            Rows.Suppression e = entry.get();
            out.println("address:  " + e.address());
            boolean bounce = SuppressionList.BOUNCE.equals(e.reason());
            out.println("reason:   " + (bounce ? "hard bounce (" + e.status() + ")" : "listed by hand"));
            out.println("since:    " + e.createdAt());
            out.println("until:    " + (e.expiresAt() == null ? "removed" : e.expiresAt()));
            if (e.detail() != null) {
                out.println("detail:   " + e.detail());
            }
            if (e.queueId() != null) {
                out.println("message:  " + e.queueId() + " (bin/tern trace " + e.queueId() + ")");
            }
            return 0;
        }
    }

    @Command(name = "add", description = "Stop sending to ADDRESS: its mail bounces at once.")
    static final class Add extends AdminCommand {
        @Parameters(paramLabel = "ADDRESS")
        String address;

        @Option(names = "--note", paramLabel = "TEXT", description = "Why, shown with the entry.")
        String note;

        @Option(names = "--for", paramLabel = "DURATION", description = "For this long (\"30d\"); default: until deleted.")
        String keepFor;

        @Override
        int run(Services s, PrintWriter out) {
            Rows.Suppression e = s.suppressions().add(address, note, keepFor == null ? null : Durations.parse(keepFor));
            out.println("suppressed " + e.address()
                    + (e.expiresAt() == null ? " until deleted" : " until " + e.expiresAt()));
            return 0;
        }
    }

    @Command(name = "delete", description = "Send to the given addresses again, or to every address of --domain.")
    static final class Delete extends AdminCommand {
        @Parameters(paramLabel = "ADDRESS", arity = "0..*")
        List<String> addresses = List.of();

        @Option(names = "--domain", paramLabel = "DOMAIN", description = "Every suppressed address of this domain.")
        String domain;

        @Override
        int run(Services s, PrintWriter out) {
            if (addresses.isEmpty() == (domain == null)) {
                throw new IllegalArgumentException("name the addresses to delete, or --domain, not both");
            }
            if (domain != null) {
                int n = s.suppressions().deleteDomain(domain);
                out.println("deleted " + n + " suppressed address(es) of " + domain);
                return 0;
            }
            int missing = 0;
            for (String a : addresses) {
                if (s.suppressions().delete(a)) {
                    out.println("deleted " + a);
                } else {
                    out.println(a + " was not suppressed");
                    missing++;
                }
            }
            return missing == 0 ? 0 : 1;
        }
    }

    /** One entry on one line: address, why, since, until. */
    static String line(Rows.Suppression e) {
        String why = SuppressionList.BOUNCE.equals(e.reason()) ? "bounce " + e.status() : "manual";
        return e.address() + "  " + why + "  since " + e.createdAt() + "  until "
                + (e.expiresAt() == null ? "deleted" : e.expiresAt().toString())
                + (e.detail() == null ? "" : "  " + e.detail());
    }
}
