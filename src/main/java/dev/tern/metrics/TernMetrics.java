package dev.tern.metrics;

import dev.tern.net.ConnectionObserver;
import dev.tern.store.Rows;
import dev.tern.tracking.DeliveryEvent;
import dev.tern.tracking.DeliveryEventListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Tern's metrics in one Prometheus registry: connections and sessions per listener, messages
 * received and refused, deliveries by outcome and their latency, the queue, TLS use and failed
 * logins. Every name is listed in {@code docs/metrics.md}.
 *
 * <p>It is fed by thin hooks, one per point: the network transport ({@link #connections()}), the
 * delivery events ({@link #deliveryEvents()}), the SMTP server's refusals ({@link #smtpRefused}),
 * the authenticator ({@link #authFailed}); the queue gauges read the store at scrape time through
 * a cache. One instance per server, passed to what feeds it; {@link #scrape()} is what the admin
 * server answers on {@code /metrics}.
 *
 * <p>Thread safety: every method may be called from any thread; the hooks only count.
 */
public final class TernMetrics {

    /** Delivery latency buckets: from sub-second local delivery to a day of retries. */
    private static final Duration[] LATENCY_BUCKETS = {
            Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5),
            Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5),
            Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(4), Duration.ofDays(1)};
    /** How long one reading of the queue's size serves the gauges. */
    public static final Duration QUEUE_CACHE = Duration.ofSeconds(5);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Clock clock;
    private final Map<String, AtomicInteger> activeSessions = new ConcurrentHashMap<>();
    /**
     * The counters and timers already registered, by what tells them apart. Registering through
     * a builder sorts the tags, builds an id and looks it up, which cost more than counting at each
     * connection (on the event loops) and each delivery event (on the store's writer thread, after
     * every commit); each meter is now registered once.
     */
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> latency = new ConcurrentHashMap<>();
    private final ConnectionObserver connections = new ConnectionObserver() {
        @Override
        public void opened(String listener) {
            counter("connections " + listener, () -> Counter.builder("tern.connections")
                    .description("Connections accepted")
                    .tags("listener", listener, "protocol", protocolOf(listener)).register(registry)).increment();
            active(listener).incrementAndGet();
        }

        @Override
        public void closed(String listener, boolean tls) {
            active(listener).decrementAndGet();
            counter("sessions " + listener + " " + tls, () -> Counter.builder("tern.inbound.sessions")
                    .description("Connections ended, by whether they used TLS")
                    .tags("listener", listener, "protocol", protocolOf(listener), "tls", Boolean.toString(tls))
                    .register(registry)).increment();
        }
    };
    private final DeliveryEventListener deliveryEvents = this::onEvent;

    public TernMetrics() {
        this(Clock.systemUTC());
    }

    /** @param clock the time the queue's oldest message is aged against */
    public TernMetrics(Clock clock) {
        this.clock = clock;
    }

    /** The registry, to add meters of one's own. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Every metric in the Prometheus text format (version 0.0.4). Reads the store when the queue cache is stale. */
    public String scrape() {
        return registry.scrape();
    }

    /** For the network transport: counts connections and open sessions per listener, and TLS use. */
    public ConnectionObserver connections() {
        return connections;
    }

    /** For delivery tracking: counts received messages and deliveries, and times them. */
    public DeliveryEventListener deliveryEvents() {
        return deliveryEvents;
    }

    /**
     * The SMTP server refused something (see {@code SmtpBackend#refused}).
     *
     * @param stage connect, helo, mail, rcpt or data
     */
    public void smtpRefused(String listener, String stage, int code, String enhancedCode, String component) {
        Counter.builder("tern.smtp.rejections").description("Connections, commands and messages the SMTP server refused")
                .tags("listener", listener, "stage", stage, "reason", RejectionReason.of(stage, code, enhancedCode,
                        component))
                .register(registry).increment();
    }

    /** An action of an account's Sieve script carried out at delivery (keep, fileinto, redirect…). */
    public void sieveAction(String action) {
        counter("sieve " + action, () -> Counter.builder("tern.sieve.actions")
                .description("Actions of accounts' Sieve scripts carried out at delivery")
                .tag("action", action).register(registry)).increment();
    }

    /**
     * How an rspamd scan of a received message ended: rspamd's action (no_action, add_header,
     * rewrite_subject, greylist, soft_reject, reject), error, or skipped (larger than max_size).
     */
    public void spamScan(String result) {
        counter("spam " + result, () -> Counter.builder("tern.spam.scans")
                .description("Scans of received messages by rspamd, by how they ended")
                .tag("result", result).register(registry)).increment();
    }

    /**
     * A mail filter ({@code [milter]}) failed in a session: it could not be reached, did not answer
     * in time, or broke the protocol. {@code milter} is its address as configured.
     */
    public void milterFailed(String milter) {
        counter("milter failed " + milter, () -> Counter.builder("tern.milter.failures")
                .description("Sessions in which a mail filter could not be reached, was too slow or broke the protocol")
                .tag("milter", milter).register(registry)).increment();
    }

    /** A message users filed into or out of Junk, sent to rspamd to learn: spam or ham, learned or error. */
    public void spamLearned(String lesson, String result) {
        counter("spam learned " + lesson + " " + result, () -> Counter.builder("tern.spam.learned")
                .description("Messages users filed into or out of Junk, taught to rspamd")
                .tags("class", lesson, "result", result).register(registry)).increment();
    }

    /**
     * A login failed (see {@code AuthFailureListener}); the service names "pop" and "sieve" are
     * counted as pop3 and managesieve, the protocols' names elsewhere in the metrics.
     */
    public void authFailed(String protocol, String mechanism, String reason) {
        String name = "pop".equals(protocol) ? "pop3" : "sieve".equals(protocol) ? "managesieve" : protocol;
        Counter.builder("tern.auth.failures").description("Failed authentications")
                .tags("protocol", name).register(registry).increment();
    }

    /**
     * Gauges of the queue: messages, waiting recipients, age of the oldest message. {@code stats}
     * reads the store; it is asked at most once per {@link #QUEUE_CACHE}, when a scrape wants it.
     */
    public void watchQueue(Supplier<Rows.QueueStats> stats) {
        CachedReading<Rows.QueueStats> cached = new CachedReading<>("the queue's size", stats,
                new Rows.QueueStats(0, 0, null), clock, QUEUE_CACHE);
        Gauge.builder("tern.queue.messages", cached, c -> c.get().messages())
                .description("Messages in the queue").strongReference(true).register(registry);
        Gauge.builder("tern.queue.recipients.waiting", cached, c -> c.get().waitingRecipients())
                .description("Recipients waiting for delivery (queued, deferred or being delivered)")
                .strongReference(true).register(registry);
        Gauge.builder("tern.queue.oldest.age", cached, c -> {
                    Rows.QueueStats s = c.get();
                    return s.oldest() == null ? 0 : Math.max(0, Duration.between(s.oldest(), clock.instant()).toMillis() / 1000.0);
                })
                .description("Age of the oldest message in the queue; 0 when it is empty").baseUnit("seconds")
                .strongReference(true).register(registry);
    }

    /**
     * Gauge of the suppression list: the addresses listed now. {@code count} reads the store; it
     * is asked at most once per {@link #QUEUE_CACHE}, when a scrape wants it.
     */
    public void watchSuppressions(java.util.function.LongSupplier count) {
        CachedReading<Long> cached = new CachedReading<>("the suppression list's size", count::getAsLong, 0L, clock,
                QUEUE_CACHE);
        Gauge.builder("tern.suppression.addresses", cached, CachedReading::get)
                .description("Addresses on the suppression list: mail for them is not sent").strongReference(true)
                .register(registry);
    }

    /**
     * When the certificate the TLS listeners present ends, as a Unix time: what an alert on
     * renewal watches (whether the files of [tls], ACME's, or the self-signed one).
     */
    public void watchCertificate(Supplier<java.security.cert.X509Certificate> certificate) {
        Gauge.builder("tern.tls.certificate.expiry", certificate, c -> {
                    java.security.cert.X509Certificate cert = c.get();
                    return cert == null ? Double.NaN : cert.getNotAfter().getTime() / 1000.0;
                })
                .description("When the certificate of the TLS listeners ends (Unix time)").baseUnit("seconds")
                .strongReference(true).register(registry);
    }

    private void onEvent(DeliveryEvent e) {
        switch (e.type()) {
            case RECEIVED -> {
                String listener = orNone(e.field(DeliveryEvent.LISTENER));
                counter("received " + listener, () -> Counter.builder("tern.messages.received")
                        .description("Messages accepted into the queue")
                        .tags("listener", listener).register(registry)).increment();
            }
            case DELIVERED, DEFERRED, BOUNCED, EXPIRED -> delivery(e);
            default -> {
            }
        }
    }

    private void delivery(DeliveryEvent e) {
        String destination = orNone(e.field(DeliveryEvent.DESTINATION));
        String outcome = e.type().label();
        counter("deliveries " + outcome + " " + destination, () -> Counter.builder("tern.deliveries")
                .description("Recipient delivery outcomes")
                .tags("outcome", outcome, "destination", destination).register(registry)).increment();
        if (e.type() != DeliveryEvent.Type.DELIVERED) {
            return;
        }
        String delay = e.field(DeliveryEvent.DELAY);
        if (delay != null) {
            latency.computeIfAbsent(destination, d -> Timer.builder("tern.delivery.latency")
                            .description("Time from reception to delivery, per recipient")
                            .tags("destination", d).serviceLevelObjectives(LATENCY_BUCKETS).register(registry))
                    .record(Duration.ofMillis(Math.round(Double.parseDouble(delay) * 1000)));
        }
        if (destination.equals("remote")) {
            String tls = Boolean.toString("yes".equals(e.field(DeliveryEvent.TLS)));
            counter("outbound " + tls, () -> Counter.builder("tern.outbound.deliveries")
                    .description("Messages delivered to other servers, by TLS use")
                    .tags("tls", tls).register(registry)).increment();
        }
    }

    private Counter counter(String key, java.util.function.Supplier<Counter> register) {
        Counter c = counters.get(key);
        return c != null ? c : counters.computeIfAbsent(key, k -> register.get());
    }

    private AtomicInteger active(String listener) {
        return activeSessions.computeIfAbsent(listener, l -> {
            AtomicInteger n = new AtomicInteger();
            // The map holds the counter; the gauge reads it.
            Gauge.builder("tern.sessions.active", n, AtomicInteger::get).description("Open connections")
                    .tags("listener", l, "protocol", protocolOf(l)).register(registry);
            return n;
        });
    }

    /** smtp, submission and submissions speak SMTP; imap(s) IMAP; pop3(s) POP3; the others (managesieve, admin…) their own name. */
    static String protocolOf(String listener) {
        String l = listener.toLowerCase(Locale.ROOT);
        if (l.startsWith("imap")) {
            return "imap";
        }
        if (l.startsWith("pop3")) {
            return "pop3";
        }
        return l.startsWith("smtp") || l.startsWith("submission") ? "smtp" : l;
    }

    private static String orNone(String s) {
        return s == null ? "none" : s;
    }
}
