package dev.tern.pop3;

import dev.tern.config.ListenAddress;
import dev.tern.net.BoundListener;
import dev.tern.net.ConnectionLimiter;
import dev.tern.net.ProtocolListener;
import dev.tern.net.ServerTransport;
import dev.tern.net.tls.TlsMode;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.ssl.SslHandler;

import java.util.List;

/**
 * A POP3 server (RFC 1939) on one named listener: binds its addresses through the shared
 * {@link ServerTransport}, caps connections with a {@link ConnectionLimiter} shared by all POP3
 * listeners, and runs one {@link Pop3Session} per connection.
 */
public final class Pop3Server implements AutoCloseable {

    /** How long a TLS handshake may take. */
    private static final java.time.Duration HANDSHAKE_TIMEOUT = java.time.Duration.ofMinutes(1);

    private final ProtocolListener listener;

    /** @param limiter shared by the pop3 and pop3s listeners; see {@link #limiter(int, int, boolean)} */
    public Pop3Server(Pop3Context context, ServerTransport transport, ConnectionLimiter limiter) {
        this.listener = new ProtocolListener(context.listener(), transport, limiter,
                context.tlsMode() == TlsMode.IMPLICIT ? alloc -> sslHandler(context, alloc) : null,
                id -> new Pop3SessionHandler(context, id));
    }

    /**
     * A connection limiter for POP3: refuses with {@code -ERR [SYS/TEMP]} in plaintext, and by
     * closing on implicit TLS, where a plaintext reply could not be read.
     */
    public static ConnectionLimiter limiter(int maxTotal, int maxPerAddress, boolean implicitTls) {
        return new ConnectionLimiter(maxTotal, maxPerAddress, (alloc, limit) -> {
            Pop3Session.LOG.info("POP3 connection refused: {}", limit.reason());
            return implicitTls ? null : Unpooled.wrappedBuffer(
                    Pop3Reply.err("SYS/TEMP", "too many connections; try again later").toBytes());
        });
    }

    public BoundListener start(List<ListenAddress> addresses) {
        return listener.start(addresses);
    }

    static SslHandler sslHandler(Pop3Context context, ByteBufAllocator alloc) {
        return context.tls().newHandler(alloc, HANDSHAKE_TIMEOUT);
    }

    public int port() {
        return listener.port();
    }

    /**
     * Stops accepting, then ends every session with {@code -ERR [SYS/TEMP]}: nothing a session
     * marked deleted is removed, as after a dropped connection.
     */
    @Override
    public void close() {
        listener.close();
    }
}
