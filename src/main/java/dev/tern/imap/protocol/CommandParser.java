package dev.tern.imap.protocol;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns the bytes of one command (tag, name, arguments, literals inline as {@code {n}CRLF} +
 * octets, without the final CRLF — what {@link CommandFramer} delivers) into an
 * {@link ImapRequest}. Pure: no I/O, no session state beyond the {@code utf8} switch, never
 * throws: bad syntax becomes {@link ImapCommand.Invalid} with a short message for
 * {@code TAG BAD}.
 *
 * <p>Whether a command is allowed in the current state (e.g. FETCH before SELECT) is the
 * session's business, not the parser's.
 */
public final class CommandParser {

    private static final int MAX_ID_FIELDS = 30;

    private final boolean utf8Accept;

    /**
     * @param utf8Accept the client has sent ENABLE UTF8=ACCEPT (RFC 6855): mailbox names are raw
     *                   UTF-8 rather than modified UTF-7
     */
    public CommandParser(boolean utf8Accept) {
        this.utf8Accept = utf8Accept;
    }

    /** Parses with IMAP4rev1 conventions (modified UTF-7 mailbox names). */
    public static ImapRequest parse(byte[] command) {
        return new CommandParser(false).parseCommand(command);
    }

    /** RFC 2177: the line that ends IDLE is {@code DONE}, case-insensitive. */
    public static boolean isDone(byte[] line) {
        return new String(line, StandardCharsets.ISO_8859_1).equalsIgnoreCase("DONE");
    }

    public ImapRequest parseCommand(byte[] command) {
        CommandReader reader = new CommandReader(command);
        String tag;
        try {
            tag = reader.tag();
            reader.space();
        } catch (ParseFailure f) {
            return new ImapRequest(null, new ImapCommand.Invalid(f.getMessage()));
        }
        try {
            String name = reader.atom("a command name").toUpperCase(Locale.ROOT);
            ImapCommand parsed = name.equals("UID") ? uidCommand(reader) : command(name, reader);
            if (!reader.atEnd()) {
                throw new ParseFailure("Unexpected characters after " + parsed.name() + " arguments");
            }
            return new ImapRequest(tag, parsed);
        } catch (ParseFailure f) {
            return new ImapRequest(tag, f.invalid());
        } catch (RuntimeException e) {
            // A parser bug must cost one command, not the connection.
            return new ImapRequest(tag, new ImapCommand.Invalid("Invalid command"));
        }
    }

    private ImapCommand uidCommand(CommandReader r) {
        r.space();
        String name = r.atom("a command after UID").toUpperCase(Locale.ROOT);
        return switch (name) {
            case "FETCH" -> fetch(r, true);
            case "STORE" -> store(r, true);
            case "COPY" -> new ImapCommand.Copy(true, setArg(r), mailboxArg(r));
            case "MOVE" -> new ImapCommand.Move(true, setArg(r), mailboxArg(r));
            case "SEARCH" -> search(r, true);
            case "SORT" -> sort(r, true);
            case "THREAD" -> thread(r, true);
            case "EXPUNGE" -> new ImapCommand.Expunge(setArg(r));
            default -> throw new ParseFailure("Unknown command UID " + name);
        };
    }

