package dev.tern.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Ports for tests: free on several loopback addresses at once (servers that each bind their own
 * address with the same port, so that each delivers to the others on the port outbound delivery
 * is told to use), and the retry of a service that lost its port to another process.
 */
public final class LoopbackPorts {

    private LoopbackPorts() {
    }

    /** A port free on every one of these loopback addresses (127.0.0.0/8) at the moment of asking. */
    public static int freeOnAll(String first, String... others) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int candidate;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(first))) {
                candidate = s.getLocalPort();
            }
            boolean free = true;
            for (String address : others) {
                free &= freeOn(address, candidate);
            }
            if (free) {
                return candidate;
            }
        }
        throw new IOException("no port free on " + first + " and " + String.join(", ", others));
    }

    /** Starts a service on ports picked with {@link #freeOnAll}. */
    public interface Start<T> {
        T start() throws IOException;
    }

    /** Waits until a started service answers; throws, with what it printed, when it does not. */
    public interface Ready<T> {
        void await(T service) throws IOException;
    }

    /**
     * Starts a service and waits until it is ready, up to three times while its failure says a
     * port was taken: a port free when picked may be bound by another process before the service
     * binds it. The failure's message must carry what the service printed (where "Address already
     * in use" appears). A service that does not get ready is closed.
     */
    public static <T extends AutoCloseable> T retryWhileTaken(Start<T> start, Ready<T> ready) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            T service = start.start();
            try {
                ready.await(service);
                return service;
            } catch (IOException e) {
                try {
                    service.close();
                } catch (Exception closing) {
                    e.addSuppressed(closing);
                }
                last = e;
                if (!String.valueOf(e.getMessage()).contains("Address already in use")) {
                    break;
                }
            }
        }
        throw last;
    }

    private static boolean freeOn(String address, int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName(address))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
