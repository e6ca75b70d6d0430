package dev.tern.net;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The file of a listener's Unix socket, before binding and after closing. A socket file left by a
 * server that stopped without removing it (a crash, {@code kill -9}) would make the bind fail, so
 * it is removed first, as Dovecot and Postfix do; but only when it is a socket nobody answers on:
 * a regular file or directory at that path, or a socket another process still serves, is an error
 * for the operator, never deleted.
 */
public final class UnixSocketFiles {

    /** What is at a socket's path now. */
    public enum State {
        /** Nothing: the socket can be made. */
        FREE("free"),
        /** A socket no one serves, left by a server that stopped: removed at bind. */
        STALE("a stale socket, removed at start"),
        /** A socket a running process accepts connections on. */
        SERVED("another process listens on this socket"),
        /** A regular file, directory or link. */
        NOT_A_SOCKET("a file that is not a socket is in the way"),
        /** The directory that would hold it does not exist. */
        NO_DIRECTORY("its directory does not exist");

        private final String description;

        State(String description) {
            this.description = description;
        }

        /** A few words for the operator. */
        public String description() {
            return description;
        }
    }

    private UnixSocketFiles() {
    }

    /** Looks at the path without changing anything. */
    public static State state(Path socket) {
        Path parent = socket.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            return State.NO_DIRECTORY;
        }
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return State.FREE;
        }
        // A socket is neither a regular file, a directory nor a link: "other" to Java.
        if (!attributes.isOther()) {
            return State.NOT_A_SOCKET;
        }
        return answers(socket) ? State.SERVED : State.STALE;
    }

    /**
     * Makes the path free to bind, removing a stale socket.
     *
     * @return null when it is free, else why it cannot be used (a few words for the operator)
     */
    static String clear(Path socket) {
        State state = state(socket);
        if (state == State.FREE) {
            return null;
        }
        if (state != State.STALE) {
            return state.description();
        }
        try {
            Files.deleteIfExists(socket);
            return null;
        } catch (IOException e) {
            return "the stale socket cannot be removed (permission denied?)";
        }
    }

    /** True when a server accepts connections on the socket. */
    private static boolean answers(Path socket) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Removes the socket file of a listener that stopped; quietly, as the server is going away. */
    static void remove(Path socket) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(socket, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (attributes.isOther()) {
                Files.deleteIfExists(socket);
            }
        } catch (IOException e) {
            // Gone already, or not ours to remove: the next start clears a stale one.
        }
    }
}