    private ImapCommand command(String name, CommandReader r) {
        return switch (name) {
            case "CAPABILITY" -> new ImapCommand.Capability();
            case "NOOP" -> new ImapCommand.Noop();
            case "LOGOUT" -> new ImapCommand.Logout();
            case "STARTTLS" -> new ImapCommand.StartTls();
            case "AUTHENTICATE" -> authenticate(r);
            case "LOGIN" -> login(r);
            case "ENABLE" -> enable(r);
            case "ID" -> id(r);
            case "NAMESPACE" -> new ImapCommand.Namespace();
            case "COMPRESS" -> {
                r.space();
                yield new ImapCommand.Compress(r.atom("a compression mechanism").toUpperCase(Locale.ROOT));
            }
            case "SELECT" -> select(r, false);
            case "EXAMINE" -> select(r, true);
            case "CREATE" -> create(r);
            case "DELETE" -> new ImapCommand.Delete(mailboxArg(r));
            case "RENAME" -> new ImapCommand.Rename(mailboxArg(r), mailboxArg(r));
            case "SUBSCRIBE" -> new ImapCommand.Subscribe(mailboxArg(r));
            case "UNSUBSCRIBE" -> new ImapCommand.Unsubscribe(mailboxArg(r));
            case "LIST" -> list(r);
            case "LSUB" -> lsub(r);
            case "STATUS" -> status(r);
            case "GETQUOTAROOT" -> new ImapCommand.GetQuotaRoot(mailboxArg(r));
            case "GETQUOTA" -> new ImapCommand.GetQuota(quotaRootArg(r));
            case "SETQUOTA" -> setQuota(r);
            case "SETACL" -> new ImapCommand.SetAcl(mailboxArg(r), identifierArg(r), rightsArg(r));
            case "DELETEACL" -> new ImapCommand.DeleteAcl(mailboxArg(r), identifierArg(r));
            case "GETACL" -> new ImapCommand.GetAcl(mailboxArg(r));
            case "LISTRIGHTS" -> new ImapCommand.ListRights(mailboxArg(r), identifierArg(r));
            case "MYRIGHTS" -> new ImapCommand.MyRights(mailboxArg(r));
            case "GETMETADATA" -> getMetadata(r);
            case "SETMETADATA" -> setMetadata(r);
            case "APPEND" -> append(r);
            case "CHECK" -> new ImapCommand.Check();
            case "CLOSE" -> new ImapCommand.Close();
            case "UNSELECT" -> new ImapCommand.Unselect();
            case "EXPUNGE" -> new ImapCommand.Expunge(null);
            case "SEARCH" -> search(r, false);
            case "SORT" -> sort(r, false);
            case "THREAD" -> thread(r, false);
            case "FETCH" -> fetch(r, false);
            case "STORE" -> store(r, false);
            case "COPY" -> new ImapCommand.Copy(false, setArg(r), mailboxArg(r));
            case "MOVE" -> new ImapCommand.Move(false, setArg(r), mailboxArg(r));
            case "IDLE" -> new ImapCommand.Idle();
            default -> throw new ParseFailure("Unknown command " + sanitize(name));
        };
    }

    // ---- arguments shared by several commands

    private String mailboxArg(CommandReader r) {
        r.space();
        return mailbox(r.astring("a mailbox name"));
    }

    /** Decodes a mailbox name as the client wrote it and upper-cases INBOX. */
    String mailbox(String wire) {
        if (utf8Accept) {
            return MailboxNames.normalize(wire);
        }
        try {
            return MailboxNames.normalize(MailboxNames.decodeModifiedUtf7(wire));
        } catch (IllegalArgumentException e) {
            throw ParseFailure.refusal(capitalize(e.getMessage()));
        }
    }

    private static SequenceSet setArg(CommandReader r) {
        r.space();
        return r.sequenceSet();
    }

    private static List<String> flagList(CommandReader r) {
        r.expect('(', "'(' to open the flag list");
        List<String> flags = new ArrayList<>();
        if (r.tryChar(')')) {
            return flags;
        }
        flags.add(r.flag());
        while (!r.tryChar(')')) {
            r.space();
            flags.add(r.flag());
        }
        return flags;
    }

    // ---- commands

    private static ImapCommand authenticate(CommandReader r) {
        r.space();
        String mechanism = r.atom("a SASL mechanism").toUpperCase(Locale.ROOT);
        String initial = null;
        if (r.tryChar(' ')) {
            initial = r.atom("an initial response (base64 or '=')");
            if (!initial.equals("=") && !initial.matches("[A-Za-z0-9+/]*={0,2}")) {
                throw new ParseFailure("Initial response is not base64");
            }
        }
        return new ImapCommand.Authenticate(mechanism, initial);
    }

    private static ImapCommand login(CommandReader r) {
        r.space();
        String user = r.astring("a user name");
        r.space();
        return new ImapCommand.Login(user, r.astring("a password"));
    }

    private static ImapCommand enable(CommandReader r) {
        List<String> caps = new ArrayList<>();
        do {
            r.space();
            caps.add(r.atom("a capability name").toUpperCase(Locale.ROOT));
        } while (!r.atEnd());
        return new ImapCommand.Enable(caps);
    }

