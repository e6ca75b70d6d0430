package dev.tern.security.dmarc.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tern.config.ReportSettings;
import dev.tern.dns.DnsAnswer;
import dev.tern.dns.DnsResolver;
import dev.tern.mail.ClientInfo;
import dev.tern.mail.Envelope;
import dev.tern.mail.MailAddress;
import dev.tern.mail.Recipient;
import dev.tern.queue.MailQueue;
import dev.tern.reports.DailyReports;
import dev.tern.reports.ReportMessage;
import dev.tern.security.dmarc.OrganizationalDomain;
import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Sends each finished day's DMARC aggregate reports: for every policy domain with counts from a
 * day before today (UTC), the {@code mailto:} addresses of its {@code rua=} that accept its
 * reports (RFC 7489 §7.1) and whose size limit the report fits get the report by mail
 * (§7.2.1.1), queued in the transaction that takes the day's rows.
 */
public final class DmarcReportSender {

    private static final Logger log = LoggerFactory.getLogger("dev.tern.checks");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The listener name report messages enter the queue with. */
    public static final String LISTENER = "dmarc-report";
    /** Reports queued per run at most; the rest wait for the next run. */
    static final int BATCH = 200;
    /** Addresses used at most: the list is the domain owner's, the mail is this server's. */
    static final int MAX_ADDRESSES = 5;
    /** Rows this old whose addresses cannot be checked in DNS are dropped. */
    static final int KEEP_DAYS = 3;

    private final ReportSettings settings;
    private final String hostname;
    private final DnsResolver dns;
    private final MetadataStore store;
    private final MailQueue queue;
    private final Executor work;
    private final Clock clock;

    /** @param work where the store is written to, off DNS's threads */
    public DmarcReportSender(ReportSettings settings, String hostname, DnsResolver dns, MetadataStore store,
                             MailQueue queue, Executor work, Clock clock) {
        this.settings = settings;
        this.hostname = hostname;
        this.dns = dns;
        this.store = store;
        this.queue = queue;
        this.work = work;
        this.clock = clock;
    }

    /** A report address and the largest report it takes. */
    record Destination(MailAddress address, long maxBytes) {
    }

    /** Queues the reports of the days before {@code today} (UTC); completes with how many were queued. */
    public CompletableFuture<Integer> sendDue(LocalDate today) {
        List<String[]> pending = store.read(tx -> tx.dmarcReports().pending(today.toString(), BATCH));
        return DailyReports.each(pending, "DMARC report", log, (day, domain) -> report(day, domain, today));
    }

    private CompletableFuture<Boolean> report(LocalDate day, String domain, LocalDate today) {
        List<Destination> listed = destinations(store.read(tx -> tx.dmarcReports().any(day.toString(), domain)).orElse(null));
        List<CompletableFuture<Verdict>> checks = listed.stream().map(d -> accepts(domain, d)).toList();
        return CompletableFuture.allOf(checks.toArray(new CompletableFuture<?>[0])).thenApplyAsync(v -> {
            List<Destination> to = new ArrayList<>();
            boolean unsure = false;
            for (int i = 0; i < listed.size(); i++) {
                Verdict verdict = checks.get(i).join();
                if (verdict == Verdict.YES) {
                    to.add(listed.get(i));
                } else if (verdict == Verdict.UNKNOWN) {
                    unsure = true;
                }
            }
            if (to.isEmpty() && unsure && !day.isBefore(today.minusDays(KEEP_DAYS))) {
                return false;   // tried again at the next run
            }
            return send(day, domain, to);
        }, work);
    }

    /** The mailto: addresses of a row's published policy, with their size limits. */
    static List<Destination> destinations(Rows.DmarcReportRow row) {
        List<Destination> out = new ArrayList<>();
        if (row == null) {
            return out;
        }
        JsonNode rua;
        try {
            rua = JSON.readTree(row.policy()).get("rua");
        } catch (IOException e) {
            return out;
        }
        if (rua == null) {
            return out;
        }
        for (JsonNode n : rua) {
            String uri = n.asText().strip();
            if (!uri.toLowerCase(Locale.ROOT).startsWith("mailto:") || out.size() >= MAX_ADDRESSES) {
                continue;
            }
            String rest = uri.substring(7);
            long max = Long.MAX_VALUE;
            int bang = rest.lastIndexOf('!');
            if (bang > 0) {
                max = size(rest.substring(bang + 1));
                rest = rest.substring(0, bang);
            }
            try {
                MailAddress a = MailAddress.parse(java.net.URLDecoder.decode(rest.replace("+", "%2B"), StandardCharsets.UTF_8));
                if (out.stream().noneMatch(d -> d.address().equals(a))) {
                    out.add(new Destination(a, max));
                }
            } catch (IllegalArgumentException e) {
                // not an address: skipped
            }
        }
        return out;
    }

