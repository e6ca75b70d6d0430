package dev.tern.net;

import dev.tern.config.ListenAddress;
import dev.tern.config.ProxyProtocolSettings;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.ssl.SslHandler;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The Netty machinery every listener shares: one pool of I/O threads (native epoll on Linux, NIO
 * elsewhere), by default one per core, that both accepts connections and serves them, and the
 * binding of a named listener on its configured addresses. Protocols supply only a
 * {@link ChannelInitializer}; they never create event loops themselves.
 *
 * <p>Why one thread per core and no acceptor thread of its own (docs/adr/0025): every piece of
 * protocol work that may block runs elsewhere (store writer, storage executor), so an event loop
 * only waits in {@code epoll_wait}. More loops than cores, or a separate acceptor, only add
 * sleeps and wake-ups between threads: each new connection woke the acceptor, which woke the
 * loop it handed the connection to. On a loop that also accepts, a connection it keeps for
 * itself is registered without waking anyone.
 *
 * <p>An address may be a Unix socket ({@code unix:/PATH}, for LMTP): its file is cleared of a stale
 * socket before binding and removed when the listener closes ({@link UnixSocketFiles}).
 *
 * <p>On the listeners named in {@code [proxy_protocol]}, a connection from a trusted load balancer
 * first goes through a {@link ProxyHeaderReader}: the protocol's initializer runs only once the
 * PROXY header has given the real client ({@link ClientAddress}). Connections from anywhere else
 * reach the protocol at once, as on any other listener.
 *
 * <p>Thread safety: {@link #bind} and {@link #close} may be called from any thread but not from an
 * event loop (binding waits for the socket).
 */
public final class ServerTransport implements AutoCloseable {

    private static final int BACKLOG = 256;
    /** How long a trusted load balancer may take to send the PROXY header (it sends it at once). */
    public static final Duration PROXY_HEADER_TIMEOUT = Duration.ofSeconds(5);

    private final boolean epoll;
    private final MultiThreadIoEventLoopGroup loops;
    private final List<BoundListener> listeners = new CopyOnWriteArrayList<>();
    private final ConnectionObserver observer;
    private final ProxyProtocolSettings proxy;
    private final Duration proxyHeaderTimeout;

    /** One I/O thread per core. */
    public ServerTransport() {
        this(0);
    }

    /** @param ioThreads number of I/O threads, or 0 for one per core */
    public ServerTransport(int ioThreads) {
        this(ioThreads, ConnectionObserver.NONE);
    }

    /** @param observer told of every connection of every listener as it opens and closes */
    public ServerTransport(int ioThreads, ConnectionObserver observer) {
        this(ioThreads, observer, ProxyProtocolSettings.defaults(), PROXY_HEADER_TIMEOUT);
    }

    /**
     * @param proxy              the listeners on which trusted sources send a PROXY header first
     * @param proxyHeaderTimeout how long such a source may take to send it
     */
    public ServerTransport(int ioThreads, ConnectionObserver observer, ProxyProtocolSettings proxy,
                           Duration proxyHeaderTimeout) {
        this.observer = observer;
        this.proxy = proxy;
        this.proxyHeaderTimeout = proxyHeaderTimeout;
        this.epoll = Epoll.isAvailable();
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.loops = new MultiThreadIoEventLoopGroup(ioThreads > 0 ? ioThreads : defaultIoThreads(), factory);
    }

    /** One event loop per core the JVM may use (Netty's own default is two per core). */
    static int defaultIoThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** How many I/O threads accept and serve connections. */
    public int ioThreads() {
        return loops.executorCount();
    }

    /** True when the native epoll transport is in use. */
    public boolean isNative() {
        return epoll;
    }

    /**
     * Binds a listener on every address; either all of them are bound or none is.
     *
     * @throws ListenException naming the listener and the address that could not be bound
     */
    public BoundListener bind(String name, List<ListenAddress> addresses, ChannelInitializer<Channel> initializer) {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loops, loops)
                .channel(serverChannelClass())
                .option(ChannelOption.SO_BACKLOG, BACKLOG)
                .option(ChannelOption.SO_REUSEADDR, true)
                // No TCP_NODELAY option: Netty's socket channels turn Nagle off when they are made
                // (replies are flushed whole, never dribbled), and setting it again cost a system
                // call per connection.
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(child(name, initializer));
        List<Channel> bound = new ArrayList<>();
        List<Path> sockets = new ArrayList<>();
        for (ListenAddress address : addresses) {
            try {
                if (address.isUnix()) {
                    bound.add(bindUnix(name, address, initializer));
                    sockets.add(address.socket());
                    continue;
                }
                InetSocketAddress socketAddress = address.toSocketAddress();
                if (socketAddress.isUnresolved()) {
                    throw new ListenException(message(name, address, "unknown host"), null);
                }
                ChannelFuture f = bootstrap.bind(socketAddress).awaitUninterruptibly();
                if (!f.isSuccess()) {
                    throw new ListenException(message(name, address, describe(f.cause())), f.cause());
                }
                bound.add(f.channel());
            } catch (ListenException e) {
                new BoundListener(name, bound, sockets).close();
                throw e;
            }
        }
        BoundListener listener = new BoundListener(name, bound, sockets);
        listeners.add(listener);
        return listener;
    }

    /**
     * Binds a Unix socket (only LMTP offers one): a stale socket file is removed first; the file
     * is made with the process's umask (the listener's owner sets its permissions once bound), and
     * removed when the listener closes. Options of TCP (address reuse, keep-alive) do not apply.
     */
    private Channel bindUnix(String name, ListenAddress address, ChannelInitializer<Channel> initializer) {
        String busy = UnixSocketFiles.clear(address.socket());
        if (busy != null) {
            throw new ListenException(message(name, address, busy), null);
        }
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loops, loops)
                .channel(epoll ? EpollServerDomainSocketChannel.class : NioServerDomainSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, BACKLOG)
                .childHandler(child(name, initializer));
        java.net.SocketAddress socketAddress = epoll ? new DomainSocketAddress(address.socket().toString())
                : java.net.UnixDomainSocketAddress.of(address.socket());
        ChannelFuture f = bootstrap.bind(socketAddress).awaitUninterruptibly();
        if (!f.isSuccess()) {
            String reason = describe(f.cause());
            throw new ListenException(message(name, address, reason.startsWith("permission denied")
                    ? "permission denied" : reason), f.cause());
        }
        return f.channel();
    }

    /**
     * The protocol's initializer behind one that tells the observer of the connection (at accept
     * and at close, and nothing in between: no handler in the pipeline, no cost per read) and, on
     * a listener behind a load balancer, reads the PROXY header of trusted sources first.
     */
    private ChannelInitializer<Channel> child(String name, ChannelInitializer<Channel> initializer) {
        boolean proxied = proxy.appliesTo(name);
        if (observer == ConnectionObserver.NONE && !proxied) {
            return initializer;
        }
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                if (observer != ConnectionObserver.NONE) {
                    observer.opened(name);
                    // Close listeners run before the pipeline is taken apart: the SslHandler is still there.
                    ch.closeFuture().addListener(f -> observer.closed(name, tlsEstablished(ch)));
                }
                if (proxied && fromTrustedSource(ch)) {
                    // Before everything, TLS included: the balancer sends the header in the clear.
                    ch.pipeline().addLast("proxy-decoder", ProxyHeaderReader.decoder());
                    ch.pipeline().addLast("proxy", new ProxyHeaderReader(name, initializer, proxyHeaderTimeout));
                } else {
                    ch.pipeline().addLast(initializer);
                }
            }
        };
    }

    /** The socket's peer, never a claimed address: only a trusted balancer's word is taken. */
    private boolean fromTrustedSource(Channel ch) {
        return ch.remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null
                && proxy.trusted().contains(a.getAddress());
    }

    private static boolean tlsEstablished(Channel ch) {
        SslHandler ssl = ch.pipeline().get(SslHandler.class);
        return ssl != null && ssl.handshakeFuture().isSuccess();
    }

    /** Stops accepting on every listener, then shuts the event loops down (open connections are closed). */
    @Override
    public void close() {
        for (BoundListener l : listeners) {
            l.close();
        }
        listeners.clear();
        loops.shutdownGracefully(0, 5, TimeUnit.SECONDS);
        loops.terminationFuture().awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    private Class<? extends ServerChannel> serverChannelClass() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    private static String message(String name, ListenAddress address, String reason) {
        return "cannot listen on " + address + " for " + name + ": " + reason;
    }

    /** The operating system's reason in a few words, without the exception class or call details. */
    static String describe(Throwable cause) {
        String m = cause == null || cause.getMessage() == null ? "" : cause.getMessage().toLowerCase(Locale.ROOT);
        if (m.contains("already in use")) {
            return "address already in use";
        }
        if (m.contains("cannot assign requested address") || m.contains("not available")) {
            return "address not available on this host";
        }
        if (m.contains("permission denied") || m.contains("access denied")) {
            return "permission denied (ports below 1024 need privileges)";
        }
        if (m.isEmpty()) {
            return "bind failed";
        }
        // Native errors read "bind(..) failed: <reason>": keep only the reason, on one line.
        int colon = m.lastIndexOf(": ");
        String reason = colon >= 0 ? m.substring(colon + 2) : m;
        int nl = reason.indexOf('\n');
        return nl >= 0 ? reason.substring(0, nl) : reason;
    }
}
