package dev.tern.imap.server;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Header sections of recently searched contents, by blob id, bounded in bytes. A HEADER search
 * over a mailbox reads every message's header; kept here, the next search of the same mailbox
 * reads none from the store (Dovecot keeps searched header fields in its cache file for the same
 * reason). A content never changes, so an entry is never stale; only the content's own header is
 * kept, without the per-message prefix (Return-Path, Delivered-To).
 */
final class HeaderSections {

    private static final long MAX_BYTES = 32L * 1024 * 1024;
    /** A header larger than this is not kept: it would push out many ordinary ones. */
    private static final int MAX_ENTRY = 64 * 1024;

    private static final Map<String, byte[]> cache = new LinkedHashMap<>(1024, 0.75f, true);
    private static long bytes;

    private HeaderSections() {
    }

    /** Forgets everything (tests). */
    static synchronized void clear() {
        cache.clear();
        bytes = 0;
    }

    static synchronized byte[] get(String blobId) {
        return cache.get(blobId);
    }

    static synchronized void put(String blobId, byte[] header) {
        if (header.length > MAX_ENTRY) {
            return;
        }
        byte[] old = cache.put(blobId, header);
        bytes += header.length - (old == null ? 0 : old.length);
        var it = cache.values().iterator();
        while (bytes > MAX_BYTES && it.hasNext()) {
            bytes -= it.next().length;
            it.remove();
        }
    }
}
