package dev.tern.store.postgres;

import dev.tern.store.MetadataStore;
import dev.tern.store.MetadataStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The metadata store contract on PostgreSQL: a database for the class, emptied before each test. */
class PostgresMetadataStoreTest extends MetadataStoreContract {

    private static PostgresTestDatabase database;

    @BeforeAll
    static void createDatabase() {
        database = PostgresTestDatabase.create(PostgresMetadataStoreTest.class);
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        if (database != null) {
            database.close();
        }
    }

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
