package dev.tern.queue;

import dev.tern.message.TopHeader;
import dev.tern.mail.Envelope;
import dev.tern.mail.MailException;
import dev.tern.mail.Recipient;
import dev.tern.mailbox.MailboxService;
import dev.tern.store.BlobSink;
import dev.tern.store.BlobStore;
import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import dev.tern.store.StorageFull;
import dev.tern.store.StoreTx;
import dev.tern.message.MessageIdReader;
import dev.tern.tracking.DeliveryTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

/**
 * The durable queue. {@link #enqueue} is the only way a message enters it, and its future
 * completes only when the content and the envelope are both on stable storage.
 *
 * <p>A small content (at most {@link #INLINE_LIMIT} bytes, most mail) is written into the same
 * metadata transaction as its envelope: one group-committed fsync for both, shared with every
 * other session committing at that moment. A larger one is committed to the blob store first
 * (fsync'd file), then the envelope, so that a committed row never points at a missing or partial
 * file; a crash between the two leaves an unreferenced file, which the orphan sweep removes.
 *
 * <p>The same transaction records the message's reception in delivery tracking (with its
 * Message-ID, read from the content: in memory for inline contents, from the start of the file
 * just written for larger ones). An {@link ImmediateDelivery} may finish recipients inside that
 * same transaction (local mailboxes); only the others get queue rows. Should that combined
 * transaction fail, the message is stored again without it, so a delivery problem never turns
 * into a refused message.
 */
public final class MailQueue {

    private static final Logger log = LoggerFactory.getLogger(MailQueue.class);
    private static final String COMPONENT = "queue";
    /** Contents up to this size are stored with their metadata rather than in the blob store. */
    public static final int INLINE_LIMIT = 64 * 1024;

    private final MetadataStore store;
    private final BlobStore blobs;
    private final MailboxService mailboxes;
    private final Executor storageExecutor;
    private final DeliveryTracker tracker;
    private final List<QueueListener> listeners = new CopyOnWriteArrayList<>();
    private volatile ImmediateDelivery immediate;

    /** A queue with a delivery tracker of its own, which nothing listens to (tools and tests). */
    public MailQueue(MetadataStore store, BlobStore blobs, MailboxService mailboxes, Executor storageExecutor) {
        this(store, blobs, mailboxes, storageExecutor, new DeliveryTracker(java.time.Clock.systemUTC()));
    }

    /** @param tracker records each message's reception and queueing in the transaction that stores it */
    public MailQueue(MetadataStore store, BlobStore blobs, MailboxService mailboxes, Executor storageExecutor,
                     DeliveryTracker tracker) {
        this.store = store;
        this.blobs = blobs;
        this.mailboxes = mailboxes;
        this.storageExecutor = storageExecutor;
        this.tracker = tracker;
    }

    /** What records the delivery events of the queue's messages. */
    public DeliveryTracker tracker() {
        return tracker;
    }

    public void addListener(QueueListener listener) {
        listeners.add(listener);
    }

    /** Lets recipients be delivered in the enqueue transaction (see the class comment). */
    public void setImmediateDelivery(ImmediateDelivery immediate) {
        this.immediate = immediate;
    }

    public String newId() {
        return QueueIds.next();
    }

    public BlobSink newBody(String queueId) {
        return blobs.create(queueId);
    }

