package dev.tern.smtp.server;

import dev.tern.mail.ClientInfo;
import dev.tern.mail.Envelope;
import dev.tern.mail.MailAddress;
import dev.tern.mail.MailException;
import dev.tern.mail.Recipient;
import dev.tern.net.tls.TlsMode;
import dev.tern.store.BlobSink;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import static dev.tern.smtp.server.SessionState.BDAT;
import static dev.tern.smtp.server.SessionState.CONNECTED;
import static dev.tern.smtp.server.SessionState.GREETED;
import static dev.tern.smtp.server.SessionState.MAIL;
import static dev.tern.smtp.server.SessionState.RCPT;

/**
 * The SMTP server session state machine (RFC 5321 §3, §4.1; RFC 3030 for BDAT; RFC 2920 for
 * pipelining; RFC 3207 for STARTTLS; RFC 4954 for AUTH, whose exchange is {@link SmtpAuthExchange}):
 * one small method per command, the order of commands checked by {@link CommandTable}.
 * It never touches sockets: input arrives as parsed commands and content, output goes through
 * {@link SessionIo}. Runs on one event loop; backend calls return futures, and the session
 * waits for them through {@link SessionIo#await} without blocking.
 *
 * <p>Security: error replies never carry exception text; unexpected failures are logged here and
 * answered {@code 451 4.3.0}. After {@code maxErrors} error replies without a message delivered
 * the session ends with {@code 421 4.7.0}; past {@code maxJunkCommands}, NOOP, RSET, VRFY and HELP
 * count as errors too. STARTTLS forgets everything learnt in plaintext (HELO,
 * transaction, authentication: RFC 3207 §4.2).
 *
 * <p>On an LMTP listener (RFC 2033) the same machine speaks LMTP: LHLO instead of HELO and EHLO,
 * and after the content one reply for each successful RCPT, in their order (§4.2), all alike,
 * since the queue takes the message for all of them in one commit.
 */
final class SmtpSession {

    private static final Pattern ENHANCED = Pattern.compile("[245]\\.\\d{1,3}\\.\\d{1,3}");
    /** The component named for refusals by the session's own rules (size, syntax, order, AUTH required). */
    static final String COMPONENT = "smtp";

    private final SmtpSettings settings;
    private final SessionIo io;
    private final SessionClient peer;
    private final String client;
    private SessionState state = CONNECTED;
    private Transaction tx;
    private int errors;
    /** NOOP, RSET, VRFY and HELP since the last accepted message; see {@link #junk()}. */
    private int junkCommands;
    /** The reply about to be sent answers a junk command past the limit: it counts as an error. */
    private boolean junkPastLimit;
    private String closeReason = "lost connection";
    private final SmtpAuthExchange auth;
    private final ClientPolicy policy;
    /** The milters that follow this session; null when they could not be set up. */
    private final SessionFilter filter;
    /** The greeting has been sent: until then the client must not say anything. */
    private boolean greeted;

    SmtpSession(SmtpSettings settings, SessionIo io, InetAddress clientAddress) {
        this.settings = settings;
        this.io = io;
        this.peer = new SessionClient(clientAddress, settings.lmtp());
        this.client = peer.logName;
        ClientPolicy p;
        try {
            p = settings.backend().clientPolicy(settings.listener(), clientAddress);
        } catch (RuntimeException e) {
            TransactionLog.LOG.warn("client checks for {} could not start", client, e);
            p = null;
        }
        this.policy = p;
        SessionFilter f;
        try {
            f = settings.backend().sessionFilter(settings.listener(), clientAddress);
        } catch (RuntimeException e) {
            TransactionLog.LOG.warn("mail filters for {} could not start", client, e);
            f = null;
        }
        this.filter = f;
        this.auth = settings.security().offersAuth()
                ? new SmtpAuthExchange(settings, io, client, this::reply, this::authenticated) : null;
    }

