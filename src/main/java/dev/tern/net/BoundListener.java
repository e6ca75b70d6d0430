package dev.tern.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The server sockets of one named listener (smtp, imap…), as bound by {@link ServerTransport}.
 * Reports the addresses actually bound, so that port 0 in tests turns into a usable port.
 */
public final class BoundListener implements AutoCloseable {

    private final String name;
    private final List<Channel> channels;

    BoundListener(String name, List<Channel> channels) {
        this.name = name;
        this.channels = List.copyOf(channels);
    }

    public String name() {
        return name;
    }

    /** The local addresses the listener accepts connections on, in the order they were configured. */
    public List<InetSocketAddress> addresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (Channel c : channels) {
            out.add((InetSocketAddress) c.localAddress());
        }
        return out;
    }

    /** The port of the first address: convenient when a listener binds one address. */
    public int port() {
        return addresses().get(0).getPort();
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
    }
}