    /** RFC 7489 §6.2: a size limit, digits and an optional unit k, m, g or t (powers of two). */
    static long size(String limit) {
        String l = limit.strip().toLowerCase(Locale.ROOT);
        int shift = 0;
        if (!l.isEmpty() && "kmgt".indexOf(l.charAt(l.length() - 1)) >= 0) {
            shift = 10 * ("kmgt".indexOf(l.charAt(l.length() - 1)) + 1);
            l = l.substring(0, l.length() - 1);
        }
        if (!l.matches("[0-9]{1,12}")) {
            return Long.MAX_VALUE;
        }
        long n = Long.parseLong(l);
        return n > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : n << shift;
    }

    private enum Verdict { YES, NO, UNKNOWN }

    /**
     * RFC 7489 §7.1: an address in another organizational domain takes the policy domain's reports
     * only when {@code <policy-domain>._report._dmarc.<its domain>} has a {@code v=DMARC1} record.
     */
    private CompletableFuture<Verdict> accepts(String policyDomain, Destination d) {
        String domain = d.address().asciiDomain();
        if (OrganizationalDomain.of(domain).equals(OrganizationalDomain.of(policyDomain))) {
            return CompletableFuture.completedFuture(Verdict.YES);
        }
        CompletableFuture<DnsAnswer<String>> lookup;
        try {
            lookup = dns.txt(policyDomain + "._report._dmarc." + domain);
        } catch (IllegalArgumentException tooLong) {
            return CompletableFuture.completedFuture(Verdict.NO);   // no such name can exist
        }
        return lookup.handle((answer, error) -> {
            if (error != null || answer instanceof DnsAnswer.TemporaryFailure) {
                return Verdict.UNKNOWN;
            }
            boolean yes = answer.values().stream().anyMatch(t -> t.strip().startsWith("v=DMARC1"));
            if (!yes) {
                log.info("DMARC reports for {} not sent to {}: {} does not accept them (no {}._report._dmarc.{} record)",
                        policyDomain, d.address(), domain, policyDomain, domain);
            }
            return yes ? Verdict.YES : Verdict.NO;
        });
    }

    /** Takes the day's rows and queues their report in one transaction: whoever takes them sends it. */
    private boolean send(LocalDate day, String domain, List<Destination> destinations) {
        MailAddress from = MailAddress.parse(settings.from());
        String reportId = DailyReports.reportId(day, hostname);
        String queueId = store.writeAndWait(tx -> {
            List<Rows.DmarcReportRow> rows = tx.dmarcReports().take(day.toString(), domain);
            if (rows.isEmpty() || destinations.isEmpty()) {
                return null;   // another node took them, or no one takes them
            }
            String xml = DmarcReport.xml(settings.organization() == null ? hostname : settings.organization(),
                    settings.from(), settings.contact(), reportId, day, rows);
            byte[] message = message(from, destinations.stream().map(Destination::address).toList(), domain, day,
                    reportId, DailyReports.gzip(xml));
            List<MailAddress> to = destinations.stream().filter(d -> message.length <= d.maxBytes())
                    .map(Destination::address).toList();
            if (to.isEmpty()) {
                log.info("DMARC report for {} on {} not sent: {} bytes, more than its addresses take", domain, day,
                        message.length);
                return null;
            }
            Envelope envelope = new Envelope(from, to.stream().map(Recipient::of).toList(), "7BIT", false, null, null,
                    new ClientInfo(null, null, hostname, "local", LISTENER, null), clock.instant());
            try {
                MailQueue.GeneratedMessage m = queue.prepare(envelope, message);
                queue.enqueue(tx, m);
                return m.queueId();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        if (queueId != null) {
            log.info("{}: DMARC report for {} on {} queued to {}", queueId, domain, day,
                    String.join(", ", destinations.stream().map(d -> d.address().toString()).toList()));
        }
        return queueId != null;
    }

    /** The report message of RFC 7489 §7.2.1.1: a text and the gzipped XML, named as the RFC asks. */
    byte[] message(MailAddress from, List<MailAddress> to, String domain, LocalDate day, String reportId, byte[] gzipped) {
        long begin = day.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        return new ReportMessage(from, to, ZonedDateTime.now(clock.withZone(ZoneOffset.UTC)),
                "Report Domain: " + domain + " Submitter: " + hostname + " Report-ID: <" + reportId + ">", reportId,
                List.of(), "multipart/mixed",
                "This is a DMARC aggregate report from " + hostname + " for " + domain + ", " + day + " (UTC).",
                "application/gzip", hostname + "!" + domain + "!" + begin + "!" + (begin + 86_399) + ".xml.gz",
                gzipped).bytes();
    }
}