    /**
     * Greets the client, once the policy has accepted the connection and the greeting delay has
     * passed (at once when there is neither). A policy that cannot be set up refuses with 421.
     */
    void start() {
        if (policy == null || filter == null) {
            closeReason = "checks unavailable";
            io.sendAndClose(Replies.serviceUnavailable(settings.hostname()));
            return;
        }
        CompletableFuture<Void> accepted = call(policy::connected);
        Duration delay = policy.greetingDelay();
        if (accepted.isDone() && delay.isZero()) {
            greet(accepted);
            return;
        }
        CompletableFuture<Void> waited = delay.isZero() ? CompletableFuture.completedFuture(null)
                : io.delay(delay).toCompletableFuture();
        io.whenDone(waited.thenCombine(accepted.handle((ok, error) -> error), (v, error) -> error),
                (error, unused) -> greet(error == null ? accepted : CompletableFuture.failedFuture(error)));
    }

    private void greet(CompletableFuture<Void> accepted) {
        if (greeted || closeReason.equals("early talker")) {
            return;
        }
        greeted = true;
        if (accepted.isCompletedExceptionally()) {
            SmtpReply refusal = accepted.handle((ok, error) -> replyFor(error, "connection check")).join();
            refused("connect", refusal, accepted.handle((ok, error) -> componentOf(error)).join());
            TransactionLog.LOG.info("connection from {} refused: {}", client, refusal.format().trim());
            closeReason = "refused at connect";
            io.sendAndClose(refusal.code() / 100 == 2 ? Replies.serviceUnavailable(settings.hostname()) : refusal);
            return;
        }
        peer.verifiedName = policy.verifiedName();
        if (filtered()) {
            filter.connected(clientInfo(null));   // a refusal comes back at MAIL
        }
        io.send(settings.greeting());
    }

    void command(SmtpCommand command) {
        if (!greeted) {
            earlyTalker();
            return;
        }
        SmtpReply refused = CommandTable.refusal(command.verb(), state);
        if (refused != null && settings.lmtp()) {
            refused = inLmtp(refused);
        }
        if (refused != null) {
            if (command instanceof SmtpCommand.Bdat bdat) {
                discardChunk(bdat, refused);
            } else {
                reply(refused);
            }
            return;
        }
        if (command instanceof SmtpCommand.Invalid c) {
            reply(c.reply());
        } else if (settings.lmtp() && (command instanceof SmtpCommand.Helo || command instanceof SmtpCommand.Ehlo)) {
            reply(Replies.LHLO_EXPECTED);
        } else if (command instanceof SmtpCommand.Helo c) {
            greet(c.domain(), false, settings.heloReply());
        } else if (command instanceof SmtpCommand.Ehlo c) {
            greet(c.domain(), true, settings.ehloReply(peer.tls != null, mechanisms()));
        } else if (command instanceof SmtpCommand.Lhlo c) {
            if (settings.lmtp()) {
                greet(c.domain(), true, settings.ehloReply(peer.tls != null, mechanisms()));
            } else {
                reply(Replies.UNKNOWN_COMMAND);
            }
        } else if (command instanceof SmtpCommand.StartTls) {
            startTls();
        } else if (command instanceof SmtpCommand.Auth c) {
            auth(c);
        } else if (command instanceof SmtpCommand.Mail c) {
            mail(c);
        } else if (command instanceof SmtpCommand.Rcpt c) {
            rcpt(c);
        } else if (command instanceof SmtpCommand.Data) {
            data();
        } else if (command instanceof SmtpCommand.Bdat c) {
            bdat(c);
        } else if (command instanceof SmtpCommand.Rset) {
            junk();
            rset();
        } else if (command instanceof SmtpCommand.Quit) {
            quit();
        } else if (command instanceof SmtpCommand.Noop) {
            junk();
            reply(Replies.OK);
        } else if (command instanceof SmtpCommand.Help) {
            junk();
            reply(Replies.HELP);
        } else if (command instanceof SmtpCommand.Vrfy c) {
            junk();
            vrfy(c);
        } else if (command instanceof SmtpCommand.NotImplemented) {
            reply(Replies.NOT_IMPLEMENTED);
        } else {
            reply(Replies.UNKNOWN_COMMAND);
        }
    }

