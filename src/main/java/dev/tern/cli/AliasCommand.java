package dev.tern.cli;

import dev.tern.directory.Resolution;
import dev.tern.mail.MailAddress;
import dev.tern.server.Services;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

@Command(name = "alias", description = "Manage aliases: addresses whose mail goes to other local addresses.",
        subcommands = {AliasCommand.Add.class, AliasCommand.ListAliases.class, AliasCommand.Delete.class})
final class AliasCommand {

    @Command(name = "add", description = "Send mail for ALIAS to each TARGET.")
    static final class Add extends AdminCommand {
        @Parameters(index = "0", paramLabel = "ALIAS")
        String alias;

        @Parameters(index = "1..*", paramLabel = "TARGET", arity = "1..*")
        List<String> targets;

        @Override
        int run(Services s, PrintWriter out) {
            s.directory().addAlias(alias, targets);
            out.println("alias " + alias + " -> " + String.join(", ", targets));
            List<String> elsewhere = targets.stream().map(String::trim)
                    .filter(t -> !s.directory().isLocalDomain(MailAddress.parse(t).asciiDomain())).toList();
            if (!elsewhere.isEmpty()) {
                String domain = MailAddress.parse(alias).domain();
                out.println("note: mail to " + alias + " is forwarded to " + String.join(", ", elsewhere)
                        + " with its sender rewritten into " + domain + " (SRS): " + domain
                        + "'s SPF record must name this server (docs/forwarding.md)");
            }
            // A target may be an account made later; until then its mail is refused at RCPT.
            List<String> nowhere = s.directory().targetsLeadingNowhere(alias);
            if (!nowhere.isEmpty()) {
                MailAddress a = MailAddress.parse(alias);
                boolean all = nowhere.size() == s.directory().aliases(a.asciiDomain())
                        .getOrDefault(a.key(), List.of()).size();
                String meanwhile = !all ? "reaches the other targets only"
                        : s.directory().resolve(a) instanceof Resolution.Local ? "goes to the domain's catch-all until one is"
                        : "is refused until one is";
                out.println("note: " + String.join(", ", nowhere) + (nowhere.size() == 1 ? " is" : " are")
                        + " not an account or an alias leading to one (yet): mail to " + alias + " " + meanwhile);
            }
            return 0;
        }
    }

    @Command(name = "list", description = "List aliases, of one domain or of all.")
    static final class ListAliases extends AdminCommand {
        @Parameters(paramLabel = "DOMAIN", arity = "0..1")
        String domain;

        @Override
        int run(Services s, PrintWriter out) {
            for (Map.Entry<String, List<String>> e : s.directory().aliases(domain).entrySet()) {
                out.println(e.getKey() + " -> " + String.join(", ", e.getValue()));
            }
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete an alias, or only the given targets of it.")
    static final class Delete extends AdminCommand {
        @Parameters(index = "0", paramLabel = "ALIAS")
        String alias;

        @Parameters(index = "1..*", paramLabel = "TARGET", arity = "0..*")
        List<String> targets = List.of();

        @Override
        int run(Services s, PrintWriter out) {
            s.directory().deleteAlias(alias, targets);
            out.println("deleted alias " + alias + (targets.isEmpty() ? "" : " -> " + String.join(", ", targets)));
            return 0;
        }
    }
}
