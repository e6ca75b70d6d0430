package dev.tern.imap.server;

import dev.tern.imap.protocol.MessageStructure;
import dev.tern.imap.protocol.MessageView;
import dev.tern.imap.protocol.SearchText;
import dev.tern.mailbox.MessageEntry;
import dev.tern.mailbox.MessageService;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One stored message as a SEARCH program sees it: the index answers flags, dates, size and
 * MODSEQ; the content is read only when a header or text key asks, once per message.
 */
final class StoredMessageView implements MessageView {

    private final MessageService messages;
    private final MessageEntry entry;
    private final long sequence;
    private byte[] content;
    private byte[] header;
    private MessageStructure structure;

    StoredMessageView(MessageService messages, MessageEntry entry, long sequence) {
        this.messages = messages;
        this.entry = entry;
        this.sequence = sequence;
    }

    @Override
    public long sequenceNumber() {
        return sequence;
    }

    @Override
    public long uid() {
        return entry.uid();
    }

    @Override
    public Set<String> flags() {
        return new LinkedHashSet<>(entry.flags().names());
    }

    @Override
    public Instant internalDate() {
        return entry.internalDate();
    }

    @Override
    public LocalDate internalDateLocal() {
        return entry.internalDate().atZone(ZoneId.systemDefault()).toLocalDate();
    }

    @Override
    public long size() {
        return entry.size();
    }

    @Override
    public long modSeq() {
        return entry.modSeq();
    }

    @Override
    public List<String> headerValues(String field) {
        String unfolded = new String(header(), StandardCharsets.UTF_8).replaceAll("\r?\n[ \t]", " ");
        List<String> values = new ArrayList<>();
        String wanted = field.toLowerCase(Locale.ROOT) + ":";
        for (String line : unfolded.split("\r?\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith(wanted)) {
                values.add(line.substring(wanted.length()).trim());
            }
        }
        return values;
    }

    @Override
    public String headerText() {
        load();
        return SearchText.header(content, structure);
    }

    @Override
    public String bodyText() {
        load();
        return SearchText.body(content, structure);
    }

    /**
     * The header section only: a search on header fields reads no body, so it costs a few
     * kilobytes per message rather than the whole message.
     */
    private byte[] header() {
        if (header != null) {
            return header;
        }
        try {
            if (structure == null) {
                structure = StoredStructures.of(messages, entry);
            }
            int length = (int) Math.min(structure.root().bodyStart(), Integer.MAX_VALUE - 8);
            if (content != null) {
                header = java.util.Arrays.copyOf(content, Math.min(content.length, length));
                return header;
            }
            byte[] prefix = entry.headerPrefix().getBytes(StandardCharsets.UTF_8);
            byte[] own = HeaderSections.get(entry.blobId());
            if (own == null) {
                try (InputStream in = messages.openContent(entry)) {
                    own = in.readNBytes(Math.max(0, length - prefix.length));
                }
                HeaderSections.put(entry.blobId(), own);
            }
            header = new byte[prefix.length + own.length];
            System.arraycopy(prefix, 0, header, 0, prefix.length);
            System.arraycopy(own, 0, header, prefix.length, own.length);
            return header;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void load() {
        if (content != null) {
            return;
        }
        try (InputStream in = messages.open(entry)) {
            content = in.readAllBytes();
            structure = StoredStructures.of(messages, entry);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
