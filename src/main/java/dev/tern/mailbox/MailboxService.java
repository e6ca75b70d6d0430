package dev.tern.mailbox;

import dev.tern.store.BlobStore;
import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import dev.tern.store.StoreTx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The only way into mail storage for local delivery, IMAP, POP3 and the admin tools.
 *
 * <p>Invariants (RFC 3501 §2.3.1.1, RFC 7162): within a mailbox UIDs strictly ascend and are never
 * reused while its UIDVALIDITY stays; every change takes a new, higher MODSEQ. Both are allocated
 * inside the transaction that stores the message.
 *
 * <p>A message's content is its header prefix (Return-Path, Delivered-To: written at final
 * delivery) followed by the shared blob the queue received, so that one message delivered to many
 * accounts is stored once.
 */
public final class MailboxService {

    private static final Logger log = LoggerFactory.getLogger(MailboxService.class);

    public static final String INBOX = "INBOX";

    /** Created for every new account: INBOX and the RFC 6154 special-use mailboxes. */
    private static final List<String[]> DEFAULT_MAILBOXES = List.of(
            new String[]{INBOX, null},
            new String[]{"Sent", "\\Sent"},
            new String[]{"Drafts", "\\Drafts"},
            new String[]{"Trash", "\\Trash"},
            new String[]{"Junk", "\\Junk"},
            new String[]{"Archive", "\\Archive"});

    /** UIDVALIDITY values come from the clock, and never repeat within this process. */
    private static final AtomicLong LAST_UIDVALIDITY = new AtomicLong();

    private final MetadataStore store;
    private final BlobStore blobs;
    private final List<Consumer<NewMessage>> listeners = new CopyOnWriteArrayList<>();

    /** Told after a message is durably stored (IMAP IDLE will listen). */
    public record NewMessage(long accountId, long mailboxId, long uid) {
    }

    public MailboxService(MetadataStore store, BlobStore blobs) {
        this.store = store;
        this.blobs = blobs;
    }

    public void onNewMessage(Consumer<NewMessage> listener) {
        listeners.add(listener);
    }

    /** Creates INBOX, Sent, Drafts, Trash, Junk and Archive for a new account. */
    public static void createDefaultMailboxes(StoreTx tx, long accountId) {
        for (String[] m : DEFAULT_MAILBOXES) {
            tx.mailboxes().create(accountId, m[0], m[1], nextUidValidity());
        }
    }

    static long nextUidValidity() {
        long now = Instant.now().getEpochSecond() & 0xFFFFFFFFL;
        return LAST_UIDVALIDITY.updateAndGet(last -> Math.max(last + 1, now));
    }

    /**
     * Files a stored blob into an account's mailbox in the caller's transaction, taking one reference
     * on the blob. Listeners hear of it once the transaction commits.
     */
    public Rows.Message deliver(StoreTx tx, long accountId, String mailboxName, String blobId, long blobSize,
                                String headerPrefix, Instant internalDate) {
        Rows.Mailbox mailbox = tx.mailboxes().mailbox(accountId, mailboxName)
                .orElseGet(() -> tx.mailboxes().create(accountId, mailboxName, null, nextUidValidity()));
        long size = headerPrefix.getBytes(StandardCharsets.UTF_8).length + blobSize;
        Rows.Message m = tx.mailboxes().append(mailbox.id(), blobId, headerPrefix, size, internalDate, "");
        tx.blobs().addRefs(blobId, 1);
        NewMessage event = new NewMessage(accountId, mailbox.id(), m.uid());
        tx.afterCommit(() -> listeners.forEach(l -> l.accept(event)));
        return m;
    }

    public List<Rows.Mailbox> mailboxes(long accountId) {
        return store.read(tx -> tx.mailboxes().mailboxes(accountId));
    }

    public List<Rows.Message> messages(long mailboxId) {
        return store.read(tx -> tx.mailboxes().messages(mailboxId));
    }

    public java.util.Optional<Rows.Message> message(long accountId, String mailboxName, long uid) {
        return store.read(tx -> tx.mailboxes().mailbox(accountId, mailboxName)
                .flatMap(mb -> tx.mailboxes().message(mb.id(), uid)));
    }

    /** The full content of a message: its header prefix, then its blob. */
    public InputStream open(Rows.Message message) throws IOException {
        InputStream prefix = new ByteArrayInputStream(message.headerPrefix().getBytes(StandardCharsets.UTF_8));
        return new SequenceInputStream(prefix, openContent(message.blobId()));
    }

    /** A stored content, wherever it is kept: inline with the metadata, or in the blob store. */
    public InputStream openContent(String blobId) throws IOException {
        byte[] inline = store.read(tx -> tx.blobs().inlineData(blobId));
        return inline != null ? new ByteArrayInputStream(inline) : blobs.open(blobId);
    }

    /** Removes every mailbox and message of an account, in the caller's transaction. */
    public void deleteAll(StoreTx tx, long accountId) {
        for (String blobId : tx.mailboxes().deleteAll(accountId)) {
            releaseBlob(tx, blobId);
        }
    }

    /** Drops one reference to a blob, deleting its content after commit when it was the last. */
    public void releaseBlob(StoreTx tx, String blobId) {
        if (tx.blobs().addRefs(blobId, -1) == 0) {
            tx.afterCommit(() -> {
                try {
                    blobs.delete(blobId);
                } catch (IOException e) {
                    // The orphan sweep at the next start removes it.
                    log.warn("could not delete message content {}: {}", blobId, e.getMessage());
                }
            });
        }
    }

}
