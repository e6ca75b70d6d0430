package dev.tern.server;

import dev.tern.config.TernConfig;
import dev.tern.delivery.LocalDeliveryAgent;
import dev.tern.delivery.QueueRunner;
import dev.tern.net.BoundListener;
import dev.tern.net.ServerTransport;
import dev.tern.queue.RetryPolicy;
import dev.tern.routing.Router;
import dev.tern.smtp.server.SmtpServer;
import dev.tern.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One running Tern: the store, the queue runner and every configured listener. Start order makes
 * the server safe to receive mail the moment a port opens: store first, then delivery, then
 * listeners. Stop order is the reverse.
 */
public final class TernServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TernServer.class);
    /** Threads for blocking storage work: they bound the fsyncs and lookups in progress at once. */
    private static final int STORAGE_THREADS = 64;

    private final TernConfig config;
    private final Duration queueScanInterval;
    private Services services;
    private QueueRunner runner;
    private ServerTransport transport;
    private FileChannel lockChannel;
    private FileLock lock;
    private final List<BoundListener> listeners = new ArrayList<>();

    public TernServer(TernConfig config) {
        this(config, Duration.ofSeconds(30));
    }

    /** @param queueScanInterval how often deferred mail is looked for (tests shorten it) */
    public TernServer(TernConfig config, Duration queueScanInterval) {
        this.config = config;
        this.queueScanInterval = queueScanInterval;
    }

    public synchronized TernServer start() {
        long startedAt = System.currentTimeMillis();
        try {
            services = new Services(config, STORAGE_THREADS);
            lockDataDir(config.dataDir());
            OrphanSweep.run(services.metadata(), services.blobs(), startedAt);

            Router router = new Router(services.directory()::isLocalDomain);
            LocalDeliveryAgent local = new LocalDeliveryAgent(services.metadata(), services.directory(),
                    services.mailboxes(), RetryPolicy.defaults(), services.storageExecutor());
            runner = new QueueRunner(services.metadata(), router, local, queueScanInterval);
            services.queue().addListener(runner);
            runner.start();

            transport = new ServerTransport();
            TernSmtpBackend backend = new TernSmtpBackend(services.directory(), services.queue(),
                    services.storageExecutor());
            if (!config.listener("smtp").isEmpty()) {
                SmtpServer smtp = new SmtpServer("smtp", config.hostname(), config.smtp(), config.protocolTrace(),
                        backend, transport);
                listeners.add(smtp.start(config.listener("smtp")));
            }
            for (BoundListener l : listeners) {
                log.info("listening for {} on {}", l.name(), l.addresses());
            }
            log.info("Tern started: hostname {}, data in {}", config.hostname(), config.dataDir());
            return this;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void lockDataDir(Path dataDir) {
        Path lockFile = dataDir.resolve("tern.lock");
        try {
            lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock = lockChannel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            lock = null;   // held by another server in this same JVM
        } catch (IOException e) {
            throw new StoreException("cannot lock " + lockFile + ": " + e.getMessage(), e);
        }
        if (lock == null) {
            throw new StoreException("another Tern server is already running on " + dataDir);
        }
    }

    /** The port a listener actually bound (its first address): useful when the config asks for port 0. */
    public int port(String listener) {
        return listeners.stream().filter(l -> l.name().equals(listener)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no listener " + listener)).port();
    }

    public Services services() {
        return services;
    }

    public QueueRunner queueRunner() {
        return runner;
    }

    @Override
    public synchronized void close() {
        for (BoundListener l : listeners) {
            l.close();
        }
        listeners.clear();
        if (transport != null) {
            transport.close();
            transport = null;
        }
        if (runner != null) {
            runner.close();
            runner = null;
        }
        if (services != null) {
            services.close();
            services = null;
        }
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            log.debug("releasing the data directory lock: {}", e.getMessage());
        }
        lock = null;
        lockChannel = null;
    }
}
