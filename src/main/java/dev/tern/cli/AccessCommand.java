package dev.tern.cli;

import dev.tern.config.Durations;
import dev.tern.security.access.AccessRule;
import dev.tern.server.Services;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.List;

@Command(name = "access", description = "Manage the access rules for mail from other servers: client networks, "
        + "senders and recipients refused, or spared checks. A running server applies a change within a second.",
        subcommands = {AccessCommand.ListRules.class, AccessCommand.Reject.class, AccessCommand.Allow.class,
                AccessCommand.Delete.class})
final class AccessCommand {

    static final String PATTERN_HELP = "A client network (203.0.113.7, 203.0.113.0/24, 2001:db8::/48), a sender "
            + "address (user@example.org) or a sender domain with its subdomains (example.org), or after to: a "
            + "recipient address or domain (to:noreply@example.org, to:example.org).";

    @Command(name = "list", description = "List the rules, most specific first within each kind.")
    static final class ListRules extends AdminCommand {
        @Override
        int run(Services s, PrintWriter out) {
            List<AccessRule> rules = s.access().rules();
            for (AccessRule r : rules) {
                out.println(line(r));
            }
            if (rules.isEmpty()) {
                out.println("no access rules");
            }
            return 0;
        }
    }

    @Command(name = "reject", description = "Refuse mail from a client network (at connection), from a sender "
            + "(at MAIL) or to a recipient (at its RCPT).")
    static final class Reject extends Put {
        Reject() {
            super(AccessRule.Action.REJECT);
        }
    }

    @Command(name = "allow", description = "Spare a client network the block lists, greylisting and rate limits, "
            + "a sender greylisting, or a recipient the block lists and greylisting.")
    static final class Allow extends Put {
        Allow() {
            super(AccessRule.Action.ALLOW);
        }
    }

    abstract static class Put extends AdminCommand {
        private final AccessRule.Action action;

        @Parameters(paramLabel = "PATTERN", description = PATTERN_HELP)
        String pattern;

        @Option(names = "--note", paramLabel = "TEXT", description = "Why, shown with the rule.")
        String note;

        @Option(names = "--for", paramLabel = "DURATION", description = "For this long (\"24h\", \"7d\"); default: until deleted.")
        String keepFor;

        Put(AccessRule.Action action) {
            this.action = action;
        }

        @Override
        int run(Services s, PrintWriter out) {
            AccessRule r = s.access().put(pattern, action, note, keepFor == null ? null : Durations.parse(keepFor));
            out.println(line(r));
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete the rules of the given patterns.")
    static final class Delete extends AdminCommand {
        @Parameters(paramLabel = "PATTERN", arity = "1..*")
        List<String> patterns;

        @Override
        int run(Services s, PrintWriter out) {
            int missing = 0;
            for (String p : patterns) {
                if (s.access().delete(p)) {
                    out.println("deleted " + p);
                } else {
                    out.println("no rule for " + p);
                    missing++;
                }
            }
            return missing == 0 ? 0 : 1;
        }
    }

    /** One rule on one line: action, kind, pattern, since, until, note. */
    static String line(AccessRule r) {
        return r.action().word() + "  " + r.kind().name().toLowerCase(java.util.Locale.ROOT) + "  " + r.pattern()
                + "  since " + r.createdAt() + (r.expiresAt() == null ? "" : "  until " + r.expiresAt())
                + (r.note() == null ? "" : "  " + r.note());
    }
}