    private static ImapCommand id(CommandReader r) {
        r.space();
        if (r.tryWord("NIL")) {
            return new ImapCommand.Id(null);
        }
        r.expect('(', "'(' or NIL");
        Map<String, String> fields = new LinkedHashMap<>();
        boolean first = true;
        while (!r.tryChar(')')) {
            if (!first) {
                r.space();
            }
            first = false;
            String field = r.string("an ID field name");
            r.space();
            String value = r.nstring("an ID field value");
            if (fields.size() >= MAX_ID_FIELDS) {
                throw new ParseFailure("Too many ID fields");
            }
            fields.putIfAbsent(field, value);
        }
        return new ImapCommand.Id(java.util.Collections.unmodifiableMap(fields));
    }

    private ImapCommand select(CommandReader r, boolean readOnly) {
        String mailbox = mailboxArg(r);
        boolean condstore = false;
        ImapCommand.Qresync qresync = null;
        if (r.tryChar(' ')) {
            r.expect('(', "'(' before the SELECT parameters");
            boolean first = true;
            while (!r.tryChar(')')) {
                if (!first) {
                    r.space();
                }
                first = false;
                String param = r.atom("a SELECT parameter").toUpperCase(Locale.ROOT);
                if (param.equals("CONDSTORE")) {
                    condstore = true;
                } else if (param.equals("QRESYNC")) {
                    qresync = qresync(r);
                } else {
                    throw new ParseFailure("Unknown SELECT parameter " + sanitize(param));
                }
            }
        }
        return new ImapCommand.Select(mailbox, readOnly, condstore, qresync);
    }

    private static ImapCommand.Qresync qresync(CommandReader r) {
        r.space();
        r.expect('(', "'(' after QRESYNC");
        long uidValidity = r.nzNumber("a UIDVALIDITY");
        r.space();
        long modSeq = r.number("a mod-sequence");
        SequenceSet known = null;
        if (r.tryChar(' ')) {
            if (r.peek() != '(') {
                known = r.sequenceSet();
                r.tryChar(' ');
            }
            if (r.tryChar('(')) {
                // The sequence-match data is an optimisation a server may ignore (RFC 7162 §3.2.5).
                r.sequenceSet();
                r.space();
                r.sequenceSet();
                r.expect(')', "')' after the sequence match data");
            }
        }
        r.expect(')', "')' after the QRESYNC parameters");
        return new ImapCommand.Qresync(uidValidity, modSeq, known);
    }

    private ImapCommand create(CommandReader r) {
        String mailbox = mailboxArg(r);
        List<String> use = new ArrayList<>();
        if (r.tryChar(' ')) {
            r.expect('(', "'(' before the CREATE parameters");
            if (!r.tryWord("USE")) {
                throw new ParseFailure("Unknown CREATE parameter");
            }
            r.space();
            use = flagList(r);
            r.expect(')', "')' after the CREATE parameters");
        }
        return new ImapCommand.Create(mailbox, use);
    }

