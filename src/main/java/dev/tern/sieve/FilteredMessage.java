package dev.tern.sieve;

import dev.tern.mailbox.Flags;
import dev.tern.sieve.commands.Includes;
import dev.tern.sieve.commands.RunState;
import dev.tern.sieve.commands.TrackedId;
import dev.tern.sieve.commands.Variables;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.dom.Body;
import org.apache.james.mime4j.dom.Entity;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.Multipart;
import org.apache.james.mime4j.dom.TextBody;
import org.apache.james.mime4j.dom.address.Group;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.address.LenientAddressParser;
import org.apache.james.mime4j.message.DefaultMessageBuilder;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.mail.Action;
import org.apache.jsieve.mail.AddressImpl;
import org.apache.jsieve.mail.MailAdapter;
import org.apache.jsieve.mail.SieveMailException;
import org.apache.jsieve.mail.optional.EnvelopeAccessors;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A message as a Sieve script sees it (jSieve's {@link MailAdapter}): its header fields, unfolded
 * and with encoded words decoded (RFC 5228 §5.7), its size, its envelope (RFC 5228 §5.4) and, for
 * the body test (RFC 5173), its text. The actions the script takes are collected here; Tern
 * carries them out afterwards ({@link SieveEngine}). The state Tern's own commands keep during a
 * run lives here too ({@link RunState}): the internal flag variable of imap4flags, the variables,
 * the included scripts, the duplicate ids seen, and the clock of the date tests; what delivery
 * knows of the recipient's account comes in one {@link AccountFacts}.
 *
 * <p>The editheader actions (RFC 5293) change the header the tests read from then on; each
 * action that files or sends the message takes the header as it is at that moment (an implicit
 * keep, the header as the script left it), and {@link SieveEngine} hands those versions to
 * delivery ({@link EditedHeader}). Fields kept from the message are written back octet for octet.
 *
 * <p>Bounded: the header section is read up to {@link #MAX_HEADER} octets, and the body test
 * looks at the first {@link #MAX_BODY} octets of the message.
 */
public final class FilteredMessage implements MailAdapter, EnvelopeAccessors, RunState {

    static final int MAX_HEADER = 256 * 1024;
    static final int MAX_BODY = 1024 * 1024;

    /** Opens the message from its first octet (header prefix and content). */
    @FunctionalInterface
    public interface Content {
        InputStream open() throws IOException;
    }

    /** The header as the message came, and as the editheader actions of the run left it so far. */
    private final HeaderFields original;
    private HeaderFields header;
    /** Octets of the content before the body, and the empty line's; bodyStart -1: the header section was cut short. */
    private final long bodyStart;
    private final byte[] separator;
    private int edits;
    /** The header each action took the message with, when it was edited by then (RFC 5293 §7). */
    private final Map<Action, HeaderFields> taken = new IdentityHashMap<>();
    /** One EditedHeader per version of the header, for the actions that took the same one. */
    private final Map<HeaderFields, EditedHeader> versions = new IdentityHashMap<>();
    private final long size;
    private final String envelopeFrom;
    private final String envelopeTo;
    private final Content content;
    private final List<Action> actions = new ArrayList<>();
    private Flags flags = Flags.NONE;
    private Clock clock = Clock.systemDefaultZone();
    private Variables variables = Variables.DISABLED;
    private AccountFacts facts = AccountFacts.NONE;
    private Includes includes = new Includes(Includes.NONE);
    private final List<TrackedId> tracked = new ArrayList<>();
    private String bodyText;
    private String bodyRaw;

    private FilteredMessage(HeaderFields fields, long bodyStart, byte[] separator, long size, String envelopeFrom,
                            String envelopeTo, Content content) {
        this.original = fields;
        this.header = fields;
        this.bodyStart = bodyStart;
        this.separator = separator;
        this.size = size;
        this.envelopeFrom = envelopeFrom;
        this.envelopeTo = envelopeTo;
        this.content = content;
    }

    /**
     * Reads the header section of a message, for a run that knows nothing of the account until
     * {@link #about(AccountFacts)} tells it.
     *
     * @param envelopeFrom the reverse path without brackets, empty for the null sender
     * @param envelopeTo   the recipient's address as the envelope gave it
     */
    public static FilteredMessage read(Content content, long size, String envelopeFrom, String envelopeTo)
            throws IOException {
        return read(content, size, envelopeFrom, envelopeTo, 0);
    }

    /**
     * Reads the header section of a message whose content starts with the trace fields this
     * server wrote at reception.
     *
     * @param traceOctets how many octets at the start of the content are those fields
     */
    public static FilteredMessage read(Content content, long size, String envelopeFrom, String envelopeTo,
                                       int traceOctets) throws IOException {
        try (InputStream in = new java.io.BufferedInputStream(content.open())) {   // read octet by octet below
            HeaderSection section = headerSection(in);
            return new FilteredMessage(HeaderFields.parse(section.header(), traceOctets),
                    section.complete() ? section.header().length + section.separator().length : -1,
                    section.separator(), size, envelopeFrom, envelopeTo, content);
        }
    }

    /**
     * A header section as read: its octets without the empty line that ends it, that line's octets
     * (none when the message ends without one), and whether it was read whole.
     */
    private record HeaderSection(byte[] header, byte[] separator, boolean complete) {
    }

    /** The header section, line by line, at most {@link #MAX_HEADER} octets. */
    private static HeaderSection headerSection(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            line.write(b);
            if (b != '\n') {
                if (out.size() + line.size() > MAX_HEADER) {
                    out.write(line.toByteArray(), 0, line.size());
                    return new HeaderSection(out.toByteArray(), new byte[0], false);
                }
                continue;
            }
            byte[] l = line.toByteArray();
            if (l.length == 1 || (l.length == 2 && l[0] == '\r')) {
                return new HeaderSection(out.toByteArray(), l, true);   // the empty line
            }
            out.write(l, 0, l.length);
            line.reset();
        }
        out.write(line.toByteArray(), 0, line.size());
        return new HeaderSection(out.toByteArray(), new byte[0], true);
    }

    /** The first value of a field, or null: what a vacation reply reads (Subject, Message-ID…). */
    public String first(String name) {
        List<String> values = all(name);
        return values.isEmpty() ? null : values.get(0);
    }

    /** Every value of a field, in order, as the script's edits so far left the header (RFC 5293 §7). */
    public List<String> all(String name) {
        return header.values(name);
    }

    /** Every value of a field as the message came, before any edit of the script. */
    public List<String> received(String name) {
        return original.values(name);
    }

    public String envelopeFrom() {
        return envelopeFrom;
    }

    public String envelopeTo() {
        return envelopeTo;
    }

    /** The addresses (lower case) of the mailboxes in the fields of these names. */
    public List<String> addressesIn(String... names) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            for (String value : all(n)) {
                for (org.apache.james.mime4j.dom.address.Address a : LenientAddressParser.DEFAULT.parseAddressList(value)) {
                    mailboxes(a).forEach(m -> out.add(m.getAddress().toLowerCase(Locale.ROOT)));
                }
            }
        }
        return out;
    }

    // ---- MailAdapter ----------------------------------------------------------------------------

    @Override
    public void setContext(SieveContext context) {
    }

    @Override
    public List<Action> getActions() {
        return actions;
    }

    @Override
    public void addAction(Action action) {
        actions.add(action);
        if (header != original) {
            taken.put(action, header);   // the message as it is now is what this action files or sends
        }
    }

    @Override
    public void executeActions() {
        // carried out by local delivery, in its transaction
    }

    @Override
    public List<String> getHeader(String name) {
        return all(name);
    }

    @Override
    public List<String> getMatchingHeader(String name) {
        return all(name);
    }

    @Override
    public List<String> getHeaderNames() {
        return header.names();
    }

    @Override
    public int getSize() {
        return (int) Math.min(Integer.MAX_VALUE, size);
    }

    @Override
    public String getContentType() {
        String type = first("content-type");
        return type == null ? "text/plain" : type;
    }

    @Override
    public boolean isInBodyText(List<String> phrases) throws SieveMailException {
        return containsAny(text(), phrases);
    }

    @Override
    public boolean isInBodyRaw(List<String> phrases) throws SieveMailException {
        return containsAny(raw(), phrases);
    }

    /** Not reached: {@link ScriptCheck} refuses {@code body :content}; the text parts are the nearest answer. */
    @Override
    public boolean isInBodyContent(List<String> contentTypes, List<String> phrases) throws SieveMailException {
        return containsAny(text(), phrases);
    }

    @Override
    public MailAdapter.Address[] parseAddresses(String header) {
        List<MailAdapter.Address> out = new ArrayList<>();
        for (String value : all(header)) {
            out.addAll(addressesIn(value));
        }
        return out.toArray(new MailAdapter.Address[0]);
    }

    @Override
    public List<MailAdapter.Address> addressesIn(String fieldValue) {
        List<MailAdapter.Address> out = new ArrayList<>();
        for (org.apache.james.mime4j.dom.address.Address a : LenientAddressParser.DEFAULT.parseAddressList(fieldValue)) {
            for (Mailbox m : mailboxes(a)) {
                out.add(new AddressImpl(m.getLocalPart(), m.getDomain() == null ? "" : m.getDomain()));
            }
        }
        return out;
    }

    // ---- RunState --------------------------------------------------------------------------------

    /** The internal flag variable: what the implicit keep files the message with when the run ends. */
    @Override
    public Flags flags() {
        return flags;
    }

    @Override
    public void setFlags(Flags flags) {
        this.flags = flags;
    }

    @Override
    public void addHeader(String name, String value, boolean last) {
        editable();
        HeaderFields edited = header.add(name, value, last);   // checks name and value, protected or not
        if (!HeaderFields.isProtected(name)) {
            header = edited;
        }
    }

    @Override
    public void deleteHeader(String name, Set<Integer> positions) {
        if (!HeaderFields.isFieldName(name)) {
            throw new IllegalArgumentException("\"" + name.replaceAll("[\\x00-\\x1f\\x7f]", "?")
                    + "\" is not a header field name");
        }
        editable();
        if (!HeaderFields.isProtected(name)) {
            header = header.delete(name, positions);
        }
    }

    /** Counts an edit, refusing one past the bound or on a header section too large to write back. */
    private void editable() {
        if (bodyStart < 0) {
            throw new IllegalArgumentException("the header section is too large to edit (over "
                    + MAX_HEADER / 1024 + " KiB)");
        }
        if (++edits > SieveEngine.MAX_HEADER_EDITS) {
            throw new IllegalArgumentException("more than " + SieveEngine.MAX_HEADER_EDITS + " header edits");
        }
    }

    /**
     * The header an action took the message with, when the script had edited it by then; null
     * when the action takes the message as it came.
     */
    EditedHeader editedFor(Action action) {
        HeaderFields fields = taken.get(action);
        return fields == null ? null
                : versions.computeIfAbsent(fields, f -> new EditedHeader(f, original, bodyStart, separator));
    }

    /** Tells the run what delivery knows of the recipient's account; returns this message. */
    public FilteredMessage about(AccountFacts facts) {
        this.facts = facts;
        return this;
    }

    /** What the run knows of the recipient's account. */
    AccountFacts facts() {
        return facts;
    }

    @Override
    public String recipientDelimiter() {
        return facts.recipientDelimiter();
    }

    @Override
    public boolean mailboxExists(String name) {
        return facts.mailboxExists().test(name);
    }

    @Override
    public String mailboxById(String mailboxId) {
        return facts.mailboxIds().get(mailboxId);
    }

    @Override
    public String specialUseMailbox(String attribute) {
        return facts.specialUses().get(attribute.toLowerCase(Locale.ROOT));
    }

    @Override
    public boolean hasSpecialUse(String mailbox, String attribute) {
        return mailbox.equals(facts.specialUses().get(attribute.toLowerCase(Locale.ROOT)));
    }

    @Override
    public boolean duplicateSeen(String key) {
        return facts.duplicateSeen().test(key);
    }

    @Override
    public Double spamLevel() {
        return facts.spamLevel();
    }

    @Override
    public String environment(String name) {
        return facts.environment().get(name);
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public Variables variables() {
        return variables;
    }

    @Override
    public void useVariables(Variables variables) {
        this.variables = variables;
    }

    @Override
    public Includes includes() {
        return includes;
    }

    @Override
    public void trackDuplicate(TrackedId id) {
        tracked.add(id);
    }

    /** The keys the duplicate tests of the run saw, in order. */
    List<TrackedId> trackedIds() {
        return List.copyOf(tracked);
    }

    /**
     * Starts a run: the clock the engine fixes for it, its variables (none set yet, or
     * {@link Variables#DISABLED} for a script that does not require them), and the scripts it
     * may include.
     */
    void startRun(Clock clock, Variables variables, Includes includes) {
        this.clock = clock;
        this.variables = variables;
        this.includes = includes;
        this.tracked.clear();
        this.header = original;
        this.edits = 0;
        this.taken.clear();
        this.versions.clear();
    }

    // ---- EnvelopeAccessors ----------------------------------------------------------------------

    @Override
    public List<String> getEnvelope(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "from" -> List.of(envelopeFrom);
            case "to" -> List.of(envelopeTo);
            default -> List.of();
        };
    }

    @Override
    public List<String> getEnvelopeNames() {
        return List.of("from", "to");
    }

    @Override
    public List<String> getMatchingEnvelope(String name) {
        return getEnvelope(name);
    }

    // ---- the body -------------------------------------------------------------------------------

    private static List<Mailbox> mailboxes(org.apache.james.mime4j.dom.address.Address a) {
        if (a instanceof Mailbox m) {
            return List.of(m);
        }
        return a instanceof Group g ? g.getMailboxes() : List.of();
    }

    private static boolean containsAny(String text, List<String> phrases) {
        String haystack = text.toLowerCase(Locale.ROOT);
        for (String p : phrases) {
            if (haystack.contains(p.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    /** The body after the header section, as octets read as UTF-8, at most {@link #MAX_BODY}. */
    private String raw() throws SieveMailException {
        if (bodyRaw == null) {
            try (InputStream in = new java.io.BufferedInputStream(content.open())) {
                headerSection(in);   // the body follows (or, past the bound, the rest of the header)
                bodyRaw = new String(in.readNBytes(MAX_BODY), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new SieveMailException(e);
            }
        }
        return bodyRaw;
    }

    /** The decoded text of the message's text parts, in order (RFC 5173 §5.2, :text). */
    private String text() throws SieveMailException {
        if (bodyText == null) {
            try (InputStream in = content.open()) {
                DefaultMessageBuilder builder = new DefaultMessageBuilder();
                builder.setMimeEntityConfig(MimeConfig.PERMISSIVE);
                builder.setDecodeMonitor(DecodeMonitor.SILENT);
                Message message = builder.parseMessage(new java.io.ByteArrayInputStream(in.readNBytes(MAX_BODY)));
                StringBuilder out = new StringBuilder();
                collectText(message, out);
                bodyText = out.toString();
            } catch (IOException | RuntimeException e) {
                throw new SieveMailException(e);
            }
        }
        return bodyText;
    }

    private static void collectText(Entity entity, StringBuilder out) throws IOException {
        Body body = entity.getBody();
        if (body instanceof Multipart multipart) {
            for (Entity part : multipart.getBodyParts()) {
                collectText(part, out);
            }
        } else if (body instanceof TextBody text) {
            try (Reader reader = text.getReader()) {
                char[] buffer = new char[8192];
                int n;
                while ((n = reader.read(buffer)) != -1 && out.length() < MAX_BODY) {
                    out.append(buffer, 0, n);
                }
            }
            out.append('\n');
        } else if (body instanceof Message inner) {
            collectText(inner, out);
        }
    }
}
