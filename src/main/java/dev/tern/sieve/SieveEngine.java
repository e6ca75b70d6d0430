package dev.tern.sieve;

import dev.tern.mailbox.Flags;
import dev.tern.sieve.commands.AddFlagCommand;
import dev.tern.sieve.commands.AddHeaderCommand;
import dev.tern.sieve.commands.AddressTest;
import dev.tern.sieve.commands.BodyTest;
import dev.tern.sieve.commands.CurrentDateTest;
import dev.tern.sieve.commands.DateTest;
import dev.tern.sieve.commands.DeleteHeaderCommand;
import dev.tern.sieve.commands.DuplicateTest;
import dev.tern.sieve.commands.EnvelopeTest;
import dev.tern.sieve.commands.EnvironmentTest;
import dev.tern.sieve.commands.ErrorCommand;
import dev.tern.sieve.commands.ExistsTest;
import dev.tern.sieve.commands.FileIntoAction;
import dev.tern.sieve.commands.FileIntoCommand;
import dev.tern.sieve.commands.GlobalCommand;
import dev.tern.sieve.commands.HasFlag;
import dev.tern.sieve.commands.HeaderTest;
import dev.tern.sieve.commands.IhaveTest;
import dev.tern.sieve.commands.IncludeCommand;
import dev.tern.sieve.commands.Includes;
import dev.tern.sieve.commands.KeepAction;
import dev.tern.sieve.commands.KeepCommand;
import dev.tern.sieve.commands.MailboxExists;
import dev.tern.sieve.commands.MailboxIdExists;
import dev.tern.sieve.commands.MailtoUri;
import dev.tern.sieve.commands.NotifyAction;
import dev.tern.sieve.commands.NotifyCommand;
import dev.tern.sieve.commands.NotifyMethodCapability;
import dev.tern.sieve.commands.RedirectCommand;
import dev.tern.sieve.commands.RejectCommand;
import dev.tern.sieve.commands.RemoveFlagCommand;
import dev.tern.sieve.commands.RequireCommand;
import dev.tern.sieve.commands.ReturnCommand;
import dev.tern.sieve.commands.SetCommand;
import dev.tern.sieve.commands.SetFlagCommand;
import dev.tern.sieve.commands.SpamTest;
import dev.tern.sieve.commands.SpecialUseExists;
import dev.tern.sieve.commands.StringTest;
import dev.tern.sieve.commands.TrackedId;
import dev.tern.sieve.commands.ValidNotifyMethod;
import dev.tern.sieve.commands.VacationCommand;
import dev.tern.sieve.commands.VacationSeconds;
import dev.tern.sieve.commands.Variables;
import org.apache.jsieve.ConfigurationManager;
import org.apache.jsieve.SieveConfigurationException;
import org.apache.jsieve.SieveFactory;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.Action;
import org.apache.jsieve.mail.ActionFileInto;
import org.apache.jsieve.mail.ActionKeep;
import org.apache.jsieve.mail.ActionRedirect;
import org.apache.jsieve.mail.ActionReject;
import org.apache.jsieve.mail.optional.ActionVacation;
import org.apache.jsieve.parser.generated.Node;
import org.apache.jsieve.parser.generated.ParseException;
import org.apache.jsieve.parser.generated.SieveParser;
import org.apache.jsieve.parser.generated.TokenMgrError;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks and runs Sieve scripts with jSieve. Thread-safe: each run parses its script anew (a
 * script is small, and a parsed tree is not meant to be shared between threads).
 *
 * <p>jSieve's registry is given Tern's own commands and tests ({@link dev.tern.sieve.commands}):
 * {@code keep}, {@code fileinto} and {@code redirect} replace jSieve's, which take no tags, to
 * accept {@code :copy}, {@code :create} and {@code :flags}; {@code require} knows the extensions
 * that are no command's name; the imap4flags commands and the tests {@code hasflag} and
 * {@code mailboxexists} are added. The tests {@code header}, {@code address} and {@code envelope}
 * replace jSieve's to take the relational match types (RFC 5231), and the tests {@code date} and
 * {@code currentdate} (RFC 5260) read the engine's clock: the server's zone, and "now". The
 * variables extension (RFC 5229) adds {@code set} and {@code string}, and jSieve's commands and
 * tests that take strings ({@code reject}, {@code vacation}, {@code exists}, {@code body}) are
 * replaced by ones that expand the references in them first.
 */
