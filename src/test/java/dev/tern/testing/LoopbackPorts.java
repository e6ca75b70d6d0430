package dev.tern.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Ports for tests whose servers each bind their own loopback address with the same port (so that
 * each delivers to the others on the port outbound delivery is told to use).
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

    private static boolean freeOn(String address, int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName(address))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
