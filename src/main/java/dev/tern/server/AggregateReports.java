package dev.tern.server;

import dev.tern.delivery.tlsrpt.TlsReportSender;
import dev.tern.delivery.tlsrpt.TlsSessionCounts;
import dev.tern.security.dmarc.reports.DmarcReportCounts;
import dev.tern.security.dmarc.reports.DmarcReportSender;
import dev.tern.store.MetadataStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The daily aggregate reports this server sends, TLS reports (RFC 8460) and DMARC reports (RFC 7489
 * §7.2): their counts moved to the store every minute and at shutdown, the reports of the days
 * that ended queued every hour. A report run waits for DNS (and for HTTPS servers elsewhere), so it
 * runs on a thread of its own, never on the storage or housekeeping threads; a run still going
 * when the next hour comes is left to finish.
 */
final class AggregateReports implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AggregateReports.class);

    /** How long after midnight (UTC) a day's reports wait. */
    static final Duration SETTLE = Duration.ofMinutes(15);

    private final MetadataStore store;
    private final TlsSessionCounts tlsCounts;
    private final DmarcReportCounts dmarcCounts;
    private final ExecutorService work;
    private TlsReportSender tls;
    private DmarcReportSender dmarc;
    private volatile CompletableFuture<?> run;

    /** @param tlsCounts, dmarcCounts the counters, each null when its reports are off */
    AggregateReports(MetadataStore store, TlsSessionCounts tlsCounts, DmarcReportCounts dmarcCounts) {
        this.store = store;
        this.tlsCounts = tlsCounts;
        this.dmarcCounts = dmarcCounts;
        this.work = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tern-reports");
            t.setDaemon(true);
            return t;
        });
    }

    /** The thread reports are made and sent on. */
    ExecutorService work() {
        return work;
    }

    void senders(TlsReportSender tls, DmarcReportSender dmarc) {
        this.tls = tls;
        this.dmarc = dmarc;
    }

    boolean any() {
        return tlsCounts != null || dmarcCounts != null;
    }

    void schedule(ScheduledExecutorService housekeeping) {
        housekeeping.scheduleWithFixedDelay(this::flush, 1, 1, TimeUnit.MINUTES);
        housekeeping.scheduleWithFixedDelay(this::startRun, 4, 60, TimeUnit.MINUTES);
    }

    /** Moves the counts made so far to the store. */
    void flush() {
        if (tlsCounts != null) {
            tlsCounts.flush(store);
        }
        if (dmarcCounts != null) {
            dmarcCounts.flush(store);
        }
    }

    private void startRun() {
        if (run != null && !run.isDone()) {
            return;
        }
        flush();
        // A day is reported a quarter of an hour after it ends: the counts other nodes made in
        // its last minute have reached the store by then.
        LocalDate today = LocalDate.now(Clock.offset(Clock.systemUTC(), SETTLE.negated()));
        run = sendDue(tls, s -> s.sendDue(today)).thenCompose(t -> sendDue(dmarc, s -> s.sendDue(today)))
                .whenComplete((n, e) -> {
                    if (e != null) {
                        log.warn("sending the daily reports failed (tried again within the hour): {}", e.toString());
                    }
                });
    }

    private static <S> CompletableFuture<Integer> sendDue(S sender, Function<S, CompletableFuture<Integer>> send) {
        return sender == null ? CompletableFuture.completedFuture(0) : send.apply(sender);
    }

    /** Stores the counts and queues the TLS reports of the days before {@code today}; how many. */
    int queueTlsReports(LocalDate today) throws Exception {
        flush();
        return sendDue(tls, s -> s.sendDue(today)).get(10, TimeUnit.MINUTES);
    }

    /** Stores the counts and queues the DMARC reports of the days before {@code today}; how many. */
    int queueDmarcReports(LocalDate today) throws Exception {
        flush();
        return sendDue(dmarc, s -> s.sendDue(today)).get(10, TimeUnit.MINUTES);
    }

    @Override
    public void close() {
        work.shutdownNow();
    }
}