public final class SieveEngine {

    /** Redirects one run may make (as Pigeonhole's default); a script asking for more fails and keeps the message. */
    public static final int MAX_REDIRECTS = 4;
    /** Notifications one run may send, as redirects. */
    public static final int MAX_NOTIFICATIONS = 4;
    /** addheader and deleteheader one run may carry out (RFC 5293); one more fails the run, which keeps the message as it came. */
    public static final int MAX_HEADER_EDITS = 100;

    private static final Pattern LINE = Pattern.compile("line (\\d+)");

    private final SieveFactory factory;
    private final Clock clock;

    /** An engine whose date tests use the system's clock and zone. */
    public SieveEngine() {
        this(Clock.systemDefaultZone());
    }

    /**
     * @param clock what the date tests take for now and for the server's zone (RFC 5260 §4.1.1, §5)
     */
    public SieveEngine(Clock clock) {
        this.clock = clock;
        try {
            ConfigurationManager config = new ConfigurationManager();
            Map<String, String> commands = config.getCommandMap();
            commands.remove("log");   // jSieve's own, not a standard extension
            commands.put("require", RequireCommand.class.getName());
            commands.put("keep", KeepCommand.class.getName());
            commands.put("fileinto", FileIntoCommand.class.getName());
            commands.put("redirect", RedirectCommand.class.getName());
            commands.put("setflag", SetFlagCommand.class.getName());
            commands.put("addflag", AddFlagCommand.class.getName());
            commands.put("removeflag", RemoveFlagCommand.class.getName());
            commands.put("set", SetCommand.class.getName());
            commands.put("include", IncludeCommand.class.getName());
            commands.put("return", ReturnCommand.class.getName());
            commands.put("global", GlobalCommand.class.getName());
            commands.put("notify", NotifyCommand.class.getName());
            commands.put("error", ErrorCommand.class.getName());
            commands.put("reject", RejectCommand.class.getName());
            commands.put("vacation", VacationCommand.class.getName());
            commands.put("addheader", AddHeaderCommand.class.getName());
            commands.put("deleteheader", DeleteHeaderCommand.class.getName());
            Map<String, String> tests = config.getTestMap();
            tests.put("header", HeaderTest.class.getName());
            tests.put("address", AddressTest.class.getName());
            tests.put("envelope", EnvelopeTest.class.getName());
            tests.put("date", DateTest.class.getName());
            tests.put("currentdate", CurrentDateTest.class.getName());
            tests.put("hasflag", HasFlag.class.getName());
            tests.put("mailboxexists", MailboxExists.class.getName());
            tests.put("string", StringTest.class.getName());
            tests.put("duplicate", DuplicateTest.class.getName());
            tests.put("specialuse_exists", SpecialUseExists.class.getName());
            tests.put("mailboxidexists", MailboxIdExists.class.getName());
            tests.put("spamtest", SpamTest.class.getName());
            tests.put("environment", EnvironmentTest.class.getName());
            tests.put("ihave", IhaveTest.class.getName());
            tests.put("valid_notify_method", ValidNotifyMethod.class.getName());
            tests.put("notify_method_capability", NotifyMethodCapability.class.getName());
            tests.put("exists", ExistsTest.class.getName());
            tests.put("body", BodyTest.class.getName());
            this.factory = config.build();
        } catch (SieveConfigurationException e) {
            throw new IllegalStateException("jSieve's built-in configuration did not load", e);
        }
    }

