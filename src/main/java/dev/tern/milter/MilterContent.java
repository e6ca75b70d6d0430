package dev.tern.milter;

import dev.tern.mail.Envelope;
import dev.tern.mail.MailAddress;
import dev.tern.mail.MailException;
import dev.tern.mail.ReceptionVerdict;
import dev.tern.mail.Recipient;
import dev.tern.smtp.server.ContentFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A message on its way past the milters. The client's content is held ({@link HeldContent}) until
 * its end; then each filter in turn is shown its header fields, the end of the header, the body in
 * chunks and the end of the message, to which it answers with the changes it wants: those are
 * applied before the next filter sees the message, as Postfix does. Only then is the content, as
 * changed, handed on to be stored, which is why this filter comes last.
 *
 * <p>The changes: header fields added, inserted, changed or removed and the body replaced change
 * the content; the sender changed and recipients added or removed change the envelope the message
 * is queued with; quarantine files it into the recipients' Junk mailbox (Postfix holds it in its
 * queue instead).
 */
final class MilterContent implements ContentFilter {

    private static final Logger log = LoggerFactory.getLogger(MilterContent.class);

    private final MilterSession session;
    private HeldContent content;
    private Consumer<ByteBuffer> out;
    /** Why the content could not be held (a full disk), or null. */
    private IOException holdFailure;
    private boolean quarantined;
    private String quarantineReason;
    /** The sender as a filter set it: absent when unchanged, an empty optional for {@code <>}. */
    private java.util.Optional<MailAddress> newSender;
    private final List<MailAddress> added = new ArrayList<>();
    private final List<String> deleted = new ArrayList<>();

    MilterContent(MilterSession session, HeldContent content) {
        this.session = session;
        this.content = content;
    }

    @Override
    public void write(ByteBuffer in, Consumer<ByteBuffer> ignored) {
        if (holdFailure != null) {
            in.position(in.limit());
            return;
        }
        try {
            content.write(in);
        } catch (UncheckedIOException e) {
            holdFailure = e.getCause();   // answered at the end of the data, when the client listens
            in.position(in.limit());
        }
    }

    @Override
    public void finish(Consumer<ByteBuffer> out) {
        this.out = out;   // the content goes on once the filters have seen it (verdict)
    }

    @Override
    public CompletableFuture<Void> verdict() {
        return session.then(() -> {
            if (holdFailure != null) {
                return CompletableFuture.failedFuture(storage(holdFailure));
            }
            CompletableFuture<Void> chain = session.dataUnlessShown();
            for (MilterSession.Filter f : session.filters) {
                chain = chain.thenCompose(v -> showTo(f));
            }
            return chain.thenRun(this::handOn);
        });
    }

    /** The message, as it now is, to one filter; its changes applied. */
    private CompletableFuture<Void> showTo(MilterSession.Filter f) {
        MilterSession.Step probe = step("content", (byte) 0, new byte[0], 0, 0, MilterProtocol.STAGE_END_OF_HEADERS);
        if (f.acceptedSession || f.acceptedMessage || session.discardMessage || f.failed) {
            return session.ask(f, probe).thenApply(r -> null);   // the failure rule, or nothing to do
        }
        InputStream in;
        MessageEdit header;
        try {
            in = new BufferedInputStream(content.open(), 65536);
            header = MessageEdit.read(in);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(storage(e));
        }
        return f.connection.thenCompose(c -> {
            boolean leadingSpace = c.options().wants(MilterProtocol.HEADER_LEADING_SPACE);
            CompletableFuture<Byte> chain = CompletableFuture.completedFuture(MilterProtocol.CONTINUE);
            for (MessageEdit.Field field : header.fields()) {
                byte[] value = field.value(leadingSpace);
                byte[] data = new MilterProtocol.Data().string(field.name()).raw(value, 0, value.length).octet(0).bytes();
                chain = chain.thenCompose(r -> stillListening(f) ? session.ask(f, step("header", MilterProtocol.HEADER, data,
                        MilterProtocol.NO_HEADERS, MilterProtocol.NO_REPLY_HEADER, MilterProtocol.STAGE_END_OF_HEADERS))
                        : CompletableFuture.completedFuture(r));
            }
            return chain
                    .thenCompose(r -> stillListening(f) ? session.ask(f, step("end of header", MilterProtocol.END_OF_HEADERS,
                            new byte[0], MilterProtocol.NO_END_OF_HEADERS, MilterProtocol.NO_REPLY_END_OF_HEADERS,
                            MilterProtocol.STAGE_END_OF_HEADERS)) : CompletableFuture.completedFuture(r))
                    .thenCompose(r -> body(f, header.firstBodyLine(), in))
                    .thenCompose(r -> stillListening(f) ? endOfMessage(f, c, leadingSpace)
                            : CompletableFuture.completedFuture(null));
        }).whenComplete((v, e) -> closeQuietly(in));
    }

