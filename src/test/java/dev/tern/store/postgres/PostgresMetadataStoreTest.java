package dev.tern.store.postgres;

import dev.tern.store.MetadataStore;
import dev.tern.store.MetadataStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The metadata store contract on PostgreSQL: a database for the class, emptied before each test. */
class PostgresMetadataStoreTest extends MetadataStoreContract {

    @RegisterExtension
    static final PostgresTestDatabase database = new PostgresTestDatabase();

    @Override
    protected MetadataStore open() throws Exception {
        MetadataStore store = database.open();
        database.truncateAll();
        return store;
    }

    @Override
    protected MetadataStore reopen() {
        return database.open();
    }
}