    /** The refusals whose words or code LMTP changes: LHLO for HELO, 503 for DATA without recipients. */
    private static SmtpReply inLmtp(SmtpReply refusal) {
        if (refusal == Replies.NEED_HELO) {
            return Replies.NEED_LHLO;
        }
        return refusal == Replies.NO_VALID_RECIPIENTS ? Replies.LMTP_NO_VALID_RECIPIENTS : refusal;
    }

    // ---- commands ---------------------------------------------------------------------------

    /**
     * HELO and EHLO: both start afresh (RFC 5321 §4.1.4: EHLO resets any transaction). The client
     * policy may refuse the name; the client then stays where it was.
     */
    private void greet(String domain, boolean extended, SmtpReply reply) {
        CompletableFuture<Void> check = peer.authenticated() ? CompletableFuture.completedFuture(null)
                : call(() -> policy.helo(domain));
        if (filtered()) {
            check = check.thenCompose(ok -> call(() -> filter.helo(clientInfo(null), domain)));
        }
        if (!check.isDone() || check.isCompletedExceptionally()) {
            io.await(check, (ok, error) -> {
                if (error == null) {
                    greeted(domain, extended, reply);
                } else {
                    SmtpReply refusal = replyFor(error, "HELO check");
                    refused("helo", refusal, componentOf(error));
                    TransactionLog.LOG.info("{}: HELO {} refused: {}", client, domain, refusal.format().trim());
                    reply(refusal);
                }
            });
            return;
        }
        greeted(domain, extended, reply);
    }

    private void greeted(String domain, boolean extended, SmtpReply reply) {
        resetTransaction("new HELO/EHLO");
        peer.helo = domain;
        peer.esmtp = extended;
        state = GREETED;
        reply(reply);
    }

    /**
     * RFC 3207 §4.2: after the handshake the client starts afresh, so everything learnt in plaintext
     * is forgotten now. The connection throws away what was pipelined after this command.
     */
    private void startTls() {
        if (settings.security().tlsMode() == TlsMode.NONE) {
            reply(Replies.NOT_IMPLEMENTED);
            return;
        }
        if (peer.tls != null) {
            reply(Replies.TLS_ALREADY_ACTIVE);
            return;
        }
        resetTransaction("STARTTLS");
        peer.forget();
        state = CONNECTED;
        io.startTls(Replies.TLS_READY);
    }

    private void authenticated(dev.tern.auth.AuthenticatedUser user, String mechanism) {
        peer.user = user;
        if (filtered()) {
            filter.authenticated(user.address(), mechanism);
        }
    }

    /** RFC 4954 §4: one AUTH per session, outside transactions (the table checks the latter). */
    private void auth(SmtpCommand.Auth c) {
        if (auth == null) {
            reply(Replies.NOT_IMPLEMENTED);
        } else if (peer.authenticated()) {
            reply(Replies.AUTH_TWICE);
        } else {
            auth.start(c, peer.authContext(settings.hostname()));
        }
    }