    private boolean stillListening(MilterSession.Filter f) {
        return !f.failed && !f.acceptedSession && !f.acceptedMessage && !session.discardMessage;
    }

    /** The body in chunks, until its end or until the filter says SKIP. */
    private CompletableFuture<Byte> body(MilterSession.Filter f, byte[] first, InputStream in) {
        byte[] chunk;
        try {
            chunk = readChunk(first, in);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(storage(e));
        }
        if (chunk.length == 0 || !stillListening(f)) {
            return CompletableFuture.completedFuture(MilterProtocol.CONTINUE);
        }
        return session.ask(f, step("body", MilterProtocol.BODY, chunk, MilterProtocol.NO_BODY, MilterProtocol.NO_REPLY_BODY,
                        MilterProtocol.STAGE_END_OF_MESSAGE))
                .thenCompose(r -> r == MilterProtocol.SKIP ? CompletableFuture.completedFuture(r) : body(f, null, in));
    }

    private static byte[] readChunk(byte[] first, InputStream in) throws IOException {
        byte[] buf = new byte[MilterProtocol.CHUNK];
        int n = 0;
        if (first != null) {
            System.arraycopy(first, 0, buf, 0, first.length);   // one line: shorter than a chunk
            n = first.length;
        }
        int r;
        while (n < buf.length && (r = in.read(buf, n, buf.length - n)) > 0) {
            n += r;
        }
        return n == buf.length ? buf : java.util.Arrays.copyOf(buf, n);
    }

    /** The end of the message: the filter's changes come with its answer, and are applied. */
    private CompletableFuture<Void> endOfMessage(MilterSession.Filter f, MilterConnection c, boolean leadingSpace) {
        MilterSession.Step eom = new MilterSession.Step("end of message", MilterProtocol.END_OF_BODY, new byte[0], 0, 0,
                MilterProtocol.STAGE_END_OF_MESSAGE, session.settings().contentTimeout(), true);
        List<MilterReply> changes = new ArrayList<>();
        return session.ask(f, eom, changes).thenAccept(r -> {
            if (changes.isEmpty()) {
                return;
            }
            try {
                apply(f, changes, (c.options().actions()), leadingSpace);
            } catch (IOException e) {
                throw storage(e);
            }
        });
    }

    /** Applies one filter's changes, those it said it would make at the negotiation. */
    private void apply(MilterSession.Filter f, List<MilterReply> changes, int actions, boolean leadingSpace)
            throws IOException {
        MessageEdit header = null;
        HeldContent newBody = null;
        InputStream in = null;
        try {
            for (MilterReply change : changes) {
                switch (change.command()) {
                    case MilterProtocol.ADD_HEADER, MilterProtocol.INSERT_HEADER, MilterProtocol.CHANGE_HEADER -> {
                        String name = change.string(0);
                        if (!MessageEdit.validName(name)) {
                            log.warn("milter {} asked for a header field named \"{}\", which is not a field name; ignored",
                                    f.endpoint, name.replaceAll("[^\\x20-\\x7e]", "?"));
                            continue;
                        }
                        if (header == null) {
                            in = new BufferedInputStream(content.open(), 65536);
                            header = MessageEdit.read(in);
                        }
                        switch (change.command()) {
                            case MilterProtocol.ADD_HEADER -> header.add(name, change.string(1), leadingSpace);
                            case MilterProtocol.INSERT_HEADER -> header.insert(change.index(), name, change.string(1), leadingSpace);
                            default -> header.change(change.index(), name, change.string(1), leadingSpace);
                        }
                    }
                    case MilterProtocol.REPLACE_BODY -> {
                        if (newBody == null) {
                            newBody = new HeldContent(contentSpool());
                        }
                        newBody.write(ByteBuffer.wrap(crlf(change.data())));
                    }
                    case MilterProtocol.CHANGE_SENDER -> {
                        newSender = java.util.Optional.ofNullable(address(f, change.string(0)));
                        log.info("milter {} changes the sender of {} to <{}>", f.endpoint, session.queueId(),
                                newSender.map(MailAddress::toString).orElse(""));
                    }
                    case MilterProtocol.ADD_RECIPIENT, MilterProtocol.ADD_RECIPIENT_WITH_PARAMETERS -> {
                        MailAddress a = address(f, change.string(0));
                        if (a != null) {
                            added.add(a);
                            log.info("milter {} adds the recipient <{}> to {}", f.endpoint, a, session.queueId());
                        }
                    }
                    case MilterProtocol.DELETE_RECIPIENT -> {
                        String a = bare(change.string(0)).toLowerCase(Locale.ROOT);
                        deleted.add(a);
                        log.info("milter {} removes the recipient <{}> from {}", f.endpoint,
                                a.replaceAll("[^\\x20-\\x7e]", "?"), session.queueId());
                    }
                    case MilterProtocol.QUARANTINE -> {
                        quarantined = true;
                        quarantineReason = change.string(0);
                        log.info("milter {} quarantines the message (filed as junk): {}", f.endpoint,
                                quarantineReason.replaceAll("[^\\x20-\\x7e]", "?"));
                    }
                    default -> throw new MilterException("a change '" + MilterReply.printable(change.command())
                            + "' at the end of the message");
                }
            }
            if (header == null && newBody == null) {
                return;
            }
            if (header == null) {
                in = new BufferedInputStream(content.open(), 65536);
                header = MessageEdit.read(in);
            }
            HeldContent edited = new HeldContent(contentSpool());
            boolean bodyFollows = newBody != null ? newBody.size() > 0 : true;
            edited.write(ByteBuffer.wrap(header.header(bodyFollows)));
            if (newBody != null) {
                copy(newBody.open(), edited);
            } else {
                if (header.firstBodyLine() != null) {
                    edited.write(ByteBuffer.wrap(header.firstBodyLine()));
                }
                copy(in, edited);
            }
            closeQuietly(in);
            in = null;
            content.close();
            content = edited;
        } finally {
            closeQuietly(in);
            if (newBody != null) {
                newBody.close();
            }
        }
    }

