package dev.tern.admin.http;

import dev.tern.config.ListenAddress;
import dev.tern.net.BoundListener;
import dev.tern.net.ConnectionLimiter;
import dev.tern.net.ServerTransport;
import dev.tern.net.tls.ServerTls;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/1.1 server of the admin listener, on the shared {@link ServerTransport}: optional TLS
 * (the server certificate), the HTTP codec with limits on the request line and header fields,
 * the header fields every answer carries, keep-alive, an idle timeout, the body limit, then one
 * {@link ApiConnection} per connection.
 */
public final class ApiServer implements AutoCloseable {

    /** The longest request line (method, path and query). */
    public static final int MAX_REQUEST_LINE = 8 * 1024;
    /** The most octets of header fields in one request. */
    public static final int MAX_HEADER_SIZE = 16 * 1024;
    private static final java.time.Duration HANDSHAKE_TIMEOUT = java.time.Duration.ofSeconds(30);

    private final String name;
    private final Dispatcher dispatcher;
    private final ServerTls tls;
    private final int maxBodySize;
    private final Duration idleTimeout;
    private final ConnectionLimiter limiter;
    private final Executor workers;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private BoundListener bound;

    /**
     * @param tls     the TLS context to serve HTTPS with, or null for plain HTTP
     * @param workers where requests are answered (they may block on the store)
     */
    public ApiServer(String name, Dispatcher dispatcher, ServerTls tls, int maxBodySize, Duration idleTimeout,
                     int maxConnections, int maxConnectionsPerIp, Executor workers) {
        this.name = name;
        this.dispatcher = dispatcher;
        this.tls = tls;
        this.maxBodySize = maxBodySize;
        this.idleTimeout = idleTimeout;
        this.limiter = new ConnectionLimiter(maxConnections, maxConnectionsPerIp, (alloc, limit) -> null);
        this.workers = workers;
    }

    public synchronized BoundListener start(ServerTransport transport, List<ListenAddress> addresses) {
        if (bound != null) {
            throw new IllegalStateException("the " + name + " listener is already started");
        }
        bound = transport.bind(name, addresses, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                connections.add(ch);
                ch.pipeline().addLast("limits", limiter);
                if (tls != null) {
                    ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), HANDSHAKE_TIMEOUT));
                }
                ch.pipeline().addLast("http", new HttpServerCodec(new HttpDecoderConfig()
                        .setMaxInitialLineLength(MAX_REQUEST_LINE)
                        .setMaxHeaderSize(MAX_HEADER_SIZE)
                        .setMaxChunkSize(64 * 1024)));
                ch.pipeline().addLast("headers", ResponseHeaders.INSTANCE);
                ch.pipeline().addLast("keep-alive", new HttpServerKeepAliveHandler());
                ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS));
                ch.pipeline().addLast("body", new BodyLimit(maxBodySize));
                ch.pipeline().addLast("api", new ApiConnection(dispatcher, workers));
            }
        });
        return bound;
    }

    /** Stops accepting and closes every connection. */
    @Override
    public synchronized void close() {
        if (bound != null) {
            bound.close();
        }
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
