package dev.tern.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class FreeSpaceProbeTest {

    @TempDir
    Path dir;

    @Test
    void theLeastFreeSpaceIsReadAtMostOnceASecond() {
        Path a = Path.of("/a");
        Path b = Path.of("/b");
        Map<Path, Long> space = new java.util.concurrent.ConcurrentHashMap<>(Map.of(a, 5_000L, b, 3_000L));
        AtomicInteger reads = new AtomicInteger();
        AtomicLong now = new AtomicLong(42);
        FreeSpaceProbe probe = new FreeSpaceProbe(List.of(a, b), 1_000, d -> {
            reads.incrementAndGet();
            return space.get(d);
        }, now::get);

        assertThat(probe.free()).isEqualTo(3_000);
        space.put(b, 500L);
        now.addAndGet(FreeSpaceProbe.READ_EVERY_NANOS - 1);
        assertThat(probe.free()).isEqualTo(3_000);
        assertThat(reads).hasValue(2);
        now.addAndGet(1);
        assertThat(probe.free()).isEqualTo(500);
        assertThat(reads).hasValue(4);
    }

    @Test
    void aDirectoryThatCannotBeExaminedDoesNotCount() {
        Path good = Path.of("/good");
        FreeSpaceProbe probe = new FreeSpaceProbe(List.of(Path.of("/gone"), good), 1_000, d -> {
            if (d.equals(good)) {
                return 7_000;
            }
            throw new IOException("no such directory");
        }, () -> 0);
        assertThat(probe.free()).isEqualTo(7_000);
    }

    @Test
    void readsTheRealFileSystemOfTheMessageDirectories() throws Exception {
        Files.createDirectories(dir.resolve("blobs"));
        assertThat(FreeSpaceProbe.messageDirs(dir)).containsExactly(dir, dir.resolve("blobs"));
        long free = new FreeSpaceProbe(FreeSpaceProbe.messageDirs(dir), 0).free();
        assertThat(free).isPositive().isLessThan(Long.MAX_VALUE)
                .isLessThanOrEqualTo(Files.getFileStore(dir).getTotalSpace());
    }
}
