package dev.tern.imap.server;

import dev.tern.auth.AuthContext;
import dev.tern.auth.AuthenticatedUser;
import dev.tern.imap.protocol.AppendItem;
import dev.tern.imap.protocol.CommandParser;
import dev.tern.imap.protocol.FramerEvent;
import dev.tern.imap.protocol.ImapCommand;
import dev.tern.imap.protocol.ImapRequest;
import dev.tern.imap.protocol.ResponseCode;
import dev.tern.imap.protocol.ResponseWriter;
import dev.tern.mailbox.MailboxAccess;
import dev.tern.mailbox.MailboxException;
import dev.tern.net.tls.TlsMode;
import dev.tern.store.StorageFull;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;

/**
 * One IMAP session (RFC 9051, RFC 3501) as a state machine: not authenticated → authenticated →
 * selected → logout. Knows nothing of sockets: input comes as framed commands, output goes to
 * {@link ImapIo}. Runs on the connection's event loop; store work runs on the storage executor,
 * and while it runs no further input is read, so commands execute one at a time and in order.
 *
 * <p>Which command may run when is decided by {@link CommandTable}; the handlers it names do
 * the work. Changes made by other sessions and by delivery reach the client as untagged
 * responses before a command's tagged completion and during IDLE (RFC 9051 §7.5.1 and §5.2).
 *
 * <p>Errors never show internals: the client reads what it may do, the log says what broke.
 */
final class ImapSession {

    static final Logger LOG = LoggerFactory.getLogger("dev.tern.imap");
    /**
     * Size of one piece of a streamed response. Each piece is made on a storage thread and handed
     * to the event loop: larger pieces, fewer hand-overs (a FETCH of 1,000 bodies of 12 KB is 50
     * of them, not 200).
     */
    static final int CHUNK = 256 * 1024;
    /** Bad commands tolerated before the connection is closed. */
    static final int MAX_ERRORS = 20;

    private final ImapContext context;
    private final ImapIo io;
    private final InetAddress client;
    private final String id;
    private SessionState state = SessionState.NOT_AUTHENTICATED;
    private boolean tls;
    private AuthenticatedUser user;
    private SelectedMailbox selected;
    private ImapAuthExchange auth;
    /** The APPEND whose messages are arriving. */
    private AppendReceiver append;
    /** The APPEND whose messages all arrived, while the last of their octets are being written. */
    private AppendReceiver appendEnding;
    /** The tag of the IDLE command in progress, or null. */
    private String idleTag;
    private boolean utf8;
    private boolean condstore;
    private boolean qresync;
    /** COMPRESS=DEFLATE is on (RFC 4978). */
    private boolean compressed;
    private boolean rev2;
    private int errors;

    ImapSession(ImapContext context, ImapIo io, InetAddress client, String id) {
        this.context = context;
        this.io = io;
        this.client = client;
        this.id = id;
        this.tls = context.tlsMode() == TlsMode.IMPLICIT;
    }

    void start() {
        writer().status(null, "OK", ResponseCode.capability(Capabilities.of(this)), "Tern IMAP server ready");
    }

    // ---- what the handlers use ----------------------------------------------------------------

    ImapContext context() {
        return context;
    }

    ImapIo io() {
        return io;
    }

    String id() {
        return id;
    }

    AuthenticatedUser user() {
        return user;
    }

    SelectedMailbox selected() {
        return selected;
    }

    SessionState state() {
        return state;
    }

    boolean tls() {
        return tls;
    }

    /** Strings and mailbox names go out as UTF-8 (UTF8=ACCEPT or IMAP4rev2 enabled). */
    boolean utf8() {
        return utf8;
    }

    /** CONDSTORE is on: FETCH responses carry MODSEQ (RFC 7162 §3.1). */
    boolean condstore() {
        return condstore;
    }

    /**
     * QRESYNC was enabled (RFC 7162 §3.2.3): SELECT and UID FETCH may ask for what changed, and
     * expunges are told as VANISHED instead of EXPUNGE.
     */
    boolean qresync() {
        return qresync;
    }

    /** DEFLATE compression is on (RFC 4978). */
    boolean compressed() {
        return compressed;
    }

    /** IMAP4rev2 was enabled: SEARCH answers with ESEARCH, no \Recent (RFC 9051). */
    boolean rev2() {
        return rev2;
    }

