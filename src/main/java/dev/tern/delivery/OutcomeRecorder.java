package dev.tern.delivery;

import dev.tern.delivery.dsn.DsnAction;
import dev.tern.delivery.dsn.DsnMessageWriter;
import dev.tern.delivery.dsn.DsnPolicy;
import dev.tern.delivery.dsn.DsnRecipientReport;
import dev.tern.delivery.dsn.DsnRequest;
import dev.tern.delivery.dsn.WrittenDsn;
import dev.tern.mail.ClientInfo;
import dev.tern.mail.Envelope;
import dev.tern.mail.MailAddress;
import dev.tern.mail.Recipient;
import dev.tern.mailbox.MailboxService;
import dev.tern.queue.MailQueue;
import dev.tern.queue.RetryPolicy;
import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import dev.tern.store.StoreTx;
import dev.tern.suppression.SuppressionList;
import dev.tern.tracking.DeliveryTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Stores what deliveries did and sends the notifications that calls for (RFC 3461): delivered
 * and failed recipients are finished, deferred ones get their next attempt on the retry schedule
 * or expire after the maximum lifetime, and the sender gets one report per batch about the
 * recipients that failed, expired, were delayed past the warning time, or were delivered with
 * NOTIFY=SUCCESS.
 *
 * <p>The report enters the queue in the same transaction as the recipients' new state, and so do
 * the delivery events (the attempt, the new state): a crash never loses a bounce nor sends one
 * twice, and the timeline never tells of a state the queue does not have. Its content is written before that transaction, off
 * the store's writer. Mail from the null sender never gets a report.
 */
public final class OutcomeRecorder {

    private static final Logger log = LoggerFactory.getLogger("dev.tern.delivery");
    /** The listener name recorded for the notifications Tern writes itself. */
    public static final String LISTENER = "bounce";

    private final MetadataStore store;
    private final MailQueue queue;
    private final MailboxService mailboxes;
    private final RetryPolicy retry;
    private final Duration delayWarning;
    private final int bounceSizeLimit;
    private final String hostname;
    private final Executor storageExecutor;
    private final Clock clock;
    /** Where the addresses that other servers refuse as nonexistent are listed; null: nowhere. */
    private final SuppressionList suppressions;

    public OutcomeRecorder(MetadataStore store, MailQueue queue, MailboxService mailboxes, RetryPolicy retry,
                           Duration delayWarning, long bounceSizeLimit, String hostname, Executor storageExecutor,
                           Clock clock, SuppressionList suppressions) {
        this.store = store;
        this.queue = queue;
        this.mailboxes = mailboxes;
        this.retry = retry;
        this.delayWarning = delayWarning;
        this.bounceSizeLimit = (int) Math.min(bounceSizeLimit, DsnMessageWriter.MAX_SIZE_LIMIT);
        this.hostname = hostname;
        this.storageExecutor = storageExecutor;
        this.clock = clock;
        this.suppressions = suppressions;
    }

    /** What records the delivery events of the outcomes. */
    public DeliveryTracker tracker() {
        return queue.tracker();
    }

    /** The decided changes of one batch, with the report to send; apply it in one transaction. */
    public record Prepared(Rows.QueuedMessage message, List<Change> changes, MailQueue.GeneratedMessage report,
                           Instant now) {
    }

    /** One recipient's new state. */
    public record Change(RecipientOutcome outcome, String state, Instant nextAttempt, boolean warn) {
    }

    /** Prepares and applies, in one go. The future completes when everything is stored. */
    public CompletableFuture<Void> record(Rows.QueuedMessage message, List<RecipientOutcome> outcomes) {
        return CompletableFuture.supplyAsync(() -> prepare(message, outcomes), storageExecutor)
                .thenCompose(p -> store.write(tx -> {
                    apply(tx, p);
                    return null;
                }));
    }

    /** Decides each recipient's state and writes the report, if any. Blocking: reads the original. */
    public Prepared prepare(Rows.QueuedMessage message, List<RecipientOutcome> outcomes) {
        Instant now = clock.instant();
        List<Change> changes = new ArrayList<>();
        List<DsnRecipientReport> reports = new ArrayList<>();
        for (RecipientOutcome o : outcomes) {
            Rows.QueueRecipient r = o.recipient();
            switch (o.kind()) {
                case DELIVERED -> {
                    changes.add(new Change(o, "delivered", null, false));
                    if (!o.remoteDsn() && DsnPolicy.wants(r.dsnNotify(), DsnAction.DELIVERED)) {
                        // RFC 3461 §5.2.2: delivered here, or relayed to a server that will not report.
                        DsnAction action = o.success() != null ? o.success()
                                : o.remoteMta() == null ? DsnAction.DELIVERED : DsnAction.RELAYED;
                        reports.add(report(o, action, "2.0.0".equals(o.status()) || o.status().startsWith("2.")
                                ? o.status() : "2.0.0", now, null));
                    }
                }
                case FAILED -> {
                    changes.add(new Change(o, "bounced", null, false));
                    if (DsnPolicy.wants(r.dsnNotify(), DsnAction.FAILED)) {
                        reports.add(report(o, DsnAction.FAILED, o.status(), now, null));
                    }
                }
                case DEFERRED -> {
                    if (retry.expired(message.receivedAt(), now)) {
                        changes.add(new Change(o, "expired", null, false));
                        if (DsnPolicy.wants(r.dsnNotify(), DsnAction.FAILED)) {
                            RecipientOutcome expired = new RecipientOutcome(r, RecipientOutcome.Kind.FAILED, "4.4.7",
                                    "delivery time expired; last attempt: " + o.detail(), o.remoteMta(), false);
                            reports.add(report(expired, DsnAction.FAILED, "4.4.7", now, null));
                        }
                        continue;
                    }
                    boolean warn = delayWarning != null && !r.warned()
                            && !now.isBefore(message.receivedAt().plus(delayWarning))
                            && DsnPolicy.wants(r.dsnNotify(), DsnAction.DELAYED);
                    changes.add(new Change(o, "deferred", retry.nextAttempt(now, r.attempts() + 1), warn));
                    if (warn) {
                        reports.add(report(o, DsnAction.DELAYED, o.status().startsWith("4.") ? o.status() : "4.0.0",
                                now, message.receivedAt().plus(retry.lifetime())));
                    }
                }
            }
        }
        MailQueue.GeneratedMessage report = null;
        if (!reports.isEmpty() && DsnPolicy.mayNotify(message.sender())) {
            report = writeReport(message, reports, now);
        }
        return new Prepared(message, changes, report, now);
    }

