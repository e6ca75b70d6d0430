package dev.tern.smtp.server;

import dev.tern.config.SmtpLimits;
import dev.tern.mail.ClientInfo;
import dev.tern.mail.Envelope;
import dev.tern.mail.MailAddress;
import dev.tern.mail.MailException;
import dev.tern.mail.Recipient;
import dev.tern.store.BlobSink;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A message handed to the backend without an SMTP session (the HTTP send API): the same steps in
 * the same order as a session takes them, so that it meets the same checks and fix-ups as mail an
 * authenticated user submits on port 587: the sender (its scope, the rate), each recipient
 * (routing, relaying), the content through the backend's filter (Message-ID and Date added,
 * {@code From:} checked) below a {@code Received:} field of its own, then the queue. Every
 * recipient must be accepted, or nothing is queued.
 *
 * <p>When {@code [milter] listeners} names this way in ({@code "http"}), each message is shown to
 * the mail filters as a session of its own, as a session on port 587 would show it: connect,
 * HELO, the login, MAIL, each RCPT, DATA and the content, with the same answers taken.
 *
 * <p>Refusals arrive as a failed future holding the backend's {@link MailException}, with its
 * reply code and text, as a session would have answered them, and are counted by the backend as
 * a session's are, at the stage that refused.
 */
public final class DirectSubmission {

    /** Who refuses what this class checks itself (in logs and in the refusal metric). */
    private static final String COMPONENT = "smtp";
    /**
     * The SASL mechanism filters are told the client used ({@code {auth_type}}): HTTP Basic
     * carries what PLAIN does, a user name and a password checked against the same credentials.
     */
    static final String MECHANISM = "PLAIN";

    private final SmtpBackend backend;
    private final String listener;
    private final String hostname;
    private final long maxMessageSize;
    private final int maxRecipients;
    private final boolean hideClient;

    /**
     * @param listener   the name the backend, the logs and the delivery records know this way in by
     * @param hideClient leave the client's address out of the {@code Received:} field, as
     *                   {@code [submission] hide_client_ip} does for submission
     */
    public DirectSubmission(SmtpBackend backend, String listener, String hostname, SmtpLimits limits,
                            boolean hideClient) {
        this.backend = backend;
        this.listener = listener;
        this.hostname = hostname;
        this.maxMessageSize = limits.maxMessageSize();
        this.maxRecipients = limits.maxRecipients();
        this.hideClient = hideClient;
    }

    /**
     * @param client     who hands it over, authenticated ({@link ClientInfo#authUser()} set)
     * @param address    the client's address, for the {@code Received:} field
     * @param tls        how the client's connection was encrypted ("TLSv1.3 with cipher …"), or null
     * @param content    the message, lines ending in CRLF
     * @param eightBit   the content has 8-bit octets (BODY=8BITMIME)
     * @param smtpUtf8   addresses or header fields in UTF-8 (RFC 6531)
     * @param requireTls RFC 8689 REQUIRETLS for the message's way onward
     * @return the queue id, once the message is queued
     */
    public CompletableFuture<String> submit(ClientInfo client, InetAddress address, String tls, MailAddress sender,
                                            List<MailAddress> recipients, byte[] content, boolean eightBit,
                                            boolean smtpUtf8, boolean requireTls) {
        if (recipients.isEmpty()) {
            return refused("rcpt", CompletableFuture.failedFuture(new MailException(554, "5.5.1", "No valid recipients",
                    COMPONENT)));
        }
        if (recipients.size() > maxRecipients) {
            return refused("rcpt", CompletableFuture.failedFuture(new MailException(552, "5.5.3",
                    "Too many recipients: at most " + maxRecipients + " in one message", COMPONENT)));
        }
        if (content.length > maxMessageSize) {
            return refused("data", CompletableFuture.failedFuture(new MailException(552, "5.3.4",
                    "Message size exceeds fixed limit of " + maxMessageSize + " bytes", COMPONENT)));
        }
        SessionFilter filter;
        try {
            filter = backend.sessionFilter(listener, address);
        } catch (RuntimeException e) {
            return refused("connect", CompletableFuture.failedFuture(new MailException(451, "4.3.0",
                    "Mail filters unavailable, try again later", COMPONENT)));
        }
        List<String> mailParameters = new ArrayList<>();
        if (eightBit) {
            mailParameters.add("BODY=8BITMIME");
        }
        if (smtpUtf8) {
            mailParameters.add("SMTPUTF8");
        }
        CompletableFuture<String> queued = filter.connected(client)
                .thenCompose(v -> refused("helo", filter.helo(client, client.helo())))
                .thenCompose(v -> {
                    filter.authenticated(client.authUser(), MECHANISM);
                    return refused("mail", backend.checkSender(listener, client, sender));
                })
                .thenCompose(v -> refused("mail", filter.mail(client, sender, mailParameters)))
                .thenCompose(v -> refused("rcpt", accept(client, sender, recipients, 0, new ArrayList<>(), filter)))
                .thenCompose(accepted -> refused("data", filter.data()).thenApply(v -> accepted))
                .thenCompose(accepted -> refused("data", store(client, address, tls, sender, accepted, content, eightBit,
                        smtpUtf8, requireTls, filter)));
        return queued.whenComplete((id, e) -> {
            filter.reset();
            filter.close();
        });
    }

