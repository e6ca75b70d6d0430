package dev.tern.store.embedded;

import dev.tern.store.MetadataStore;
import dev.tern.store.StoreException;
import dev.tern.store.StoreWork;
import dev.tern.store.sql.EnabledWebhooksCache;
import dev.tern.store.sql.Signals;
import dev.tern.store.sql.SqlDialect;
import dev.tern.store.sql.SqlStoreTx;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The metadata store on SQLite in WAL mode.
 *
 * <p>Writes go through one writer thread that takes the writes waiting at that moment (the older
 * half of them when many wait) and runs them in one transaction; one commit (one WAL fsync,
 * {@code synchronous=FULL}) then makes the whole batch durable. This is the group commit that lets
 * many SMTP sessions share the cost of an fsync. One failing write does not undo the others: the
 * batch then runs again with each write inside its own savepoint. Reads run on the caller's
 * thread on a small pool of read-only connections, which WAL lets run beside the writer.
 *
 * <p>Other processes (the command-line tools) open the same database; SQLite's file locks and the
 * busy timeout serialise their writes with the server's.
 */
public final class SqliteMetadataStore implements MetadataStore {

    private static final Logger log = LoggerFactory.getLogger(SqliteMetadataStore.class);
    private static final int MAX_BATCH = 512;
    /** From this many writes waiting, a batch takes half of them ({@link #batchSize}). */
    private static final int SPLIT_FROM = 6;
    private static final int BUSY_TIMEOUT_MS = 30_000;

    private final Connection writer;
    private final BlockingQueue<Connection> readers;
    private final List<Connection> allReaders = new ArrayList<>();
    private final LinkedBlockingQueue<PendingWrite<?>> writes = new LinkedBlockingQueue<>();
    private final Thread writerThread;
    /** Valid while PRAGMA data_version stays put: no other connection committed meanwhile. */
    private final EnabledWebhooksCache webhookCache = new EnabledWebhooksCache();
    /** Moved after each commit that changed the directory; shared with every process on this database. */
    private final DirectoryVersionFile directoryVersion;
    private volatile boolean closed;
    /** The writer thread's statements around a batch and each of its writes. */
    private java.sql.PreparedStatement begin;
    private java.sql.PreparedStatement commit;
    private java.sql.PreparedStatement savepoint;
    private java.sql.PreparedStatement release;
    private java.sql.PreparedStatement rollbackToSavepoint;

    private record PendingWrite<T>(StoreWork<T> work, CompletableFuture<T> future) {
    }

    public SqliteMetadataStore(Path databaseFile, int readConnections) {
        String url = "jdbc:sqlite:" + databaseFile.toAbsolutePath();
        migrate(url);
        directoryVersion = new DirectoryVersionFile(databaseFile.resolveSibling(databaseFile.getFileName() + "-directory"));
        try {
            writer = open(url, false);
            readers = new ArrayBlockingQueue<>(readConnections);
            for (int i = 0; i < readConnections; i++) {
                Connection c = open(url, true);
                allReaders.add(c);
                readers.add(c);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot open the database " + databaseFile + ": " + e.getMessage(), e);
        }
        writerThread = new Thread(this::writeLoop, "tern-store-writer");
        writerThread.setDaemon(true);
        writerThread.start();
    }

    private static void migrate(String url) {
        SQLiteDataSource ds = new SQLiteDataSource(config(false));
        ds.setUrl(url);
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").loggers("slf4j").load().migrate();
    }

    private static SQLiteConfig config(boolean readOnly) {
        SQLiteConfig c = new SQLiteConfig();
        c.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // FULL: in WAL mode this fsyncs the log at every commit, which the durability rule needs.
        c.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        c.enforceForeignKeys(true);
        c.setBusyTimeout(BUSY_TIMEOUT_MS);
        // Keys come back through RETURNING. With this on, the driver matched every statement's
        // text against a pattern and ran a "SELECT last_insert_rowid()" of its own after each INSERT.
        c.setGetGeneratedKeys(false);
        // The writer takes the write lock when its transaction begins, so that it never has to
        // upgrade (and fail with SQLITE_BUSY) halfway through; readers take none.
        c.setTransactionMode(readOnly ? SQLiteConfig.TransactionMode.DEFERRED : SQLiteConfig.TransactionMode.IMMEDIATE);
        if (!readOnly) {
            // The savepoint around each write of a batch keeps the pages that write changes in a
            // statement journal, which SQLite moves to a temporary file past 64 KiB: every message
            // crossed that, and the file cost as many system calls as the database's own log.
            // In memory it holds what one write changes (docs/adr/0023).
            c.setTempStore(SQLiteConfig.TempStore.MEMORY);
        }
        return c;
    }

    private static Connection open(String url, boolean readOnly) throws SQLException {
        SQLiteDataSource ds = new SQLiteDataSource(config(readOnly));
        ds.setUrl(url);
        Connection c = ds.getConnection();
        if (readOnly) {
            // Deferred transactions for readers: a snapshot without taking the write lock.
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA query_only = true");
            }
        }
        // Readers run in a deferred transaction that the driver reopens after each read: it takes
        // no lock until the first statement. The writer stays in autocommit mode and brackets each
        // batch with BEGIN IMMEDIATE ... COMMIT itself, so that it holds the write lock only while
        // a batch runs and other processes (the command line) can write in between.
        c.setAutoCommit(!readOnly);
        return c;
    }