    /** The extensions scripts may require, as ManageSieve announces them in its SIEVE capability. */
    public List<String> extensions() {
        return ScriptCheck.EXTENSIONS;
    }

    /** Checks a script completely: syntax, commands, tests, tags and requires. */
    public void check(String script) throws SieveScriptException {
        ScriptCheck.check(parse(script));
    }

    private Node parse(String script) throws SieveScriptException {
        NestingCheck.check(script);   // before anything recurses once per level
        try {
            // jSieve's parser alone: its factory's validation would name unknown commands without
            // their line, and ScriptCheck checks all that and more, with lines. With CRLF line
            // ends, which the grammar asks for (multi-line strings, RFC 5228 §8.1) and scripts
            // written in a Unix editor do not have.
            String crlf = script.replace("\r\n", "\n").replace("\n", "\r\n");
            Node start = new SieveParser(new ByteArrayInputStream(crlf.getBytes(StandardCharsets.UTF_8)), "UTF-8").start();
            EncodedCharacters.apply(start);
            return start;
        } catch (ParseException e) {
            int line = e.currentToken != null && e.currentToken.next != null ? e.currentToken.next.beginLine : 0;
            throw new SieveScriptException(line, firstLine(e.getMessage()));
        } catch (TokenMgrError e) {
            Matcher m = LINE.matcher(String.valueOf(e.getMessage()));
            throw new SieveScriptException(m.find() ? Integer.parseInt(m.group(1)) : 0, "syntax error: "
                    + firstLine(e.getMessage()).replaceFirst("^Lexical error at line \\d+, column \\d+\\.\\s*", ""));
        }
    }

    /**
     * Runs a stored script on a message. Never throws: a script that fails (it was stored by an
     * older version, or hits a limit) gives the implicit keep with the error.
     */
    public SieveOutcome run(String script, FilteredMessage message) {
        try {
            Node node = parse(script);
            Set<String> required = ScriptCheck.check(node);
            // one instant for the whole run, however long it takes (RFC 5260 §5)
            message.startRun(Clock.fixed(clock.instant(), clock.getZone()),
                    required.contains("variables") ? Variables.enabled() : Variables.DISABLED,
                    new Includes((global, name) -> included(message.facts().scripts(), global, name)));
            factory.evaluate(message, node);
            return outcome(message.getActions(), message.flags(), message.trackedIds(), message);
        } catch (SieveScriptException e) {
            return SieveOutcome.failed(e.describe());
        } catch (SieveException | RuntimeException e) {
            return SieveOutcome.failed(e.getMessage() == null ? e.getClass().getSimpleName() : firstLine(e.getMessage()));
        }
    }

    /** An included script, read, parsed and checked as a stored one is; null when there is none. */
    private Includes.Script included(AccountFacts.ScriptSource scripts, boolean global, String name)
            throws SieveException {
        String text = scripts.find(global, name);
        if (text == null) {
            return null;
        }
        try {
            Node start = parse(text);
            return new Includes.Script(start, ScriptCheck.check(start).contains("variables"));
        } catch (SieveScriptException e) {
            throw new SieveException("included script \"" + name + "\": " + e.describe());
        }
    }

