package dev.tern.imap.server;

import dev.tern.imap.protocol.BodyPart;
import dev.tern.imap.protocol.FetchItem;
import dev.tern.imap.protocol.HeaderFieldFilter;
import dev.tern.imap.protocol.ImapDates;
import dev.tern.imap.protocol.MessageStructure;
import dev.tern.imap.protocol.PreviewText;
import dev.tern.imap.protocol.ResponseWriter;
import dev.tern.imap.protocol.Section;
import dev.tern.imap.protocol.SectionLocator;
import dev.tern.imap.protocol.StructureWriter;
import dev.tern.imap.protocol.TransferDecoding;
import dev.tern.mailbox.FlagOperation;
import dev.tern.mailbox.FlagStoreResult;
import dev.tern.mailbox.Flags;
import dev.tern.mailbox.MailboxEvents;
import dev.tern.mailbox.MessageEntry;
import dev.tern.mailbox.MessageService;
import dev.tern.mailbox.SystemFlag;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongPredicate;

/**
 * Writes the FETCH responses of one command, a chunk at a time, on the storage executor
 * (RFC 9051 §6.4.5, §7.5.2; BINARY of RFC 3516; MODSEQ of RFC 7162). Each message's response is
 * cut into pieces: small text written in memory, and body literals streamed from the message's
 * content, so a big message is never held whole. Literal lengths come from the stored structure's
 * offsets, except filtered headers and decoded parts, which are measured by reading them first.
 *
 * <p>Before the first response, messages that a non-PEEK body item reads get \Seen (§6.4.5),
 * and their responses carry the new FLAGS.
 */
final class FetchResponder implements ImapIo.ResponseProducer {

    /** Literals up to this size are read whole rather than streamed. */
    private static final int INLINE = 16 * 1024;
    /** Messages whose inline contents are read together, in one transaction. */
    private static final int WINDOW = 64;

    /** One message to answer for. */
    record Target(long sequence, long uid) {
    }

    private final MessageService messages;
    private final long mailboxId;
    private final List<Target> targets;
    private final List<FetchItem> items;
    private final boolean setSeen;
    private final boolean utf8;
    private final long changedSince;
    private final LongPredicate recent;
    private final Deque<Object> pieces = new ArrayDeque<>();
    private Map<Long, MessageEntry> entries;
    private final boolean readsContent;
    /** A BINARY or BINARY.SIZE item names a part, whose transfer encoding must then be known. */
    private final boolean decodesParts;
    /** Some message had a part asked for with BINARY in an encoding Tern cannot decode. */
    private boolean unknownEncoding;
    /** Inline contents of the messages from the current window on, by blob id. */
    private Map<String, byte[]> window = Map.of();
    private int windowEnd;
    private final Set<Long> seenNow = new HashSet<>();
    private final java.util.Set<Long> seenModSeqs = new java.util.HashSet<>();
    private int next;
    /** The literal being streamed, its open content and the octets it still owes. */
    private StreamPiece open;
    private InputStream stream;
    private long remaining;

    /**
     * A literal's content, read from the message when its turn comes; {@code inline} is the
     * content when it was read with its window already, else null. {@code binary}: a literal8,
     * whose NULs go out as they are.
     */
    private record StreamPiece(MessageEntry message, byte[] inline, long start, long length, String decode, long skip,
                               long emit, boolean binary) {
    }

    FetchResponder(MessageService messages, long mailboxId, List<Target> targets, List<FetchItem> items,
                   boolean setSeen, boolean utf8, long changedSince, LongPredicate recent) {
        this.recent = recent;
        this.messages = messages;
        this.mailboxId = mailboxId;
        this.targets = targets;
        this.items = items;
        this.setSeen = setSeen;
        this.utf8 = utf8;
        this.changedSince = changedSince;
        this.readsContent = items.stream().anyMatch(i -> i instanceof FetchItem.BodySection
                || i instanceof FetchItem.Binary || i instanceof FetchItem.BinarySize
                || i == FetchItem.Attribute.RFC822 || i == FetchItem.Attribute.RFC822_HEADER
                || i == FetchItem.Attribute.RFC822_TEXT);
        this.decodesParts = items.stream().anyMatch(i -> i instanceof FetchItem.Binary b && !b.part().isEmpty()
                || i instanceof FetchItem.BinarySize size && !size.part().isEmpty());
    }