    @Override
    public <T> T read(StoreWork<T> work) {
        Connection c;
        try {
            c = readers.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for a database connection", e);
        }
        try {
            return new SqlStoreTx(c, new ArrayList<>()).run(work);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new StoreException("read failed: " + e.getMessage(), e);
        } finally {
            try {
                c.rollback();
            } catch (SQLException e) {
                log.warn("could not end a read transaction: {}", e.getMessage());
            }
            readers.add(c);
        }
    }

    @Override
    public <T> CompletableFuture<T> write(StoreWork<T> work) {
        CompletableFuture<T> future = new CompletableFuture<>();
        if (closed) {
            future.completeExceptionally(new StoreException("the store is closed"));
            return future;
        }
        writes.add(new PendingWrite<>(work, future));
        return future;
    }

    /**
     * How many of the {@code waiting} writes the next batch takes: all of them when few wait, half
     * of them (the oldest) from {@link #SPLIT_FROM} on. Taking every waiting write makes the
     * sessions behind them move in step: all wait for one long batch, then all go back to their
     * clients while the writer has nothing to do. With half, the first half is back with its next
     * message while the writer commits the second: more messages per second at 10 sessions, no
     * change at 50 or 100, where the writer is busy anyway (docs/adr/0027). Below
     * {@link #SPLIT_FROM} the commit's own cost would be shared by too few writes.
     */
    static int batchSize(int waiting) {
        int size = waiting >= SPLIT_FROM ? (waiting + 1) / 2 : waiting;
        return Math.min(size, MAX_BATCH);
    }

