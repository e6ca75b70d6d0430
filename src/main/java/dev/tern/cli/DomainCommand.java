package dev.tern.cli;

import dev.tern.directory.DomainDetails;
import dev.tern.directory.DnsRecords;
import dev.tern.onboarding.DomainSetup;
import dev.tern.onboarding.RecordCheck;
import dev.tern.onboarding.VerificationReport;
import dev.tern.security.dkim.DkimKey;
import dev.tern.server.Services;
import dev.tern.store.Rows;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

@Command(name = "domain", description = "Manage the domains this server receives mail for.",
        subcommands = {DomainCommand.Add.class, DomainCommand.ListDomains.class, DomainCommand.Show.class,
                DomainCommand.Verify.class, DomainCommand.Delete.class, DomainCommand.CatchAll.class,
                DomainCommand.Dkim.class})
final class DomainCommand {

    @Command(name = "add", description = "Add a local domain, with an RSA and an Ed25519 DKIM key and an "
            + "ownership token, and print the DNS records to publish.")
    static final class Add extends AdminCommand {
        @Parameters(paramLabel = "DOMAIN")
        String domain;

        @Override
        int run(Services s, PrintWriter out) {
            DomainSetup d = s.onboarding().addDomain(domain);
            out.println("added domain " + d.domain());
            out.println("DKIM keys: " + describe(d.dkimKeys()));
            out.println();
            printRecords(out, d.records());
            out.println();
            out.println("once published, check them with: tern domain verify " + d.domain());
            return 0;
        }
    }

    @Command(name = "list", description = "List local domains.")
    static final class ListDomains extends AdminCommand {
        @Override
        int run(Services s, PrintWriter out) {
            for (Rows.Domain d : s.directory().domains()) {
                out.println(d.name());
            }
            return 0;
        }
    }

    @Command(name = "show", description = "Show a domain and the DNS records to publish for it.")
    static final class Show extends AdminCommand {
        @Parameters(paramLabel = "DOMAIN")
        String domain;

        @Override
        int run(Services s, PrintWriter out) {
            DomainDetails details = DomainDetails.read(s.directory(), s.dkimKeys(), s.config().hostname(), domain);
            Rows.Domain d = details.domain();
            List<DnsRecords.Record> records = s.onboarding().records(d.name());
            Optional<Instant> verified = s.domainOwnership().verifiedAt(d.name());
            out.println("domain:    " + d.name());
            out.println("accounts:  " + details.accounts());
            out.println("aliases:   " + details.aliases());
            out.println("catch-all: " + (d.catchAll() == null ? "(none)" : d.catchAll()));
            out.println("ownership: " + verified.map(t -> "verified " + t)
                    .orElse("not verified (publish the _tern-verify record, then: tern domain verify " + d.name() + ")"));
            out.println();
            printRecords(out, records);
            if (details.dkimKeys().isEmpty()) {
                out.println("; no DKIM keys: mail from " + d.name() + " goes out unsigned; "
                        + "make keys with: tern domain dkim " + d.name() + " --generate");
            }
            return 0;
        }
    }

    static void printRecords(PrintWriter out, List<DnsRecords.Record> records) {
        out.println("DNS records to publish (zone-file syntax):");
        for (DnsRecords.Record r : records) {
            out.println("; " + r.purpose());
            out.println(r.zoneLine());
        }
    }

    @Command(name = "verify", description = "Check in live DNS each record DOMAIN should publish; verify its "
            + "ownership when its token is found. Exits with 1 when a record is missing, different or unknown.")
    static final class Verify extends AdminCommand {
        @Parameters(paramLabel = "DOMAIN")
        String domain;

        @Override
        int run(Services s, PrintWriter out) throws Exception {
            VerificationReport report;
            try {
                report = s.onboarding().verify(domain).get(2, TimeUnit.MINUTES);
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof Exception c ? c : e;
            }
            printReport(out, report);
            return report.complete() ? 0 : 1;
        }
    }