    /**
     * @param finalFlags the internal flag variable as the script left it: the flags of the implicit
     *                   keep (RFC 5232 §3), which jSieve adds as a plain keep once the script ends
     * @param duplicates the ids the duplicate tests saw, kept when the outcome is no failure
     * @param message    the run's message, which knows the header each action took it with: a
     *                   copy named twice is filed with the header of the first (RFC 5293 §7 leaves
     *                   the choice open)
     */
    private static SieveOutcome outcome(List<Action> actions, Flags finalFlags, List<TrackedId> duplicates,
                                        FilteredMessage message) {
        Flags keep = null;
        EditedHeader keepHeader = null;
        // a mailbox named twice gets one copy (RFC 5228 §4.1) with the flags of both
        Map<String, Flags> fileInto = new LinkedHashMap<>();
        Map<String, EditedHeader> fileIntoHeaders = new HashMap<>();
        Set<String> redirects = new LinkedHashSet<>();
        Map<String, EditedHeader> redirectHeaders = new HashMap<>();
        String reject = null;
        VacationRequest vacation = null;
        Map<String, NotifyRequest> notifications = new LinkedHashMap<>();
        for (Action a : actions) {
            if (a instanceof ActionKeep k) {
                Flags flags = k instanceof KeepAction explicit ? explicit.flags() : finalFlags;
                if (keep == null) {
                    keepHeader = message.editedFor(a);
                }
                keep = keep == null ? flags : keep.plus(flags);
            } else if (a instanceof ActionFileInto f) {
                if (!fileInto.containsKey(f.getDestination()) && message.editedFor(a) != null) {
                    fileIntoHeaders.put(f.getDestination(), message.editedFor(a));
                }
                fileInto.merge(f.getDestination(), f instanceof FileIntoAction t ? t.flags() : finalFlags, Flags::plus);
            } else if (a instanceof ActionRedirect r) {
                if (redirects.add(r.getAddress()) && message.editedFor(a) != null) {
                    redirectHeaders.put(r.getAddress(), message.editedFor(a));
                }
            } else if (a instanceof ActionReject r) {
                reject = r.getMessage() == null ? "" : r.getMessage();
            } else if (a instanceof ActionVacation || a instanceof VacationSeconds) {
                if (vacation != null) {
                    return SieveOutcome.failed("more than one vacation action");
                }
                ActionVacation v = a instanceof VacationSeconds s ? s.vacation() : (ActionVacation) a;
                Duration period = a instanceof VacationSeconds s ? Duration.ofSeconds(s.seconds())
                        : v.getDuration() > 0 ? VacationRequest.days(v.getDuration()) : VacationRequest.DEFAULT_PERIOD;
                vacation = new VacationRequest(v.getReason(), v.getSubject(), v.getFrom(),
                        v.getAddresses() == null ? List.of() : v.getAddresses(), period, v.getMime() != null,
                        v.getHandle());
            }
            if (a instanceof NotifyAction n) {
                // the same method twice is one notification (RFC 5435 §3.9)
                MailtoUri uri = MailtoUri.parse(n.method());
                notifications.putIfAbsent(n.method(), new NotifyRequest(n.method(), uri.recipients(), n.from(),
                        uri.subject(), uri.body(), n.importance(), n.message()));
            }
            // discard only cancels the implicit keep, which jSieve has then left out
        }
        if (redirects.size() > MAX_REDIRECTS) {
            return SieveOutcome.failed("more than " + MAX_REDIRECTS + " redirects");
        }
        if (notifications.size() > MAX_NOTIFICATIONS) {
            return SieveOutcome.failed("more than " + MAX_NOTIFICATIONS + " notifications");
        }
        if (reject != null && (keep != null || !fileInto.isEmpty())) {
            // RFC 5429 §2.1: reject cannot be combined with keep or fileinto
            return SieveOutcome.failed("reject together with keep or fileinto");
        }
        if (reject != null) {
            vacation = null;   // RFC 5230 §4.7: vacation is incompatible with reject; the refusal says enough
        }
        List<SieveOutcome.Copy> copies = new ArrayList<>();
        if (keep != null) {
            copies.add(new SieveOutcome.Copy(null, keep, keepHeader));
        }
        fileInto.forEach((mailbox, flags) -> copies.add(new SieveOutcome.Copy(mailbox, flags,
                fileIntoHeaders.get(mailbox))));
        return new SieveOutcome(copies, new ArrayList<>(redirects), reject, vacation,
                new ArrayList<>(notifications.values()), duplicates, null, redirectHeaders);
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "syntax error";
        }
        int nl = text.indexOf('\n');
        return (nl < 0 ? text : text.substring(0, nl)).strip();
    }
}
