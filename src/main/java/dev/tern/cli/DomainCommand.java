package dev.tern.cli;

import dev.tern.directory.DomainDetails;
import dev.tern.directory.DnsRecords;
import dev.tern.security.dkim.DkimKey;
import dev.tern.server.Services;
import dev.tern.store.Rows;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.List;
import java.util.stream.Collectors;

@Command(name = "domain", description = "Manage the domains this server receives mail for.",
        subcommands = {DomainCommand.Add.class, DomainCommand.ListDomains.class, DomainCommand.Show.class,
                DomainCommand.Delete.class, DomainCommand.CatchAll.class, DomainCommand.Dkim.class})
final class DomainCommand {

    @Command(name = "add", description = "Add a local domain, with an RSA and an Ed25519 DKIM key.")
    static final class Add extends AdminCommand {
        @Parameters(paramLabel = "DOMAIN")
        String domain;

        @Override
        int run(Services s, PrintWriter out) {
            List<DkimKey> keys = s.dkimKeys().newKeySet();
            Rows.Domain d = s.directory().addDomain(domain, keys);
            out.println("added domain " + d.name());
            out.println("DKIM keys: " + describe(keys) + "; publish the DNS records shown by: tern domain show " + d.name());
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
            out.println("domain:    " + d.name());
            out.println("accounts:  " + details.accounts());
            out.println("aliases:   " + details.aliases());
            out.println("catch-all: " + (d.catchAll() == null ? "(none)" : d.catchAll()));
            out.println();
            out.println("DNS records to publish (zone-file syntax):");
            List<DkimKey> keys = details.dkimKeys();
            for (DnsRecords.Record r : details.dnsRecords()) {
                out.println("; " + r.purpose());
                out.println(r.zoneLine());
            }
            if (keys.isEmpty()) {
                out.println("; no DKIM keys: mail from " + d.name() + " goes out unsigned; "
                        + "make keys with: tern domain dkim " + d.name() + " --generate");
            }
            return 0;
        }
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