    void enableCondstore() {
        condstore = true;
    }

    ResponseWriter writer() {
        return io.writer();
    }

    /**
     * Passwords may be sent on this connection: TLS is up, or the configuration allows plaintext
     * ({@code [imap] allow_plaintext_auth}, or the authenticator's rule for loopback clients).
     * LOGIN, LOGINDISABLED and the password mechanisms of AUTHENTICATE all ask this.
     */
    boolean passwordsAllowed() {
        return context.authenticator().passwordsAllowed(authContext());
    }

    AuthContext authContext() {
        return new AuthContext(client, tls || context.allowPlaintextAuth(), "imap", context.hostname());
    }

    void select(SelectedMailbox mailbox) {
        deselect();
        selected = mailbox;
        state = SessionState.SELECTED;
    }

    void deselect() {
        if (selected != null) {
            selected.close();
            selected = null;
        }
        if (state == SessionState.SELECTED) {
            state = SessionState.AUTHENTICATED;
        }
    }

    /**
     * Runs {@code work} on the storage executor; {@code then} gets its result on the event loop.
     * No input is read meanwhile.
     */
    <T> void onStorage(Callable<T> work, BiConsumer<T, Throwable> then) {
        CompletableFuture<T> f;
        try {
            f = CompletableFuture.supplyAsync(() -> {
                try {
                    return work.call();
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            }, context.storageExecutor());
        } catch (RejectedExecutionException e) {
            f = CompletableFuture.failedFuture(e);
        }
        io.await(f, (value, error) -> then.accept(value, unwrap(error)));
    }

    /** {@code tag OK text}, after the untagged updates the command allows. */
    void completed(String tag, String text) {
        completed(tag, null, text);
    }

    void completed(String tag, ResponseCode code, String text) {
        if (reportChanges(true)) {
            writer().status(tag, "OK", code, text);
        }
    }

    /** Like {@link #completed} after FETCH, STORE or SEARCH by sequence number: no EXPUNGE yet. */
    void completedWithoutExpunges(String tag, ResponseCode code, String text) {
        if (reportChanges(false)) {
            writer().status(tag, "OK", code, text);
        }
    }

    void no(String tag, ResponseCode code, String text) {
        if (reportChanges(false)) {
            writer().status(tag, "NO", code, text);
        }
    }

    void bad(String tag, String text) {
        writer().status(tag, "BAD", null, text);
        if (++errors >= MAX_ERRORS) {
            writer().status(null, "BYE", null, "too many bad commands");
            state = SessionState.LOGOUT;
            io.closeAfterFlush();
        }
    }

    /** Answers a failed store operation: a mailbox error says what to do, anything else is logged. */
    void failed(String tag, Throwable error, String doing) {
        if (error instanceof MailboxException m) {
            ResponseCode code = switch (m.reason()) {
                case NONEXISTENT -> ResponseCode.nonExistent();
                case ALREADY_EXISTS -> ResponseCode.alreadyExists();
                case HAS_CHILDREN -> ResponseCode.of("HASCHILDREN");
                case NO_PERMISSION -> ResponseCode.of("NOPERM");
                case INVALID_NAME, NOT_ALLOWED -> ResponseCode.cannot();
            };
            no(tag, code, m.getMessage());
        } else if (error instanceof IllegalArgumentException a) {
            no(tag, ResponseCode.cannot(), a.getMessage());
        } else {
            failedUnexpectedly(tag, error, doing);
        }
    }

    /**
     * A failure the client cannot act on, logged here: a full disk or database is said as Dovecot
     * says it ({@code [OVERQUOTA]}, RFC 5530: the user can make room by deleting mail), anything
     * else is {@code [SERVERBUG]}.
     */
    private void failedUnexpectedly(String tag, Throwable error, String doing) {
        if (StorageFull.isCause(error)) {
            LOG.warn("{}: {} failed: the storage is full ({})", id, doing, error.toString());
            no(tag, ResponseCode.overQuota(), "Not enough disk space");
            return;
        }
        LOG.warn("{}: {} failed", id, doing, error);
        no(tag, ResponseCode.serverBug(), doing + " failed; try again later");
    }

    // ---- input --------------------------------------------------------------------------------

    /** True while the next line is a command (with literals), not a SASL response or DONE. */
    boolean acceptsLiterals() {
        return idleTag == null && (auth == null || !auth.expectsResponse());
    }

    void input(byte[] bytes) {
        if (state == SessionState.LOGOUT) {
            return;
        }
        if (auth != null && auth.expectsResponse()) {
            auth.response(bytes);
            return;
        }
        if (idleTag != null) {
            endIdle(bytes);
            return;
        }
        ImapRequest request = new CommandParser(utf8).parseCommand(bytes);
        if (request.command() instanceof ImapCommand.Invalid invalid) {
            if (invalid.refused() && request.tag() != null) {
                no(request.tag(), null, invalid.message());
            } else {
                bad(request.tag(), invalid.message());
            }
            return;
        }
        execute(request.tag(), request.command());
    }

    // ---- APPEND, streamed ---------------------------------------------------------------------

    /**
     * A message literal of APPEND is announced. True to receive it (a synchronizing literal then
     * gets its continuation request); false when the command is refused: for a synchronizing
     * literal the answer is written now and the client sends nothing more, for a
     * non-synchronizing one its octets are dropped and the answer waits for the command's end.
     * {@code overQuota}: the account's quota was found to have no room for it (NO [OVERQUOTA]).
     */
    /** The mailbox an APPEND message literal goes to, as far as its head names one; null when it does not. */
    String appendTarget(FramerEvent.MessageLiteral m) {
        if (append != null) {
            return append.mailbox();
        }
        return new CommandParser(utf8).parseCommand(m.head()).command() instanceof ImapCommand.Append a
                ? a.mailbox() : null;
    }

    boolean messageLiteral(FramerEvent.MessageLiteral m, boolean overQuota) {
        ImapCommand.AppendSegment segment;
        if (append == null) {
            ImapRequest request = new CommandParser(utf8).parseCommand(m.head());
            String tag = request.tag() != null ? request.tag() : m.tag();
            boolean invalid = request.command() instanceof ImapCommand.Invalid;
            String refusal = invalid ? ((ImapCommand.Invalid) request.command()).message()
                    : refusal(CommandTable.entry("APPEND"));
            String mailbox = request.command() instanceof ImapCommand.Append a ? a.mailbox() : null;
            append = new AppendReceiver(tag, mailbox, context.literalBudget());
            if (refusal != null) {
                boolean bad = !invalid || !((ImapCommand.Invalid) request.command()).refused();
                return refuseAppend(m, new AppendReceiver.Refusal(bad, null, refusal));
            }
            segment = ((ImapCommand.Append) request.command()).segment();
        } else {
            ImapCommand parsed = new CommandParser(utf8).parseAppendSegment(m.head(), append.position());
            if (parsed instanceof ImapCommand.Invalid invalid) {
                return refuseAppend(m, new AppendReceiver.Refusal(true, null, invalid.message()));
            }
            segment = (ImapCommand.AppendSegment) parsed;
        }
        if (append.refusal() != null) {
            return refuseAppend(m, append.refusal());
        }
        if (segment.next() == ImapCommand.AppendSegment.Next.END) {
            return refuseAppend(m, new AppendReceiver.Refusal(true, null, "Unexpected literal after the APPEND's messages"));
        }
        boolean text = segment.next() == ImapCommand.AppendSegment.Next.TEXT;
        // A plain message is the last thing its stretch says; a TEXT part's stretch may say nothing.
        ImapCommand.AppendMessage head = text ? null
                : ((AppendItem.Message) segment.items().get(segment.items().size() - 1)).head();
        if (!text && head.utf8() && !m.binary()) {
            // RFC 6855 §4: "UTF8" SP "(" literal8 ")"; which kind of literal came, only the framer saw.
            return refuseAppend(m, new AppendReceiver.Refusal(true, null, "APPEND UTF8 takes its message as a literal8 (~{n})"));
        }
        AppendReceiver.Refusal refused = follow(append, segment);
        if (refused != null) {
            return refuseAppend(m, refused);
        }
        if (overQuota) {
            return refuseAppend(m, new AppendReceiver.Refusal(false, ResponseCode.overQuota(), AppendCommand.OVER_QUOTA));
        }
        append.position(segment.afterLiteral());
        if (text) {
            // A TEXT part of a CATENATE message (RFC 4469): content of the message, so the message
            // size limit bounds all of its parts together, as it bounds one literal.
            long limit = context.limits().maxLiteralSize();
            if (append.text(m.size(), m.binary()) > limit) {
                return refuseAppend(m, new AppendReceiver.Refusal(false, ResponseCode.tooBig(),
                        CatenateFailure.tooBig(limit).getMessage()));
            }
            return true;
        }
        if (!append.reserve(m.size())) {
            return refuseAppend(m, busyRefusal());
        }
        append.receive(head, m.binary(), newPipe());
        return true;
    }

    /**
     * Does what a stretch of APPEND text says, up to its next literal: starts the CATENATE
     * messages it begins, queues their URL parts, ends them. A plain message, which its literal
     * carries, is left to the caller. Null, or the refusal of the command.
     */
    private AppendReceiver.Refusal follow(AppendReceiver receiver, ImapCommand.AppendSegment segment) {
        long limit = context.limits().maxLiteralSize();
        for (AppendItem item : segment.items()) {
            if (item instanceof AppendItem.Message message && message.head().catenate()) {
                if (!receiver.reserve(AppendReceiver.MESSAGE_MEMORY)) {
                    return busyRefusal();
                }
                receiver.startCatenated(message.head(), newPipe());
            } else if (item instanceof AppendItem.Url url) {
                receiver.url(CatenateUrls.part(context, user, url.url(), limit));
            } else if (item instanceof AppendItem.End) {
                receiver.endCatenated();
            }
        }
        return null;
    }

    private UploadPipe newPipe() {
        return new UploadPipe(context.mailboxes().messageService().newUpload(), context.storageExecutor());
    }

    private static AppendReceiver.Refusal busyRefusal() {
        return new AppendReceiver.Refusal(false, ResponseCode.unavailable(),
                "the server is busy receiving other messages; try again");
    }

    private boolean refuseAppend(FramerEvent.MessageLiteral m, AppendReceiver.Refusal refusal) {
        append.refuse(refusal);
        if (m.synchronizing()) {
            answerRefusedAppend();
        }
        return false;
    }

    private void answerRefusedAppend() {
        AppendReceiver a = append;
        append = null;
        AppendReceiver.Refusal r = a.refusal();
        if (r.bad()) {
            bad(a.tag(), r.text());
        } else {
            no(a.tag(), r.code(), r.text());
        }
    }

    /** Octets of the message literal being received; see {@link AppendReceiver#data}. */
    java.util.concurrent.CompletableFuture<Void> literalData(ByteBuffer octets, boolean last) {
        if (append == null) {
            octets.position(octets.limit());
            return null;
        }
        return append.data(octets, last);
    }

    /** The APPEND's last message has arrived: store them all, or answer its refusal. */
    void appendEnd(byte[] tail) {
        if (append == null) {
            return;    // its start was answered already (a literal where none was expected)
        }
        if (append.refusal() != null) {
            answerRefusedAppend();
            return;
        }
        ImapCommand parsed = new CommandParser(utf8).parseAppendSegment(tail, append.position());
        String problem = parsed instanceof ImapCommand.Invalid invalid ? invalid.message()
                : ((ImapCommand.AppendSegment) parsed).next() != ImapCommand.AppendSegment.Next.END
                ? "Expected a message literal" : null;
        AppendReceiver.Refusal refused = problem != null ? new AppendReceiver.Refusal(true, null, problem)
                : follow(append, (ImapCommand.AppendSegment) parsed);
        if (refused != null) {
            append.refuse(refused);
            answerRefusedAppend();
            return;
        }
        appendEnding = append;
        append = null;
        AppendCommand.append(this, appendEnding);
    }

    /**
     * An APPEND that came whole, without a streamed literal: only CATENATE messages made of URL
     * parts (RFC 4469) are such; anything else lacks its message.
     */
    void appendWhole(String tag, ImapCommand.Append command) {
        if (command.segment().next() != ImapCommand.AppendSegment.Next.END) {
            bad(tag, "APPEND needs a message literal");
            return;
        }
        AppendReceiver receiver = new AppendReceiver(tag, command.mailbox(), context.literalBudget());
        AppendReceiver.Refusal refused = follow(receiver, command.segment());
        if (refused != null) {
            receiver.refuse(refused);
            no(tag, refused.code(), refused.text());
            return;
        }
        appendEnding = receiver;
        AppendCommand.append(this, receiver);
    }

    /**
     * The messages of the ending APPEND are handed to the store, which commits or discards them
     * whatever the client does now.
     */
    void appendStoring() {
        appendEnding = null;
    }

    private void dropAppend() {
        if (append != null) {
            append.discard();
            append = null;
        }
    }

    private void execute(String tag, ImapCommand command) {
        CommandTable.Entry entry = CommandTable.entry(command.name());
        if (entry == null) {
            bad(tag, command.name() + " is not supported");
            return;
        }
        String refusal = refusal(entry);
        if (refusal != null) {
            bad(tag, refusal);
            return;
        }
        if (selected == null) {
            run(entry, tag, command);
            return;
        }
        // Changes of the selected mailbox reach this loop as queued tasks; going through the
        // queue once lets those queued before the command arrived be seen first, so a client
        // that heard of a new message elsewhere can name it here.
        io.await(CompletableFuture.completedFuture(null), (v, e) -> {
            if (endIfMailboxRemoved()) {
                return;
            }
            if (selected != null && entry.needs() == CommandTable.Needs.SELECTED) {
                selected.announceNew(writer());
            }
            run(entry, tag, command);
        });
    }

    private void run(CommandTable.Entry entry, String tag, ImapCommand command) {
        try {
            entry.handler().run(this, tag, command);
        } catch (RuntimeException e) {
            failedUnexpectedly(tag, e, command.name());
        }
    }

    private String refusal(CommandTable.Entry entry) {
        // Before login, the same rule as LOGIN's. After it, none: a session that logged in with a
        // Kerberos ticket (GSSAPI, no password on the wire) goes on without TLS, as on the POP3
        // and submission ports.
        if (state == SessionState.NOT_AUTHENTICATED && !tls && context.tlsMode() == TlsMode.STARTTLS
                && !entry.beforeTls() && !passwordsAllowed()) {
            return "use STARTTLS first";
        }
        return switch (entry.needs()) {
            case ANY -> null;
            case NO_LOGIN -> state == SessionState.NOT_AUTHENTICATED ? null : "already logged in";
            case LOGIN -> state == SessionState.NOT_AUTHENTICATED ? "log in first" : null;
            case SELECTED -> state == SessionState.SELECTED ? null
                    : state == SessionState.NOT_AUTHENTICATED ? "log in first" : "select a mailbox first";
        };
    }

    void lineTooLong(String tag) {
        if (!acceptsLiterals()) {
            input(new byte[0]);
            return;
        }
        dropAppend();
        bad(tag, "command line too long");
    }

    /** A line discarded as too long went on without end (FramingLimits#maxSkipped): BYE, and close. */
    void endlessLine() {
        dropAppend();
        LOG.info("{}: closing: a command line went on past what is read and dropped", id);
        writer().status(null, "BYE", null, "command line too long, and no end to it; closing the connection");
        state = SessionState.LOGOUT;
        io.closeAfterFlush();
    }

    void literalTooBig(FramerEvent.LiteralTooBig big) {
        dropAppend();
        if (big.closes()) {
            // More than the framer reads and drops (FramingLimits#maxSkipped): the refusal, then
            // the end of the connection, as RFC 7888 §4 allows.
            if (big.tag() != null) {
                writer().status(big.tag(), "NO", ResponseCode.tooBig(), tooBigText(big));
            }
            LOG.info("{}: closing: a non-synchronizing literal of {} octets is more than is read and dropped", id, big.size());
            writer().status(null, "BYE", null, "a non-synchronizing literal of " + big.size()
                    + " octets over the limit is more than the server reads and drops; closing the connection"
                    + " (send large literals as synchronizing ones, and mind APPENDLIMIT)");
            state = SessionState.LOGOUT;
            io.closeAfterFlush();
            return;
        }
        if (big.tag() == null) {
            bad(null, "literal too big");
        } else {
            writer().status(big.tag(), "NO", ResponseCode.tooBig(), tooBigText(big));
        }
    }

    /** Names the limit the literal broke: the client can only act on the one that applies. */
    private static String tooBigText(FramerEvent.LiteralTooBig big) {
        long n = big.size();
        long limit = big.limit();
        return switch (big.exceeded()) {
            case MESSAGE -> "message of " + n + " octets exceeds the limit of " + limit + " octets (APPENDLIMIT)";
            case LITERAL -> "literal of " + n + " octets exceeds the limit of " + limit + " octets per literal";
            case COMMAND -> "a literal of " + n + " octets would take the command over the limit of " + limit
                    + " octets for a command and its literals";
            case NON_SYNCHRONIZING -> "non-synchronizing literal of " + n + " octets exceeds the limit of " + limit
                    + " octets (LITERAL-); send it as a synchronizing literal";
        };
    }

    /** A large literal was refused because too many are being received at once. */
    void busy(String tag) {
        writer().status(tag, "NO", ResponseCode.unavailable(), "the server is busy receiving other messages; try again");
    }

    void tlsStarted() {
        tls = true;
    }

    void disconnected() {
        state = SessionState.LOGOUT;
        dropAppend();
        if (appendEnding != null) {
            appendEnding.discard();
            appendEnding = null;
        }
        if (auth != null) {
            auth.close();
        }
        deselect();
    }

    void timedOut() {
        LOG.info("{}: autologout after {} idle{}", id, context.idleTimeout(), user == null ? "" : " (" + user.address() + ")");
        writer().status(null, "BYE", null, "autologout; idle for too long");
        state = SessionState.LOGOUT;
    }

    void shuttingDown() {
        writer().status(null, "BYE", ResponseCode.unavailable(), "server shutting down");
        state = SessionState.LOGOUT;
        io.closeAfterFlush();
    }

    // ---- changes made elsewhere ---------------------------------------------------------------

    /**
     * Writes the selected mailbox's pending changes; EXPUNGE only where allowed. False when the
     * mailbox was deleted meanwhile: the session has said BYE and no tagged response may follow.
     */
    boolean reportChanges(boolean expunges) {
        if (endIfMailboxRemoved()) {
            return false;
        }
        if (selected != null) {
            selected.report(writer(), expunges, condstore, qresync);
        }
        return true;
    }

    /** A change arrived for the selected mailbox: an IDLE client hears of it at once. */
    void changesArrived() {
        if (idleTag != null && selected != null && state != SessionState.LOGOUT) {
            reportChanges(true);
            io.flush();
        }
    }

    /**
     * The selected mailbox was deleted by another session (here or on another node): there is
     * no state left to go on with, so the session ends at the first moment it may speak, as
     * Dovecot's does, with Dovecot's words. Clients reconnect and find the mailbox gone.
     */
    private boolean endIfMailboxRemoved() {
        if (selected == null || !selected.removed() || state == SessionState.LOGOUT) {
            return false;
        }
        LOG.info("{}: selected mailbox {} was deleted elsewhere; disconnecting", id, selected.name());
        writer().status(null, "BYE", null, "Selected mailbox was deleted, have to disconnect.");
        deselect();
        state = SessionState.LOGOUT;
        idleTag = null;
        io.closeAfterFlush();
        return true;
    }

    /**
     * This session deleted its own selected mailbox: it returns to the authenticated state, as
     * after CLOSE, and says so with CLOSED (RFC 9051 §7.1) instead of ending.
     */
    void deletedOwnSelection(long mailboxId) {
        if (selected != null && selected.id() == mailboxId) {
            deselect();
            writer().status(null, "OK", ResponseCode.of("CLOSED"), "the selected mailbox was deleted");
        }
    }

    // ---- the simple commands ------------------------------------------------------------------

    void capability(String tag) {
        ResponseWriter w = writer().untagged().atom("CAPABILITY");
        for (String c : Capabilities.of(this)) {
            w.atom(c);
        }
        w.end();
        completed(tag, "CAPABILITY completed");
    }

    void noop(String tag) {
        completed(tag, "NOOP completed");
    }

    void logout(String tag) {
        writer().status(null, "BYE", null, "Tern IMAP server logging out");
        writer().status(tag, "OK", null, "LOGOUT completed");
        state = SessionState.LOGOUT;
        deselect();
        io.closeAfterFlush();
    }

    /** RFC 2971: the server's name; what the client says about itself is not needed. */
    void id(String tag) {
        writer().untagged().atom("ID").openList().string("name").string("Tern").closeList().end();
        completed(tag, "ID completed");
    }

    void startTls(String tag) {
        if (context.tlsMode() != TlsMode.STARTTLS) {
            bad(tag, "STARTTLS is not offered on this port");
        } else if (tls) {
            bad(tag, "TLS is already in use");
        } else {
            writer().status(tag, "OK", null, "Begin TLS negotiation now");
            io.startTls();
        }
    }

    void login(String tag, ImapCommand.Login login) {
        if (!passwordsAllowed()) {
            no(tag, ResponseCode.privacyRequired(), "LOGIN is disabled on connections without TLS; use STARTTLS");
            return;
        }
        newExchange(tag).login(login.user(), login.password());
    }

    void authenticate(String tag, ImapCommand.Authenticate a) {
        byte[] initial = null;
        if (a.initialResponse() != null) {
            initial = dev.tern.auth.SaslConversation.decode(a.initialResponse());
            if (initial == null) {
                bad(tag, "initial response is not base64");
                return;
            }
        }
        newExchange(tag).start(a.mechanism(), initial);
    }

    private ImapAuthExchange newExchange(String tag) {
        auth = new ImapAuthExchange(this, tag, who -> loggedIn(tag, who), () -> auth = null);
        return auth;
    }

    private void loggedIn(String tag, AuthenticatedUser who) {
        auth = null;
        user = who;
        state = SessionState.AUTHENTICATED;
        LOG.info("{}: user={} logged in", id, who.address());
        writer().status(tag, "OK", ResponseCode.capability(Capabilities.of(this)), "logged in");
    }

    /** RFC 5161; CONDSTORE (RFC 7162 §3.1), QRESYNC (§3.2.3, which implies CONDSTORE), UTF8=ACCEPT (RFC 6855), IMAP4rev2 (RFC 9051). */
    void enable(String tag, ImapCommand.Enable enable) {
        List<String> enabled = new ArrayList<>();
        for (String c : enable.capabilities()) {
            switch (c) {
                case "CONDSTORE" -> {
                    if (!condstore) {
                        condstore = true;
                        enabled.add(c);
                    }
                }
                case "QRESYNC" -> {
                    if (!qresync) {
                        qresync = true;
                        condstore = true;
                        enabled.add(c);
                    }
                }
                case "UTF8=ACCEPT" -> {
                    if (!utf8) {
                        utf8 = true;
                        enabled.add(c);
                    }
                }
                case "IMAP4REV2" -> {
                    if (!rev2) {
                        rev2 = true;
                        utf8 = true;
                        enabled.add("IMAP4rev2");
                    }
                }
                default -> {
                    // RFC 5161 §3.1: unknown or not enable-able capabilities are ignored.
                }
            }
        }
        ResponseWriter w = writer().untagged().atom("ENABLED");
        for (String c : enabled) {
            w.atom(c);
        }
        w.end();
        completed(tag, "ENABLE completed");
    }

    /**
     * RFC 4978: DEFLATE in both directions from the end of the tagged OK on. Once only: a second
     * COMPRESS gets {@code NO [COMPRESSIONACTIVE]}.
     */
    void compress(String tag, ImapCommand.Compress c) {
        if (!c.mechanism().equals("DEFLATE")) {
            bad(tag, "the only compression offered is DEFLATE");
        } else if (compressed) {
            no(tag, ResponseCode.of("COMPRESSIONACTIVE"), "DEFLATE is already active");
        } else if (reportChanges(true)) {
            compressed = true;
            LOG.info("{}: DEFLATE compression on", id);
            writer().status(tag, "OK", null, "DEFLATE active");
            io.startCompression();
        }
    }

    /**
     * RFC 2342: the personal namespace, no prefix, "/" as separator; the other users' namespace,
     * where the mailboxes other accounts share appear as {@code Shared/owner@domain/name} (RFC 4314).
     */
    void namespace(String tag) {
        writer().untagged().atom("NAMESPACE").openList().openList().string("").string("/").closeList().closeList()
                .openList().openList().string(MailboxAccess.SHARED + "/").string("/").closeList().closeList()
                .nil().end();
        completed(tag, "NAMESPACE completed");
    }

    /** RFC 2177: changes are reported as they happen until the client sends DONE. */
    void idle(String tag) {
        idleTag = tag;
        writer().continuation().text("idling").end();
        reportChanges(true);
    }

    private void endIdle(byte[] line) {
        String tag = idleTag;
        idleTag = null;
        if (CommandParser.isDone(line)) {
            completed(tag, "IDLE terminated");
        } else {
            bad(tag, "expected DONE");
        }
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