    static void printReport(PrintWriter out, VerificationReport report) {
        int nameWidth = report.checks().stream().mapToInt(c -> c.record().name().length()).max().orElse(4);
        out.println(String.format("%-9s  %-5s  %-" + nameWidth + "s  %s", "STATUS", "TYPE", "NAME", "DETAIL"));
        for (RecordCheck c : report.checks()) {
            DnsRecords.Record r = c.record();
            String type = r.kind() == DnsRecords.Kind.SPF || r.kind() == DnsRecords.Kind.DMARC
                    || r.kind() == DnsRecords.Kind.DKIM ? r.kind().name() : r.type();
            out.println(String.format("%-9s  %-5s  %-" + nameWidth + "s  %s", c.status().word(), type, r.name(), c.detail()));
            String indent = " ".repeat(9 + 2 + 5 + 2);
            if (c.status() == RecordCheck.Status.DIFFERENT) {
                for (String p : c.published()) {
                    out.println(indent + "published: " + p);
                }
                out.println(indent + "expected:  " + c.expected());
            }
            if (c.status() != RecordCheck.Status.FOUND && c.status() != RecordCheck.Status.ERROR) {
                out.println(indent + "publish:   " + r.zoneLine());
            }
        }
        out.println();
        out.println(report.checks().size() + " records: " + report.count(RecordCheck.Status.FOUND) + " found, "
                + report.count(RecordCheck.Status.MISSING) + " missing, "
                + report.count(RecordCheck.Status.DIFFERENT) + " different, "
                + report.count(RecordCheck.Status.ERROR) + " unknown"
                + (report.count(RecordCheck.Status.ERROR) > 0 ? " (DNS did not answer: try again later)" : ""));
        out.println("ownership of " + report.domain() + ": " + (report.ownershipVerified()
                ? "verified " + report.verifiedAt() : "not verified"));
    }

    @Command(name = "delete", description = "Delete a domain that has no accounts or aliases left.")
    static final class Delete extends AdminCommand {
        @Parameters(paramLabel = "DOMAIN")
        String domain;

        @Override
        int run(Services s, PrintWriter out) {
            s.directory().deleteDomain(domain);
            out.println("deleted domain " + domain);
            return 0;
        }
    }

    @Command(name = "dkim", description = "List the DKIM keys of DOMAIN, add a new pair (--generate) or delete one (--delete).")
    static final class Dkim extends AdminCommand {
        @Parameters(paramLabel = "DOMAIN")
        String domain;

        @Option(names = "--generate", description = "Add an RSA and an Ed25519 key with this month's selectors.")
        boolean generate;

        @Option(names = "--delete", paramLabel = "SELECTOR", description = "Delete the key with this selector.")
        String delete;

        @Override
        int run(Services s, PrintWriter out) {
            if (generate && delete != null) {
                throw new IllegalArgumentException("give --generate or --delete, not both");
            }
            if (generate) {
                List<DkimKey> keys = s.dkimKeys().generate(domain);
                out.println("added DKIM keys " + describe(keys) + " to " + domain
                        + "; publish them (tern domain show " + domain + ") before mail is sent");
                return 0;
            }
            if (delete != null) {
                s.dkimKeys().delete(domain, delete);
                out.println("deleted DKIM key " + delete + " of " + domain);
                return 0;
            }
            List<DkimKey> keys = s.dkimKeys().keys(domain);
            if (keys.isEmpty()) {
                out.println("no DKIM keys; add some with: tern domain dkim " + domain + " --generate");
            }
            for (DkimKey k : keys) {
                out.println(k.selector() + "  " + k.algorithm().tagValue());
            }
            return 0;
        }
    }

    private static String describe(List<DkimKey> keys) {
        return keys.stream().map(k -> k.selector() + " (" + k.algorithm().tagValue() + ")").collect(Collectors.joining(", "));
    }

    @Command(name = "catch-all", description = "Send mail for unknown users of DOMAIN to ADDRESS (or stop, with --remove).")
    static final class CatchAll extends AdminCommand {
        @Parameters(index = "0", paramLabel = "DOMAIN")
        String domain;

        @Parameters(index = "1", paramLabel = "ADDRESS", arity = "0..1")
        String target;

        @Option(names = "--remove", description = "Remove the catch-all address.")
        boolean remove;

        @Override
        int run(Services s, PrintWriter out) {
            if (remove == (target != null)) {
                throw new IllegalArgumentException("give either an ADDRESS or --remove");
            }
            s.directory().setCatchAll(domain, remove ? null : target);
            out.println(remove ? "removed the catch-all of " + domain : "mail for unknown users of " + domain + " goes to " + target);
            return 0;
        }
    }
}