    /**
     * Submission (RFC 6409 §4.3) needs AUTH before MAIL. An authenticated sender is checked by the
     * backend (is the address the user's?) before the transaction starts.
     */
    private void mail(SmtpCommand.Mail c) {
        if (settings.security().authRequired() && !peer.authenticated()) {
            refused("mail", Replies.AUTH_REQUIRED, COMPONENT);
            reply(Replies.AUTH_REQUIRED);
            return;
        }
        if (c.requireTls() && peer.tls == null) {
            refused("mail", Replies.REQUIRETLS_WITHOUT_TLS, COMPONENT);
            TransactionLog.senderRefused(client, c.sender(), Replies.REQUIRETLS_WITHOUT_TLS);
            reply(Replies.REQUIRETLS_WITHOUT_TLS);
            return;
        }
        if (c.size() > settings.limits().maxMessageSize()) {
            refused("mail", Replies.MESSAGE_TOO_BIG, COMPONENT);
            TransactionLog.senderRefused(client, c.sender(), Replies.MESSAGE_TOO_BIG);
            reply(Replies.MESSAGE_TOO_BIG);  // RFC 1870 §6.1
            return;
        }
        if (!roomFor(c.size())) {
            refused("mail", Replies.INSUFFICIENT_STORAGE, COMPONENT);
            TransactionLog.senderRefused(client, c.sender(), Replies.INSUFFICIENT_STORAGE);
            reply(Replies.INSUFFICIENT_STORAGE);   // RFC 1870 §6.1: 452 when it may fit later
            return;
        }
        Transaction t = new Transaction(c);
        CompletableFuture<Void> check = peer.authenticated()
                ? call(() -> settings.backend().checkSender(settings.listener(), clientInfo(t), c.sender()))
                : call(() -> policy.mail(clientInfo(t), c.sender()));
        if (check.isDone() && !check.isCompletedExceptionally()) {
            beginTransaction(t);
            return;
        }
        io.await(check, (ok, error) -> {
            if (error == null) {
                beginTransaction(t);
            } else {
                SmtpReply refusal = replyFor(error, "sender check");
                refused("mail", refusal, componentOf(error));
                TransactionLog.senderRefused(client, c.sender(), refusal);
                reply(refusal);
            }
        });
    }

    /**
     * Whether the storage keeps its reserve ({@code [smtp] min_free_space}) after a message of the
     * declared size (0 when MAIL declares none), as Postfix's smtpd checks {@code queue_minfree}:
     * a full disk refuses new mail with a temporary error at MAIL, before any of it is sent, and
     * leaves the reserve to what is already accepted, to IMAP and to the queue.
     */
    private boolean roomFor(long declaredSize) {
        long reserve = settings.limits().minFreeSpace();
        long size = Math.max(0, declaredSize);
        if (reserve <= 0 && size == 0) {
            return true;
        }
        long free = settings.backend().freeSpace();
        return free >= reserve && free - reserve >= size;
    }

    private void beginTransaction(Transaction t) {
        if (!filtered()) {
            transactionBegun(t);
            return;
        }
        CompletableFuture<Void> filtered = call(() -> filter.mail(clientInfo(t), t.mail().sender(), t.mail().parameters()));
        if (filtered.isDone() && !filtered.isCompletedExceptionally()) {
            transactionBegun(t);
            return;
        }
        io.await(filtered, (ok, error) -> {
            if (error == null) {
                transactionBegun(t);
            } else {
                filter.reset();
                SmtpReply refusal = replyFor(error, "sender filter");
                refused("mail", refusal, componentOf(error));
                TransactionLog.senderRefused(client, t.mail().sender(), refusal);
                reply(refusal);
            }
        });
    }

    private void transactionBegun(Transaction t) {
        tx = t;
        state = MAIL;
        reply(Replies.SENDER_OK);
    }

