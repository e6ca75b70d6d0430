package dev.tern.pop3;

import dev.tern.auth.AuthContext;
import dev.tern.auth.AuthenticatedUser;
import dev.tern.mailbox.MailboxService;
import dev.tern.mailbox.MaildropLocks;
import dev.tern.mailbox.MessageEntry;
import dev.tern.net.tls.TlsMode;
import dev.tern.store.Rows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * One POP3 session (RFC 1939, RFC 2449, RFC 2595, RFC 5034) as a state machine: AUTHORIZATION,
 * TRANSACTION once logged in with the maildrop locked, UPDATE after QUIT. Knows nothing of
 * sockets: input comes as parsed commands, output goes to {@link Pop3Io}. Runs on the
 * connection's event loop; store work runs on the storage executor.
 *
 * <pre>
 *               AUTHORIZATION          TRANSACTION
 *   CAPA QUIT   ok                     ok (QUIT enters UPDATE)
 *   USER PASS   when passwords allowed  -
 *   AUTH        ok                     -
 *   STLS        pop3 listener, no TLS   -
 *   STAT LIST UIDL RETR TOP DELE NOOP RSET:  TRANSACTION only
 * </pre>
 *
 * <p>Only INBOX is served. Deletions reach the store only at QUIT; a connection that drops
 * deletes nothing. A second session on one maildrop is refused with {@code [IN-USE]}. Errors
 * never show internals: the client reads what it may do, the log says what broke.
 */
final class Pop3Session {

    static final Logger LOG = LoggerFactory.getLogger("dev.tern.pop3");
    /** Bad commands tolerated before the connection is closed. */
    static final int MAX_ERRORS = 10;

    private final Pop3Context context;
    private final Pop3Io io;
    private final InetAddress client;
    private final String id;
    private Pop3State state = Pop3State.AUTHORIZATION;
    private boolean tls;
    private boolean closed;
    private String userName;
    private Pop3AuthExchange auth;
    private MaildropLocks.Lock lock;
    private Maildrop maildrop;
    private AuthenticatedUser user;
    private int errors;

    Pop3Session(Pop3Context context, Pop3Io io, InetAddress client, String id) {
        this.context = context;
        this.io = io;
        this.client = client;
        this.id = id;
    }

    void start() {
        io.send(Pop3Reply.ok("Tern POP3 server ready"));
    }

    boolean expectsSaslResponse() {
        return auth != null && auth.expectsResponse();
    }

    void tlsStarted() {
        tls = true;
    }

    // ---- input --------------------------------------------------------------------------------

    void command(Object parsed) {
        if (state == Pop3State.UPDATE || closed) {
            return;
        }
        if (parsed instanceof Pop3CommandParser.Invalid invalid) {
            error(Pop3Reply.err(invalid.reason()));
            return;
        }
        Pop3Command c = (Pop3Command) parsed;
        if (c.keyword().equals("CAPA")) {
            capa();
        } else if (c.keyword().equals("QUIT")) {
            quit();
        } else if (state == Pop3State.AUTHORIZATION) {
            authorization(c);
        } else {
            transaction(c);
        }
    }

    void saslResponse(byte[] line) {
        auth.response(line);
    }

    void lineTooLong() {
        if (expectsSaslResponse()) {
            auth.response("*".getBytes());
            return;
        }
        error(Pop3Reply.err("line too long"));
    }

    void disconnected() {
        closed = true;
        if (auth != null) {
            auth.close();
        }
        releaseLock();
    }

    void timedOut() {
        LOG.info("{}: autologout after {} idle{}", id, context.idleTimeout(), user == null ? "" : " (" + user.address() + ")");
        io.close();
    }

    void shuttingDown() {
        io.sendAndClose(Pop3Reply.err("SYS/TEMP", "server shutting down; nothing was deleted"));
    }

    // ---- AUTHORIZATION ------------------------------------------------------------------------

    private void authorization(Pop3Command c) {
        switch (c.keyword()) {
            case "USER" -> user(c);
            case "PASS" -> pass(c);
            case "AUTH" -> authenticate(c);
            case "STLS" -> stls();
            case "STAT", "LIST", "UIDL", "RETR", "TOP", "DELE", "NOOP", "RSET" ->
                    error(Pop3Reply.err("log in first"));
            default -> error(Pop3Reply.err("unknown command"));
        }
    }

    private AuthContext authContext() {
        return new AuthContext(client, tls || context.allowPlaintextAuth(), "pop", context.hostname());
    }

    private boolean passwordsAllowed() {
        return context.authenticator().passwordsAllowed(authContext());
    }

    private void user(Pop3Command c) {
        if (!passwordsAllowed()) {
            error(Pop3Reply.err("AUTH", "plaintext authentication is disallowed on connections without TLS; use STLS"));
        } else if (c.argCount() != 1) {
            error(Pop3Reply.err("USER takes one argument: the user name"));
        } else {
            userName = c.arg(0);
            io.send(Pop3Reply.ok("send PASS"));
        }
    }