    private ImapCommand list(CommandReader r) {
        r.space();
        boolean extended = false;
        Set<ImapCommand.ListSelection> selection = EnumSet.noneOf(ImapCommand.ListSelection.class);
        if (r.tryChar('(')) {
            extended = true;
            boolean first = true;
            while (!r.tryChar(')')) {
                if (!first) {
                    r.space();
                }
                first = false;
                String option = r.atom("a LIST selection option").toUpperCase(Locale.ROOT);
                switch (option) {
                    case "SUBSCRIBED" -> selection.add(ImapCommand.ListSelection.SUBSCRIBED);
                    case "REMOTE" -> selection.add(ImapCommand.ListSelection.REMOTE);
                    case "RECURSIVEMATCH" -> selection.add(ImapCommand.ListSelection.RECURSIVEMATCH);
                    case "SPECIAL-USE" -> selection.add(ImapCommand.ListSelection.SPECIAL_USE);
                    default -> throw new ParseFailure("Unknown LIST selection option " + sanitize(option));
                }
            }
            r.space();
            if (selection.equals(Set.of(ImapCommand.ListSelection.RECURSIVEMATCH))) {
                throw new ParseFailure("RECURSIVEMATCH needs another selection option");
            }
        }
        String reference = mailbox(r.astring("a reference name"));
        r.space();
        List<String> patterns = new ArrayList<>();
        if (r.tryChar('(')) {
            extended = true;
            patterns.add(mailbox(r.listMailbox("a mailbox pattern")));
            while (!r.tryChar(')')) {
                r.space();
                patterns.add(mailbox(r.listMailbox("a mailbox pattern")));
            }
        } else {
            patterns.add(mailbox(r.listMailbox("a mailbox pattern")));
        }
        boolean subscribed = false;
        boolean children = false;
        boolean specialUse = false;
        boolean myRights = false;
        Set<ImapCommand.StatusItem> status = EnumSet.noneOf(ImapCommand.StatusItem.class);
        if (r.tryChar(' ')) {
            if (!r.tryWord("RETURN")) {
                throw new ParseFailure("Expected RETURN");
            }
            extended = true;
            r.space();
            r.expect('(', "'(' after RETURN");
            boolean first = true;
            while (!r.tryChar(')')) {
                if (!first) {
                    r.space();
                }
                first = false;
                String option = r.atom("a LIST return option").toUpperCase(Locale.ROOT);
                switch (option) {
                    case "SUBSCRIBED" -> subscribed = true;
                    case "CHILDREN" -> children = true;
                    case "SPECIAL-USE" -> specialUse = true;
                    case "MYRIGHTS" -> myRights = true;     // RFC 8440
                    case "STATUS" -> {
                        r.space();
                        status.addAll(statusItems(r));
                        if (status.isEmpty()) {
                            throw new ParseFailure("RETURN STATUS needs at least one item");
                        }
                    }
                    default -> throw new ParseFailure("Unknown LIST return option " + sanitize(option));
                }
            }
        }
        return new ImapCommand.ListMailboxes(selection, reference, patterns, subscribed, children, specialUse,
                status, myRights, extended);
    }

    private ImapCommand lsub(CommandReader r) {
        r.space();
        String reference = mailbox(r.astring("a reference name"));
        r.space();
        return new ImapCommand.Lsub(reference, mailbox(r.listMailbox("a mailbox pattern")));
    }

    private ImapCommand status(CommandReader r) {
        String mailbox = mailboxArg(r);
        r.space();
        List<ImapCommand.StatusItem> items = statusItems(r);
        if (items.isEmpty()) {
            throw new ParseFailure("STATUS needs at least one item");
        }
        return new ImapCommand.Status(mailbox, items);
    }

    /** A mailbox name where "" names the server (METADATA, RFC 5464 §3.2). */
    private String mailboxOrServer(CommandReader r) {
        r.space();
        String wire = r.astring("a mailbox name");
        return wire.isEmpty() ? "" : mailbox(wire);
    }

    /**
     * {@code GETMETADATA [(MAXSIZE n DEPTH d)] mailbox (entry ...)} or a single entry (RFC 5464
     * §4.2); the options are also taken after the mailbox, where Roundcube and the RFC's drafts put them.
     */
    private ImapCommand getMetadata(CommandReader r) {
        MetadataOptions options = new MetadataOptions();
        r.space();
        if (r.peek() == '(') {
            metadataOptions(r, options);
            r.space();
        }
        String wire = r.astring("a mailbox name");
        String mailbox = wire.isEmpty() ? "" : mailbox(wire);
        r.space();
        if (r.peek() == '(' && (r.peek(1) == 'M' || r.peek(1) == 'm' || r.peek(1) == 'D' || r.peek(1) == 'd')) {
            metadataOptions(r, options);
            r.space();
        }
        List<String> entries = new ArrayList<>();
        if (r.tryChar('(')) {
            do {
                entries.add(r.astring("an entry name"));
            } while (r.tryChar(' '));
            r.expect(')', "')' after the entries");
        } else {
            entries.add(r.astring("an entry name"));
        }
        return new ImapCommand.GetMetadata(mailbox, entries, options.maxSize, options.depth);
    }