    private void writeLoop() {
        List<PendingWrite<?>> batch = new ArrayList<>();
        while (!closed || !writes.isEmpty()) {
            try {
                PendingWrite<?> first = writes.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                writes.drainTo(batch, batchSize(writes.size() + 1) - 1);
                runBatch(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Throwable t) {
                log.error("store writer failed on a batch of {} writes", batch.size(), t);
                for (PendingWrite<?> w : batch) {
                    w.future().completeExceptionally(new StoreException("write failed", t));
                }
            } finally {
                batch.clear();
            }
        }
    }

    /**
     * Runs a batch in one transaction. First without a savepoint around each write: a savepoint
     * makes SQLite keep a journal of every page its write changes, a tenth of the writer's work
     * per message, for a failure that almost never comes (docs/adr/0023). If any write fails, the
     * transaction is rolled back as a whole and the batch runs again, each write in its savepoint,
     * so that the failing one fails alone; the others have then run twice, which
     * {@link MetadataStore#write} allows.
     */
    private void runBatch(List<PendingWrite<?>> batch) throws SQLException {
        Outcomes outcomes = new Outcomes(batch.size());
        if (!runTransaction(batch, outcomes, false)) {
            outcomes = new Outcomes(batch.size());
            runTransaction(batch, outcomes, true);
        }
        int n = batch.size();
        for (int i = 0; i < n; i++) {
            if (outcomes.failures.get(i) == null) {
                for (Runnable r : outcomes.afterCommits.get(i)) {
                    try {
                        r.run();
                    } catch (RuntimeException e) {
                        log.warn("after-commit action failed: {}", e.toString());
                    }
                }
            }
        }
        for (int i = 0; i < n; i++) {
            complete(batch.get(i), outcomes.results.get(i), outcomes.failures.get(i));
        }
    }

    /** What each write of a batch returned or threw, and what it left to do after the commit. */
    private static final class Outcomes {
        final List<Object> results;
        final List<Throwable> failures;
        final List<List<Runnable>> afterCommits;

        Outcomes(int expected) {
            results = new ArrayList<>(expected);
            failures = new ArrayList<>(expected);
            afterCommits = new ArrayList<>(expected);
        }
    }

    /**
     * Runs the writes of {@code batch} in one transaction and commits it. Without savepoints, it
     * stops at the first write that fails, rolls everything back and returns false. With
     * savepoints, a failing write is rolled back alone and its failure recorded.
     */
    private boolean runTransaction(List<PendingWrite<?>> batch, Outcomes outcomes, boolean withSavepoints)
            throws SQLException {
        if (savepoint == null) {
            // Kept: parsing these cost more than running them.
            begin = writer.prepareStatement("BEGIN IMMEDIATE");
            commit = writer.prepareStatement("COMMIT");
            savepoint = writer.prepareStatement("SAVEPOINT w");
            release = writer.prepareStatement("RELEASE w");
            rollbackToSavepoint = writer.prepareStatement("ROLLBACK TO w");
        }
        begin.execute();
        // Read once per batch, when first needed: the batch holds the write lock, so no other
        // connection can commit before it ends.
        LongSupplier otherCommits = new LongSupplier() {
            private long version = -1;

            @Override
            public long getAsLong() {
                if (version < 0) {
                    version = dataVersion(writer);
                }
                return version;
            }
        };
        try {
            for (int i = 0; i < batch.size(); i++) {
                List<Runnable> after = new ArrayList<>();
                if (withSavepoints) {
                    savepoint.execute();
                }
                Object result = null;
                Throwable failure = null;
                try {
                    result = new SqlStoreTx(writer, after, Signals.NONE, SqlDialect.SQLITE,
                            webhookCache, otherCommits, directoryVersion::bump).run(batch.get(i).work());
                    if (withSavepoints) {
                        release.execute();
                    }
                } catch (Exception | LinkageError | AssertionError t) {
                    if (!withSavepoints) {
                        rollback();
                        return false;
                    }
                    failure = t;
                    after.clear();
                    rollbackToSavepoint.execute();
                    release.execute();
                }
                outcomes.results.add(result);
                outcomes.failures.add(failure);
                outcomes.afterCommits.add(after);
            }
            commit.execute();
            return true;
        } catch (SQLException | RuntimeException e) {
            rollback();
            // A statement that failed (a COMMIT on a full disk) is left unusable by the driver
            // ("statement is not executing"): made again for the next batch.
            closeBatchStatements();
            throw e;
        }
    }

    private void closeBatchStatements() {
        for (java.sql.PreparedStatement s : new java.sql.PreparedStatement[]{begin, commit, savepoint, release,
                rollbackToSavepoint}) {
            try {
                if (s != null) {
                    s.close();
                }
            } catch (SQLException ignored) {
                // being replaced
            }
        }
        savepoint = null;
    }

    private void rollback() {
        webhookCache.invalidate();   // it may hold what the transaction changed
        try (Statement s = writer.createStatement()) {
            s.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // the first error is what matters; SQLite may have rolled back already
        }
    }

    /** SQLite's count of the commits made by other connections (processes) to the database file. */
    private static long dataVersion(Connection c) {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA data_version")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new StoreException("cannot read the database's data version", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void complete(PendingWrite<T> w, Object result, Throwable failure) {
        if (failure != null) {
            w.future().completeExceptionally(failure);
        } else {
            w.future().complete((T) result);
        }
    }

    @Override
    public java.util.function.LongSupplier directoryVersion() {
        return directoryVersion::current;
    }

    @Override
    public void close() {
        closed = true;
        try {
            writerThread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(writer);
        allReaders.forEach(SqliteMetadataStore::closeQuietly);
        directoryVersion.close();
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            log.debug("closing a connection: {}", e.getMessage());
        }
    }
}