    private void pass(Pop3Command c) {
        String name = userName;
        userName = null;
        if (name == null) {
            error(Pop3Reply.err("USER first"));
        } else if (c.rest().isEmpty()) {
            error(Pop3Reply.err("PASS takes one argument: the password"));
        } else {
            newExchange().userPass(name, c.rest());
        }
    }

    private void authenticate(Pop3Command c) {
        if (c.argCount() == 0) {
            // The mechanism list some clients ask for before CAPA existed.
            io.send(Pop3Reply.multiline("mechanisms follow", context.authenticator().mechanisms(authContext())));
            return;
        }
        if (c.argCount() > 2) {
            error(Pop3Reply.err("AUTH takes a mechanism and an optional initial response"));
            return;
        }
        byte[] initial = null;
        if (c.argCount() == 2) {
            initial = dev.tern.auth.SaslConversation.decode(c.arg(1));
            if (initial == null) {
                error(Pop3Reply.err("initial response is not base64"));
                return;
            }
        }
        newExchange().start(c.arg(0), initial);
    }

    private Pop3AuthExchange newExchange() {
        auth = new Pop3AuthExchange(context, io, authContext(), this::error, this::loggedIn);
        return auth;
    }

    private void stls() {
        if (context.tlsMode() != TlsMode.STARTTLS) {
            error(Pop3Reply.err("STLS is not offered on this port"));
        } else if (tls) {
            error(Pop3Reply.err("TLS is already in use"));
        } else {
            userName = null;
            io.startTls(Pop3Reply.ok("begin TLS negotiation"));
        }
    }

    private void loggedIn(AuthenticatedUser who) {
        auth = null;
        MailboxService mailboxes = context.mailboxes();
        // The lock may be a lease in a shared store: taken on a storage thread, like the load.
        onStorage(() -> {
            Optional<MaildropLocks.Lock> l = mailboxes.maildropLocks().tryLock(who.accountId());
            return l.map(taken -> new Locked(taken, loadOrRelease(taken, mailboxes, who.accountId()))).orElse(null);
        }, (locked, failure) -> {
            if (locked != null) {
                lock = locked.lock();
            }
            Maildrop drop = locked == null ? null : locked.drop();
            if (failure == null && locked == null) {
                LOG.info("{}: user={} refused: maildrop in use", id, who.address());
                error(Pop3Reply.err("IN-USE", "the maildrop is in use by another POP3 session"));
            } else if (closed) {
                releaseLock();
            } else if (failure != null) {
                releaseLock();
                LOG.warn("{}: cannot open the maildrop of {}", id, who.address(), failure);
                error(Pop3Reply.err("SYS/TEMP", "cannot open the maildrop now; try again later"));
            } else {
                maildrop = drop;
                user = who;
                state = Pop3State.TRANSACTION;
                LOG.info("{}: user={} logged in, {} messages", id, who.address(), drop.count());
                io.send(Pop3Reply.ok("maildrop has " + drop.count() + " messages (" + drop.size() + " octets)"));
            }
        });
    }

    private record Locked(MaildropLocks.Lock lock, Maildrop drop) {
    }

