package dev.tern.delivery.tlsrpt;

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
import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Sends each finished day's reports: for every recipient domain with counts from a day before
 * today (UTC), looks up its {@code _smtp._tls} record, queues the report to its {@code mailto:}
 * addresses (RFC 8460 §5.3) and posts it to its {@code https:} ones (§5.2). A domain without a
 * record gets nothing, and its counts are dropped. A POST that fails is logged, not retried: the
 * day's counts were taken with the report.
 */
public final class TlsReportSender {

    private static final Logger log = LoggerFactory.getLogger("dev.tern.delivery");
    /** The listener name report messages enter the queue with: delivery knows them by it. */
    public static final String LISTENER = "tls-report";
    /** Reports queued per run at most; the rest wait for the next run. */
    static final int BATCH = 200;
    /** Counts this old whose domain's record cannot be looked up are dropped. */
    static final int KEEP_DAYS = 3;

    private final ReportSettings settings;
    private final String hostname;
    private final DnsResolver dns;
    private final MetadataStore store;
    private final MailQueue queue;
    private final Executor work;
    private final Clock clock;
    private final TlsReportUpload upload;

    /**
     * @param work    where the store is written to and reports are posted from, off DNS's threads:
     *                a thread that may wait (for the store, for a remote HTTPS server)
     * @param tls     the trust that {@code https:} report addresses are checked against
     */
    public TlsReportSender(ReportSettings settings, String hostname, DnsResolver dns, MetadataStore store,
                           MailQueue queue, Executor work, Clock clock, javax.net.ssl.SSLContext tls) {
        this(settings, hostname, dns, store, queue, work, clock,
                new TlsReportUpload(tls, dev.tern.mail.SpecialPurposeAddresses::isGloballyReachable, "Tern (" + hostname + ")"));
    }

    TlsReportSender(ReportSettings settings, String hostname, DnsResolver dns, MetadataStore store,
                    MailQueue queue, Executor work, Clock clock, TlsReportUpload upload) {
        this.upload = upload;
        this.work = work;
        this.settings = settings;
        this.hostname = hostname;
        this.dns = dns;
        this.store = store;
        this.queue = queue;
        this.clock = clock;
    }

    /** Queues the reports of the days before {@code today} (UTC); completes with how many were queued. */
    public CompletableFuture<Integer> sendDue(LocalDate today) {
        List<String[]> pending = store.read(tx -> tx.tlsReports().pending(today.toString(), BATCH));
        return DailyReports.each(pending, "TLS report", log, (day, domain) -> report(day, domain, today));
    }

    private CompletableFuture<Boolean> report(LocalDate day, String domain, LocalDate today) {
        return dns.txt("_smtp._tls." + domain).handleAsync((answer, error) -> {
            if (error != null || answer instanceof DnsAnswer.TemporaryFailure) {
                if (day.isBefore(today.minusDays(KEEP_DAYS))) {
                    drop(day, domain, "its _smtp._tls record could not be looked up for " + KEEP_DAYS + " days");
                }
                return false;   // tried again at the next run
            }
            TlsRptRecord record = TlsRptRecord.parse(answer.values());
            if (record == null) {
                drop(day, domain, null);
                return false;
            }
            return sendReport(day, domain, record);
        }, work);
    }

    private void drop(LocalDate day, String domain, String why) {
        store.writeAndWait(tx -> tx.tlsReports().take(day.toString(), domain));
        if (why != null) {
            log.warn("TLS report for {} on {} dropped: {}", domain, day, why);
        }
    }

    /** What a transaction took: the report, compressed, and the id of its message in the queue (or null). */
    private record Taken(byte[] gzipped, String queueId) {
    }

    /**
     * Takes the day's counts and queues their report to the {@code mailto:} addresses in one
     * transaction (whoever takes them sends the report), then posts it to the {@code https:} ones.
     */
    private boolean sendReport(LocalDate day, String domain, TlsRptRecord record) {
        List<MailAddress> to = record.mailto();
        MailAddress from = MailAddress.parse(settings.from());
        String reportId = DailyReports.reportId(day, hostname);
        Taken taken = store.writeAndWait(tx -> {
            List<Rows.TlsReportCount> counts = tx.tlsReports().take(day.toString(), domain);
            if (counts.isEmpty()) {
                return null;   // another node took them
            }
            String json = TlsReport.json(settings.organization() == null ? hostname : settings.organization(),
                    settings.contact() == null ? settings.from() : settings.contact(), reportId, day, counts);
            byte[] gzipped = DailyReports.gzip(json);
            if (to.isEmpty()) {
                return new Taken(gzipped, null);
            }
            byte[] message = message(from, to, domain, day, reportId, gzipped);
            Envelope envelope = new Envelope(from, to.stream().map(Recipient::of).toList(), "7BIT", false, null, null,
                    new ClientInfo(null, null, hostname, "local", LISTENER, null), clock.instant());
            try {
                MailQueue.GeneratedMessage m = queue.prepare(envelope, message);
                queue.enqueue(tx, m);
                return new Taken(gzipped, m.queueId());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        if (taken == null) {
            return false;
        }
        if (taken.queueId() != null) {
            log.info("{}: TLS report for {} on {} queued to {}", taken.queueId(), domain, day,
                    String.join(", ", to.stream().map(MailAddress::toString).toList()));
        }
        for (String url : record.https()) {
            String refused = upload.post(url, taken.gzipped());
            if (refused == null) {
                log.info("TLS report for {} on {} posted to {}", domain, day, url);
            } else {
                log.warn("TLS report for {} on {} not posted to {}: {}", domain, day, url, refused);
            }
        }
        return true;
    }

    /** The report message of RFC 8460 §5.3: multipart/report, report-type tlsrpt, the gzipped JSON attached. */
    byte[] message(MailAddress from, List<MailAddress> to, String domain, LocalDate day, String reportId, byte[] gzipped) {
        long begin = day.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        long end = begin + 86_399;
        return new ReportMessage(from, to, ZonedDateTime.now(clock.withZone(ZoneOffset.UTC)),
                "Report Domain: " + domain + " Submitter: " + hostname + " Report-ID: <" + reportId + ">", reportId,
                List.of(Map.entry("TLS-Report-Domain", domain), Map.entry("TLS-Report-Submitter", hostname)),
                "multipart/report; report-type=\"tlsrpt\"",
                "This is an aggregate TLS report from " + hostname + " for " + domain + ", " + day + " (UTC).",
                "application/tlsrpt+gzip", hostname + "!" + domain + "!" + begin + "!" + end + ".json.gz", gzipped).bytes();
    }
}