    /** Makes a received message durable; see the class comment. Never blocks the caller. */
    public CompletableFuture<Void> enqueue(String queueId, Envelope envelope, BlobSink body) {
        Rows.QueuedMessage unidentified = toRow(queueId, body, envelope);
        List<Rows.NewRecipient> recipients = envelope.recipients().stream().map(MailQueue::toRow).toList();
        byte[] inline = body.memoryContent(INLINE_LIMIT);
        CompletableFuture<Stored> stored;
        if (inline != null) {
            body.abort();   // the bytes go into the transaction below instead
            Rows.QueuedMessage row = unidentified.withMessageIdHeader(MessageIdReader.read(inline));
            // Found here, off the store's writer, for the mailbox index (header searches).
            byte[] header = TopHeader.of(inline, inline.length, true);
            stored = storeRows(row, recipients, envelope, tx -> tx.blobs().insertInline(body.id(), inline, 1, header));
        } else {
            stored = CompletableFuture.supplyAsync(() -> {
                        commitBody(body);
                        return unidentified.withMessageIdHeader(storedMessageId(body.id()));
                    }, storageExecutor)
                    .thenCompose(row -> storeRows(row, recipients, envelope,
                            tx -> tx.blobs().insert(body.id(), body.size(), 1)));
        }
        return stored.handle((done, failure) -> {
                    if (failure != null) {
                        discard(body);
                        Throwable cause = failure instanceof java.util.concurrent.CompletionException ? failure.getCause() : failure;
                        if (cause instanceof MailException me) {
                            throw me;
                        }
                        log.error("queue {}: could not store the message: {}", queueId, cause.toString());
                        if (StorageFull.isCause(cause)) {
                            // RFC 5321 §4.2.3 / RFC 3463 X.3.1: the sender keeps the message and retries.
                            throw new MailException(452, "4.3.1", "Insufficient system storage, try again later",
                                    COMPONENT, cause);
                        }
                        throw MailException.temporary("Local error in processing, try again later", COMPONENT, cause);
                    }
                    if (!done.recipients().isEmpty()) {
                        for (QueueListener l : listeners) {
                            l.queued(done.message(), done.recipients());
                        }
                    }
                    return null;
                });
    }

    /** A message as stored, with the recipients left for the queue runner. */
    private record Stored(Rows.QueuedMessage message, List<Rows.QueueRecipient> recipients) {
    }

    /**
     * The Message-ID of a large content, read back from its file just written (the start of it is
     * still in the page cache); null when it has none or cannot be read.
     */
    private String storedMessageId(String blobId) {
        try (java.io.InputStream in = new java.io.BufferedInputStream(blobs.open(blobId), 8192)) {
            return MessageIdReader.read(in);
        } catch (IOException e) {
            log.warn("queue {}: could not read the Message-ID: {}", blobId, e.getMessage());
            return null;
        }
    }

    /**
     * Writes the blob reference, the queue rows and the reception events, delivering what can be
     * delivered at once in the same transaction; falls back to storing every recipient when that
     * transaction fails.
     */
    private CompletableFuture<Stored> storeRows(Rows.QueuedMessage row, List<Rows.NewRecipient> recipients,
                                                Envelope envelope, java.util.function.Consumer<StoreTx> blobRow) {
        ImmediateDelivery now = immediate;
        if (now == null) {
            return store.write(tx -> storeAll(tx, row, recipients, envelope, blobRow));
        }
        return store.write(tx -> {
            blobRow.accept(tx);
            tracker.received(tx, row, envelope);
            List<Rows.NewRecipient> left = now.deliverNow(tx, row, recipients);
            if (left.isEmpty()) {
                mailboxes.releaseBlob(tx, row.blobId());   // the mailboxes hold their own references
                return new Stored(row, List.of());
            }
            return new Stored(row, tx.queue().insert(row, left, envelope.receivedAt()));
        }).exceptionallyCompose(failure -> {
            if (unwrap(failure) instanceof MailException
                    || unwrap(failure) instanceof dev.tern.store.StoreUnavailableException
                    || StorageFull.isCause(failure)) {
                return CompletableFuture.failedFuture(failure);   // a second transaction would fail alike
            }
            log.warn("queue {}: immediate delivery failed, queueing every recipient: {}", row.id(),
                    unwrap(failure).toString());
            return store.write(tx -> storeAll(tx, row, recipients, envelope, blobRow));
        });
    }

