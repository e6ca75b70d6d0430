package dev.tern.config;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * One address a listener binds: {@code "address:port"} ({@code 0.0.0.0:25}, {@code [::1]:587}),
 * or, for the listeners that allow it, a Unix socket written {@code "unix:/PATH"} as Postfix
 * writes one ({@code unix:/run/tern/lmtp}).
 *
 * @param host   the IP address or host name to bind; null for a Unix socket
 * @param port   the TCP port; 0 for a Unix socket (and, in tests, for a port the system picks)
 * @param socket the Unix socket's absolute path, or null for a TCP address
 */
public record ListenAddress(String host, int port, Path socket) {

    /** The prefix of a Unix socket, as in Postfix's {@code lmtp:unix:/path} and milter addresses. */
    public static final String UNIX_PREFIX = "unix:";
    /**
     * The longest path a Unix socket may have, in octets: {@code sun_path} holds 108 on Linux,
     * with the terminating NUL.
     */
    static final int MAX_SOCKET_PATH = 107;

    /** A TCP address. */
    public ListenAddress(String host, int port) {
        this(host, port, null);
    }

    /** A Unix socket at this absolute path. */
    public static ListenAddress unix(Path socket) {
        return new ListenAddress(null, 0, socket);
    }

    /**
     * Reads one address of a listener.
     *
     * @param key        the config key, to name in errors
     * @param unixSocket whether this listener may listen on a Unix socket
     */
    static ListenAddress parse(String key, String text, boolean unixSocket) {
        String t = text.trim();
        if (t.regionMatches(true, 0, UNIX_PREFIX, 0, UNIX_PREFIX.length())) {
            if (!unixSocket) {
                throw new ConfigException(key + ": \"" + text + "\": only the lmtp listener may listen on a Unix "
                        + "socket; give \"address:port\" here");
            }
            return parseUnix(key, t.substring(UNIX_PREFIX.length()));
        }
        return parse(key, t);
    }

    static ListenAddress parse(String key, String text) {
        String t = text.trim();
        int colon = t.lastIndexOf(':');
        if (colon <= 0 || colon == t.length() - 1) {
            throw new ConfigException(key + ": \"" + text + "\" is not of the form \"address:port\" (for example \"0.0.0.0:25\" or \"[::1]:25\")");
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new ConfigException(key + ": IPv6 addresses need brackets, as in \"[::1]:25\"; got \"" + text + "\"");
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException(key + ": \"" + t.substring(colon + 1) + "\" is not a port number (0-65535)");
        }
        return new ListenAddress(host, port);
    }

    private static ListenAddress parseUnix(String key, String path) {
        if (!path.startsWith("/")) {
            throw new ConfigException(key + ": \"unix:" + path + "\": the socket's path must be absolute, as in "
                    + "\"unix:/run/tern/lmtp\"");
        }
        if (path.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new ConfigException(key + ": the socket's path holds a control character");
        }
        if (path.getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            throw new ConfigException(key + ": \"unix:" + path + "\": a Unix socket's path may have at most "
                    + MAX_SOCKET_PATH + " octets");
        }
        Path socket = Path.of(path).normalize();
        if (socket.getFileName() == null) {
            throw new ConfigException(key + ": \"unix:" + path + "\" names no file");
        }
        return unix(socket);
    }

    /** True for a Unix socket. */
    public boolean isUnix() {
        return socket != null;
    }

    /** The TCP address to bind; only for a TCP address. */
    public InetSocketAddress toSocketAddress() {
        if (socket != null) {
            throw new IllegalStateException("a Unix socket has no TCP address: " + this);
        }
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        if (socket != null) {
            return UNIX_PREFIX + socket;
        }
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