    /**
     * Some message had a part asked for with BINARY or BINARY.SIZE whose Content-Transfer-Encoding
     * Tern cannot decode: it got no FETCH response, and the command is answered NO [UNKNOWN-CTE]
     * (RFC 3516 §4.3, RFC 9051 §6.4.5). Read after the stream completed.
     */
    boolean unknownEncoding() {
        return unknownEncoding;
    }

    /** The MODSEQs of the implicit \Seen changes (one per window of messages): read after the stream completed. */
    java.util.Set<Long> seenModSeqs() {
        return seenModSeqs;
    }

    @Override
    public boolean produce(OutputStream out) throws IOException {
        if (entries == null) {
            load();
        }
        long written = 0;
        while (written < ImapSession.CHUNK) {
            if (open != null) {
                written += copy(out, ImapSession.CHUNK - written);
                continue;
            }
            Object piece = pieces.poll();
            if (piece instanceof byte[] bytes) {
                out.write(bytes);
                written += bytes.length;
            } else if (piece instanceof StreamPiece s) {
                open = s;
                openStream(s);
            } else if (next < targets.size()) {
                if (readsContent && next >= windowEnd) {
                    readWindow();
                }
                respond(targets.get(next++));
            } else {
                return true;
            }
        }
        return pieces.isEmpty() && open == null && next >= targets.size();
    }

    private void load() throws IOException {
        entries = IndexEntries.of(messages, mailboxId, targets.stream().map(Target::uid).toList(), targets.size());
        entries.values().removeIf(m -> m.modSeq() <= changedSince);
        if (!setSeen) {
            return;
        }
        List<Long> unseen = new ArrayList<>();
        for (MessageEntry m : entries.values()) {
            // A message whose BINARY part cannot be decoded is not read, so it does not become \Seen.
            if (!m.flags().has(SystemFlag.SEEN)
                    && !(decodesParts && namesUnknownEncoding(StoredStructures.of(messages, m)))) {
                unseen.add(m.uid());
            }
        }
        if (unseen.isEmpty()) {
            return;
        }
        FlagStoreResult r = messages.storeFlags(mailboxId, unseen, FlagOperation.ADD, Flags.of(SystemFlag.SEEN), -1);
        for (MailboxEvents.FlagChange c : r.changed()) {
            MessageEntry m = entries.get(c.uid());
            entries.put(c.uid(), m.withFlags(c.flags(), c.modSeq()));
            seenNow.add(c.uid());
            seenModSeqs.add(c.modSeq());
        }
    }

    /** Reads the inline contents of the next messages in one transaction. */
    private void readWindow() {
        windowEnd = Math.min(targets.size(), next + WINDOW);
        List<String> blobIds = new ArrayList<>(windowEnd - next);
        for (int i = next; i < windowEnd; i++) {
            MessageEntry m = entries.get(targets.get(i).uid());
            if (m != null) {
                blobIds.add(m.blobId());
            }
        }
        window = blobIds.isEmpty() ? Map.of() : messages.inlineContents(blobIds);
    }

    // ---- one message ----------------------------------------------------------------------------

