package dev.tern.smtp.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes SMTP connections ({@link SmtpConnection}) with shared settings, I/O threads and an
 * executor for blocking work (SASL steps, reading message content, certificate checks). One
 * instance serves any number of connections at once; close it to release its threads.
 *
 * <pre>
 * try (SmtpClient client = new SmtpClient(SmtpClientSettings.defaults("mx.example.org"))) {
 *     SmtpConnection c = client.connect("mx.example.net", address, false, TranscriptListener.NONE).join();
 *     …
 * }
 * </pre>
 *
 * <p>Outbound delivery resolves MX hosts itself and passes each address with the MX name
 * ({@link #connect(String, InetSocketAddress, boolean, TranscriptListener)}): the name is what the
 * certificate is checked against, the address is where to connect.
 */
public final class SmtpClient implements AutoCloseable {

    private static final int DEFAULT_WORKERS = 4;

    private final SmtpClientSettings settings;
    private final EventLoopGroup group;
    private final boolean ownGroup;
    private final Executor executor;
    private final ExecutorService ownExecutor;
    private final boolean epoll;

    /** A client with its own I/O thread and a small pool for blocking work. */
    public SmtpClient(SmtpClientSettings settings) {
        this.settings = settings;
        this.epoll = Epoll.isAvailable();
        this.group = new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.ownGroup = true;
        ThreadPoolExecutor pool = new ThreadPoolExecutor(DEFAULT_WORKERS, DEFAULT_WORKERS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), daemonThreads());
        pool.allowCoreThreadTimeOut(true);
        this.ownExecutor = pool;
        this.executor = pool;
    }

    /**
     * A client on threads the caller owns (and closes): an event loop group of the native epoll
     * kind when {@code epoll}, else NIO, and a bounded executor for blocking work.
     */
    public SmtpClient(SmtpClientSettings settings, EventLoopGroup group, boolean epoll, Executor blockingWork) {
        this.settings = settings;
        this.group = group;
        this.epoll = epoll;
        this.ownGroup = false;
        this.executor = blockingWork;
        this.ownExecutor = null;
    }

    public SmtpClientSettings settings() {
        return settings;
    }

    /**
     * Resolves {@code host} (on the blocking-work executor), connects to its first address and
     * waits for the greeting. {@code host} is also the name the certificate must carry.
     */
    public CompletableFuture<SmtpConnection> connect(String host, int port, boolean implicitTls, TranscriptListener transcript) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new InetSocketAddress(InetAddress.getByName(host), port);
            } catch (UnknownHostException e) {
                throw new SmtpClientException(SmtpClientException.Kind.CONNECT, "cannot connect to " + host + ": unknown host");
            }
        }, executor).thenCompose(address -> connect(host, address, implicitTls, transcript));
    }

    /**
     * Connects to {@code address}, starts TLS at once when {@code implicitTls} (RFC 8314 port 465),
     * and waits for the server's 220 greeting.
     *
     * @param serverName the server's host name: checked against its certificate, sent as SNI
     * @return the connection, greeted; fails with {@link SmtpClientException} of kind CONNECT (no
     *         connection), TLS, TIMEOUT, CLOSED, or REJECTED (a 554 greeting: the server will not talk)
     */
    public CompletableFuture<SmtpConnection> connect(String serverName, InetSocketAddress address, boolean implicitTls,
                                                     TranscriptListener transcript) {
        SmtpConnection[] made = new SmtpConnection[1];
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, settings.timeouts().connect().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        SmtpConnection conn = new SmtpConnection(ch, serverName, settings, executor, transcript);
                        made[0] = conn;
                        if (implicitTls) {
                            SslHandler tls = conn.newSslHandler();
                            ch.pipeline().addLast("tls", tls);
                            tls.handshakeFuture().addListener(f -> {
                                if (f.isSuccess()) {
                                    conn.tlsEstablished(tls);
                                } else {
                                    conn.pipeline().fail(Failures.classify(serverName, f.cause()));
                                }
                            });
                        }
                        ch.pipeline().addLast("smtp", conn.pipeline().handler());
                    }
                });
        String where = address.getAddress().getHostAddress() + ":" + address.getPort();
        CompletableFuture<SmtpConnection> result = new CompletableFuture<>();
        ChannelFuture connecting = settings.localAddress() == null ? b.connect(address)
                : b.connect(address, new InetSocketAddress(settings.localAddress(), 0));
        connecting.addListener(f -> {
            if (!f.isSuccess()) {
                executor.execute(() -> result.completeExceptionally(new SmtpClientException(SmtpClientException.Kind.CONNECT,
                        "cannot connect to " + where + ": " + connectFailure(f.cause()), null, f.cause())));
                return;
            }
            SmtpConnection conn = made[0];
            transcript.note("connected to " + where + (serverName.equals(address.getAddress().getHostAddress()) ? "" : " (" + serverName + ")"));
            conn.pipeline().greeting().whenComplete((greeting, e) -> {
                if (e != null) {
                    result.completeExceptionally(Failures.unwrap(e));
                } else if (greeting.code() != 220) {
                    conn.close();
                    result.completeExceptionally(new SmtpClientException(SmtpClientException.Kind.REJECTED,
                            serverName + " does not accept mail from this client: " + greeting, greeting));
                } else {
                    result.complete(conn);
                }
            });
        });
        return result;
    }

    /** Stops the threads this client made (none when they were given to it). Open connections are closed. */
    @Override
    public void close() {
        if (ownGroup) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (ownExecutor != null) {
            ownExecutor.shutdown();
        }
    }

    /** The operating system's reason in a few words. */
    static String connectFailure(Throwable cause) {
        if (cause instanceof io.netty.channel.ConnectTimeoutException) {
            return "timed out";
        }
        String m = cause == null || cause.getMessage() == null ? "" : cause.getMessage().toLowerCase(Locale.ROOT);
        if (m.contains("refused")) {
            return "connection refused";
        }
        if (cause instanceof NoRouteToHostException || m.contains("no route") || m.contains("unreachable")) {
            return "host unreachable";
        }
        if (cause instanceof ConnectException && !m.isEmpty()) {
            int colon = m.lastIndexOf(": ");
            return colon >= 0 ? m.substring(colon + 2) : m;
        }
        return m.isEmpty() ? String.valueOf(cause) : m;
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "smtp-client-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
