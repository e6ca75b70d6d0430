package dev.tern.net;

import dev.tern.config.ListenAddress;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.SslHandler;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One named listener of a command-and-reply protocol (SMTP, POP3, IMAP) on the shared
 * {@link ServerTransport}: binds its addresses once, builds each connection's pipeline (the
 * connection limiter first, then TLS on an implicit-TLS listener, then the protocol's
 * {@link ProtocolConnection}), and when closed stops accepting and ends the open sessions the
 * protocol's way.
 *
 * <pre>
 * ProtocolListener pop3 = new ProtocolListener("pop3", transport, limiter, null,
 *         id -> new Pop3SessionHandler(context, id));
 * pop3.start(addresses);
 * …
 * pop3.close();
 * </pre>
 */
public final class ProtocolListener implements AutoCloseable {

    private final String name;
    private final ServerTransport transport;
    private final ConnectionLimiter limiter;
    private final Function<ByteBufAllocator, SslHandler> implicitTls;
    private final Function<String, ProtocolConnection> connections;
    private final OpenSessions sessions;
    private final Consumer<Channel> channelSettings;
    private volatile BoundListener bound;

    /**
     * @param name        the listener's name (smtp, pop3s…): in logs, errors and session names
     * @param limiter     the connection limits, possibly shared with the protocol's other listener
     * @param implicitTls a TLS handler for each connection on a listener that speaks TLS from the
     *                    first byte, or null
     * @param connections the protocol's handler for a connection, given the connection's name
     */
    public ProtocolListener(String name, ServerTransport transport, ConnectionLimiter limiter,
                            Function<ByteBufAllocator, SslHandler> implicitTls,
                            Function<String, ProtocolConnection> connections) {
        this(name, transport, limiter, implicitTls, connections, ch -> { });
    }

    /** @param channelSettings applied to each accepted connection before its handlers are added (write buffer marks…) */
    public ProtocolListener(String name, ServerTransport transport, ConnectionLimiter limiter,
                            Function<ByteBufAllocator, SslHandler> implicitTls,
                            Function<String, ProtocolConnection> connections, Consumer<Channel> channelSettings) {
        this.name = name;
        this.transport = transport;
        this.limiter = limiter;
        this.implicitTls = implicitTls;
        this.connections = connections;
        this.channelSettings = channelSettings;
        this.sessions = new OpenSessions(name);
    }

    /**
     * Starts listening on every address.
     *
     * @throws ListenException       when an address cannot be bound (one line naming the listener
     *                               and the address)
     * @throws IllegalStateException when the listener is already started
     */
    public synchronized BoundListener start(List<ListenAddress> addresses) {
        if (bound != null) {
            throw new IllegalStateException("listener " + name + " already started");
        }
        bound = transport.bind(name, addresses, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                String id = sessions.add(ch);
                channelSettings.accept(ch);
                ch.pipeline().addLast("limits", limiter);
                if (implicitTls != null) {
                    ch.pipeline().addLast("tls", implicitTls.apply(ch.alloc()));
                }
                ch.pipeline().addLast(name, connections.apply(id));
            }
        });
        return bound;
    }

    /** The addresses actually bound (a configured port 0 shows as the port chosen). */
    public List<InetSocketAddress> boundAddresses() {
        BoundListener b = bound;
        return b == null ? List.of() : b.tcpAddresses();
    }

    /** The port of the first bound address. */
    public int port() {
        return boundAddresses().get(0).getPort();
    }

    /**
     * Stops accepting, then ends every open session through its {@link ProtocolConnection#shutdown},
     * waiting a few seconds at most. The transport stays open for other listeners.
     */
    @Override
    public synchronized void close() {
        if (bound != null) {
            bound.close();
        }
        sessions.shutdown();
    }
}
