package dev.tern.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tern.store.MetadataStore;
import dev.tern.store.StoreException;
import dev.tern.store.StoreWork;
import dev.tern.store.sql.Signals;
import dev.tern.store.sql.SqlDialect;
import dev.tern.store.sql.SqlStoreTx;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The metadata store on PostgreSQL, which several nodes may share.
 *
 * <p>Writes run on a bounded set of writer threads, one pooled connection each. A writer takes
 * every write waiting at that moment (up to {@link #MAX_BATCH}) and runs them in one transaction,
 * each in a savepoint of its own, like the embedded store's group commit; each future completes
 * after COMMIT returns: with {@code synchronous_commit} on, the commit is then in the server's
 * write-ahead log on disk. Batching matters less for the flushes (concurrent commits share them)
 * than for hot rows: every delivery to one mailbox updates its UID counter, whose row lock is
 * held until commit, so one write per transaction would serialize them at one WAL flush each.
 * Writes run in READ COMMITTED: the DAOs take counters and leases with UPDATE ... RETURNING,
 * whose row locks order concurrent writers.
 *
 * <p>Reads run on the caller's thread in a read-only REPEATABLE READ transaction on a second pool,
 * so that the queries of one read see one snapshot and a write that reads cannot starve for a
 * connection. Half of {@code poolSize} serves reads, the rest writes (at least one each).
 *
 * <p>A write or read interrupted by a transient failure (a lost connection, the server shutting
 * down, a deadlock) is run again from the start, a few times with a growing pause; a write that
 * failed on a unique key is run once more, since it may have raced another's insert of the same
 * row. The work must therefore act only through its transaction and
 * {@link dev.tern.store.StoreTx#afterCommit}. A
 * commit whose connection broke is not run again, since it may have been applied: its future
 * fails. While the database is unreachable, reads throw and writes fail with
 * {@link StoreException}; the pool replaces its connections once the database is back.
 */
public final class PostgresMetadataStore implements MetadataStore {

    private static final Logger log = LoggerFactory.getLogger(PostgresMetadataStore.class);
    private static final int MAX_ATTEMPTS = 4;
    private static final long FIRST_BACKOFF_MILLIS = 25;
    private static final int MAX_QUEUED_WRITES = 10_000;
    /** Writes run in one transaction at most. */
    private static final int MAX_BATCH = 64;
    private static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(5);

    private final String url;
    private final Properties driverProperties;
    private final String nodeId = NotifySignals.newNodeId();
    private final NotifySignals signals = new NotifySignals(nodeId);
    private final HikariDataSource writePool;
    private final HikariDataSource readPool;
    private final ThreadPoolExecutor writers;
    private final java.util.concurrent.ConcurrentLinkedQueue<Pending<?>> pending = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private SignalListener listener;
    private volatile boolean closed;

    /**
     * Migrates the schema ({@code db/postgres}) and opens the pools.
     *
     * @param url      JDBC URL, {@code jdbc:postgresql://host:port/database}
     * @param user     the role, or null for the driver's default
     * @param password its password, or null
     * @param poolSize connections this store keeps at most (plus one for signals once subscribed)
     */
    public PostgresMetadataStore(String url, String user, String password, int poolSize) {
        this(url, user, password, poolSize, DEFAULT_CONNECTION_TIMEOUT);
    }

    /** @param connectionTimeout how long a read or write waits for a connection before it fails */
    public PostgresMetadataStore(String url, String user, String password, int poolSize, Duration connectionTimeout) {
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + shown(url));
        }
        this.url = url;
        this.driverProperties = driverProperties(user, password, connectionTimeout);
        migrate(url, user, password);
        int reads = Math.max(1, poolSize / 2);
        int writes = Math.max(1, poolSize - reads);
        HikariDataSource w = null;
        try {
            w = pool("tern-pg-write", writes, false, connectionTimeout);
            this.readPool = pool("tern-pg-read", reads, true, connectionTimeout);
        } catch (RuntimeException e) {
            if (w != null) {
                w.close();
            }
            throw new StoreException("cannot connect to PostgreSQL at " + shown(url) + ": " + reason(e), e);
        }
        this.writePool = w;
        AtomicInteger n = new AtomicInteger();
        this.writers = new ThreadPoolExecutor(writes, writes, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(MAX_QUEUED_WRITES), r -> {
                    Thread t = new Thread(r, "tern-pg-writer-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /**
     * What every connection to PostgreSQL is opened with (the store's, and a one-off such as
     * {@code tern store migrate}'s): the credentials, and defaults the URL may override.
     */
    public static Properties driverProperties(String user, String password, Duration connectionTimeout) {
        Properties p = new Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        // Defaults that the URL may override: a name in pg_stat_activity; TCP keep-alives and a
        // socket timeout, so that a vanished server fails statements instead of hanging them.
        p.setProperty("ApplicationName", "tern");
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("connectTimeout", Long.toString(Math.max(1, connectionTimeout.toSeconds())));
        p.setProperty("socketTimeout", "120");
        return p;
    }

    private static void migrate(String url, String user, String password) {
        try {
            Flyway.configure().dataSource(url, user, password).locations("classpath:db/postgres")
                    .loggers("slf4j").load().migrate();
        } catch (FlywayException e) {
            throw new StoreException("cannot open the PostgreSQL database at " + shown(url)
                    + (user == null ? "" : " as " + user) + ": " + reason(e), e);
        }
    }

    /** The URL as logs and errors may show it: without a password given in its query. */
    static String shown(String url) {
        return url.replaceAll("(?i)([?&]password=)[^&]*", "$1***");
    }

    /** The database's own words for a failure, on one line: Flyway's messages span many. */
    private static String reason(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException e) {
                return e.getMessage() + (e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")");
            }
            if (t.getCause() == t) {
                break;
            }
        }
        String message = String.valueOf(failure.getMessage()).strip();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline).strip();
    }

    private HikariDataSource pool(String name, int size, boolean readOnly, Duration connectionTimeout) {
        HikariConfig c = new HikariConfig();
        c.setPoolName(name);
        c.setJdbcUrl(url);
        c.setDataSourceProperties(driverProperties);
        c.setMaximumPoolSize(size);
        c.setAutoCommit(false);
        c.setReadOnly(readOnly);
        c.setTransactionIsolation(readOnly ? "TRANSACTION_REPEATABLE_READ" : "TRANSACTION_READ_COMMITTED");
        c.setConnectionTimeout(Math.max(250, connectionTimeout.toMillis()));
        return new HikariDataSource(c);
    }

    @Override
    public <T> T read(StoreWork<T> work) {
        for (int attempt = 1; ; attempt++) {
            Connection c = connection(readPool);
            try {
                return new SqlStoreTx(c, new ArrayList<>(), Signals.NONE, SqlDialect.POSTGRESQL).run(work);
            } catch (Exception e) {
                if (attempt < MAX_ATTEMPTS && !closed && TransientFailures.isTransient(e)) {
                    log.debug("read interrupted ({}), trying again", e.toString());
                    connectionLost(e);
                    pause(attempt);
                    continue;
                }
                if (e instanceof RuntimeException re) {
                    throw re;
                }
                throw new StoreException("read failed: " + e.getMessage(), e);
            } finally {
                end(c);
            }
        }
    }

    @Override
    public <T> CompletableFuture<T> write(StoreWork<T> work) {
        CompletableFuture<T> future = new CompletableFuture<>();
        if (closed) {
            future.completeExceptionally(new StoreException("the store is closed"));
            return future;
        }
        Pending<T> p = new Pending<>(work, future);
        pending.add(p);
        try {
            writers.execute(this::runPending);
        } catch (RejectedExecutionException e) {
            if (pending.remove(p)) {
                future.completeExceptionally(new StoreException(closed ? "the store is closed"
                        : MAX_QUEUED_WRITES + " writes are already waiting for the database", e));
            }
        }
        return future;
    }

    /** A write waiting for a writer thread. */
    private record Pending<T>(StoreWork<T> work, CompletableFuture<T> future) {
        void fail(Throwable t) {
            future.completeExceptionally(t);
        }
    }

    /**
     * Takes the writes waiting now (at least one was added for each call; another thread may have
     * taken it already) and runs them as one transaction: a commit, and the WAL flush it waits for,
     * then serve them all, and a row that each of them updates (a busy mailbox's UID counter) is
     * locked once per batch instead of once per write.
     */
    private void runPending() {
        List<Pending<?>> batch = new ArrayList<>();
        Pending<?> p;
        while (batch.size() < MAX_BATCH && (p = pending.poll()) != null) {
            batch.add(p);
        }
        try {
            if (batch.size() == 1) {
                runOne(batch.get(0));
            } else if (!batch.isEmpty()) {
                runBatch(batch);
            }
        } catch (Throwable t) {
            batch.forEach(w -> w.fail(t));
            throw t;
        }
    }

    private <T> void runOne(Pending<T> w) {
        runWrite(w.work(), w.future());
    }

    /**
     * Runs each write of the batch in a savepoint of one transaction: a write that fails is rolled
     * back alone and fails alone. A write that met a transient failure or a concurrent insert, and
     * every write of a batch whose transaction as a whole failed, is run again on its own, with the
     * retries of {@link #runWrite}.
     */
    private void runBatch(List<Pending<?>> batch) {
        Connection c;
        try {
            c = connection(writePool);
        } catch (StoreException e) {
            batch.forEach(w -> w.fail(e));
            return;
        }
        Object[] results = new Object[batch.size()];
        List<List<Runnable>> afters = new ArrayList<>();
        List<Pending<?>> done = new ArrayList<>();
        List<Object> doneResults = new ArrayList<>();
        List<Pending<?>> again = new ArrayList<>();
        boolean committed = false;
        try (Statement s = c.createStatement()) {
            for (int i = 0; i < batch.size(); i++) {
                Pending<?> w = batch.get(i);
                List<Runnable> after = new ArrayList<>();
                s.execute("SAVEPOINT w");
                try {
                    results[i] = new SqlStoreTx(c, after, signals, SqlDialect.POSTGRESQL).run(w.work());
                    s.execute("RELEASE SAVEPOINT w");
                    done.add(w);
                    doneResults.add(results[i]);
                    afters.add(after);
                } catch (Exception | LinkageError | AssertionError t) {
                    if (TransientFailures.isConnectionLoss(t)) {
                        throw t instanceof SQLException e ? e : new SQLException("connection lost", "08006", t);
                    }
                    s.execute("ROLLBACK TO SAVEPOINT w");
                    s.execute("RELEASE SAVEPOINT w");
                    if (!closed && (TransientFailures.isTransient(t) || TransientFailures.isUniqueViolation(t))) {
                        again.add(w);
                    } else {
                        w.fail(t);
                    }
                }
            }
            try {
                c.commit();
                committed = true;
            } catch (SQLException e) {
                rollback(c);
                connectionLost(e);
                if (TransientFailures.certainlyRolledBack(e)) {
                    again.addAll(done);
                } else {
                    StoreException failure = new StoreException("commit failed: " + e.getMessage(), e);
                    done.forEach(w -> w.fail(failure));
                }
                done.clear();
            }
        } catch (SQLException | RuntimeException e) {
            // The transaction as a whole is lost (connection gone): nothing of it was kept.
            rollback(c);
            connectionLost(e);
            again.addAll(done);
            done.clear();
            for (Pending<?> w : batch) {
                if (!w.future().isDone() && !again.contains(w)) {
                    again.add(w);
                }
            }
        } finally {
            close(c);
        }
        if (committed) {
            for (int i = 0; i < done.size(); i++) {
                for (Runnable r : afters.get(i)) {
                    try {
                        r.run();
                    } catch (RuntimeException e) {
                        log.warn("after-commit action failed: {}", e.toString());
                    }
                }
                complete(done.get(i), doneResults.get(i));
            }
        }
        for (Pending<?> w : again) {
            runOne(w);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void complete(Pending<T> w, Object result) {
        w.future().complete((T) result);
    }

    private <T> void runWrite(StoreWork<T> work, CompletableFuture<T> future) {
        for (int attempt = 1; ; attempt++) {
            Connection c;
            try {
                c = connection(writePool);
            } catch (StoreException e) {
                future.completeExceptionally(e);
                return;
            }
            List<Runnable> after = new ArrayList<>();
            T result;
            try {
                try {
                    result = new SqlStoreTx(c, after, signals, SqlDialect.POSTGRESQL).run(work);
                } catch (Exception | LinkageError | AssertionError t) {
                    rollback(c);
                    if (attempt < MAX_ATTEMPTS && !closed && TransientFailures.isTransient(t)) {
                        log.debug("write interrupted ({}), trying again", t.toString());
                        connectionLost(t);
                        pause(attempt);
                        continue;
                    }
                    if (attempt == 1 && !closed && TransientFailures.isUniqueViolation(t)) {
                        log.debug("write met a concurrent insert ({}), trying once more", t.toString());
                        continue;
                    }
                    future.completeExceptionally(t);
                    return;
                }
                try {
                    c.commit();
                } catch (SQLException e) {
                    rollback(c);
                    connectionLost(e);
                    if (attempt < MAX_ATTEMPTS && !closed && TransientFailures.certainlyRolledBack(e)) {
                        log.debug("commit refused ({}), trying again", e.toString());
                        pause(attempt);
                        continue;
                    }
                    future.completeExceptionally(new StoreException("commit failed: " + e.getMessage(), e));
                    return;
                }
            } finally {
                close(c);
            }
            for (Runnable r : after) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    log.warn("after-commit action failed: {}", e.toString());
                }
            }
            future.complete(result);
            return;
        }
    }

    /**
     * After a lost connection, the pools replace all their connections, in use ones once returned:
     * a server restart or failover ended the others too, and each would otherwise cost a retry.
     */
    private void connectionLost(Throwable failure) {
        if (TransientFailures.isConnectionLoss(failure)) {
            writePool.getHikariPoolMXBean().softEvictConnections();
            readPool.getHikariPoolMXBean().softEvictConnections();
        }
    }

    private static Connection connection(HikariDataSource pool) {
        try {
            return pool.getConnection();
        } catch (SQLException e) {
            throw new dev.tern.store.StoreUnavailableException("no connection to the database: " + e.getMessage(), e);
        }
    }

    /** A growing pause with jitter, so that two transactions that deadlocked do not meet again. */
    private static void pause(int attempt) {
        long base = FIRST_BACKOFF_MILLIS << (attempt - 1);
        try {
            Thread.sleep(base + ThreadLocalRandom.current().nextLong(base));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ends a read: its snapshot is released, and the connection goes back to the pool. */
    private static void end(Connection c) {
        rollback(c);
        close(c);
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            log.debug("rollback failed: {}", e.getMessage());   // a broken connection: the pool drops it
        }
    }

    private static void close(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            log.debug("returning a connection failed: {}", e.getMessage());
        }
    }

    @Override
    public AutoCloseable subscribe(String channel, Consumer<String> listener) {
        NotifySignals.checkChannel(channel);
        SignalListener l;
        synchronized (this) {
            if (closed) {
                throw new StoreException("the store is closed");
            }
            if (this.listener == null) {
                this.listener = new SignalListener(url, driverProperties, nodeId);
            }
            l = this.listener;
        }
        return l.subscribe(channel, listener);
    }

    @Override
    public boolean shared() {
        return true;
    }

    /** This store's id in the signals it sends. */
    String nodeId() {
        return nodeId;
    }

    @Override
    public void close() {
        SignalListener l;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            l = listener;
        }
        writers.shutdown();
        try {
            if (!writers.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("writes still running at close: their transactions are rolled back");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (l != null) {
            l.close();
        }
        readPool.close();
        writePool.close();
    }
}