    private static Maildrop loadOrRelease(MaildropLocks.Lock lock, MailboxService mailboxes, long accountId) {
        try {
            return loadMaildrop(mailboxes, accountId);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private static Maildrop loadMaildrop(MailboxService mailboxes, long accountId) {
        Optional<Rows.Mailbox> inbox = mailboxes.mailbox(accountId, MailboxService.INBOX);
        if (inbox.isEmpty()) {
            return new Maildrop(-1, 0, List.of(), java.util.Map.of());
        }
        long id = inbox.get().id();
        return new Maildrop(id, inbox.get().uidValidity(), mailboxes.messageService().messages(id),
                mailboxes.messageService().pop3Uidls(id));
    }

    // ---- TRANSACTION --------------------------------------------------------------------------

    private void transaction(Pop3Command c) {
        switch (c.keyword()) {
            case "STAT" -> io.send(Pop3Reply.ok(maildrop.count() + " " + maildrop.size()));
            case "LIST" -> list(c, false);
            case "UIDL" -> list(c, true);
            case "RETR" -> retrieve(c, false);
            case "TOP" -> retrieve(c, true);
            case "DELE" -> delete(c);
            case "NOOP" -> io.send(Pop3Reply.ok(""));
            case "RSET" -> {
                maildrop.reset();
                io.send(Pop3Reply.ok("maildrop has " + maildrop.count() + " messages (" + maildrop.size() + " octets)"));
            }
            case "USER", "PASS", "AUTH", "STLS" -> error(Pop3Reply.err("already logged in"));
            default -> error(Pop3Reply.err("unknown command"));
        }
    }

    private void list(Pop3Command c, boolean uniqueIds) {
        if (c.argCount() > 1) {
            error(Pop3Reply.err("at most one argument: a message number"));
            return;
        }
        if (c.argCount() == 1) {
            MessageEntry m = message(c.arg(0));
            if (m != null) {
                io.send(Pop3Reply.ok(c.arg(0) + " " + describe(m, uniqueIds)));
            }
            return;
        }
        List<String> lines = new ArrayList<>();
        for (int n = 1; n <= maildrop.highestNumber(); n++) {
            MessageEntry m = maildrop.get(n);
            if (m != null) {
                lines.add(n + " " + describe(m, uniqueIds));
            }
        }
        io.send(Pop3Reply.multiline(uniqueIds ? "unique-id listing follows"
                : maildrop.count() + " messages (" + maildrop.size() + " octets)", lines));
    }

    private String describe(MessageEntry m, boolean uniqueId) {
        return uniqueId ? maildrop.uniqueId(m) : String.valueOf(m.size());
    }

    private void retrieve(Pop3Command c, boolean top) {
        if (c.argCount() != (top ? 2 : 1)) {
            error(Pop3Reply.err(top ? "TOP takes a message number and a line count" : "RETR takes a message number"));
            return;
        }
        long lines = top ? Pop3CommandParser.lineCount(c.arg(1)) : -1;
        if (top && lines < 0) {
            error(Pop3Reply.err("invalid line count"));
            return;
        }
        MessageEntry m = message(c.arg(0));
        if (m == null) {
            return;
        }
        io.sendContent(Pop3Reply.ok(top ? "top of message follows" : m.size() + " octets"),
                () -> context.mailboxes().messageService().open(m), lines,
                Pop3Reply.err("SYS/TEMP", "message " + c.arg(0) + " cannot be read now; try again later"));
    }

    private void delete(Pop3Command c) {
        if (c.argCount() != 1) {
            error(Pop3Reply.err("DELE takes a message number"));
            return;
        }
        MessageEntry m = message(c.arg(0));
        if (m != null) {
            maildrop.delete(Pop3CommandParser.messageNumber(c.arg(0)));
            io.send(Pop3Reply.ok("message " + c.arg(0) + " deleted"));
        }
    }

    /** The message a number argument names, or null after replying why there is none. */
    private MessageEntry message(String arg) {
        int n = Pop3CommandParser.messageNumber(arg);
        if (n < 0) {
            error(Pop3Reply.err("invalid message number"));
            return null;
        }
        if (maildrop.isDeleted(n)) {
            error(Pop3Reply.err("message " + n + " already deleted"));
            return null;
        }
        MessageEntry m = maildrop.get(n);
        if (m == null) {
            error(Pop3Reply.err("no such message"));
        }
        return m;
    }

    // ---- CAPA, QUIT, UPDATE -------------------------------------------------------------------

    private void capa() {
        List<String> caps = new ArrayList<>(List.of("TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING"));
        if (state == Pop3State.AUTHORIZATION) {
            if (passwordsAllowed()) {
                caps.add("USER");
            }
            List<String> mechanisms = context.authenticator().mechanisms(authContext());
            if (!mechanisms.isEmpty()) {
                caps.add("SASL " + String.join(" ", mechanisms));
            }
            if (context.tlsMode() == TlsMode.STARTTLS && !tls) {
                caps.add("STLS");
            }
        }
        caps.add("EXPIRE NEVER");
        caps.add("IMPLEMENTATION Tern");
        io.send(Pop3Reply.multiline("capability list follows", caps));
    }

    private void quit() {
        if (state != Pop3State.TRANSACTION) {
            io.sendAndClose(Pop3Reply.ok("Tern POP3 server signing off"));
            return;
        }
        state = Pop3State.UPDATE;
        List<Long> uids = maildrop.deletedUids();
        if (uids.isEmpty()) {
            finishUpdate(0, null);
            return;
        }
        long mailboxId = maildrop.mailboxId();
        MailboxService mailboxes = context.mailboxes();
        onStorage(() -> mailboxes.messageService().remove(mailboxId, uids).uids().size(), this::finishUpdate);
    }

    private void finishUpdate(Integer removed, Throwable failure) {
        if (failure != null) {
            LOG.warn("{}: user={} deletions failed", id, user.address(), failure);
            releaseLock();
            io.sendAndClose(Pop3Reply.err("SYS/TEMP", "the deleted messages could not be removed; none were"));
            return;
        }
        LOG.info("{}: user={} logged out, {} messages deleted", id, user.address(), removed);
        releaseLock();
        io.sendAndClose(Pop3Reply.ok("Tern POP3 server signing off (" + maildrop.count() + " messages left)"));
    }

    // ---- common -------------------------------------------------------------------------------

    private void error(Pop3Reply reply) {
        if (++errors > MAX_ERRORS) {
            io.sendAndClose(Pop3Reply.err("too many errors; closing the connection"));
            return;
        }
        io.send(reply);
    }

    private <T> void onStorage(Supplier<T> work, java.util.function.BiConsumer<T, Throwable> then) {
        CompletionStage<T> stage;
        try {
            stage = CompletableFuture.supplyAsync(work, context.storageExecutor());
        } catch (RejectedExecutionException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        io.await(stage, then);
    }

    private void releaseLock() {
        if (lock != null) {
            lock.close();
            lock = null;
        }
    }
}