    private static final class MetadataOptions {
        long maxSize = -1;
        String depth = "0";
    }

    /** {@code (MAXSIZE n DEPTH d)}: DEPTH is 0, 1 or infinity. */
    private static void metadataOptions(CommandReader r, MetadataOptions options) {
        r.expect('(', "'(' before the options");
        boolean first = true;
        while (!r.tryChar(')')) {
            if (!first) {
                r.space();
            }
            first = false;
            String option = r.atom("a GETMETADATA option").toUpperCase(Locale.ROOT);
            r.space();
            switch (option) {
                case "MAXSIZE" -> options.maxSize = number(r.atom("a size"));
                case "DEPTH" -> {
                    options.depth = r.atom("a depth").toLowerCase(Locale.ROOT);
                    if (!options.depth.equals("0") && !options.depth.equals("1") && !options.depth.equals("infinity")) {
                        throw new ParseFailure("DEPTH is 0, 1 or infinity");
                    }
                }
                default -> throw new ParseFailure("Unknown GETMETADATA option " + sanitize(option));
            }
        }
    }

    /** {@code SETMETADATA mailbox (entry value ...)}, a value being a string or NIL (RFC 5464 §4.3). */
    private ImapCommand setMetadata(CommandReader r) {
        String mailbox = mailboxOrServer(r);
        r.space();
        r.expect('(', "'(' before the entries");
        List<java.util.Map.Entry<String, String>> values = new ArrayList<>();
        do {
            String entry = r.astring("an entry name");
            r.space();
            values.add(new java.util.AbstractMap.SimpleEntry<>(entry, r.nstring("a value")));
        } while (r.tryChar(' '));
        r.expect(')', "')' after the entries");
        return new ImapCommand.SetMetadata(mailbox, values);
    }

