package dev.tern.store;

import dev.tern.store.embedded.EmbeddedStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileBlobStoreTest {

    @TempDir
    Path dir;

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private static byte[] roundTrip(BlobStore store, String id, byte[] content, int chunk) throws Exception {
        BlobSink sink = store.create(id);
        for (int off = 0; off < content.length; off += chunk) {
            sink.write(ByteBuffer.wrap(content, off, Math.min(chunk, content.length - off)));
        }
        assertThat(sink.size()).isEqualTo(content.length);
        sink.commit();
        try (InputStream in = store.open(id)) {
            return in.readAllBytes();
        }
    }

    @Test
    void smallAndLargeContentsRoundTrip() throws Exception {
        try (BlobStore store = EmbeddedStore.openBlobs(dir)) {
            byte[] small = bytes(1000);
            byte[] large = bytes(3 * 1024 * 1024 + 17);
            assertThat(roundTrip(store, "SMALL", small, 100)).isEqualTo(small);
            assertThat(roundTrip(store, "LARGE", large, 65536)).isEqualTo(large);
        }
    }

    @Test
    void abortedContentsLeaveNothing() throws Exception {
        try (BlobStore store = EmbeddedStore.openBlobs(dir)) {
            BlobSink big = store.create("BIG");
            big.write(ByteBuffer.wrap(bytes(1024 * 1024)));   // spilled to its file
            big.abort();
            BlobSink small = store.create("TINY");
            small.write(ByteBuffer.wrap(bytes(10)));
            small.abort();
            assertThat(store.listOlderThan(Long.MAX_VALUE)).isEmpty();
            assertThatThrownBy(() -> store.open("BIG")).isInstanceOf(java.io.IOException.class);
        }
    }

    @Test
    void abortingAContentKeptInMemoryLeavesAnotherFileOfThatNameAlone() throws Exception {
        try (BlobStore store = EmbeddedStore.openBlobs(dir)) {
            BlobSink first = store.create("SAME");
            first.write(ByteBuffer.wrap(bytes(10)));
            first.commit();
            BlobSink second = store.create("SAME");   // never written to disk: nothing of its own to remove
            second.write(ByteBuffer.wrap(bytes(10)));
            second.abort();
            try (InputStream in = store.open("SAME")) {
                assertThat(in.readAllBytes()).hasSize(10);
            }
        }
    }

    @Test
    void committedContentIsListedAndDeletable() throws Exception {
        try (BlobStore store = EmbeddedStore.openBlobs(dir)) {
            roundTrip(store, "KEEP", bytes(10), 10);
            assertThat(store.listOlderThan(Long.MAX_VALUE)).containsExactly("KEEP");
            assertThat(store.listOlderThan(0)).isEmpty();
            store.delete("KEEP");
            assertThat(store.listOlderThan(Long.MAX_VALUE)).isEmpty();
        }
    }

    @Test
    void idsCannotEscapeTheDirectory() {
        try (BlobStore store = EmbeddedStore.openBlobs(dir)) {
            assertThatThrownBy(() -> store.create("../x")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.open("a/b")).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