    private void respond(Target t) throws IOException {
        MessageEntry m = entries.get(t.uid());
        if (m == null) {
            return;    // expunged meanwhile, or not changed since CHANGEDSINCE
        }
        MessageStructure structure = null;
        if (decodesParts) {
            structure = StoredStructures.of(messages, m);
            if (namesUnknownEncoding(structure)) {
                // Checked before anything of the message is written: no undecoded octets go out
                // as if they were decoded, and the command ends NO [UNKNOWN-CTE].
                unknownEncoding = true;
                return;
            }
        }
        Pieces buf = new Pieces();
        ResponseWriter w = new ResponseWriter(buf, utf8);
        boolean flagsWritten = false;
        w.fetchStart(t.sequence());
        for (FetchItem item : items) {
            if (item instanceof FetchItem.Attribute a) {
                switch (a) {
                    case FLAGS -> {
                        w.atom("FLAGS").flags(SelectedMailbox.withRecent(m.flags(), recent.test(m.uid())));
                        flagsWritten = true;
                    }
                    case UID -> w.atom("UID").number(m.uid());
                    case INTERNALDATE -> w.atom("INTERNALDATE")
                            .string(ImapDates.formatDateTime(m.internalDate().atOffset(ZoneOffset.UTC)));
                    case RFC822_SIZE -> w.atom("RFC822.SIZE").number(m.size());
                    case MODSEQ -> w.atom("MODSEQ").openList().number(m.modSeq()).closeList();
                    case EMAILID -> w.atom("EMAILID").openList().atom(ObjectIds.emailId(m.blobId())).closeList();
                    case THREADID -> w.atom("THREADID").nil();
                    case SAVEDATE -> {
                        w.atom("SAVEDATE");
                        if (m.savedAt() == null) {
                            w.nil();
                        } else {
                            w.string(ImapDates.formatDateTime(m.savedAt().atOffset(ZoneOffset.UTC)));
                        }
                    }
                    case PREVIEW -> {
                        structure = structure == null ? StoredStructures.of(messages, m) : structure;
                        w.atom("PREVIEW").string(preview(m, structure));
                    }
                    case ENVELOPE -> {
                        structure = structure == null ? StoredStructures.of(messages, m) : structure;
                        w.atom("ENVELOPE");
                        StructureWriter.envelope(w, structure.envelope());
                    }
                    case BODY, BODYSTRUCTURE -> {
                        structure = structure == null ? StoredStructures.of(messages, m) : structure;
                        w.atom(a.wireName());
                        StructureWriter.body(w, structure.root(), a == FetchItem.Attribute.BODYSTRUCTURE);
                    }
                    case RFC822 -> {
                        w.atom("RFC822");
                        range(w, buf, m, 0, m.size());
                    }
                    case RFC822_HEADER, RFC822_TEXT -> {
                        structure = structure == null ? StoredStructures.of(messages, m) : structure;
                        w.atom(a.wireName());
                        SectionLocator.SectionRange r = SectionLocator.locate(structure,
                                Section.of(a == FetchItem.Attribute.RFC822_HEADER ? Section.Text.HEADER : Section.Text.TEXT));
                        range(w, buf, m, r.start(), r.length());
                    }
                }
            } else if (item instanceof FetchItem.BodySection b) {
                boolean whole = b.section().part().isEmpty() && b.section().text() == Section.Text.ALL;
                if (!whole) {
                    structure = structure == null ? StoredStructures.of(messages, m) : structure;
                }
                section(w, buf, m, structure, b);
            } else if (item instanceof FetchItem.Binary b) {
                structure = structure == null ? StoredStructures.of(messages, m) : structure;
                binary(w, buf, m, structure, b);
            } else if (item instanceof FetchItem.BinarySize b) {
                structure = structure == null ? StoredStructures.of(messages, m) : structure;
                w.atom(b.responseName());
                BodyPart part = b.part().isEmpty() ? null : structure.part(b.part());
                if (b.part().isEmpty()) {
                    w.number(m.size());
                } else if (part == null) {
                    w.nil();
                } else {
                    w.number(decodingOf(part) == null ? part.size() : decodedLength(m, part));
                }
            }
        }
        if (seenNow.contains(m.uid()) && !flagsWritten) {
            w.atom("FLAGS").flags(SelectedMailbox.withRecent(m.flags(), recent.test(m.uid())));
        }
        w.fetchEnd();
        buf.cut();
    }

    /** RFC 8970: made from the first octets of the message's first readable text part. */
    private String preview(MessageEntry m, MessageStructure structure) throws IOException {
        BodyPart part = PreviewText.part(structure);
        if (part == null) {
            return "";
        }
        return PreviewText.of(part, read(m, part.bodyStart(), Math.min(part.size(), PreviewText.MAX_READ)));
    }

