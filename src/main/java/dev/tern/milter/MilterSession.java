package dev.tern.milter;

import dev.tern.config.MilterSettings;
import dev.tern.mail.ClientInfo;
import dev.tern.mail.IpAddresses;
import dev.tern.mail.MailAddress;
import dev.tern.mail.MailException;
import dev.tern.smtp.server.ContentFilter;
import dev.tern.smtp.server.SessionFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * One SMTP session as its milters see it: each step of the dialogue is shown to each filter in
 * the order of {@code [milter] servers}, and the first that does not let it go on decides
 * (Postfix's order). What a filter answers:
 *
 * <ul>
 *   <li>continue: the next filter is asked;</li>
 *   <li>accept: this filter is done, for the session when it says so at connect or HELO, else for
 *       the message;</li>
 *   <li>reject, tempfail, or a reply of its own ({@code 550 5.7.1 …}): the command is refused
 *       (at RCPT, that recipient only); at connect the refusal answers each MAIL of the session;</li>
 *   <li>discard: the message is accepted and thrown away.</li>
 * </ul>
 *
 * A filter that fails (cannot be reached, too slow, breaks the protocol) is dropped for the rest
 * of the session and {@code on_failure} says what happens: go on without it, or refuse with a
 * temporary or a permanent error each time it would have been asked.
 *
 * <p>Steps run one after another: each public method chains its work after the previous one's, so
 * the packets of a session never interleave even when the session does not wait (at connect).
 */
public final class MilterSession implements SessionFilter {

    private static final Logger log = LoggerFactory.getLogger(MilterSession.class);
    static final String COMPONENT = "milter";

    /** One filter as this session knows it. */
    static final class Filter {
        final MilterSettings.Endpoint endpoint;
        final CompletableFuture<MilterConnection> connection;
        MilterConnection open;
        boolean failed;
        boolean acceptedSession;
        boolean acceptedMessage;

        Filter(MilterSettings.Endpoint endpoint, CompletableFuture<MilterConnection> connection) {
            this.endpoint = endpoint;
            this.connection = connection;
        }
    }

    /** A step of the dialogue: the command sent, the bits by which a filter leaves it out or unanswered. */
    record Step(String name, byte command, byte[] data, int noStep, int noReply, int macroStage, Duration timeout,
                boolean ofMessage) {
    }

    private final MilterClient client;
    private final MilterSettings settings;
    private final String listener;
    private final InetAddress address;
    final List<Filter> filters;
    /** The macros known so far, by name ({@code j}, {@code {client_addr}}…). */
    private final Map<String, String> macros = new LinkedHashMap<>();
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    /** A filter's refusal at connect: the answer to every MAIL of the session. */
    private volatile MailException sessionRefusal;
    private volatile boolean discardSession;
    private volatile boolean inTransaction;
    /** The SASL mechanism the client authenticated with ({@code {auth_type}}), or null. */
    private volatile String authType;
    /** The current transaction's DATA step was shown to the filters. */
    private boolean dataShown;
    /** A filter said DISCARD for the current message. */
    volatile boolean discardMessage;
    private MilterContent content;

    MilterSession(MilterClient client, String listener, InetAddress address, List<Filter> filters) {
        this.client = client;
        this.settings = client.settings();
        this.listener = listener;
        this.address = address;
        this.filters = filters;
    }

    // ---- the session's steps ------------------------------------------------------------------

    @Override
    public CompletableFuture<Void> connected(ClientInfo info) {
        return then(() -> {
            macros.put("j", client.hostname());
            macros.put("{daemon_name}", listener);
            macros.put("v", "Tern");
            String ip = address == null ? "unknown" : IpAddresses.format(address);
            String name = info.reverseName() != null ? info.reverseName() : "unknown";
            macros.put("_", name + " [" + ip + "]");
            macros.put("{client_addr}", ip);
            macros.put("{client_name}", name);
            MilterProtocol.Data d = new MilterProtocol.Data()
                    .string(info.reverseName() != null ? info.reverseName() : "[" + ip + "]");
            if (address == null) {
                d.octet('U');
            } else {
                d.octet(address instanceof Inet6Address ? '6' : '4').int16(0).string(ip);
            }
            return run(new Step("connect", MilterProtocol.CONNECT, d.bytes(), MilterProtocol.NO_CONNECT,
                    MilterProtocol.NO_REPLY_CONNECT, MilterProtocol.STAGE_CONNECT, settings.commandTimeout(), false))
                    .exceptionally(error -> {
                        MailException refusal = refusal(error);
                        sessionRefusal = refusal;
                        return null;
                    });
        });
    }

    @Override
    public CompletableFuture<Void> helo(ClientInfo info, String name) {
        return then(() -> run(new Step("HELO", MilterProtocol.HELO, new MilterProtocol.Data().string(name).bytes(),
                MilterProtocol.NO_HELO, MilterProtocol.NO_REPLY_HELO, MilterProtocol.STAGE_HELO,
                settings.commandTimeout(), false)));
    }

    @Override
    public void authenticated(String user, String mechanism) {
        authType = mechanism;
    }

    @Override
    public CompletableFuture<Void> mail(ClientInfo info, MailAddress sender, List<String> parameters) {
        return then(() -> {
            if (sessionRefusal != null) {
                return CompletableFuture.failedFuture(sessionRefusal);
            }
            inTransaction = true;
            dataShown = false;
            discardMessage = discardSession;
            filters.forEach(f -> f.acceptedMessage = false);
            macros.remove("i");
            putOrRemove("{auth_authen}", info.authUser());
            putOrRemove("{auth_type}", info.authUser() == null ? null : authType);
            macros.put("{mail_addr}", sender == null ? "" : sender.toString());
            macros.put("{mail_mailer}", info.authUser() != null ? "local" : "smtp");
            List<String> args = new ArrayList<>();
            args.add(sender == null ? "<>" : "<" + sender + ">");
            args.addAll(parameters);
            return run(new Step("MAIL", MilterProtocol.MAIL, new MilterProtocol.Data().strings(args).bytes(),
                    MilterProtocol.NO_MAIL, MilterProtocol.NO_REPLY_MAIL, MilterProtocol.STAGE_MAIL,
                    settings.commandTimeout(), true));
        });
    }

    @Override
    public CompletableFuture<Void> recipient(MailAddress recipient, boolean local, List<String> parameters) {
        return then(() -> {
            macros.put("{rcpt_addr}", recipient.toString());
            macros.put("{rcpt_mailer}", local ? "local" : "smtp");
            macros.put("{rcpt_host}", recipient.domain());
            List<String> args = new ArrayList<>();
            args.add("<" + recipient + ">");
            args.addAll(parameters);
            return run(new Step("RCPT", MilterProtocol.RCPT, new MilterProtocol.Data().strings(args).bytes(),
                    MilterProtocol.NO_RCPT, MilterProtocol.NO_REPLY_RCPT, MilterProtocol.STAGE_RCPT,
                    settings.commandTimeout(), true));
        });
    }

    @Override
    public CompletableFuture<Void> data() {
        return then(this::dataStep);
    }

    private CompletableFuture<Void> dataStep() {
        dataShown = true;
        return run(new Step("DATA", MilterProtocol.DATA, new byte[0], MilterProtocol.NO_DATA,
                MilterProtocol.NO_REPLY_DATA, MilterProtocol.STAGE_DATA, settings.commandTimeout(), true));
    }

    @Override
    public ContentFilter contentFilter(String queueId) {
        boolean anyListening = discardMessage || filters.stream().anyMatch(f -> !f.acceptedSession && !f.acceptedMessage
                && !(f.failed && settings.onFailure() == MilterSettings.OnFailure.ACCEPT));
        if (!anyListening) {
            return null;   // no filter wants the content: it is not held
        }
        MilterContent c = new MilterContent(this, new HeldContent(client.spoolDir()));
        then(() -> {
            macros.put("i", queueId);
            content = c;
            return CompletableFuture.completedFuture(null);
        });
        return c;
    }

    /**
     * Before the content: the DATA step when the client sent BDAT, which has no DATA command for
     * {@link #data} to be called at.
     */
    CompletableFuture<Void> dataUnlessShown() {
        return dataShown ? CompletableFuture.completedFuture(null) : dataStep();
    }

    @Override
    public void reset() {
        then(() -> {
            if (content != null) {
                content.close();
                content = null;
            }
            if (inTransaction) {
                inTransaction = false;
                for (Filter f : filters) {
                    if (f.open != null && !f.failed && !f.acceptedSession) {
                        f.open.send(null, MilterProtocol.ABORT, new byte[0]);
                    }
                }
            }
            return CompletableFuture.completedFuture(null);
        });
    }

    @Override
    public void close() {
        then(() -> {
            if (content != null) {
                content.close();
                content = null;
            }
            for (Filter f : filters) {
                f.connection.whenComplete((c, e) -> {
                    if (c != null) {
                        c.close();
                    }
                });
            }
            return CompletableFuture.completedFuture(null);
        });
    }

    // ---- running a step -----------------------------------------------------------------------

    /** Chains {@code work} after everything asked of this session before. */
    synchronized CompletableFuture<Void> then(Supplier<CompletableFuture<Void>> work) {
        CompletableFuture<Void> next = tail.handle((v, e) -> null).thenCompose(v -> work.get());
        tail = next;
        return next;
    }

    /** A step shown to each filter in turn; completes exceptionally with the first refusal. */
    CompletableFuture<Void> run(Step step) {
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (Filter f : filters) {
            chain = chain.thenCompose(v -> ask(f, step).thenApply(reply -> null));
        }
        return chain;
    }

    /**
     * Shows one step to one filter. Completes with the filter's final reply letter (CONTINUE when
     * it was not asked), or exceptionally with the refusal the reply or a failure makes.
     */
    CompletableFuture<Byte> ask(Filter f, Step step) {
        return ask(f, step, null);
    }

    /** The same, adding to {@code changes} those the filter asks for with its reply (at the end of a message). */
    CompletableFuture<Byte> ask(Filter f, Step step, List<MilterReply> changes) {
        if (f.acceptedSession || step.ofMessage() && (f.acceptedMessage || discardMessage)) {
            return CompletableFuture.completedFuture(MilterProtocol.CONTINUE);
        }
        if (f.failed) {
            return failing();
        }
        return f.connection.thenCompose(c -> {
            f.open = c;
            if (f.failed) {
                return failing();
            }
            MilterConnection.Options o = c.options();
            if (o.skips(step.noStep())) {
                return CompletableFuture.completedFuture(MilterProtocol.CONTINUE);
            }
            byte[] macroPacket = macros(c, step);
            if (o.skips(step.noReply())) {
                c.send(macroPacket, step.command(), step.data());
                return CompletableFuture.completedFuture(MilterProtocol.CONTINUE);
            }
            return c.ask(macroPacket, step.command(), step.data(), step.timeout()).thenApply(answer -> {
                byte decided = decide(f, step, answer);
                if (changes != null && (decided == MilterProtocol.CONTINUE || decided == MilterProtocol.ACCEPT)) {
                    changes.addAll(answer.changes());
                }
                return decided;
            });
        }).handle((reply, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(reply);
            }
            Throwable cause = unwrapped(error);
            if (cause instanceof MailException m) {
                return CompletableFuture.<Byte>failedFuture(m);
            }
            return failed(f, step, cause);
        }).thenCompose(x -> x);
    }

    /** What a filter's final reply to a step means. */
    private byte decide(Filter f, Step step, MilterConnection.Answer answer) {
        MilterReply reply = answer.reply();
        if (step.command() == MilterProtocol.CONNECT && reply.command() != MilterProtocol.CONTINUE) {
            f.acceptedSession = true;   // whatever it said at connect, it is not asked again (as in Postfix)
        }
        switch (reply.command()) {
            case MilterProtocol.ACCEPT -> {
                if (step.ofMessage()) {
                    f.acceptedMessage = true;
                } else {
                    f.acceptedSession = true;
                }
            }
            case MilterProtocol.REJECT -> throw refusedBy(f, step, new MailException(550, "5.7.1",
                    step.command() == MilterProtocol.END_OF_BODY || step.command() == MilterProtocol.BODY
                            || step.command() == MilterProtocol.HEADER || step.command() == MilterProtocol.END_OF_HEADERS
                            ? "Message content rejected" : "Command rejected", COMPONENT));
            case MilterProtocol.TEMPFAIL -> throw refusedBy(f, step, new MailException(451, "4.7.1",
                    "Service unavailable - try again later", COMPONENT));
            case MilterProtocol.REPLY_CODE -> throw refusedBy(f, step, ownReply(reply.string(0)));
            case MilterProtocol.DISCARD -> {
                log.info("milter {} discards the {} at {}", f.endpoint, step.ofMessage() ? "message" : "session's mail",
                        step.name());
                if (step.ofMessage()) {
                    discardMessage = true;
                } else {
                    discardSession = true;
                }
            }
            case MilterProtocol.SHUTDOWN, MilterProtocol.CONNECTION_FAILURE -> throw refusedBy(f, step,
                    new MailException(421, "4.7.0", client.hostname() + " Service not available, closing transmission channel",
                            COMPONENT));
            default -> {
                // CONTINUE, and SKIP (meaningful for body chunks only)
            }
        }
        return reply.command();
    }

    private MailException refusedBy(Filter f, Step step, MailException e) {
        log.info("milter {} refused {} from {}: {} {} {}", f.endpoint, step.name(), macros.get("_"), e.code(),
                e.enhancedCode(), e.text());
        return e;
    }

    /**
     * A filter's own reply ({@code smfi_setreply}): a 4xx or 5xx code, an optional enhanced code
     * of the same class, and text; lines after the first are kept joined. Anything else is a
     * protocol error.
     */
    static MailException ownReply(String text) {
        String t = text.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ').strip();
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("([45])(\\d\\d)(?:[ -]+(?:([45])\\.(\\d{1,3})\\.(\\d{1,3}))?)?\\s*(.*)").matcher(t);
        if (!m.matches()) {
            throw new MilterException("a reply code that is not 4xx or 5xx: \"" + printable(t) + "\"");
        }
        int code = Integer.parseInt(m.group(1) + m.group(2));
        String enhanced = m.group(3) != null && m.group(3).equals(m.group(1))
                ? m.group(3) + "." + m.group(4) + "." + m.group(5) : m.group(1) + ".7.1";
        String message = printable(m.group(6).replaceAll("(?:^|\\s)\\d{3}[ -](?:[45]\\.\\d{1,3}\\.\\d{1,3} )?", " ").strip());
        return new MailException(code, enhanced, message.isEmpty() ? "Command rejected" : message, COMPONENT);
    }

    private static String printable(String s) {
        String p = s.replaceAll("[^\\x20-\\x7e]", "?");
        return p.length() > 400 ? p.substring(0, 400) : p;
    }

    /** A filter failed: it is dropped for the session, and {@code on_failure} decides this step. */
    private CompletableFuture<Byte> failed(Filter f, Step step, Throwable cause) {
        if (!f.failed) {
            f.failed = true;
            client.failed(f.endpoint);
            log.warn("milter {} failed at {} of {}: {}; {}", f.endpoint, step.name(), macros.getOrDefault("_", "a client"),
                    cause.getMessage(), switch (settings.onFailure()) {
                        case ACCEPT -> "going on without it";
                        case TEMPFAIL -> "mail of this session is deferred";
                        case REJECT -> "mail of this session is refused";
                    });
            f.connection.thenAccept(MilterConnection::close);
        }
        return failing();
    }

    private CompletableFuture<Byte> failing() {
        return switch (settings.onFailure()) {
            case ACCEPT -> CompletableFuture.completedFuture(MilterProtocol.CONTINUE);
            case TEMPFAIL -> CompletableFuture.failedFuture(new MailException(451, "4.3.5",
                    "Server configuration problem - try again later", COMPONENT));
            case REJECT -> CompletableFuture.failedFuture(new MailException(550, "5.5.0", "Service unavailable", COMPONENT));
        };
    }

    /**
     * The MACRO packet that goes before a step's command: the macros the filter asked for, else all
     * Tern knows; null when there are none.
     */
    private byte[] macros(MilterConnection c, Step step) {
        java.util.Set<String> wanted = c.options().macros().get(step.macroStage());
        MilterProtocol.Data d = new MilterProtocol.Data().octet(step.command());
        boolean any = false;
        for (Map.Entry<String, String> e : macros.entrySet()) {
            if (wanted == null || wanted.contains(e.getKey())) {
                d.string(e.getKey()).string(e.getValue());
                any = true;
            }
        }
        return any ? MilterProtocol.packet(MilterProtocol.MACRO, d.bytes()) : null;
    }

    private void putOrRemove(String name, String value) {
        if (value == null) {
            macros.remove(name);
        } else {
            macros.put(name, value);
        }
    }

    MailException refusal(Throwable error) {
        return unwrapped(error) instanceof MailException m ? m
                : new MailException(451, "4.3.5", "Server configuration problem - try again later", COMPONENT);
    }

    private static Throwable unwrapped(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    MilterSettings settings() {
        return settings;
    }

    /** The queue id of the current message, for logs. */
    String queueId() {
        return macros.getOrDefault("i", "NOQUEUE");
    }

    java.nio.file.Path spoolDir() {
        return client.spoolDir();
    }

}
