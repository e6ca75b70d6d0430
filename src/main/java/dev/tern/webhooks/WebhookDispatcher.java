package dev.tern.webhooks;

import dev.tern.config.WebhookSettings;
import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends the webhook outbox: claims due deliveries with a lease, POSTs each with
 * {@link HttpClient} (asynchronously, at most {@code [webhooks] max_concurrent} at once, each within
 * {@code [webhooks] timeout}, redirects not followed), and records the attempt: a 2xx answer
 * delivers it, anything else is tried again on the {@link RetrySchedule} until it runs out.
 *
 * <p>State is in the store only: a restart finds what is pending, and several nodes sharing one
 * store each claim different deliveries. A delivery whose sender died is due again when its lease
 * ends; receivers may therefore, rarely, get one twice, and tell by its {@code Tern-Delivery-Id}.
 *
 * <p>One scheduler thread looks for due work: when told that deliveries were added, when a POST
 * ends, at the next due time it knows of, and every poll interval (for rows written elsewhere).
 */
public final class WebhookDispatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
    /** How often the outbox is looked at when nothing says to. */
    public static final Duration DEFAULT_POLL = Duration.ofSeconds(5);
    static final String USER_AGENT = "Tern-Webhooks/1";
    private static final Duration PURGE_INTERVAL = Duration.ofHours(1);
    /** Finished deliveries forgotten per transaction. */
    static final int ROWS_PER_PURGE_TRANSACTION = 500;
    /** How long close waits for POSTs in progress to end and be recorded. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);
    private static final int MAX_ERROR = 500;

    private final MetadataStore store;
    private final Webhooks webhooks;
    private final WebhookSettings settings;
    private final RetrySchedule retries;
    private final Clock clock;
    private final Duration poll;
    /** How long a claim keeps a delivery from other senders: a lookup, a connection and an answer, with room. */
    private final Duration lease;
    private final String claimPrefix;
    private final AtomicLong claims = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final Runnable wakeUp = this::wake;
    private ScheduledExecutorService scheduler;
    private ExecutorService workers;
    private HttpClient http;
    private ScheduledFuture<?> nextTick;
    private Instant lastPurge = Instant.EPOCH;
    private volatile boolean closed;

    /**
     * @param retries the delays between attempts (tests use milliseconds)
     * @param poll    how often the outbox is looked at for deliveries this process was not told of
     */
    public WebhookDispatcher(MetadataStore store, Webhooks webhooks, WebhookSettings settings, RetrySchedule retries,
                             Clock clock, Duration poll) {
        this.store = store;
        this.webhooks = webhooks;
        this.settings = settings;
        this.retries = retries;
        this.clock = clock;
        this.poll = poll;
        this.lease = settings.timeout().multipliedBy(2).plusSeconds(60);
        byte[] b = new byte[8];
        new SecureRandom().nextBytes(b);
        this.claimPrefix = HexFormat.of().formatHex(b);
    }

    public synchronized WebhookDispatcher start() {
        AtomicInteger n = new AtomicInteger();
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "tern-webhooks"));
        workers = Executors.newFixedThreadPool(Math.max(2, Math.min(settings.maxConcurrent(), 16)),
                r -> daemon(r, "tern-webhooks-" + n.incrementAndGet()));
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(settings.timeout()).executor(workers)
                .build();
        webhooks.onEnqueued(wakeUp);
        wake();
        return this;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Looks for due deliveries now (soon, if a look is already on its way). Never blocks. */
    public void wake() {
        if (closed || scheduler == null || !wakePending.compareAndSet(false, true)) {
            return;
        }
        try {
            scheduler.execute(this::tick);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    /** Claims and sends what is due, then plans the next look. Runs on the scheduler thread. */
    private void tick() {
        wakePending.set(false);
        if (closed) {
            return;
        }
        Duration wait = poll;
        try {
            Instant now = clock.instant();
            purgeNowAndThen(now);
            Optional<Instant> next = store.read(tx -> tx.webhooks().nextDue());
            int free = settings.maxConcurrent() - inFlight.get();
            if (next.isPresent() && !next.get().isAfter(now) && free > 0) {
                String claim = claimPrefix + "-" + claims.incrementAndGet();
                List<Rows.ClaimedDelivery> claimed = store.writeAndWait(tx ->
                        tx.webhooks().claim(claim, now, now.plus(lease), free));
                for (Rows.ClaimedDelivery c : claimed) {
                    inFlight.incrementAndGet();
                    send(c, claim);
                }
                next = store.read(tx -> tx.webhooks().nextDue());
            }
            if (next.isPresent()) {
                Duration until = Duration.between(clock.instant(), next.get());
                if (until.compareTo(Duration.ofMillis(100)) < 0) {
                    // Due now: every sending slot is taken (a POST that ends wakes this up), or
                    // another node claimed it a moment ago.
                    until = inFlight.get() >= settings.maxConcurrent() ? poll : Duration.ofMillis(100);
                }
                wait = until.compareTo(poll) < 0 ? until : poll;
            }
        } catch (RuntimeException e) {
            if (!closed) {
                log.warn("webhooks: looking for deliveries to send failed: {}", e.toString());
            }
        }
        schedule(wait);
    }

    private synchronized void schedule(Duration wait) {
        if (closed) {
            return;
        }
        if (nextTick != null) {
            nextTick.cancel(false);
        }
        try {
            nextTick = scheduler.schedule(this::tick, Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void purgeNowAndThen(Instant now) {
        if (Duration.between(lastPurge, now).compareTo(PURGE_INTERVAL) < 0) {
            return;
        }
        lastPurge = now;
        Instant before = now.minus(settings.retention());
        // An hour of deliveries at a high rate is millions of rows: in pieces, so that the
        // store's writer runs other work in between.
        int purged = store.writeInPiecesAndWait(ROWS_PER_PURGE_TRANSACTION,
                tx -> tx.webhooks().purgeDeliveries(before, ROWS_PER_PURGE_TRANSACTION));
        if (purged > 0) {
            log.info("webhooks: forgot {} finished deliveries older than {}", purged, settings.retention());
        }
    }

    private void send(Rows.ClaimedDelivery c, String claim) {
        try {
            CompletableFuture.supplyAsync(() -> {
                        URI uri = URI.create(c.url());
                        if (!webhooks.allowPrivate()) {
                            refusePrivate(uri);
                        }
                        return request(c, uri);
                    }, workers)
                    .thenCompose(request -> http.sendAsync(request, HttpResponse.BodyHandlers.discarding()))
                    .whenCompleteAsync((response, failure) -> finish(c, claim, response, failure), workers);
        } catch (RejectedExecutionException e) {
            // Closing: the claim runs out and the delivery is sent later.
            inFlight.decrementAndGet();
        }
    }

    private HttpRequest request(Rows.ClaimedDelivery c, URI uri) {
        byte[] body = c.delivery().payload().getBytes(StandardCharsets.UTF_8);
        long t = clock.instant().getEpochSecond();
        return HttpRequest.newBuilder(uri).timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", USER_AGENT)
                .header("Tern-Webhook-Id", c.delivery().webhookId())
                .header("Tern-Delivery-Id", c.delivery().id())
                .header(WebhookSignature.HEADER, WebhookSignature.header(c.secret(), t, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }

    /** Names are looked up again before each POST: a name may lead to a private address now. */
    private static void refusePrivate(URI uri) {
        boolean refused;
        try {
            refused = WebhookUrls.reachesPrivate(uri);
        } catch (UnknownHostException e) {
            throw new CompletionException(e);
        }
        if (refused) {
            throw new CompletionException(new Refused("the host " + uri.getHost() + " resolves to an address that "
                    + "is not public (loopback, private network or reserved), which [webhooks] allow_private does not "
                    + "allow"));
        }
    }

    /** Records the attempt, then frees its slot and looks for more. */
    private void finish(Rows.ClaimedDelivery c, String claim, HttpResponse<Void> response, Throwable failure) {
        Rows.WebhookDelivery d = c.delivery();
        Instant now = clock.instant();
        int attempts = d.attempts() + 1;
        Integer status = response == null ? null : response.statusCode();
        String state;
        String error = null;
        Instant next = now;
        if (status != null && status >= 200 && status < 300) {
            state = "delivered";
            log.debug("webhook {}: delivery {} ({}) accepted with {}", d.webhookId(), d.id(), d.eventType(), status);
        } else {
            error = status != null ? "HTTP " + status + (status >= 300 && status < 400 ? " (redirects are not followed)"
                    : "") : describe(failure);
            Duration delay = Webhooks.PING.equals(d.eventType()) ? null : retries.after(attempts);
            if (delay == null) {
                state = "failed";
                log.warn("webhook {}: delivery {} ({}) failed for good after {} attempt(s): {}", d.webhookId(), d.id(),
                        d.eventType(), attempts, error);
            } else {
                state = "pending";
                next = now.plus(delay);
                log.info("webhook {}: delivery {} ({}) attempt {} failed: {}; next attempt at {}", d.webhookId(),
                        d.id(), d.eventType(), attempts, error, next);
            }
        }
        String finalState = state;
        String finalError = error == null || error.length() <= MAX_ERROR ? error : error.substring(0, MAX_ERROR);
        Instant finalNext = next;
        store.write(tx -> tx.webhooks().recordAttempt(d.id(), claim, finalState, status, finalError, finalNext, now))
                .whenComplete((recorded, e) -> {
                    if (e != null) {
                        log.warn("webhook {}: could not record the attempt of delivery {}: {}", d.webhookId(), d.id(),
                                e.toString());
                    } else if (!recorded) {
                        log.info("webhook {}: delivery {} was claimed by another sender before its attempt was "
                                + "recorded", d.webhookId(), d.id());
                    }
                    inFlight.decrementAndGet();
                    wake();
                });
    }

    /** Why no answer came, in words. */
    private String describe(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof Refused || t instanceof WebhookException) {
            return t.getMessage();
        }
        if (t instanceof HttpConnectTimeoutException) {
            return "could not connect within " + settings.timeout().toSeconds() + "s";
        }
        if (t instanceof HttpTimeoutException) {
            return "no answer within " + settings.timeout().toSeconds() + "s";
        }
        if (t instanceof UnknownHostException) {
            return "unknown host " + t.getMessage();
        }
        if (t instanceof ConnectException) {
            return "could not connect" + (t.getMessage() == null ? "" : ": " + t.getMessage());
        }
        if (t instanceof javax.net.ssl.SSLException) {
            return "TLS failed: " + t.getMessage();
        }
        return t == null ? "no answer" : t.getMessage() == null ? t.getClass().getSimpleName()
                : t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    /** POSTs in progress, for tests and metrics. */
    public int inFlight() {
        return inFlight.get();
    }

    /**
     * Stops claiming, and waits a little for POSTs in progress to be answered and recorded. One
     * still going after that is abandoned; its delivery is due again when its lease ends.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        webhooks.removeEnqueuedListener(wakeUp);
        if (scheduler == null) {
            return;
        }
        scheduler.shutdownNow();
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        try {
            scheduler.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            while (inFlight.get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (inFlight.get() > 0) {
            log.info("webhooks: {} POST(s) still in progress at stop; they are sent again when their lease ends",
                    inFlight.get());
        }
        workers.shutdownNow();
    }

    /** A POST not made: the URL leads to a private address. */
    private static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }
}