    private void rcpt(SmtpCommand.Rcpt c) {
        // LMTP owes a reply for each successful RCPT, so there a repeated address counts too.
        int recipients = settings.lmtp() ? tx.successfulRcpts().size() : tx.recipientCount();
        if (recipients >= settings.limits().maxRecipients()) {
            refused("rcpt", Replies.TOO_MANY_RECIPIENTS, COMPONENT);
            reply(Replies.TOO_MANY_RECIPIENTS);  // RFC 5321 §4.5.3.1.10
            return;
        }
        MailAddress address = c.isBarePostmaster() ? settings.postmaster() : c.recipient();
        if (address.needsUtf8() && !tx.mail().smtpUtf8()) {
            refused("rcpt", Replies.NON_ASCII_RECIPIENT, COMPONENT);
            reply(Replies.NON_ASCII_RECIPIENT);  // RFC 6531 §3.5
            return;
        }
        if (c.orcptNeedsSmtpUtf8() && !tx.mail().smtpUtf8()) {
            refused("rcpt", Replies.UTF8_ORCPT_WITHOUT_SMTPUTF8, COMPONENT);
            reply(Replies.UTF8_ORCPT_WITHOUT_SMTPUTF8);  // RFC 6533 §3
            return;
        }
        Transaction t = tx;
        Recipient given = new Recipient(address, c.notifyOn(), c.orcptAsXtext());
        CompletableFuture<Recipient> check = call(() ->
                settings.backend().acceptRecipient(settings.listener(), clientInfo(t), t.mail().sender(), given));
        if (!peer.authenticated()) {
            check = check.thenCompose(accepted -> call(() -> policy.recipient(clientInfo(t), t.mail().sender(), address))
                    .thenApply(ok -> accepted));
        }
        if (filtered()) {
            check = check.thenCompose(accepted -> call(() -> filter.recipient(address, accepted.localAccounts() != null,
                    c.parameters())).thenApply(ok -> accepted));
        }
        io.await(check, (accepted, error) -> {
            if (error == null) {
                t.addRecipient(accepted);
                state = RCPT;
                reply(Replies.RECIPIENT_OK);
            } else {
                SmtpReply refusal = replyFor(error, "recipient check");
                refused("rcpt", refusal, componentOf(error));
                TransactionLog.recipientRefused(client, t, address, refusal);
                reply(refusal);
            }
        });
    }

    private void data() {
        if (tx.mail().body() == BodyType.BINARY_MIME) {
            reply(Replies.BINARYMIME_NEEDS_BDAT);  // RFC 3030 §3
            return;
        }
        if (!filtered()) {
            startData();
            return;
        }
        CompletableFuture<Void> filtered = call(filter::data);
        if (filtered.isDone() && !filtered.isCompletedExceptionally()) {
            startData();
            return;
        }
        Transaction t = tx;
        io.await(filtered, (ok, error) -> {
            if (tx != t) {
                return;
            }
            if (error == null) {
                startData();
            } else {
                SmtpReply refusal = replyFor(error, "DATA filter");
                refused("data", refusal, componentOf(error));
                reply(refusal);
            }
        });
    }

    private void startData() {
        MessageBody body = startContent(false);
        if (body == null) {
            reply(Replies.LOCAL_ERROR);
            return;
        }
        reply(Replies.START_DATA);
        io.receive(new DataContent(body), this::dataComplete);
    }

    private void dataComplete() {
        Transaction t = endTransaction();
        SmtpReply refusal = t.body().refusal();
        if (refusal != null) {
            refuse(t, refusal, COMPONENT);
        } else {
            enqueue(t);
        }
    }

    private void bdat(SmtpCommand.Bdat c) {
        if (!tx.contentStarted()) {
            if (startContent(true) == null) {
                resetTransaction("storage error");
                discardChunk(c, Replies.LOCAL_ERROR);
                return;
            }
            state = BDAT;
        }
        Runnable complete = () -> chunkComplete(c);
        if (c.size() == 0) {
            complete.run();
        } else {
            io.receive(new ChunkContent(c.size(), tx.body(), tx.lineCheck()), complete);
        }
    }

    /** RFC 3030 §2: each chunk is answered once read; the LAST one once the message is queued. */
    private void chunkComplete(SmtpCommand.Bdat c) {
        MessageBody body = tx.body();
        if (c.last() && tx.lineCheck() != null && tx.lineCheck().finish()) {
            body.fail(MessageBody.Failure.BARE_LINE_ENDING);
        }
        SmtpReply refusal = body.refusal();
        if (refusal != null) {
            // The transaction has failed (RFC 3030 §3); only the LAST chunk's is LMTP's final answer.
            refuse(endTransaction(), refusal, COMPONENT, c.last());
        } else if (!c.last()) {
            reply(Replies.chunkReceived(c.size()));
        } else {
            enqueue(endTransaction());
        }
    }

