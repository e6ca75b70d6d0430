package dev.tern.server;

import dev.tern.store.BlobStore;
import dev.tern.store.MetadataStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Set;

/**
 * Removes message contents that no metadata refers to: written by a session whose transaction
 * never committed (the server was killed between the fsync of the content and the commit of the
 * envelope, or the commit failed). Only contents older than the server's start are considered, so
 * that messages being received right now are never touched.
 */
final class OrphanSweep {

    private static final Logger log = LoggerFactory.getLogger(OrphanSweep.class);

    private OrphanSweep() {
    }

    static int run(MetadataStore metadata, BlobStore blobs, long startedAtMillis) {
        Set<String> candidates;
        try {
            candidates = blobs.listOlderThan(startedAtMillis);
        } catch (IOException e) {
            log.warn("orphan sweep skipped: {}", e.getMessage());
            return 0;
        }
        int removed = 0;
        for (String id : candidates) {
            boolean referenced = metadata.read(tx -> tx.blobs().exists(id));
            if (!referenced) {
                try {
                    blobs.delete(id);
                    removed++;
                } catch (IOException e) {
                    log.warn("could not remove orphaned content {}: {}", id, e.getMessage());
                }
            }
        }
        if (removed > 0) {
            log.info("removed {} message content(s) left by an interrupted transaction", removed);
        }
        return removed;
    }
}
