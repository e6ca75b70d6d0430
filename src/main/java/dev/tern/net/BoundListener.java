package dev.tern.net;

import dev.tern.config.ListenAddress;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.unix.DomainSocketAddress;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The server sockets of one named listener (smtp, imap…), as bound by {@link ServerTransport}.
 * Reports the addresses actually bound, so that port 0 in tests turns into a usable port.
 */
public final class BoundListener implements AutoCloseable {

    private final String name;
    private final List<Channel> channels;
    /** The files of its Unix sockets, removed when it closes. */
    private final List<Path> sockets;

    BoundListener(String name, List<Channel> channels, List<Path> sockets) {
        this.name = name;
        this.channels = List.copyOf(channels);
        this.sockets = List.copyOf(sockets);
    }

    public String name() {
        return name;
    }

    /**
     * The local addresses the listener accepts connections on, in the order they were configured:
     * {@link InetSocketAddress}es, and a Unix socket's address (Netty's or the JDK's).
     */
    public List<SocketAddress> addresses() {
        List<SocketAddress> out = new ArrayList<>();
        for (Channel c : channels) {
            out.add(c.localAddress());
        }
        return out;
    }

    /** The TCP addresses among {@link #addresses()}. */
    public List<InetSocketAddress> tcpAddresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (SocketAddress a : addresses()) {
            if (a instanceof InetSocketAddress inet) {
                out.add(inet);
            }
        }
        return out;
    }

    /** The port of the first TCP address: convenient when a listener binds one address. */
    public int port() {
        return tcpAddresses().get(0).getPort();
    }

    /** The addresses as the configuration writes them: {@code 127.0.0.1:24}, {@code unix:/run/tern/lmtp}. */
    public List<String> describedAddresses() {
        return addresses().stream().map(BoundListener::describe).toList();
    }

    static String describe(SocketAddress a) {
        if (a instanceof DomainSocketAddress unix) {
            return ListenAddress.UNIX_PREFIX + unix.path();
        }
        if (a instanceof UnixDomainSocketAddress unix) {
            return ListenAddress.UNIX_PREFIX + unix.getPath();
        }
        if (a instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return new ListenAddress(inet.getAddress().getHostAddress().replaceFirst("%.*$", ""), inet.getPort()).toString();
        }
        return String.valueOf(a);
    }

    /** True while every address accepts connections (none has been closed). */
    public boolean isUp() {
        return channels.stream().allMatch(Channel::isActive);
    }

    /** Stops accepting connections; connections already accepted stay open. */
    @Override
    public void close() {
        List<ChannelFuture> closing = new ArrayList<>();
        for (Channel c : channels) {
            closing.add(c.close());
        }
        for (ChannelFuture f : closing) {
            f.awaitUninterruptibly();
        }
        sockets.forEach(UnixSocketFiles::remove);
    }
}