    private void section(ResponseWriter w, Pieces buf, MessageEntry m, MessageStructure structure,
                         FetchItem.BodySection b) throws IOException {
        w.atom(b.responseName());
        if (structure == null) {
            SectionLocator.SectionRange r = new SectionLocator.SectionRange(0, m.size(), null, false).partial(b.partial());
            range(w, buf, m, r.start(), r.length());
            return;
        }
        SectionLocator.SectionRange r = SectionLocator.locate(structure, b.section());
        if (r == null) {
            w.string("");
        } else if (r.filtered()) {
            byte[] header = read(m, r.start(), r.length());
            byte[] kept;
            try (HeaderFieldFilter f = new HeaderFieldFilter(new ByteArrayInputStream(header), r.fields(), r.exclude())) {
                kept = f.readAllBytes();
            }
            w.literal(withoutNuls(cut(kept, b.partial())));
        } else {
            SectionLocator.SectionRange p = r.partial(b.partial());
            range(w, buf, m, p.start(), p.length());
        }
    }

    private void binary(ResponseWriter w, Pieces buf, MessageEntry m, MessageStructure structure,
                        FetchItem.Binary b) throws IOException {
        w.atom(b.responseName());
        BodyPart part = b.part().isEmpty() ? null : structure.part(b.part());
        long start;
        long length;
        String encoding;
        if (b.part().isEmpty()) {
            start = 0;
            length = m.size();
            encoding = null;
        } else if (part == null) {
            w.nil();
            return;
        } else {
            start = part.bodyStart();
            length = part.size();
            encoding = decodingOf(part);
        }
        long decoded = encoding == null ? length : decodedLength(m, part);
        long skip = 0;
        if (b.partial() != null) {
            skip = Math.min(decoded, b.partial().offset());
            decoded = Math.min(decoded - skip, b.partial().length());
        }
        w.literal8Header(decoded);
        buf.cut();
        if (encoding == null) {
            buf.stream(new StreamPiece(m, window.get(m.blobId()), start + skip, decoded, null, 0, decoded, true));
        } else {
            buf.stream(new StreamPiece(m, window.get(m.blobId()), start, length, encoding, skip, decoded, true));
        }
    }

    /** A literal of {@code length} octets at {@code start}: read now if small, else streamed. */
    private void range(ResponseWriter w, Pieces buf, MessageEntry m, long start, long length) throws IOException {
        if (length <= INLINE) {
            // Announced as long as what was read, and sent as read: no copy into the text buffer.
            byte[] bytes = withoutNuls(read(m, start, length));
            w.literalHeader(bytes.length);
            buf.bytes(bytes);
        } else {
            w.literalHeader(length);
            buf.cut();
            buf.stream(new StreamPiece(m, window.get(m.blobId()), start, length, null, 0, length, false));
        }
    }