    private Stored storeAll(StoreTx tx, Rows.QueuedMessage row, List<Rows.NewRecipient> recipients, Envelope envelope,
                            java.util.function.Consumer<StoreTx> blobRow) {
        blobRow.accept(tx);
        tracker.received(tx, row, envelope);
        return new Stored(row, tx.queue().insert(row, recipients, envelope.receivedAt()));
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    private static void commitBody(BlobSink body) {
        try {
            body.commit();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void discard(BlobSink body) {
        body.abort();
        try {
            blobs.delete(body.id());
        } catch (IOException e) {
            log.warn("could not remove the content of a failed message {}: {}", body.id(), e.getMessage());
        }
    }

    /**
     * A message Tern writes itself (a delivery status notification), made ready to enter the
     * queue inside another transaction with {@link #enqueue(StoreTx, GeneratedMessage)}: a content
     * too large to go inline is already a durable file.
     */
    public record GeneratedMessage(String queueId, Envelope envelope, byte[] inline, long size, String messageId) {
    }

    /** Prepares a generated message; may write and fsync a file, so never call it on an event loop. */
    public GeneratedMessage prepare(Envelope envelope, byte[] content) throws IOException {
        String id = newId();
        String messageId = MessageIdReader.read(content);
        if (content.length <= INLINE_LIMIT) {
            return new GeneratedMessage(id, envelope, content, content.length, messageId);
        }
        BlobSink sink = blobs.create(id);
        try {
            sink.write(java.nio.ByteBuffer.wrap(content));
            sink.commit();
        } catch (IOException | RuntimeException e) {
            discard(sink);
            throw e;
        }
        return new GeneratedMessage(id, envelope, null, content.length, messageId);
    }

    /**
     * Prepares a message whose content is read from a stream (a message sent on, which may be
     * large): kept in memory up to {@link #INLINE_LIMIT} octets, else written to a durable file as
     * it is read. Never call it on an event loop.
     */
    public GeneratedMessage prepare(Envelope envelope, InputStream content) throws IOException {
        byte[] head = content.readNBytes(INLINE_LIMIT + 1);
        if (head.length <= INLINE_LIMIT) {
            return prepare(envelope, head);
        }
        String id = newId();
        BlobSink sink = blobs.create(id);
        try {
            sink.write(java.nio.ByteBuffer.wrap(head));
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = content.read(buffer)) != -1) {
                sink.write(java.nio.ByteBuffer.wrap(buffer, 0, n));
            }
            sink.commit();
        } catch (IOException | RuntimeException e) {
            discard(sink);
            throw e;
        }
        return new GeneratedMessage(id, envelope, null, sink.size(), MessageIdReader.read(head));
    }

    /**
     * Puts a prepared message into the queue in the caller's transaction, so that it exists if and
     * only if what caused it (a recipient's bounce, say) is recorded too. The queue runner hears of
     * it after the commit.
     */
    public void enqueue(StoreTx tx, GeneratedMessage m) {
        Envelope e = m.envelope();
        if (m.inline() != null) {
            tx.blobs().insertInline(m.queueId(), m.inline(), 1);
        } else {
            tx.blobs().insert(m.queueId(), m.size(), 1);
        }
        Rows.QueuedMessage row = new Rows.QueuedMessage(m.queueId(), m.queueId(),
                e.sender() == null ? null : e.sender().toString(), m.size(), e.bodyType(), e.smtpUtf8(), null, null,
                e.client().address(), e.client().helo(), e.client().authUser(), e.client().listener(),
                e.receivedAt(), false, e.verdict().traceFields(), e.verdict().quarantined())
                .withMessageIdHeader(m.messageId()).withRequireTls(e.requireTls());
        tracker.received(tx, row, e);
        List<Rows.QueueRecipient> inserted = tx.queue().insert(row,
                e.recipients().stream().map(MailQueue::toRow).toList(), e.receivedAt());
        tx.afterCommit(() -> listeners.forEach(l -> l.queued(row, inserted)));
    }

    public List<Rows.QueueSummary> list(int limit) {
        return list(limit, Set.of());
    }

    /**
     * The oldest {@code limit} messages with recipients still waiting; with {@code domains} not
     * empty, of the messages whose sender or a recipient is in one of them.
     */
    public List<Rows.QueueSummary> list(int limit, Set<String> domains) {
        return store.read(tx -> tx.queue().list(limit, domains));
    }

    /**
     * How many messages and waiting recipients the queue holds, and when the oldest message came;
     * with {@code domains} not empty, only the messages whose sender or a recipient is in one of them.
     */
    public Rows.QueueStats stats(Set<String> domains) {
        return store.read(tx -> domains.isEmpty() ? tx.queue().stats() : tx.queue().stats(domains));
    }

    public Optional<Rows.QueuedMessage> message(String id) {
        return store.read(tx -> tx.queue().message(id));
    }

    public List<Rows.QueueRecipient> recipients(String id) {
        return store.read(tx -> tx.queue().recipients(id));
    }

    /** Removes a message from the queue without delivering it; false when there was none. */
    public boolean delete(String id) {
        return store.writeAndWait(tx -> {
            Optional<Rows.QueuedMessage> m = tx.queue().message(id);
            if (m.isEmpty()) {
                return false;
            }
            tracker.deleted(tx, id, tx.queue().recipients(id).stream()
                    .filter(r -> Rows.QueueRecipient.isWaiting(r.state())).map(Rows.QueueRecipient::address).toList());
            tx.queue().delete(id);
            mailboxes.releaseBlob(tx, m.get().blobId());
            return true;
        });
    }

    private static Rows.QueuedMessage toRow(String id, BlobSink body, Envelope e) {
        return new Rows.QueuedMessage(id, body.id(), e.sender() == null ? null : e.sender().toString(), body.size(),
                e.bodyType(), e.smtpUtf8(), e.ret() == null ? null : e.ret().name(), e.envId(),
                e.client().address(), e.client().helo(), e.client().authUser(), e.client().listener(),
                e.receivedAt(), false, e.verdict().traceFields(), e.verdict().quarantined()).withRequireTls(e.requireTls());
    }

    private static Rows.NewRecipient toRow(Recipient r) {
        String notify = r.notifyOn().isEmpty() ? null : String.join(",", r.notifyOn().stream().sorted().toList());
        return new Rows.NewRecipient(r.address().toString(), notify, r.orcpt(), r.localAccounts());
    }

    // Operator actions (`tern queue hold|release|retry|flush`). They change rows, and wake the
    // queue runners of the nodes sharing the store (WAKE_CHANNEL); a server that does not hear it
    // (the embedded store's server, when the command runs in another process) acts on them at its
    // next periodic scan.

    /** The store's channel on which queue runners are asked to scan now. */
    public static final String WAKE_CHANNEL = "tern_queue";

    /**
     * Keeps a message from being delivered until {@link #release}; false when there is no such
     * message. A delivery already under way finishes.
     */
    public boolean hold(String id) {
        return store.writeAndWait(tx -> tx.queue().setHeld(id, true));
    }

    /** Takes a message off hold and makes its waiting recipients due now; false when there is no such message. */
    public boolean release(String id) {
        return store.writeAndWait(tx -> {
            if (!tx.queue().setHeld(id, false)) {
                return false;
            }
            tx.queue().makeDue(id, java.time.Instant.now());
            tx.signal(WAKE_CHANNEL, "release");
            return true;
        });
    }

    /**
     * Makes the waiting recipients of one message due now (a held message stays held); returns how
     * many were waiting for a later attempt.
     */
    public int retry(String id) {
        return store.writeAndWait(tx -> {
            tx.signal(WAKE_CHANNEL, "retry");
            return tx.queue().makeDue(id, java.time.Instant.now());
        });
    }

    /** Makes every waiting recipient of the messages not on hold due now; returns how many were waiting for later. */
    public int flush() {
        return store.writeAndWait(tx -> {
            tx.signal(WAKE_CHANNEL, "flush");
            return tx.queue().makeAllDue(java.time.Instant.now());
        });
    }
}