    /** A refused BDAT still has its chunk read, so that its bytes are never taken for commands. */
    private void discardChunk(SmtpCommand.Bdat c, SmtpReply refusal) {
        if (c.size() == 0) {
            reply(refusal);
        } else {
            io.receive(ChunkContent.discard(c.size()), () -> reply(refusal));
        }
    }

    /**
     * VRFY discloses which users exist, so by default it answers 252 (RFC 5321 §3.5.3). With
     * {@code [smtp] vrfy = true} an address is checked as RCPT would check it: 250 when it is
     * deliverable, the recipient check's refusal otherwise; a bare name still gets 252.
     */
    private void vrfy(SmtpCommand.Vrfy c) {
        String arg = c.argument().trim();
        if (arg.startsWith("<") && arg.endsWith(">")) {
            arg = arg.substring(1, arg.length() - 1);
        }
        MailAddress address;
        try {
            address = settings.limits().vrfy() ? MailAddress.parse(arg) : null;
        } catch (IllegalArgumentException e) {
            address = null;
        }
        if (address == null) {
            reply(Replies.CANNOT_VRFY);
            return;
        }
        MailAddress checked = address;
        CompletableFuture<Void> check = call(() ->
                settings.backend().checkRecipient(settings.listener(), clientInfo(tx), checked));
        io.await(check, (ok, error) -> reply(error == null
                ? SmtpReply.of(250, "2.1.5", "<" + checked + ">")
                : replyFor(error, "VRFY")));
    }

    private void rset() {
        resetTransaction("RSET");
        state = peer.helo == null ? CONNECTED : GREETED;
        reply(Replies.OK);
    }

    private void quit() {
        resetTransaction("QUIT");
        closeReason = "QUIT";
        io.sendAndClose(Replies.BYE);
    }

    // ---- message content and queue -------------------------------------------------------------

    /** Allocates the queue id and body, and writes the Received header; null when storage fails. */
    private MessageBody startContent(boolean bdat) {
        String queueId;
        BlobSink sink;
        try {
            queueId = settings.backend().newQueueId();
            sink = settings.backend().newBody(queueId);
        } catch (RuntimeException e) {
            TransactionLog.LOG.warn("cannot start a message from {}", client, e);
            return null;
        }
        ContentFilter filter;
        try {
            filter = settings.backend().contentFilter(settings.listener(), clientInfo(tx), tx.mail().sender(),
                    tx.recipients());
            if (filter == null && !peer.authenticated()) {
                filter = policy.contentFilter(clientInfo(tx), tx.mail().sender(), tx.recipients(), queueId);
            }
            ContentFilter milters = this.filter.contentFilter(queueId);
            if (milters != null) {
                filter = filter == null ? milters : ContentFilter.chain(filter, milters);
            }
        } catch (RuntimeException e) {
            sink.abort();
            TransactionLog.LOG.warn("cannot start a message from {}", client, e);
            return null;
        }
        MessageBody body = new MessageBody(sink, filter, settings.limits().maxMessageSize());
        String received = ReceivedHeader.format(peer.origin(settings.security().hideClientIp()), settings.hostname(),
                peer.protocol(tx), queueId,
                tx.onlyRecipient(), ZonedDateTime.now());
        body.writeTrace(ByteBuffer.wrap(received.getBytes(StandardCharsets.UTF_8)));
        tx.startContent(queueId, body, bdat);
        return body;
    }

    /** The content is complete: the backend's filter may still refuse it, then it is queued. */
    private void enqueue(Transaction t) {
        t.body().finish();
        SmtpReply refusal = t.body().refusal();
        if (refusal != null) {
            refuse(t, refusal, COMPONENT);
            return;
        }
        io.await(call(() -> t.body().verdict()), (ok, error) -> {
            if (error == null) {
                queue(t);
            } else {
                t.abort();
                refuse(t, replyFor(error, "content check " + t.queueId()), componentOf(error));
            }
        });
    }

