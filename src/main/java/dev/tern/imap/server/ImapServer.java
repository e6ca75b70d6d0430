package dev.tern.imap.server;

import dev.tern.config.ListenAddress;
import dev.tern.net.BoundListener;
import dev.tern.net.ConnectionLimiter;
import dev.tern.net.ProtocolListener;
import dev.tern.net.ServerTransport;
import dev.tern.net.tls.TlsMode;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslHandler;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * An IMAP server (RFC 9051, RFC 3501) on one named listener: binds its addresses through the
 * shared {@link ServerTransport}, caps connections with a {@link ConnectionLimiter}, and runs one
 * {@link ImapSession} per connection.
 */
public final class ImapServer implements AutoCloseable {

    /** How long a TLS handshake may take. */
    private static final java.time.Duration HANDSHAKE_TIMEOUT = java.time.Duration.ofMinutes(1);

    private final ProtocolListener listener;

    public ImapServer(ImapContext context, ServerTransport transport, ConnectionLimiter limiter) {
        this.listener = new ProtocolListener(context.listener(), transport, limiter,
                context.tlsMode() == TlsMode.IMPLICIT ? alloc -> sslHandler(context, alloc) : null,
                id -> new ImapConnection(context, id),
                ch -> ch.config().setWriteBufferWaterMark(OUTPUT_WATER_MARK));
    }

    /**
     * A connection limiter for IMAP: refuses with {@code * BYE} in plaintext, and by closing on
     * implicit TLS, where a plaintext response could not be read.
     */
    public static ConnectionLimiter limiter(int maxTotal, int maxPerAddress, boolean implicitTls) {
        return new ConnectionLimiter(maxTotal, maxPerAddress, (alloc, limit) -> {
            ImapSession.LOG.info("IMAP connection refused: {}", limit.reason());
            return implicitTls ? null : Unpooled.wrappedBuffer(
                    "* BYE [UNAVAILABLE] too many connections; try again later\r\n".getBytes(StandardCharsets.US_ASCII));
        });
    }

    /**
     * Output a session may have queued before it stops producing more: a long FETCH makes its next
     * chunk while the socket sends the last one, so reading from the store overlaps with sending.
     * Only a session in the middle of a long response holds this much; an idle one holds nothing.
     */
    private static final WriteBufferWaterMark OUTPUT_WATER_MARK =
            new WriteBufferWaterMark(ImapSession.CHUNK, 2 * ImapSession.CHUNK);

    public BoundListener start(List<ListenAddress> addresses) {
        return listener.start(addresses);
    }

    static SslHandler sslHandler(ImapContext context, ByteBufAllocator alloc) {
        return context.tls().newHandler(alloc, HANDSHAKE_TIMEOUT);
    }

    public int port() {
        return listener.port();
    }

    /** Stops accepting, then ends every session with {@code * BYE}. */
    @Override
    public void close() {
        listener.close();
    }
}
