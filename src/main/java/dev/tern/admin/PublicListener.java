package dev.tern.admin;

import dev.tern.admin.http.Access;
import dev.tern.admin.http.ApiServer;
import dev.tern.admin.http.Dispatcher;
import dev.tern.admin.http.Route;
import dev.tern.admin.http.RouteGroup;
import dev.tern.admin.http.RouteTable;
import dev.tern.config.ListenAddress;
import dev.tern.net.BoundListener;
import dev.tern.net.ServerTransport;
import dev.tern.net.tls.ServerTls;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP listener for the Internet, on the HTTP code of the admin listener but with a route
 * table of its own that holds only the routes given to it, each open to anyone: no credentials
 * are read (a session cookie or token sent here means nothing), no console files are served, and
 * any other path is 404. It serves mail client autoconfiguration on the {@code autoconfig} (HTTP)
 * and {@code autoconfigs} (HTTPS) listeners, so that the admin API never needs a public port.
 */
public final class PublicListener implements AutoCloseable {

    /** Threads answering requests: the answers are small and read the store at most once. */
    private static final int WORKERS = 2;
    private static final int WORKER_QUEUE = 256;
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** Connections at once, in all and from one client address. */
    static final int MAX_CONNECTIONS = 512;
    static final int MAX_CONNECTIONS_PER_IP = 8;

    private final String name;
    private final RouteTable table = new RouteTable();
    private final int maxBodySize;
    private ThreadPoolExecutor workers;
    private ApiServer server;

    /**
     * @param routes      what it serves; every route must be open to anyone
     * @param maxBodySize the largest request body; larger ones are refused with 413
     * @throws IllegalArgumentException when a route needs credentials
     */
    public PublicListener(String name, RouteGroup routes, int maxBodySize) {
        this.name = name;
        this.maxBodySize = maxBodySize;
        routes.register(table);
        for (Route r : table.routes()) {
            if (r.access().kind() != Access.Kind.PUBLIC) {
                throw new IllegalArgumentException(r.method() + " " + r.pattern() + " needs credentials: it has no "
                        + "place on the public " + name + " listener");
            }
        }
    }

    /** The routes, for tests. */
    public RouteTable routes() {
        return table;
    }

    /** @param tls the TLS context to serve HTTPS with, or null for plain HTTP */
    public synchronized BoundListener start(ServerTransport transport, List<ListenAddress> addresses, ServerTls tls) {
        AtomicInteger n = new AtomicInteger();
        workers = new ThreadPoolExecutor(WORKERS, WORKERS, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(WORKER_QUEUE),
                r -> {
                    Thread t = new Thread(r, "tern-" + name + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        Dispatcher dispatcher = new Dispatcher(table, request -> Optional.empty(), List.of(), null);
        server = new ApiServer(name, dispatcher, tls, maxBodySize, IDLE_TIMEOUT, MAX_CONNECTIONS,
                MAX_CONNECTIONS_PER_IP, workers);
        return server.start(transport, addresses);
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.close();
            server = null;
        }
        if (workers != null) {
            workers.shutdownNow();
            workers = null;
        }
    }
}