    /** Whether a BINARY or BINARY.SIZE item names a part in an encoding {@link TransferDecoding} does not know. */
    private boolean namesUnknownEncoding(MessageStructure structure) {
        for (FetchItem item : items) {
            List<Integer> path = item instanceof FetchItem.Binary b ? b.part()
                    : item instanceof FetchItem.BinarySize size ? size.part() : List.of();
            BodyPart part = path.isEmpty() ? null : structure.part(path);
            if (part != null && !TransferDecoding.known(decodingOf(part))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The transfer encoding BINARY undoes for a part, or null: multiparts and messages are sent as
     * they are (their own parts carry the encodings), as is a part without one.
     */
    private static String decodingOf(BodyPart part) {
        return part.isMultipart() || part.isMessage() ? null : part.encoding();
    }

    private long decodedLength(MessageEntry m, BodyPart part) throws IOException {
        try (InputStream in = TransferDecoding.decoded(slice(m, part.bodyStart(), part.size()), part.encoding())) {
            return in.transferTo(OutputStream.nullOutputStream());
        }
    }

    private byte[] read(MessageEntry m, long start, long length) throws IOException {
        byte[] inline = window.get(m.blobId());
        if (inline != null) {
            return MessageBytes.range(m.headerPrefix(), inline, start, length);
        }
        try (InputStream in = slice(m, null, start, length)) {
            return in.readAllBytes();
        }
    }

    private InputStream slice(MessageEntry m, long start, long length) throws IOException {
        return slice(m, window.get(m.blobId()), start, length);
    }

    /** The octets from {@code start} of the message, its prefix then its content, read from {@code inline} when given. */
    private InputStream slice(MessageEntry m, byte[] inline, long start, long length) throws IOException {
        if (inline != null) {
            return new ByteArrayInputStream(MessageBytes.range(m.headerPrefix(), inline, start, length));
        }
        InputStream in = messages.open(m);
        try {
            in.skipNBytes(start);
        } catch (IOException e) {
            in.close();
            throw e;
        }
        return new LimitedInputStream(in, length);
    }

    private static byte[] cut(byte[] bytes, FetchItem.Partial partial) {
        if (partial == null) {
            return bytes;
        }
        int from = (int) Math.min(bytes.length, partial.offset());
        int to = from + (int) Math.min(bytes.length - from, partial.length());   // no overflow for a huge length
        return java.util.Arrays.copyOfRange(bytes, from, to);
    }

    // ---- streaming ------------------------------------------------------------------------------

    private void openStream(StreamPiece s) throws IOException {
        InputStream in = slice(s.message(), s.inline(), s.start(), s.length());
        if (s.decode() != null) {
            in = TransferDecoding.decoded(in, s.decode());
            in.skipNBytes(s.skip());
        }
        stream = in;
        remaining = s.emit();
    }

    private long copy(OutputStream out, long budget) throws IOException {
        byte[] chunk = new byte[(int) Math.min(8192, Math.max(1, Math.min(budget, remaining)))];
        long done = 0;
        while (remaining > 0 && done < budget) {
            int n = stream.read(chunk, 0, (int) Math.min(chunk.length, Math.min(remaining, budget - done)));
            if (n < 0) {
                // The announced length is a promise to the client: pad what is missing.
                while (remaining > 0 && done < budget) {
                    out.write(' ');
                    remaining--;
                    done++;
                }
                break;
            }
            if (!open.binary()) {
                replaceNuls(chunk, 0, n);
            }
            out.write(chunk, 0, n);
            remaining -= n;
            done += n;
        }
        if (remaining == 0) {
            stream.close();
            stream = null;
            open = null;
        }
        return Math.max(done, 1);
    }

    /**
     * A literal may not hold NUL (RFC 9051 §4.3; only BINARY's literal8 may), yet SMTP hands Tern
     * such messages now and then. As Dovecot does, each NUL goes out as 0x80: the length and every
     * offset stay as stored, and clients that stop reading at a NUL see the rest of the message.
     */
    static byte[] withoutNuls(byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) {
                byte[] copy = bytes.clone();
                replaceNuls(copy, 0, copy.length);
                return copy;
            }
        }
        return bytes;
    }

    private static void replaceNuls(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == 0) {
                bytes[i] = (byte) 0x80;
            }
        }
    }

    @Override
    public void close() {
        if (stream != null) {
            try {
                stream.close();
            } catch (IOException ignored) {
                // nothing more to read from it either way
            }
            stream = null;
        }
    }

    /** The pieces of one message's response: text written in memory, cut where a literal is streamed. */
    private final class Pieces extends OutputStream {
        private final ByteArrayOutputStream current = new ByteArrayOutputStream(256);

        @Override
        public void write(int b) {
            current.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            current.write(b, off, len);
        }

        void cut() {
            if (current.size() > 0) {
                pieces.add(current.toByteArray());
                current.reset();
            }
        }

        /** Octets that go out as they are, after what was written so far. */
        void bytes(byte[] b) {
            cut();
            pieces.add(b);
        }

        void stream(StreamPiece s) {
            pieces.add(s);
        }
    }
}
