package dev.tern.store;

import dev.tern.store.embedded.EmbeddedStore;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

class SqliteMetadataStoreTest extends MetadataStoreContract {

    @TempDir
    Path dir;

    @Override
    protected MetadataStore open() {
        return EmbeddedStore.openMetadata(dir, 4);
    }

    @Override
    protected MetadataStore reopen() {
        return open();
    }
}
