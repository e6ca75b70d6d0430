package dev.tern.smtp.server;

import dev.tern.mail.ClientInfo;
import dev.tern.mail.Envelope;
import dev.tern.mail.MailAddress;
import dev.tern.mail.MailException;
import dev.tern.store.BlobSink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory SmtpBackend: accepts known users of its domains, answers 550 5.1.1 for unknown users
 * and 550 5.7.1 for other domains unless the client authenticated, and keeps enqueued messages in a list. Its futures complete on a
 * thread of its own, as a real backend's would.
 */
final class FakeBackend implements SmtpBackend, AutoCloseable {

    /** A message the server handed over. */
    record Queued(String queueId, Envelope envelope, byte[] content) {
        String text() {
            return new String(content, StandardCharsets.UTF_8);
        }
    }

    private final Set<String> domains;
    private final Set<String> users;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fake-backend");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger ids = new AtomicInteger();
    final List<Queued> queued = new CopyOnWriteArrayList<>();
    final Map<String, MemorySink> sinks = new ConcurrentHashMap<>();
    final List<ClientInfo> checkedClients = new CopyOnWriteArrayList<>();
    volatile RuntimeException recipientCrash;
    volatile RuntimeException enqueueFailure;
    /** What {@link #freeSpace()} answers, and how often it was asked. */
    volatile long freeSpace = Long.MAX_VALUE;
    final AtomicInteger freeSpaceReads = new AtomicInteger();

    FakeBackend(Set<String> domains, Set<String> users) {
        this.domains = domains;
        this.users = users;
    }

    @Override
    public long freeSpace() {
        freeSpaceReads.incrementAndGet();
        return freeSpace;
    }

    /** The client policy every new connection gets. */
    volatile ClientPolicy policy = ClientPolicy.NONE;

    @Override
    public ClientPolicy clientPolicy(String listener, java.net.InetAddress client) {
        return policy;
    }

    /** Senders refused at MAIL for authenticated clients. */
    final Set<String> forbiddenSenders = ConcurrentHashMap.newKeySet();

    @Override
    public CompletableFuture<Void> checkSender(String listener, ClientInfo client, MailAddress sender) {
        return CompletableFuture.runAsync(() -> {
            if (sender != null && forbiddenSenders.contains(sender.toString())) {
                throw new MailException(553, "5.7.1", "<" + sender + ">: Sender address not owned by user "
                        + client.authUser(), "test");
            }
        }, executor);
    }

    @Override
    public CompletableFuture<Void> checkRecipient(String listener, ClientInfo client, MailAddress recipient) {
        return CompletableFuture.runAsync(() -> {
            checkedClients.add(client);
            if (recipientCrash != null) {
                throw recipientCrash;
            }
            if (!domains.contains(recipient.asciiDomain())) {
                if (client.authUser() != null) {
                    return;     // authenticated relay
                }
                throw new MailException(550, "5.7.1", "Relay access denied", "test");
            }
            if (!users.contains(recipient.localPart().toLowerCase(Locale.ROOT) + "@" + recipient.domain())) {
                throw new MailException(550, "5.1.1", "<" + recipient + ">: Recipient address rejected: User unknown",
                        "test");
            }
        }, executor);
    }

    @Override
    public String newQueueId() {
        return "Q" + ids.incrementAndGet();
    }

    @Override
    public BlobSink newBody(String queueId) {
        MemorySink sink = new MemorySink(queueId);
        sinks.put(queueId, sink);
        return sink;
    }

    @Override
    public CompletableFuture<Void> enqueue(String queueId, Envelope envelope, BlobSink body) {
        return CompletableFuture.runAsync(() -> {
            if (enqueueFailure != null) {
                body.abort();
                throw enqueueFailure;
            }
            try {
                body.commit();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            queued.add(new Queued(queueId, envelope, ((MemorySink) body).bytes()));
        }, executor);
    }

    Queued last() {
        return queued.get(queued.size() - 1);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
