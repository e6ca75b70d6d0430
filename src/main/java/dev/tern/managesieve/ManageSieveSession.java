package dev.tern.managesieve;

import dev.tern.auth.AuthContext;
import dev.tern.auth.AuthenticatedUser;
import dev.tern.auth.SaslConversation;
import dev.tern.net.tls.TlsMode;
import dev.tern.sieve.SieveEngine;
import dev.tern.sieve.SieveScripts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One ManageSieve session (RFC 5804) as a state machine: NOT AUTHENTICATED until AUTHENTICATE
 * succeeds, AUTHENTICATED until UNAUTHENTICATE or LOGOUT. Knows nothing of sockets: input comes
 * as whole commands (their literals included), output goes to {@link ManageSieveIo}. Runs on the
 * connection's event loop; script work runs on the storage executor ({@link ScriptCommands}).
 *
 * <pre>
 *                          NOT AUTHENTICATED        AUTHENTICATED
 *   CAPABILITY NOOP LOGOUT  ok                       ok
 *   STARTTLS                before TLS only          -
 *   AUTHENTICATE            ok                       -
 *   UNAUTHENTICATE          -                        ok (back to NOT AUTHENTICATED)
 *   HAVESPACE PUTSCRIPT CHECKSCRIPT LISTSCRIPTS GETSCRIPT SETACTIVE DELETESCRIPT RENAMESCRIPT:
 *                                                    AUTHENTICATED only
 * </pre>
 *
 * <p>Errors never show internals: the client reads what it may do, the log says what broke. After
 * {@value #MAX_ERRORS} bad commands the connection is closed with {@code BYE}.
 */
final class ManageSieveSession {

    static final Logger LOG = LoggerFactory.getLogger("dev.tern.managesieve");
    /** Bad commands tolerated before the connection is closed. */
    static final int MAX_ERRORS = 10;
    /** The GSSAPI service name of ManageSieve (RFC 5804 §2.1). */
    static final String SERVICE = "sieve";

    private final ManageSieveContext context;
    private final ManageSieveIo io;
    private final InetAddress client;
    private final String id;
    private final ScriptCommands scripts;
    private boolean tls;
    private boolean closed;
    private ManageSieveAuthExchange auth;
    /** Who logged in; null in the NOT AUTHENTICATED state. */
    private AuthenticatedUser user;
    private int errors;

    ManageSieveSession(ManageSieveContext context, ManageSieveIo io, InetAddress client, String id) {
        this.context = context;
        this.io = io;
        this.client = client;
        this.id = id;
        this.scripts = new ScriptCommands(context, io, id, this::error);
    }

    /** The greeting: the capabilities, then OK (RFC 5804 §1.7). */
    void start() {
        io.send(capabilities("Tern ManageSieve ready"));
    }

    /** True once AUTHENTICATE has succeeded (and until UNAUTHENTICATE). */
    boolean authenticated() {
        return user != null;
    }

    /** §2.2: after the handshake the server sends its capabilities again, unasked. */
    void tlsStarted() {
        tls = true;
        io.send(capabilities("TLS started"));
    }

    // ---- input --------------------------------------------------------------------------------

    /** A whole command, or a response to a SASL challenge, without its final line ending. */
    void input(byte[] octets) {
        if (closed) {
            return;
        }
        if (auth != null && auth.expectsResponse()) {
            Object response = ManageSieveParser.saslResponse(octets);
            if (response instanceof ManageSieveParser.Invalid invalid) {
                auth.refuse(invalid.reason());
            } else {
                auth.response((byte[]) response);
            }
            return;
        }
        Object parsed = ManageSieveParser.parse(octets);
        if (parsed == ManageSieveParser.EMPTY) {
            return;
        }
        if (parsed instanceof ManageSieveParser.Invalid invalid) {
            error(ManageSieveReply.no(invalid.reason()));
            return;
        }
        command((ManageSieveCommand) parsed);
    }

    /**
     * A command too long to keep was read and dropped.
     *
     * @param verb the first word of the command (upper case), or null when not even that fitted
     */
    void discarded(ManageSieveHandler.Discard why, String verb) {
        if (closed) {
            return;
        }
        if (auth != null && auth.expectsResponse()) {
            auth.refuse("the response is too long");
            return;
        }
        boolean script = "PUTSCRIPT".equals(verb) || "CHECKSCRIPT".equals(verb);
        switch (why) {
            case LINE_TOO_LONG -> error(ManageSieveReply.no("line too long (at most " + ManageSieveHandler.MAX_LINE
                    + " octets; send long strings as literals)"));
            case LITERAL_TOO_LARGE, COMMAND_TOO_LONG -> {
                if (script) {
                    // The user's script is too big: an answer to act on, not a protocol error.
                    io.send(ManageSieveReply.no("QUOTA/MAXSIZE", "a script may have at most "
                            + SieveScripts.MAX_SCRIPT_BYTES + " octets"));
                } else {
                    error(ManageSieveReply.no("string too long for this command"));
                }
            }
        }
    }

    /** More input than any command may have: the connection ends. */
    void inputTooLarge() {
        LOG.info("{}: input too large; closing the connection", id);
        io.sendAndClose(ManageSieveReply.bye(null, "input too large; closing the connection"));
    }

    void disconnected() {
        closed = true;
        if (auth != null) {
            auth.close();
        }
    }

    void timedOut() {
        LOG.info("{}: disconnected after {} idle{}", id, context.idleTimeout(), user == null ? "" : " (" + user.address() + ")");
        io.sendAndClose(ManageSieveReply.bye(null, "disconnected for inactivity"));
    }

    void shuttingDown() {
        io.sendAndClose(ManageSieveReply.bye(null, "server shutting down"));
    }

    // ---- commands -----------------------------------------------------------------------------

    private void command(ManageSieveCommand c) {
        ManageSieveVerb verb = c.verb();
        if (verb.access == ManageSieveVerb.Access.AUTHENTICATED && user == null) {
            error(ManageSieveReply.no("AUTHENTICATE first"));
            return;
        }
        if (verb.access == ManageSieveVerb.Access.NOT_AUTHENTICATED && user != null) {
            error(ManageSieveReply.no("already authenticated"));
            return;
        }
        switch (verb) {
            case CAPABILITY -> io.send(capabilities("capabilities listed"));
            case LOGOUT -> {
                LOG.info("{}: {}logged out", id, user == null ? "" : "user=" + user.address() + " ");
                io.sendAndClose(ManageSieveReply.ok("logout"));
            }
            case NOOP -> io.send(c.stringCount() == 1 ? ManageSieveReply.okTagged(c.octets(0), "done")
                    : ManageSieveReply.ok("done"));
            case STARTTLS -> startTls();
            case AUTHENTICATE -> authenticate(c);
            case UNAUTHENTICATE -> {
                LOG.info("{}: user={} unauthenticated", id, user.address());
                user = null;
                io.send(ManageSieveReply.ok("unauthenticated"));
            }
            default -> scripts.run(c, user);
        }
    }

    private void startTls() {
        if (context.tlsMode() != TlsMode.STARTTLS) {
            error(ManageSieveReply.no("STARTTLS is not offered here"));
        } else if (tls) {
            error(ManageSieveReply.no("TLS is already in use"));
        } else {
            io.startTls(ManageSieveReply.ok("begin TLS negotiation now"));
        }
    }

    private AuthContext authContext() {
        return new AuthContext(client, tls, SERVICE, context.hostname());
    }

    private void authenticate(ManageSieveCommand c) {
        String mechanism = new String(c.octets(0), StandardCharsets.US_ASCII);
        byte[] initial = null;
        if (c.stringCount() == 2) {
            initial = SaslConversation.decode(new String(c.octets(1), StandardCharsets.US_ASCII));
            if (initial == null) {
                error(ManageSieveReply.no("the initial response is not base64"));
                return;
            }
        }
        auth = new ManageSieveAuthExchange(context, io, authContext(), this::error, this::loggedIn);
        auth.start(mechanism, initial);
    }

    /** @param finalData the mechanism's data for the client with its success (base64), or null */
    private void loggedIn(AuthenticatedUser who, String finalData) {
        auth = null;
        if (who.accountId() <= 0) {
            // An SMTP credential: it may send mail, but has no mailbox and so no scripts.
            LOG.info("{}: {} refused: not an account", id, who.address());
            error(ManageSieveReply.no("this login has no mailbox; Sieve scripts belong to accounts"));
            return;
        }
        user = who;
        LOG.info("{}: user={} logged in", id, who.address());
        io.send(finalData == null ? ManageSieveReply.ok("logged in")
                : ManageSieveReply.ok("SASL \"" + finalData + "\"", "logged in"));
    }

    // ---- common -------------------------------------------------------------------------------

    /** The capability list of RFC 5804 §1.7 as it stands in the session's state, then OK. */
    private ManageSieveReply capabilities(String text) {
        Map<String, String> caps = new LinkedHashMap<>();
        caps.put("IMPLEMENTATION", "Tern");
        caps.put("SASL", String.join(" ", context.authenticator().mechanisms(authContext())));
        List<String> extensions = context.scripts().engine().extensions();
        caps.put("SIEVE", String.join(" ", extensions));
        if (extensions.contains("enotify")) {
            caps.put("NOTIFY", "mailto");
        }
        caps.put("MAXREDIRECTS", String.valueOf(SieveEngine.MAX_REDIRECTS));
        if (context.tlsMode() == TlsMode.STARTTLS && !tls) {
            caps.put("STARTTLS", null);
        }
        if (user != null) {
            caps.put("OWNER", user.address());
        }
        caps.put("UNAUTHENTICATE", null);
        caps.put("VERSION", "1.0");
        return ManageSieveReply.capabilities(caps, text);
    }

    private void error(ManageSieveReply reply) {
        if (++errors > MAX_ERRORS) {
            LOG.info("{}: too many errors; closing the connection", id);
            io.sendAndClose(ManageSieveReply.bye(null, "too many errors; closing the connection"));
            return;
        }
        io.send(reply);
    }
}
