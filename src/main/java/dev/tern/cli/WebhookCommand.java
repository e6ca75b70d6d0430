package dev.tern.cli;

import dev.tern.server.Services;
import dev.tern.store.Rows;
import dev.tern.webhooks.Webhooks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

@Command(name = "webhook", description = "Manage webhooks: HTTP POSTs of delivery events (see docs/webhooks.md).",
        subcommands = {WebhookCommand.Add.class, WebhookCommand.ListWebhooks.class, WebhookCommand.Delete.class,
                WebhookCommand.Deliveries.class})
final class WebhookCommand {

    @Command(name = "add", description = "Add a webhook and print its secret (it is shown only this once).")
    static final class Add extends AdminCommand {
        @Parameters(paramLabel = "URL", description = "Where to POST the events: an http or https URL.")
        String url;

        @Option(names = "--event", paramLabel = "TYPE", required = true,
                description = "An event type to send (repeat for more, or separate with commas): received, "
                        + "delivered, deferred, bounced, expired.")
        List<String> events = new ArrayList<>();

        @Option(names = "--domain", paramLabel = "DOMAIN",
                description = "Only events of mail whose sender or recipient is in this domain (repeat for more).")
        List<String> domains = new ArrayList<>();

        @Override
        int run(Services s, PrintWriter out) {
            List<String> types = new ArrayList<>();
            for (String e : events) {
                for (String one : e.split(",")) {
                    types.add(one.trim());
                }
            }
            Webhooks.Created made = s.webhooks().create(url, types, domains);
            out.println("webhook " + made.webhook().id() + ": " + made.webhook().url() + "  "
                    + String.join(" ", made.webhook().events())
                    + (made.webhook().domains().isEmpty() ? "" : ", only " + String.join(" ", made.webhook().domains())));
            out.println("secret (shown once; the receiver checks Tern-Signature with it):");
            out.println(made.secret());
            return 0;
        }
    }

    @Command(name = "list", description = "List the webhooks (not their secrets).")
    static final class ListWebhooks extends AdminCommand {
        @Override
        int run(Services s, PrintWriter out) {
            List<Rows.Webhook> all = s.webhooks().list();
            if (all.isEmpty()) {
                out.println("no webhooks; add one with: tern webhook add URL --event delivered");
                return 0;
            }
            out.printf("%-16s  %-8s  %-10s  %s%n", "ID", "ENABLED", "CREATED", "URL / EVENTS / DOMAINS");
            for (Rows.Webhook w : all) {
                out.printf("%-16s  %-8s  %-10s  %s  %s%s%n", w.id(), w.enabled() ? "yes" : "no",
                        w.createdAt().toString().substring(0, 10), w.url(), String.join(" ", w.events()),
                        w.domains().isEmpty() ? "" : " / " + String.join(" ", w.domains()));
            }
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a webhook with its deliveries, sent or not.")
    static final class Delete extends AdminCommand {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        int run(Services s, PrintWriter out) {
            s.webhooks().delete(id);
            out.println("deleted webhook " + id);
            return 0;
        }
    }

    @Command(name = "deliveries", description = "List a webhook's deliveries, newest first.")
    static final class Deliveries extends AdminCommand {
        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = "--limit", paramLabel = "N", description = "At most this many (default 20).")
        int limit = 20;

        @Override
        int run(Services s, PrintWriter out) {
            if (limit < 1 || limit > 1000) {
                throw new IllegalArgumentException("--limit must be from 1 to 1000");
            }
            List<Rows.WebhookDelivery> all = s.webhooks().deliveries(id, limit);
            if (all.isEmpty()) {
                out.println("no deliveries for webhook " + id);
                return 0;
            }
            out.printf("%-24s  %-9s  %-9s  %-8s  %-6s  %-24s  %s%n", "ID", "EVENT", "STATE", "ATTEMPTS", "STATUS",
                    "CREATED", "NEXT ATTEMPT / LAST ERROR");
            for (Rows.WebhookDelivery d : all) {
                String next = d.state().equals("pending") ? "next " + d.nextAttemptAt() : "";
                String error = d.lastError() == null ? "" : d.lastError();
                out.printf("%-24s  %-9s  %-9s  %-8d  %-6s  %-24s  %s%n", d.id(), d.eventType(), d.state(),
                        d.attempts(), d.lastStatus() == null ? "-" : d.lastStatus().toString(), d.createdAt(),
                        (next + (next.isEmpty() || error.isEmpty() ? "" : "; ") + error).trim());
            }
            return 0;
        }
    }
}
