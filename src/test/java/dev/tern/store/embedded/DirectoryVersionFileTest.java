package dev.tern.store.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class DirectoryVersionFileTest {

    @TempDir
    Path dir;

    @Test
    void everyMappingOfTheFileSeesEveryBumpAndItLastsAcrossOpens() {
        Path file = dir.resolve("tern.db-directory");
        try (DirectoryVersionFile server = new DirectoryVersionFile(file);
             DirectoryVersionFile tool = new DirectoryVersionFile(file)) {
            long start = server.current();
            tool.bump();
            assertThat(server.current()).isEqualTo(start + 1);
            server.bump();
            assertThat(tool.current()).isEqualTo(start + 2);
        }
        try (DirectoryVersionFile again = new DirectoryVersionFile(file)) {
            assertThat(again.current()).isEqualTo(2);
        }
    }

    @Test
    void aDirectoryChangeMovesTheStoresVersionAfterItsCommitAndOtherWritesDoNot() {
        SqliteMetadataStore store = new SqliteMetadataStore(dir.resolve("tern.db"), 2);
        try {
            long v0 = store.directoryVersion().getAsLong();
            store.writeAndWait(tx -> tx.directory().insertDomain("example.test", java.time.Instant.now()));
            long v1 = store.directoryVersion().getAsLong();
            assertThat(v1).isGreaterThan(v0);
            store.writeAndWait(tx -> tx.greylist().toString());   // a write transaction that leaves the directory alone
            assertThat(store.directoryVersion().getAsLong()).isEqualTo(v1);
            try {
                store.writeAndWait(tx -> {
                    tx.directory().insertDomain("rolled-back.test", java.time.Instant.now());
                    throw new IllegalStateException("undone");
                });
            } catch (RuntimeException expected) {
                // the write failed, so its change never happened
            }
            assertThat(store.directoryVersion().getAsLong()).isEqualTo(v1);
        } finally {
            store.close();
        }
    }
}