    private java.nio.file.Path contentSpool() {
        return session.spoolDir();
    }

    /** A body's line ends made CRLF: filters often write bare LF. */
    static byte[] crlf(byte[] data) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(data.length + data.length / 40);
        for (int i = 0; i < data.length; i++) {
            byte b = data[i];
            if (b == '\n' && (i == 0 || data[i - 1] != '\r')) {
                out.write('\r');
            }
            if (b == '\r' && (i + 1 >= data.length || data[i + 1] != '\n')) {
                out.write('\r');
                out.write('\n');
                continue;
            }
            out.write(b);
        }
        return out.toByteArray();
    }

    private static String bare(String address) {
        String a = address.strip();
        if (a.startsWith("<") && a.endsWith(">")) {
            a = a.substring(1, a.length() - 1);
        }
        return a;
    }

    /** An address a filter gave; null for {@code <>}, or when it does not parse (then logged and ignored). */
    private static MailAddress address(MilterSession.Filter f, String text) {
        String a = bare(text);
        if (a.isEmpty()) {
            return null;
        }
        try {
            return MailAddress.parse(a);
        } catch (RuntimeException e) {
            log.warn("milter {} gave an address that does not parse, ignored: {}", f.endpoint,
                    a.replaceAll("[^\\x20-\\x7e]", "?"));
            return null;
        }
    }

    private static void copy(InputStream in, HeldContent to) throws IOException {
        try (in) {
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                to.write(ByteBuffer.wrap(buf, 0, n));
            }
        }
    }

    /** The content, as changed, to the store. */
    private void handOn() {
        try (InputStream in = content.open()) {
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.accept(ByteBuffer.wrap(buf, 0, n));
            }
        } catch (IOException e) {
            throw storage(e);
        } finally {
            close();
        }
    }

    private MilterSession.Step step(String name, byte command, byte[] data, int noStep, int noReply, int macroStage) {
        return new MilterSession.Step(name, command, data, noStep, noReply, macroStage, session.settings().contentTimeout(),
                true);
    }

    private static MailException storage(IOException e) {
        log.warn("cannot read a message held for the mail filters: {}", e.getMessage());
        return new MailException(451, "4.3.0", "Local error in processing", MilterSession.COMPONENT, e);
    }

    private static void closeQuietly(InputStream in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // reading is over
            }
        }
    }

    void close() {
        if (content != null) {
            content.close();
        }
    }

    @Override
    public boolean discarded() {
        return session.discardMessage;
    }

    @Override
    public ReceptionVerdict reception() {
        return quarantined ? new ReceptionVerdict(null, true) : ReceptionVerdict.NONE;
    }

    @Override
    public Envelope envelope(Envelope given) {
        if (newSender == null && added.isEmpty() && deleted.isEmpty()) {
            return given;
        }
        List<Recipient> recipients = new ArrayList<>();
        for (Recipient r : given.recipients()) {
            if (!deleted.contains(r.address().toString().toLowerCase(Locale.ROOT))) {
                recipients.add(r);
            }
        }
        for (MailAddress a : added) {
            if (recipients.stream().noneMatch(r -> r.address().toString().equalsIgnoreCase(a.toString()))) {
                recipients.add(Recipient.of(a));
            }
        }
        MailAddress sender = newSender == null ? given.sender() : newSender.orElse(null);
        return new Envelope(sender, recipients, given.bodyType(), given.smtpUtf8(), given.ret(), given.envId(),
                given.client(), given.receivedAt(), given.verdict(), given.requireTls());
    }
}