    private void queue(Transaction t) {
        Envelope envelope = t.envelope(clientInfo(t), Instant.now());
        if (t.body().discarded() || envelope.recipients().isEmpty()) {
            t.abort();
            filter.reset();
            errors = 0;
            TransactionLog.discarded(client, t);
            accepted(t);   // as Postfix does: the client is not told
            return;
        }
        CompletableFuture<Void> queued = call(() ->
                settings.backend().enqueue(t.queueId(), envelope, t.body().sink()));
        io.await(queued, (ok, error) -> {
            filter.reset();
            if (error == null) {
                errors = 0;
                junkCommands = 0;
                TransactionLog.queued(client, t);
                accepted(t);
            } else {
                refuse(t, replyFor(error, "enqueue " + t.queueId()), componentOf(error));
            }
        });
    }

    /** Says the message was taken: once, or on LMTP once for each successful RCPT (RFC 2033 §4.2). */
    private void accepted(Transaction t) {
        if (settings.lmtp()) {
            t.successfulRcpts().forEach(r -> reply(Replies.accepted(r, t.queueId())));
        } else {
            reply(Replies.queued(t.queueId()));
        }
    }

    /** Refuses a message after its content; {@code component} raised the refusal. */
    private void refuse(Transaction t, SmtpReply refusal, String component) {
        refuse(t, refusal, component, true);
    }

    /**
     * Refuses a message; {@code contentEnded} when this answers the end of its content, which LMTP
     * answers once for each successful RCPT (RFC 2033 §4.2), counted as one error.
     */
    private void refuse(Transaction t, SmtpReply refusal, String component, boolean contentEnded) {
        filter.reset();
        Exception cause = t.body().storageError();
        if (cause != null) {
            TransactionLog.LOG.warn("{}: writing the message failed", t.queueId(), cause);
        }
        refused("data", refusal, component);
        TransactionLog.refused(client, t, refusal);
        if (settings.lmtp() && contentEnded && refusal.code() != 421) {
            for (int i = 1; i < t.successfulRcpts().size(); i++) {
                io.send(refusal);
            }
        }
        reply(refusal);
    }

    /** Ends the transaction whose content is complete; the session is ready for the next MAIL. */
    private Transaction endTransaction() {
        Transaction t = tx;
        tx = null;
        state = GREETED;
        return t;
    }

    private void resetTransaction(String reason) {
        if (tx != null && tx.contentStarted()) {
            tx.abort();
            TransactionLog.aborted(client, tx, reason);
        }
        if (tx != null && filter != null) {
            filter.reset();
        }
        tx = null;
        if (state != CONNECTED) {
            state = GREETED;
        }
    }

    // ---- events from the connection -----------------------------------------------------------

    /** True while the next line is a SASL response, not a command (and may be up to 12288 octets). */
    boolean expectsSaslResponse() {
        return auth != null && auth.expectsResponse();
    }

    void saslResponse(byte[] line) {
        auth.response(line);
    }

    /** The TLS handshake succeeded (after STARTTLS, or at once on an implicit TLS listener). */
    void tlsStarted(String protocol, String cipherSuite) {
        peer.tls = protocol + " with cipher " + cipherSuite;
    }

    void bareLfInCommand() {
        if (!greeted) {
            earlyTalker();   // answered before the greeting, it would be the client's first reply
        } else if (expectsSaslResponse()) {
            auth.abort(Replies.BARE_LF_IN_COMMAND);
        } else {
            reply(Replies.BARE_LF_IN_COMMAND);
        }
    }

    void lineTooLong() {
        if (!greeted) {
            earlyTalker();
        } else if (expectsSaslResponse()) {
            auth.abort(Replies.AUTH_LINE_TOO_LONG);
        } else {
            reply(Replies.LINE_TOO_LONG);
        }
    }

    /**
     * The client spoke before the greeting (RFC 5321 §3.1: the client waits for it): refused and
     * disconnected, the way Postfix's postscreen treats a pregreet.
     */
    private void earlyTalker() {
        if (closeReason.equals("early talker")) {
            return;
        }
        closeReason = "early talker";
        TransactionLog.LOG.info("connection from {} refused: sent data before the greeting", client);
        io.sendAndClose(Replies.EARLY_TALKER);
    }

