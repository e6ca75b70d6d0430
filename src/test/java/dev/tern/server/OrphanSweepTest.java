package dev.tern.server;

import dev.tern.store.BlobSink;
import dev.tern.store.BlobStore;
import dev.tern.store.MetadataStore;
import dev.tern.store.embedded.EmbeddedStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

class OrphanSweepTest {

    private static final long HOUR = 3_600_000;
    private static final long T0 = 1_000_000_000_000L;

    @TempDir
    Path dir;
    private MetadataStore metadata;

    @BeforeEach
    void open() {
        metadata = EmbeddedStore.openMetadata(dir, 2);
    }

    @AfterEach
    void close() {
        metadata.close();
    }

    /** Contents with the times they were written; shared or not. */
    private static final class Blobs implements BlobStore {
        final Map<String, Long> written = new ConcurrentHashMap<>();
        final boolean shared;

        Blobs(boolean shared) {
            this.shared = shared;
        }

        Blobs with(String id, long at) {
            written.put(id, at);
            return this;
        }

        @Override
        public BlobSink create(String id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public InputStream open(String id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void delete(String id) {
            written.remove(id);
        }

        @Override
        public Set<String> listOlderThan(long olderThanMillis) {
            Set<String> ids = new HashSet<>();
            written.forEach((id, at) -> {
                if (at < olderThanMillis) {
                    ids.add(id);
                }
            });
            return ids;
        }

        @Override
        public boolean shared() {
            return shared;
        }

        @Override
        public void close() {
        }
    }

    private void reference(String id) {
        metadata.writeAndWait(tx -> {
            tx.blobs().insert(id, 10, 1);
            return null;
        });
    }

    @Test
    void aStoreOfItsOwnLosesWhatNoRowHoldsFromBeforeTheStartAtOnce() {
        Blobs blobs = new Blobs(false).with("OLD", T0 - 10).with("KEPT", T0 - 10).with("NEW", T0 + 10);
        reference("KEPT");
        OrphanSweep sweep = new OrphanSweep(metadata, blobs, T0);

        assertThat(sweep.run(T0 + 20)).isEqualTo(1);
        assertThat(blobs.written).containsOnlyKeys("KEPT", "NEW");
        // A content of this run whose row never came goes once it is older than the grace period.
        assertThat(sweep.run(T0 + HOUR)).isZero();
        assertThat(sweep.run(T0 + HOUR + 20)).isEqualTo(1);
        assertThat(blobs.written).containsOnlyKeys("KEPT");
    }

    @Test
    void aSharedStoreLosesOnlyOldContentsFoundWithoutARowTwice() {
        Blobs blobs = new Blobs(true)
                .with("ORPHAN", T0 - 3 * HOUR)
                .with("LATE_ROW", T0 - 2 * HOUR)    // another node's content whose row commits later
                .with("RECENT", T0 - HOUR / 2)
                .with("KEPT", T0 - 3 * HOUR);
        reference("KEPT");
        OrphanSweep sweep = new OrphanSweep(metadata, blobs, T0);

        assertThat(sweep.run(T0)).isZero();   // the start of this node says nothing about the others
        reference("LATE_ROW");
        assertThat(sweep.run(T0 + HOUR)).isEqualTo(1);
        assertThat(blobs.written).containsOnlyKeys("LATE_ROW", "RECENT", "KEPT");
        assertThat(sweep.run(T0 + 2 * HOUR)).isEqualTo(1);
        assertThat(blobs.written).containsOnlyKeys("LATE_ROW", "KEPT");
    }

    @Test
    void sharedMetadataMakesTheSweepCarefulToo() {
        MetadataStore shared = new MetadataStore() {
            @Override
            public <T> T read(dev.tern.store.StoreWork<T> work) {
                return metadata.read(work);
            }

            @Override
            public <T> java.util.concurrent.CompletableFuture<T> write(dev.tern.store.StoreWork<T> work) {
                return metadata.write(work);
            }

            @Override
            public boolean shared() {
                return true;
            }

            @Override
            public void close() {
            }
        };
        Blobs blobs = new Blobs(false).with("ORPHAN", T0 - 3 * HOUR);
        OrphanSweep sweep = new OrphanSweep(shared, blobs, T0);
        assertThat(sweep.run(T0)).isZero();
        assertThat(sweep.run(T0 + HOUR)).isEqualTo(1);
    }
}