    /** Counts a refusal of {@code step} at {@code stage}, as a session counts its refusals. */
    private <T> CompletableFuture<T> refused(String stage, CompletableFuture<T> step) {
        return step.whenComplete((v, e) -> {
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                    ? e.getCause() : e;
            if (cause instanceof MailException m) {
                backend.refused(listener, stage, m.code(), m.enhancedCode(), m.component());
            }
        });
    }

    private CompletableFuture<List<Recipient>> accept(ClientInfo client, MailAddress sender, List<MailAddress> recipients,
                                                      int next, List<Recipient> accepted, SessionFilter filter) {
        if (next == recipients.size()) {
            return CompletableFuture.completedFuture(accepted);
        }
        MailAddress address = recipients.get(next);
        return backend.acceptRecipient(listener, client, sender, Recipient.of(address))
                .thenCompose(r -> filter.recipient(address, r.localAccounts() != null, List.of()).thenApply(v -> r))
                .thenCompose(r -> {
                    accepted.add(r);
                    return accept(client, sender, recipients, next + 1, accepted, filter);
                });
    }

    private CompletableFuture<String> store(ClientInfo client, InetAddress address, String tls, MailAddress sender,
                                            List<Recipient> recipients, byte[] content, boolean eightBit,
                                            boolean smtpUtf8, boolean requireTls, SessionFilter filter) {
        String queueId = backend.newQueueId();
        BlobSink sink = backend.newBody(queueId);
        MessageBody body;
        try {
            ContentFilter contentFilter = backend.contentFilter(listener, client, sender, recipients);
            ContentFilter milters = filter.contentFilter(queueId);
            if (milters != null) {
                contentFilter = contentFilter == null ? milters : ContentFilter.chain(contentFilter, milters);
            }
            body = new MessageBody(sink, contentFilter, maxMessageSize);
        } catch (RuntimeException e) {
            sink.abort();
            throw e;
        }
        String received = ReceivedHeader.format(new ReceivedHeader.Origin(client.helo(), address, null, tls,
                        client.authUser(), hideClient), hostname, client.protocol(), queueId,
                recipients.size() == 1 ? recipients.get(0).address() : null, ZonedDateTime.now());
        body.writeTrace(ByteBuffer.wrap(received.getBytes(StandardCharsets.UTF_8)));
        body.write(ByteBuffer.wrap(content));
        body.finish();
        SmtpReply refusal = body.refusal();
        if (refusal != null) {
            body.abort();
            return CompletableFuture.failedFuture(new MailException(refusal.code(), refusal.enhancedCode(),
                    String.join(" ", refusal.lines()), COMPONENT));
        }
        return body.verdict().thenCompose(v -> {
            Envelope envelope = body.envelope(new Envelope(sender, recipients, eightBit ? "8BITMIME" : "7BIT",
                    smtpUtf8, null, null, client, Instant.now(), body.reception(), requireTls));
            if (body.discarded() || envelope.recipients().isEmpty()) {
                body.abort();
                return CompletableFuture.completedFuture(queueId);
            }
            return backend.enqueue(queueId, envelope, body.sink()).thenApply(queued -> queueId);
        }).whenComplete((id, e) -> {
            if (e != null) {
                body.abort();
            }
        });
    }
}
