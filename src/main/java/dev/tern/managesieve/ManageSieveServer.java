package dev.tern.managesieve;

import dev.tern.config.ListenAddress;
import dev.tern.net.BoundListener;
import dev.tern.net.ConnectionLimiter;
import dev.tern.net.ProtocolListener;
import dev.tern.net.ServerTransport;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.ssl.SslHandler;

import java.util.List;

/**
 * A ManageSieve server (RFC 5804) on one named listener: binds its addresses through the shared
 * {@link ServerTransport}, caps connections with a {@link ConnectionLimiter}, and runs one
 * {@link ManageSieveSession} per connection.
 */
public final class ManageSieveServer implements AutoCloseable {

    /** How long a TLS handshake may take. */
    private static final java.time.Duration HANDSHAKE_TIMEOUT = java.time.Duration.ofMinutes(1);

    private final ProtocolListener listener;

    public ManageSieveServer(ManageSieveContext context, ServerTransport transport, ConnectionLimiter limiter) {
        this.listener = new ProtocolListener(context.listener(), transport, limiter, null,
                id -> new ManageSieveHandler(context, id));
    }

    /** A connection limiter for ManageSieve: refuses with {@code BYE (TRYLATER)}, before the greeting. */
    public static ConnectionLimiter limiter(int maxTotal, int maxPerAddress) {
        return new ConnectionLimiter(maxTotal, maxPerAddress, (alloc, limit) -> {
            ManageSieveSession.LOG.info("ManageSieve connection refused: {}", limit.reason());
            return Unpooled.wrappedBuffer(
                    ManageSieveReply.bye("TRYLATER", "too many connections; try again later").toBytes());
        });
    }

    public BoundListener start(List<ListenAddress> addresses) {
        return listener.start(addresses);
    }

    static SslHandler sslHandler(ManageSieveContext context, ByteBufAllocator alloc) {
        return context.tls().newHandler(alloc, HANDSHAKE_TIMEOUT);
    }

    public int port() {
        return listener.port();
    }

    /** Stops accepting, then ends every session with {@code BYE}. */
    @Override
    public void close() {
        listener.close();
    }
}