    void timedOut() {
        closeReason = "timeout";
        io.sendAndClose(Replies.timeout(settings.hostname()));
    }

    void shuttingDown() {
        closeReason = "server shutdown";
        io.sendAndClose(Replies.shuttingDown(settings.hostname()));
    }

    /** The connection is gone: content being received is thrown away (nothing was acknowledged). */
    void disconnected() {
        resetTransaction(closeReason);
        if (filter != null) {
            filter.close();
        }
        if (auth != null) {
            auth.close();
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    private void reply(SmtpReply reply) {
        if (reply.code() == 421) {
            io.sendAndClose(reply);
            return;
        }
        io.send(reply);
        boolean error = !reply.isPositive() || junkPastLimit;
        junkPastLimit = false;
        if (error && ++errors >= settings.limits().maxErrors()) {
            closeReason = "too many errors";
            io.sendAndClose(Replies.tooManyErrors(settings.hostname()));
        }
    }

    /**
     * Counts a command that moves no mail forward (NOOP, RSET, VRFY, HELP). Past
     * {@code [smtp] max_junk_commands} since the last accepted message, its reply counts as an
     * error, as Postfix's {@code smtpd_junk_command_limit} does: a client cannot hold a connection
     * (one of {@code max_connections}) forever with a NOOP before each timeout.
     */
    private void junk() {
        junkPastLimit = ++junkCommands > settings.limits().maxJunkCommands();
    }

    /** Tells the backend what was refused, for counting; a failure there never changes the reply. */
    private void refused(String stage, SmtpReply refusal, String component) {
        try {
            settings.backend().refused(settings.listener(), stage, refusal.code(), refusal.enhancedCode(), component);
        } catch (RuntimeException e) {
            TransactionLog.LOG.debug("counting a refusal failed", e);
        }
    }

    /** The component a failed backend call names, or this session's for an unexpected failure. */
    private static String componentOf(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause instanceof MailException e && e.component() != null ? e.component() : COMPONENT;
    }

    /** Whether milters follow this session (most sessions have none, and pay nothing for them). */
    private boolean filtered() {
        return filter != SessionFilter.NONE;
    }

    private ClientInfo clientInfo(Transaction t) {
        return peer.info(settings.listener(), t);
    }

    /** The mechanisms for EHLO's AUTH keyword: the authenticator's, less those this listener keeps for TLS. */
    private List<String> mechanisms() {
        if (auth == null) {
            return List.of();
        }
        try {
            List<String> offered = settings.security().authenticator().mechanisms(peer.authContext(settings.hostname()));
            if (peer.tls == null && settings.security().passwordsNeedTls()) {
                offered = offered.stream().filter(m -> !SmtpAuthExchange.needsTls(m)).toList();
            }
            return offered;
        } catch (RuntimeException e) {
            TransactionLog.LOG.warn("listing SASL mechanisms failed for client {}", client, e);
            return List.of();
        }
    }

    private static <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> backendCall) {
        try {
            CompletableFuture<T> f = backendCall.get();
            return f != null ? f : CompletableFuture.failedFuture(new IllegalStateException("backend returned null"));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The reply for a failed backend call: a MailException's own, else 451 4.3.0 (details logged only). */
    private SmtpReply replyFor(Throwable error, String what) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof MailException e && e.code() >= 400 && e.code() <= 599) {
            String enhanced = e.enhancedCode() != null && ENHANCED.matcher(e.enhancedCode()).matches()
                    && e.enhancedCode().charAt(0) - '0' == e.code() / 100
                    ? e.enhancedCode() : e.code() / 100 + ".0.0";
            String text = e.text() == null || e.text().isBlank() ? "Error" : e.text();
            return SmtpReply.of(e.code(), enhanced, text);
        }
        TransactionLog.LOG.warn("{} failed for client {}", what, client, cause);
        return Replies.LOCAL_ERROR;
    }
}
