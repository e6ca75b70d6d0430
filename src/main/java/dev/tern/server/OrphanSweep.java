package dev.tern.server;

import dev.tern.store.BlobStore;
import dev.tern.store.MetadataStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Removes message contents that no metadata refers to: written by a session whose transaction
 * never committed (the server was killed between the storing of the content and the commit of the
 * envelope, or the commit failed), or left when a delete failed. It runs at start and then every
 * {@link #INTERVAL}.
 *
 * <p>A content is stored before the row that refers to it commits, so a content without a row may
 * be one whose row is about to commit. On a store only this node writes to, contents older than
 * this server's start are past that moment, and so are those older than {@link #GRACE}. When other
 * nodes share the store (either store says so), no start tells anything about theirs: a content
 * is removed only when it is older than {@link #GRACE} and was already found without a row by the
 * previous run, which also covers clocks that disagree and uploads whose S3 time is that of their
 * start.
 */
final class OrphanSweep {

    static final Duration INTERVAL = Duration.ofHours(1);
    static final Duration GRACE = Duration.ofHours(1);
    /** Ids looked up in one read transaction. */
    private static final int BATCH = 500;

    private static final Logger log = LoggerFactory.getLogger(OrphanSweep.class);

    private final MetadataStore metadata;
    private final BlobStore blobs;
    private final long startedAtMillis;
    /** Contents found without a row by the previous run of a shared store. */
    private Set<String> suspects = Set.of();

    OrphanSweep(MetadataStore metadata, BlobStore blobs, long startedAtMillis) {
        this.metadata = metadata;
        this.blobs = blobs;
        this.startedAtMillis = startedAtMillis;
    }

    /** One run; returns how many contents it removed. */
    synchronized int run(long nowMillis) {
        boolean shared = metadata.shared() || blobs.shared();
        long graceEnd = nowMillis - GRACE.toMillis();
        Set<String> unreferenced;
        try {
            unreferenced = unreferenced(blobs.listOlderThan(shared ? graceEnd : Math.max(startedAtMillis, graceEnd)));
        } catch (IOException | RuntimeException e) {
            log.warn("orphan sweep skipped: {}", e.getMessage());
            return 0;
        }
        Set<String> doomed = unreferenced;
        if (shared) {
            doomed = new HashSet<>(unreferenced);
            doomed.retainAll(suspects);
            unreferenced.removeAll(doomed);
            suspects = unreferenced;
        }
        int removed = 0;
        for (String id : doomed) {
            try {
                blobs.delete(id);
                removed++;
            } catch (IOException | RuntimeException e) {
                log.warn("could not remove orphaned content {}: {}", id, e.getMessage());
            }
        }
        if (removed > 0) {
            log.info("removed {} message content(s) that no message refers to", removed);
        }
        return removed;
    }

    private Set<String> unreferenced(Set<String> candidates) {
        Set<String> found = new HashSet<>();
        List<String> all = new ArrayList<>(candidates);
        for (int from = 0; from < all.size(); from += BATCH) {
            List<String> batch = all.subList(from, Math.min(all.size(), from + BATCH));
            metadata.read(tx -> {
                for (String id : batch) {
                    if (!tx.blobs().exists(id)) {
                        found.add(id);
                    }
                }
                return null;
            });
        }
        return found;
    }
}
