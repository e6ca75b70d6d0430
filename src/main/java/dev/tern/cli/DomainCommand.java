package dev.tern.cli;

import dev.tern.directory.DirectoryException;
import dev.tern.server.Services;
import dev.tern.store.Rows;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;

@Command(name = "domain", description = "Manage the domains this server receives mail for.",
        subcommands = {DomainCommand.Add.class, DomainCommand.ListDomains.class, DomainCommand.Show.class,
                DomainCommand.Delete.class, DomainCommand.CatchAll.class})
final class DomainCommand {

    @Command(name = "add", description = "Add a local domain.")
    static final class Add extends AdminCommand {
        @Parameters(paramLabel = "DOMAIN")
        String domain;

        @Override
        int run(Services s, PrintWriter out) {
            Rows.Domain d = s.directory().addDomain(domain);
            out.println("added domain " + d.name());
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
            Rows.Domain d = s.directory().domain(domain)
                    .orElseThrow(() -> new DirectoryException("no such domain: " + domain));
            String host = s.config().hostname();
            out.println("domain:    " + d.name());
            out.println("accounts:  " + s.directory().users(d.name()).size());
            out.println("aliases:   " + s.directory().aliases(d.name()).size());
            out.println("catch-all: " + (d.catchAll() == null ? "(none)" : d.catchAll()));
            out.println();
            out.println("DNS records to publish:");
            out.println("  " + d.name() + ".  MX   10 " + host + ".");
            out.println("  " + d.name() + ".  TXT  \"v=spf1 mx -all\"");
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
