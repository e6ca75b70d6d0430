package dev.tern.message;

import dev.tern.mail.MailAddress;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.dom.address.AddressList;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.address.DefaultAddressParser;
import org.apache.james.mime4j.field.address.ParseException;
import org.apache.james.mime4j.field.address.TokenMgrError;
import org.apache.james.mime4j.util.MimeUtil;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The fix-ups a message submission agent makes to a message from an authenticated user (RFC 6409
 * §8), applied while the content streams from the client to storage: the header section is held
 * back until it is complete, {@code Message-ID:} (§8.3) and {@code Date:} (§8.2, in the server's
 * time zone) are appended to it when missing, and everything after it passes through unchanged.
 * The {@code From:} and {@code Sender:} fields are parsed on the way, for the sender policy.
 *
 * <p>The header section ends at the first empty line, or at the first line that is neither a
 * header field nor the continuation of one; in that second case (a message without a header/body
 * separator) an empty line is inserted before that line, so that the added fields do not run into
 * the body. A message that ends inside its header section is a header-only message: the added fields
 * go at its end.
 *
 * <p>Memory: at most {@code headerLimit} bytes are held. A header section that does not end within
 * the limit is passed through untouched, nothing is added, and {@link #headerComplete()} stays false.
 *
 * <p>Use: {@link #write} each chunk of content as it arrives, then {@link #finish} once. Both hand
 * the bytes to pass on to {@code out}, in order; {@code out} must consume or copy a buffer before
 * it returns, because a buffer may share memory with the caller's input. One instance per message,
 * used by one thread at a time.
 */
public final class SubmissionHeaderFilter {

    /** Header sections longer than this are passed through unexamined. */
    public static final int DEFAULT_HEADER_LIMIT = 256 * 1024;

    private static final int INITIAL_CAPACITY = 4096;
    private static final DateTimeFormatter RFC5322_DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.US);
    private static final SecureRandom RANDOM = new SecureRandom();

    private enum State { HEADER, BODY, PASS_THROUGH, FINISHED }

    private enum Line { BLANK, FIELD, CONTINUATION, OTHER }

    private final String hostname;
    private final Clock clock;
    private final int headerLimit;

    private State state = State.HEADER;
    private byte[] head;
    private int length;
    /** Bytes of {@link #head} already searched for a line end. */
    private int scanned;
    /** Start of the line not yet complete. */
    private int lineStart;
    private int[] fieldStarts = new int[32];
    private int fieldCount;

    private final List<HeaderMailbox> from = new ArrayList<>();
    private boolean unreadableFrom;
    private HeaderMailbox sender;
    private int senderFields;
    private String messageId;
    private boolean addedMessageId;
    private boolean addedDate;
    private boolean tooLarge;

    /** A filter with the default limit and the system clock in the server's time zone. */
    public SubmissionHeaderFilter(String hostname) {
        this(hostname, Clock.systemDefaultZone(), DEFAULT_HEADER_LIMIT);
    }

    /**
     * @param hostname    the right-hand side of generated Message-IDs
     * @param clock       the time and time zone of a generated Date
     * @param headerLimit the most bytes of header section held back
     */
    public SubmissionHeaderFilter(String hostname, Clock clock, int headerLimit) {
        if (headerLimit <= 0) {
            throw new IllegalArgumentException("headerLimit must be positive");
        }
        this.hostname = hostname;
        this.clock = clock;
        this.headerLimit = headerLimit;
        this.head = new byte[Math.min(INITIAL_CAPACITY, headerLimit)];
    }

    /** Takes all of {@code in} (advancing its position) and passes on what can already go out. */
    public void write(ByteBuffer in, Consumer<ByteBuffer> out) {
        if (state == State.FINISHED) {
            throw new IllegalStateException("write after finish");
        }
        while (state == State.HEADER && in.hasRemaining()) {
            if (length == headerLimit) {
                giveUp(out);
                break;
            }
            int n = Math.min(in.remaining(), headerLimit - length);
            ensureCapacity(length + n);
            in.get(head, length, n);
            length += n;
            scan(out);
        }
        if (state != State.HEADER && in.hasRemaining()) {
            ByteBuffer rest = in.slice();
            in.position(in.limit());
            out.accept(rest);
        }
    }

    /** Ends the content: passes on what is still held back (a header-only message). */
    public void finish(Consumer<ByteBuffer> out) {
        if (state == State.HEADER) {
            if (lineStart == length) {
                complete(length, false, false, out);
            } else {
                switch (classify(lineStart, length)) {
                    case FIELD -> {
                        addFieldStart(lineStart);
                        complete(length, true, false, out);
                    }
                    case CONTINUATION -> complete(length, true, false, out);
                    case BLANK -> complete(lineStart, false, false, out);
                    case OTHER -> complete(lineStart, false, true, out);
                }
            }
        }
        state = State.FINISHED;
    }

    /** True once the whole header section has been seen (and the added fields emitted). */
    public boolean headerComplete() {
        return state == State.BODY || (state == State.FINISHED && !tooLarge);
    }

    /** True when the header section did not end within the limit and was passed through unexamined. */
    public boolean headerTooLarge() {
        return tooLarge;
    }

    /** The mailboxes of the {@code From:} fields (groups flattened), once the header is complete. */
    public List<HeaderMailbox> from() {
        return List.copyOf(from);
    }

    /** The addresses of {@link #from()}. */
    public List<MailAddress> fromAddresses() {
        return from.stream().map(HeaderMailbox::address).toList();
    }

    /**
     * True when a {@code From:} field is present but some of it is not a list of valid mailboxes:
     * then {@link #from()} misses what could not be read, and a check of the From addresses cannot
     * be trusted.
     */
    public boolean fromUnreadable() {
        return unreadableFrom;
    }

    /** The {@code Sender:} mailbox, when there is exactly one readable one. */
    public Optional<HeaderMailbox> sender() {
        return Optional.ofNullable(sender);
    }

    /** The message's Message-ID (the one it had or the one added), or null while the header is incomplete. */
    public String messageId() {
        return messageId;
    }

    public boolean addedMessageId() {
        return addedMessageId;
    }

    public boolean addedDate() {
        return addedDate;
    }

    // ---- header section

    private void scan(Consumer<ByteBuffer> out) {
        while (state == State.HEADER) {
            int lf = indexOfLf(scanned, length);
            if (lf < 0) {
                scanned = length;
                return;
            }
            scanned = lf + 1;
            int start = lineStart;
            switch (classify(start, lf + 1)) {
                case FIELD -> {
                    addFieldStart(start);
                    lineStart = lf + 1;
                }
                case CONTINUATION -> lineStart = lf + 1;
                // The empty line goes out after the added fields, as the start of the rest.
                case BLANK -> complete(start, false, false, out);
                case OTHER -> complete(start, false, true, out);
            }
        }
    }

    private Line classify(int start, int end) {
        int contentEnd = end;
        if (contentEnd > start && head[contentEnd - 1] == '\n') {
            contentEnd--;
        }
        if (contentEnd > start && head[contentEnd - 1] == '\r') {
            contentEnd--;
        }
        if (contentEnd == start) {
            return Line.BLANK;
        }
        byte first = head[start];
        if (first == ' ' || first == '\t') {
            return fieldCount > 0 ? Line.CONTINUATION : Line.OTHER;
        }
        // field-name = 1*ftext (printable ASCII but ':'); obsolete syntax allows WSP before the colon.
        int i = start;
        while (i < contentEnd && head[i] >= 33 && head[i] <= 126 && head[i] != ':') {
            i++;
        }
        if (i == start) {
            return Line.OTHER;
        }
        while (i < contentEnd && (head[i] == ' ' || head[i] == '\t')) {
            i++;
        }
        return i < contentEnd && head[i] == ':' ? Line.FIELD : Line.OTHER;
    }

    /**
     * The header section is head[0, headerEnd); what follows it in head is the start of the rest.
     *
     * @param lastLineOpen the header's last line has no line ending yet
     * @param addSeparator the rest does not start with an empty line, so one is inserted
     */
    private void complete(int headerEnd, boolean lastLineOpen, boolean addSeparator, Consumer<ByteBuffer> out) {
        boolean hasDate = parseFields(headerEnd);
        StringBuilder added = new StringBuilder();
        if (lastLineOpen) {
            added.append("\r\n");
        }
        if (messageId == null) {
            messageId = newMessageId();
            addedMessageId = true;
            added.append("Message-ID: ").append(messageId).append("\r\n");
        }
        if (!hasDate) {
            addedDate = true;
            added.append("Date: ").append(RFC5322_DATE.format(ZonedDateTime.now(clock))).append("\r\n");
        }
        if (addSeparator) {
            added.append("\r\n");
        }
        byte[] held = head;
        int heldLength = length;
        head = null;
        fieldStarts = null;
        state = State.BODY;
        if (headerEnd > 0) {
            out.accept(ByteBuffer.wrap(held, 0, headerEnd).slice());
        }
        if (added.length() > 0) {
            out.accept(ByteBuffer.wrap(added.toString().getBytes(StandardCharsets.US_ASCII)));
        }
        if (heldLength > headerEnd) {
            out.accept(ByteBuffer.wrap(held, headerEnd, heldLength - headerEnd).slice());
        }
    }

    private void giveUp(Consumer<ByteBuffer> out) {
        tooLarge = true;
        byte[] held = head;
        int heldLength = length;
        head = null;
        fieldStarts = null;
        state = State.PASS_THROUGH;
        out.accept(ByteBuffer.wrap(held, 0, heldLength));
    }

    /** Reads the fields this filter cares about; returns whether there is a Date field. */
    private boolean parseFields(int headerEnd) {
        boolean hasDate = false;
        for (int f = 0; f < fieldCount; f++) {
            int start = fieldStarts[f];
            int end = f + 1 < fieldCount ? fieldStarts[f + 1] : headerEnd;
            int colon = start;
            while (head[colon] != ':') {
                colon++;
            }
            String name = new String(head, start, colon - start, StandardCharsets.US_ASCII).trim().toLowerCase(Locale.ROOT);
            switch (name) {
                case "date" -> hasDate = true;
                case "message-id" -> {
                    if (messageId == null) {
                        messageId = value(colon + 1, end);
                    }
                }
                case "from" -> readFrom(value(colon + 1, end));
                case "sender" -> readSender(value(colon + 1, end));
                default -> {
                }
            }
        }
        return hasDate;
    }

    /** A field body, unfolded (RFC 5322 §2.2.3) and decoded as UTF-8 (RFC 6532). */
    private String value(int start, int end) {
        return MimeUtil.unfold(new String(head, start, end - start, StandardCharsets.UTF_8)).trim();
    }

    private void readFrom(String value) {
        List<Mailbox> mailboxes = parseMailboxList(value);
        if (mailboxes == null || mailboxes.isEmpty()) {
            unreadableFrom = true;
            return;
        }
        for (Mailbox m : mailboxes) {
            HeaderMailbox hm = toHeaderMailbox(m);
            if (hm == null) {
                unreadableFrom = true;
            } else {
                from.add(hm);
            }
        }
    }

    private void readSender(String value) {
        // RFC 5322 §3.6: at most one Sender field, with one mailbox; anything else counts as none.
        List<Mailbox> mailboxes = parseMailboxList(value);
        senderFields++;
        sender = senderFields == 1 && mailboxes != null && mailboxes.size() == 1 ? toHeaderMailbox(mailboxes.get(0)) : null;
    }

    /**
     * The mailboxes of an address-list field value (From:, To:…; groups flattened) with usable
     * addresses, in order; empty when the value is not an address list.
     */
    public static List<HeaderMailbox> mailboxes(String value) {
        List<Mailbox> parsed = parseMailboxList(value);
        if (parsed == null) {
            return List.of();
        }
        return parsed.stream().map(SubmissionHeaderFilter::toHeaderMailbox).filter(java.util.Objects::nonNull).toList();
    }

    /** The mailboxes of an address list (groups flattened), or null when it is not one. */
    private static List<Mailbox> parseMailboxList(String value) {
        if (value.isEmpty()) {
            return null;
        }
        try {
            AddressList list = DefaultAddressParser.DEFAULT.parseAddressList(value, DecodeMonitor.SILENT);
            return list.flatten();
        } catch (ParseException | TokenMgrError | RuntimeException e) {
            return null;
        }
    }

    private static HeaderMailbox toHeaderMailbox(Mailbox m) {
        String local = m.getLocalPart();
        String domain = m.getDomain();
        if (local == null || local.isEmpty() || domain == null || domain.isEmpty()) {
            return null;
        }
        MailAddress address;
        try {
            address = MailAddress.parse(local + "@" + domain);
        } catch (IllegalArgumentException notDotAtom) {
            // The parser gives a quoted local part without its quotes.
            String quoted = "\"" + local.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            try {
                address = MailAddress.parse(quoted + "@" + domain);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        String name = m.getName();
        return new HeaderMailbox(name == null || name.isBlank() ? null : name, address);
    }

    private String newMessageId() {
        byte[] random = new byte[12];
        RANDOM.nextBytes(random);
        return "<" + Long.toString(clock.millis(), 36) + "." + HexFormat.of().formatHex(random) + "@" + hostname + ">";
    }

    // ---- buffer

    private int indexOfLf(int from, int to) {
        for (int i = from; i < to; i++) {
            if (head[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void ensureCapacity(int needed) {
        if (needed > head.length) {
            head = Arrays.copyOf(head, Math.min(headerLimit, Math.max(needed, head.length * 2)));
        }
    }

    private void addFieldStart(int start) {
        if (fieldCount == fieldStarts.length) {
            fieldStarts = Arrays.copyOf(fieldStarts, fieldCount * 2);
        }
        fieldStarts[fieldCount++] = start;
    }
}
