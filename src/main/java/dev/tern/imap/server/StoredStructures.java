package dev.tern.imap.server;

import dev.tern.imap.protocol.BodyPart;
import dev.tern.imap.protocol.MessageStructure;
import dev.tern.mailbox.MessageEntry;
import dev.tern.mailbox.MessageService;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The MIME structure of a stored message, computed once per content and kept by the mailbox
 * layer, so FETCH never parses a message twice. The kept structure counts offsets in the shared
 * content; a message is its header prefix (Return-Path, Delivered-To) followed by that content,
 * so the offsets are shifted by the prefix's length here and the prefix joins the top header.
 */
final class StoredStructures {

    /**
     * Decoded structures of recently used contents, by blob id. A content never changes, so an
     * entry is never stale; the bound keeps memory small (a structure is about a kilobyte) while a
     * FETCH over a whole mailbox of this size costs no store read and no decoding the second time.
     */
    private static final int CACHED = 20_000;
    private static final Map<String, MessageStructure> cache = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, MessageStructure> eldest) {
            return size() > CACHED;
        }
    };

    private StoredStructures() {
    }

    /** Blocks on the store; a kept structure of an unknown format is computed again. */
    static MessageStructure of(MessageService messages, MessageEntry m) throws IOException {
        MessageStructure content;
        synchronized (cache) {
            content = cache.get(m.blobId());
        }
        if (content == null) {
            content = load(messages, m);
            synchronized (cache) {
                cache.put(m.blobId(), content);
            }
        }
        int prefix = m.prefixLength();
        return prefix == 0 ? content : new MessageStructure(shift(content.root(), prefix, true), content.size() + prefix);
    }

    private static MessageStructure load(MessageService messages, MessageEntry m) throws IOException {
        MessageStructure content = null;
        Optional<String> kept = messages.structure(m.blobId());
        if (kept.isPresent()) {
            try {
                content = MessageStructure.fromCompactString(kept.get());
            } catch (IllegalArgumentException e) {
                content = null;
            }
        }
        if (content == null) {
            try (InputStream in = messages.openContent(m)) {
                content = MessageStructure.parse(in);
            }
            messages.saveStructure(m.blobId(), content.toCompactString());
        }
        return content;
    }

    private static BodyPart shift(BodyPart p, long by, boolean top) {
        List<BodyPart> children = new ArrayList<>(p.parts().size());
        for (BodyPart child : p.parts()) {
            children.add(shift(child, by, false));
        }
        return new BodyPart(p.type(), p.subtype(), p.parameters(), p.id(), p.description(), p.encoding(), p.md5(),
                p.disposition(), p.dispositionParameters(), p.language(), p.location(),
                top ? p.headerStart() : p.headerStart() + by, p.bodyStart() + by, p.bodyEnd() + by, p.lines(),
                p.envelope(), children);
    }
}