    /** Stores a prepared batch in the caller's transaction; removes the message when nothing waits. */
    public void apply(StoreTx tx, Prepared p) {
        apply(tx, p, Map.of());
    }

    /**
     * Stores a prepared batch, with its delivery events, in the caller's transaction; removes the
     * message when nothing waits.
     *
     * @param placements for local deliveries: recipient id → the mailboxes the message went to
     */
    public void apply(StoreTx tx, Prepared p, Map<Long, String> placements) {
        Rows.QueuedMessage message = p.message();
        boolean anyChanged = false;
        for (Change c : p.changes()) {
            long id = c.outcome().recipient().id();
            boolean changed = c.nextAttempt() == null
                    ? tx.queue().finish(id, c.state(), c.outcome().detail(), p.now())
                    : tx.queue().defer(id, c.nextAttempt(), c.outcome().detail(), p.now());
            if (changed && c.warn()) {
                tx.queue().markWarned(id);
            }
            if (changed) {
                track(tx, message, c, placements.get(id));
                listIfRefusedAsNonexistent(tx, message, c);
            }
            anyChanged |= changed;
        }
        if (p.report() != null && anyChanged) {
            queue.enqueue(tx, p.report());
            String reportId = p.report().queueId();
            tx.afterCommit(() -> log.info("{}: sender delivery status notification: {}", message.id(), reportId));
        }
        if (tx.queue().waiting(message.id()) == 0 && tx.queue().message(message.id()).isPresent()) {
            tx.queue().delete(message.id());
            mailboxes.releaseBlob(tx, message.blobId());
        }
    }

    /**
     * Puts a recipient on the suppression list when its own server (not a decision made here, such
     * as a null MX) refused it permanently as nonexistent or disabled.
     */
    private void listIfRefusedAsNonexistent(StoreTx tx, Rows.QueuedMessage message, Change c) {
        RecipientOutcome o = c.outcome();
        if (suppressions == null || !"bounced".equals(c.state()) || o.remoteMta() == null) {
            return;
        }
        String address = o.recipient().address();
        if (suppressions.recordRefusal(tx, address, o.status(), o.diagnostic(), message.id())) {
            tx.afterCommit(() -> log.info("{}: <{}> put on the suppression list: {}", message.id(), address, o.detail()));
        }
    }

    /** The recipient's events: the remote attempt, if there was one, then its new state. */
    private void track(StoreTx tx, Rows.QueuedMessage message, Change c, String placement) {
        DeliveryTracker tracker = queue.tracker();
        RecipientOutcome o = c.outcome();
        String rcpt = o.recipient().address();
        if (o.relay() != null) {
            tracker.attempted(tx, message, rcpt, o.relay(), o.status(), o.diagnostic());
        }
        switch (c.state()) {
            case "delivered" -> tracker.delivered(tx, message, rcpt, o.relay(), o.status(),
                    o.relay() == null && placement != null ? placement : o.diagnostic());
            case "bounced" -> tracker.bounced(tx, message, rcpt, o.relay(), o.status(), o.detail());
            case "expired" -> tracker.expired(tx, message, rcpt, o.relay(), "4.4.7", o.detail());
            default -> tracker.deferred(tx, message, rcpt, o.relay(), o.status(), o.detail(), c.nextAttempt());
        }
    }

    private DsnRecipientReport report(RecipientOutcome o, DsnAction action, String status, Instant now,
                                      Instant retryUntil) {
        return new DsnRecipientReport(o.recipient().address(), o.recipient().dsnOrcpt(), action, status,
                o.remoteMta(), o.diagnostic(), now, retryUntil);
    }

    private MailQueue.GeneratedMessage writeReport(Rows.QueuedMessage message, List<DsnRecipientReport> reports,
                                                   Instant now) {
        DsnRequest request = DsnRequest.of(hostname, message, reports);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WrittenDsn written;
        try (InputStream original = openOriginal(message)) {
            written = new DsnMessageWriter(clock, bounceSizeLimit).write(request, original, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Envelope envelope = new Envelope(null, List.of(Recipient.of(MailAddress.parse(message.sender()))),
                written.eightBit() ? "8BITMIME" : "7BIT", message.smtpUtf8(), null, null,
                new ClientInfo(null, null, hostname, "local", LISTENER, null), now)
                .withRequireTls(message.requireTls());   // the report carries the message's headers
        try {
            return queue.prepare(envelope, out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private InputStream openOriginal(Rows.QueuedMessage message) {
        try {
            return mailboxes.openContent(message.blobId());
        } catch (IOException e) {
            log.warn("{}: the original is unreadable; the report goes without it: {}", message.id(), e.getMessage());
            return null;
        }
    }
}
