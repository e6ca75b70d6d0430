package dev.tern.imap.server;

import dev.tern.imap.protocol.HeaderFieldValues;
import dev.tern.imap.protocol.MessageStructure;
import dev.tern.imap.protocol.MessageView;
import dev.tern.imap.protocol.SearchText;
import dev.tern.mailbox.Flags;
import dev.tern.mailbox.MessageEntry;
import dev.tern.mailbox.MessageSummary;
import dev.tern.mailbox.MessageService;
import dev.tern.mailbox.SystemFlag;

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
import java.util.Set;

/**
 * One stored message as a SEARCH program sees it: the index answers flags, dates, size, MODSEQ
 * and header fields ({@link SearchHeaders}); the content is read only when a text key asks, once
 * per message.
 */
final class StoredMessageView implements MessageView {

    /** The index entries of the searched messages, read at the first key that needs one. */
    interface Entries {
        /** The entry of {@code uid}; throws {@link Gone} when the message no longer exists. */
        MessageEntry get(long uid);

        /** Its flags, size, dates and MODSEQ alone; throws {@link Gone} when the message no longer exists. */
        MessageSummary summary(long uid);
    }

    /** The message was expunged since the session took its view: it matches nothing. */
    static final class Gone extends RuntimeException {
        Gone() {
            super(null, null, false, false);
        }
    }

    private final MessageService messages;
    private final SearchHeaders headers;
    private final SearchFieldCache.Lookup fields;
    private final Entries entries;
    private final long uid;
    private MessageEntry entry;
    private MessageSummary summary;
    private final long sequence;
    private byte[] content;
    private byte[] prefix;
    /** The content's own header section, without the prefix. */
    private byte[] header;
    private MessageStructure structure;
    /** Asked only when a key needs it: most searches never do, and the test is a search of its own. */
    private final java.util.function.LongPredicate recent;

    StoredMessageView(MessageService messages, SearchHeaders headers, SearchFieldCache.Lookup fields, Entries entries,
                      long uid, long sequence, java.util.function.LongPredicate recent) {
        this.recent = recent;
        this.messages = messages;
        this.headers = headers;
        this.fields = fields;
        this.entries = entries;
        this.uid = uid;
        this.sequence = sequence;
    }

    private MessageEntry entry() {
        if (entry == null) {
            entry = entries.get(uid);
        }
        return entry;
    }

    private MessageSummary summary() {
        if (summary == null) {
            summary = entries.summary(uid);
        }
        return summary;
    }

    @Override
    public long sequenceNumber() {
        return sequence;
    }

    @Override
    public long uid() {
        return uid;
    }

    @Override
    public Set<String> flags() {
        return new LinkedHashSet<>(SelectedMailbox.withRecent(summary().flags(), recent()));
    }

    @Override
    public boolean recent() {
        return recent.test(uid);
    }

    /**
     * Without building the set of names: a search on flags asks this of every message. A stored
     * system flag spelled as this server spells it is found by the first, exact comparison.
     */
    @Override
    public boolean hasFlag(String flag) {
        Flags flags = summary().flags();
        java.util.Optional<SystemFlag> system = SystemFlag.named(flag);
        if (system.isPresent()) {
            return flags.has(system.get());
        }
        return flag.equalsIgnoreCase("\\Recent") ? recent() : flags.hasKeyword(flag);
    }

    @Override
    public Instant internalDate() {
        return summary().internalDate();
    }

    @Override
    public LocalDate internalDateLocal() {
        return summary().internalDate().atZone(ZoneId.systemDefault()).toLocalDate();
    }

    @Override
    public LocalDate savedDateLocal() {
        Instant saved = summary().savedAt();
        return saved == null ? internalDateLocal() : saved.atZone(ZoneId.systemDefault()).toLocalDate();
    }

    @Override
    public long size() {
        return summary().size();
    }

    @Override
    public long modSeq() {
        return summary().modSeq();
    }

    @Override
    public String emailId() {
        return ObjectIds.emailId(entry().blobId());
    }

    @Override
    public List<String> headerValues(String field) {
        List<String> values = new ArrayList<>();
        if (prefix == null) {
            prefix = entry().headerPrefix().getBytes(StandardCharsets.UTF_8);
        }
        // The prefix (Return-Path, Delivered-To) comes first in the message, then the content's own fields.
        HeaderFieldValues.collect(prefix, field, values);
        if (header == null) {
            header = headers.of(entry());
        }
        HeaderFieldValues.collect(header, field, values);
        return values;
    }

    @Override
    public List<String> searchableHeaderValues(String field) {
        return fields.values(field, uid, () -> MessageView.super.searchableHeaderValues(field));
    }

    @Override
    public List<String> derived(String name, java.util.function.Supplier<List<String>> compute) {
        return fields.values(name, uid, compute);
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

    private void load() {
        if (content != null) {
            return;
        }
        try (InputStream in = messages.open(entry())) {
            content = in.readAllBytes();
            structure = StoredStructures.of(messages, entry());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