    private static long number(String text) {
        try {
            long n = Long.parseLong(text);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new ParseFailure("not a number: " + sanitize(text));
    }

    /** An RFC 4314 identifier: an account's address, or {@code anyone}. */
    private static String identifierArg(CommandReader r) {
        r.space();
        String id = r.astring("an identifier");
        if (id.isEmpty()) {
            throw new ParseFailure("an identifier cannot be empty");
        }
        return id;
    }

    /** SETACL's rights, with their + or - (RFC 4314 §3.1); their letters are checked by the mailbox layer. */
    private static String rightsArg(CommandReader r) {
        r.space();
        return r.astring("rights");
    }

    private static String quotaRootArg(CommandReader r) {
        r.space();
        return r.astring("a quota root");
    }

    /** {@code SETQUOTA root (resource limit ...)}: read whole, so that its refusal is a NO, not a BAD. */
    private static ImapCommand setQuota(CommandReader r) {
        String root = quotaRootArg(r);
        r.space();
        r.expect('(', "'(' before the resource limits");
        boolean first = true;
        while (!r.tryChar(')')) {
            if (!first) {
                r.space();
            }
            first = false;
            r.atom("a resource name");
            r.space();
            r.number("a resource limit");
        }
        return new ImapCommand.SetQuota(root);
    }

    private static List<ImapCommand.StatusItem> statusItems(CommandReader r) {
        r.expect('(', "'(' before the status items");
        Set<ImapCommand.StatusItem> items = new LinkedHashSet<>();
        boolean first = true;
        while (!r.tryChar(')')) {
            if (!first) {
                r.space();
            }
            first = false;
            String item = r.atom("a status item").toUpperCase(Locale.ROOT);
            try {
                items.add(ImapCommand.StatusItem.ofWireName(item));
            } catch (IllegalArgumentException e) {
                throw new ParseFailure("Unknown status item " + sanitize(item));
            }
        }
        return new ArrayList<>(items);
    }

    /**
     * The text of APPEND before its first message literal ({@link FramerEvent.MessageLiteral}'s
     * head): the mailbox, then its messages as far as the text goes ({@link #appendSegment}).
     */
    private ImapCommand append(CommandReader r) {
        String mailbox = mailboxArg(r);
        return new ImapCommand.Append(mailbox, appendSegment(r, ImapCommand.AppendSegment.Position.START));
    }

    /**
     * A stretch of an APPEND's text between its streamed literals ({@link ImapCommand.AppendSegment}):
     * the text after the previous one's literal, read from where that left the syntax.
     */
    public ImapCommand parseAppendSegment(byte[] text, ImapCommand.AppendSegment.Position from) {
        CommandReader r = new CommandReader(text);
        try {
            return appendSegment(r, from);
        } catch (ParseFailure f) {
            return f.invalid();
        } catch (RuntimeException e) {
            return new ImapCommand.Invalid("Invalid command");
        }
    }

    /**
     * {@code *(SP append-message)} as far as the text goes (RFC 3502, RFC 4469 §5):
     * {@code append-message = [flag-list SP] [date-time SP] append-data}, where append-data is a
     * literal (or literal8, or RFC 6855's {@code UTF8 (literal8)}) or
     * {@code CATENATE (cat-part *(SP cat-part))} with {@code cat-part = "TEXT" SP literal / "URL" SP astring}.
     * Streamed literals are not in the text: it stops where one is announced. Every turn of the
     * loop consumes input, so it ends.
     */
    private ImapCommand.AppendSegment appendSegment(CommandReader r, ImapCommand.AppendSegment.Position from) {
        List<AppendItem> items = new ArrayList<>();
        ImapCommand.AppendSegment.Position at = from;
        while (true) {
            switch (at) {
                case AFTER_UTF8 -> {
                    closeUtf8Message(r, true);
                    at = ImapCommand.AppendSegment.Position.AFTER_MESSAGE;
                }
                case IN_CATENATE -> {
                    if (r.tryChar(')')) {
                        items.add(new AppendItem.End());
                        at = ImapCommand.AppendSegment.Position.AFTER_MESSAGE;
                    } else if (r.atEnd()) {
                        throw new ParseFailure("Expected ')' to end CATENATE");
                    } else {
                        r.space();
                        if (catenatePart(r, items)) {
                            return new ImapCommand.AppendSegment(items, ImapCommand.AppendSegment.Next.TEXT);
                        }
                    }
                }
                default -> {
                    if (at == ImapCommand.AppendSegment.Position.AFTER_MESSAGE && r.atEnd()) {
                        return new ImapCommand.AppendSegment(items, ImapCommand.AppendSegment.Next.END);
                    }
                    r.space();
                    List<String> flags = List.of();
                    OffsetDateTime date = null;
                    if (r.peek() == '(') {
                        flags = flagList(r);
                        r.space();
                    }
                    if (r.peek() == '"') {
                        date = dateTime(r);
                        r.space();
                    }
                    if (r.tryWord("CATENATE")) {
                        r.space();
                        r.expect('(', "'(' after CATENATE");
                        items.add(new AppendItem.Message(new ImapCommand.AppendMessage(flags, date, false, true)));
                        if (catenatePart(r, items)) {
                            return new ImapCommand.AppendSegment(items, ImapCommand.AppendSegment.Next.TEXT);
                        }
                        at = ImapCommand.AppendSegment.Position.IN_CATENATE;
                    } else {
                        boolean utf8 = utf8Open(r);
                        if (!r.atEnd()) {
                            throw new ParseFailure("Expected a message literal or CATENATE");
                        }
                        items.add(new AppendItem.Message(new ImapCommand.AppendMessage(flags, date, utf8)));
                        return new ImapCommand.AppendSegment(items, ImapCommand.AppendSegment.Next.MESSAGE);
                    }
                }
            }
        }
    }

    /**
     * One {@code cat-part}: true for {@code TEXT}, whose literal comes next; a URL is added to
     * {@code items}.
     */
    private boolean catenatePart(CommandReader r, List<AppendItem> items) {
        if (r.tryWord("TEXT")) {
            r.space();
            if (!r.atEnd()) {
                throw new ParseFailure("Expected a literal after TEXT");
            }
            return true;
        }
        if (r.tryWord("URL")) {
            r.space();
            items.add(new AppendItem.Url(r.astring("a URL")));
            return false;
        }
        throw new ParseFailure("Expected TEXT or URL in CATENATE");
    }

    private static OffsetDateTime dateTime(CommandReader r) {
        try {
            return ImapDates.parseDateTime(r.string("a date-time"));
        } catch (IllegalArgumentException e) {
            throw new ParseFailure("Invalid date-time: " + e.getMessage());
        }
    }

    /**
     * {@code "UTF8" SP "("} before a message literal (RFC 6855 §4), once UTF8=ACCEPT is on (IMAP4rev2
     * enables it too); the session checks that the literal is a literal8.
     */
    private boolean utf8Open(CommandReader r) {
        if (!r.tryWord("UTF8")) {
            return false;
        }
        if (!utf8Accept) {
            throw new ParseFailure("APPEND UTF8 needs ENABLE UTF8=ACCEPT first");
        }
        r.space();
        r.expect('(', "'(' after UTF8");
        return true;
    }

    private static void closeUtf8Message(CommandReader r, boolean afterUtf8) {
        if (afterUtf8) {
            r.expect(')', "')' after the message literal of UTF8 (");
        }
    }

    /** {@code RETURN (options)} of ESEARCH / ESORT, when present; null otherwise. */
    private static Set<ImapCommand.SearchReturn> returnOptions(CommandReader r) {
        if (!r.tryWord("RETURN")) {
            return null;
        }
        r.space();
        r.expect('(', "'(' after RETURN");
        Set<ImapCommand.SearchReturn> options = EnumSet.noneOf(ImapCommand.SearchReturn.class);
        boolean first = true;
        while (!r.tryChar(')')) {
            if (!first) {
                r.space();
            }
            first = false;
            String option = r.atom("a RETURN option").toUpperCase(Locale.ROOT);
            try {
                options.add(ImapCommand.SearchReturn.valueOf(option));
            } catch (IllegalArgumentException e) {
                throw new ParseFailure("Unknown RETURN option " + sanitize(option));
            }
        }
        if (options.isEmpty()) {
            // RFC 4731 §3.1: RETURN () means RETURN (ALL).
            options.add(ImapCommand.SearchReturn.ALL);
        }
        r.space();
        return options;
    }

    /**
     * The charset a SEARCH, SORT or THREAD reads its strings in. Which charsets a search may use
     * is the server's decision, answered with a tagged NO [BADCHARSET] (RFC 9051 §6.4.4, RFC
     * 5256), which also empties a saved result (RFC 5182 §2.1). So a name Java does not know is
     * not a syntax error: its strings are read as ISO-8859-1, which takes every octet, and the
     * command parses to be refused by name.
     */
    private static Charset charset(String name) {
        try {
            return Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            return StandardCharsets.ISO_8859_1;
        }
    }

    private static ImapCommand search(CommandReader r, boolean uid) {
        r.space();
        Set<ImapCommand.SearchReturn> options = returnOptions(r);
        String charsetName = null;
        Charset charset = StandardCharsets.UTF_8;
        if (r.tryWord("CHARSET")) {
            r.space();
            charsetName = r.astring("a charset name").toUpperCase(Locale.ROOT);
            charset = charset(charsetName);
            r.space();
        }
        SearchKey criteria = new SearchCriteriaParser(r, charset).criteria();
        return new ImapCommand.Search(uid, charsetName, criteria, options == null ? Set.of() : options, options != null);
    }

    private static ImapCommand thread(CommandReader r, boolean uid) {
        r.space();
        String name = r.atom("a threading algorithm").toUpperCase(Locale.ROOT);
        ImapCommand.ThreadAlgorithm algorithm;
        try {
            algorithm = ImapCommand.ThreadAlgorithm.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new ParseFailure("Unknown threading algorithm " + sanitize(name));
        }
        r.space();
        String charsetName = r.astring("a charset name").toUpperCase(Locale.ROOT);
        Charset charset = charset(charsetName);
        r.space();
        SearchKey criteria = new SearchCriteriaParser(r, charset).criteria();
        return new ImapCommand.Thread(uid, algorithm, charsetName, criteria);
    }

    private static ImapCommand sort(CommandReader r, boolean uid) {
        r.space();
        Set<ImapCommand.SearchReturn> options = returnOptions(r);
        r.expect('(', "'(' before the sort criteria");
        List<ImapCommand.SortCriterion> order = new ArrayList<>();
        boolean first = true;
        while (!r.tryChar(')')) {
            if (!first) {
                r.space();
            }
            first = false;
            boolean reverse = false;
            String key = r.atom("a sort key").toUpperCase(Locale.ROOT);
            if (key.equals("REVERSE")) {
                reverse = true;
                r.space();
                key = r.atom("a sort key").toUpperCase(Locale.ROOT);
            }
            try {
                order.add(new ImapCommand.SortCriterion(ImapCommand.SortKey.valueOf(key), reverse));
            } catch (IllegalArgumentException e) {
                throw new ParseFailure("Unknown sort key " + sanitize(key));
            }
        }
        if (order.isEmpty()) {
            throw new ParseFailure("SORT needs at least one sort key");
        }
        r.space();
        String charsetName = r.astring("a charset name").toUpperCase(Locale.ROOT);
        Charset charset = charset(charsetName);
        r.space();
        SearchKey criteria = new SearchCriteriaParser(r, charset).criteria();
        return new ImapCommand.Sort(uid, order, charsetName, criteria, options == null ? Set.of() : options,
                options != null);
    }

    private static ImapCommand fetch(CommandReader r, boolean uid) {
        SequenceSet set = setArg(r);
        r.space();
        List<FetchItem> items = new FetchItemsParser(r).items();
        if (uid && !items.contains(FetchItem.Attribute.UID)) {
            // RFC 9051 §6.4.9: UID FETCH always returns the UID.
            items.add(0, FetchItem.Attribute.UID);
        }
        long changedSince = -1;
        boolean vanished = false;
        if (r.tryChar(' ')) {
            r.expect('(', "'(' before the FETCH modifiers");
            boolean first = true;
            while (!r.tryChar(')')) {
                if (!first) {
                    r.space();
                }
                first = false;
                String modifier = r.atom("a FETCH modifier").toUpperCase(Locale.ROOT);
                if (modifier.equals("CHANGEDSINCE")) {
                    r.space();
                    changedSince = r.number("a mod-sequence");
                } else if (modifier.equals("VANISHED") && uid) {
                    vanished = true;
                } else {
                    throw new ParseFailure("Unknown FETCH modifier " + sanitize(modifier));
                }
            }
            if (vanished && changedSince < 0) {
                throw new ParseFailure("VANISHED needs CHANGEDSINCE");
            }
        }
        return new ImapCommand.Fetch(uid, set, items, changedSince, vanished);
    }

    private static ImapCommand store(CommandReader r, boolean uid) {
        SequenceSet set = setArg(r);
        r.space();
        long unchangedSince = -1;
        if (r.tryChar('(')) {
            if (!r.tryWord("UNCHANGEDSINCE")) {
                throw new ParseFailure("Unknown STORE modifier");
            }
            r.space();
            unchangedSince = r.number("a mod-sequence");
            r.expect(')', "')' after the STORE modifier");
            r.space();
        }
        ImapCommand.StoreMode mode = ImapCommand.StoreMode.REPLACE;
        if (r.tryChar('+')) {
            mode = ImapCommand.StoreMode.ADD;
        } else if (r.tryChar('-')) {
            mode = ImapCommand.StoreMode.REMOVE;
        }
        String item = r.word("FLAGS or FLAGS.SILENT").toUpperCase(Locale.ROOT);
        if (!item.equals("FLAGS") && !item.equals("FLAGS.SILENT")) {
            throw new ParseFailure("Expected FLAGS or FLAGS.SILENT");
        }
        r.space();
        List<String> flags;
        if (r.peek() == '(') {
            flags = flagList(r);
        } else {
            flags = new ArrayList<>();
            flags.add(r.flag());
            while (r.tryChar(' ')) {
                flags.add(r.flag());
            }
        }
        return new ImapCommand.Store(uid, set, mode, item.endsWith(".SILENT"), flags, unchangedSince);
    }

    /** Keeps client text echoed in error messages short and printable. */
    static String sanitize(String s) {
        String printable = s.replaceAll("[^\\x21-\\x7e]", "?");
        return printable.length() > 40 ? printable.substring(0, 40) + "..." : printable;
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
