package dev.tern.smtp.server;

import dev.tern.config.ListenAddress;
import dev.tern.config.SmtpLimits;
import dev.tern.net.BoundListener;
import dev.tern.net.ConnectionLimiter;
import dev.tern.net.ProtocolListener;
import dev.tern.net.ServerTransport;
import dev.tern.net.tls.TlsMode;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.ssl.SslHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * An SMTP server (RFC 5321) on one named listener: binds its addresses through the shared
 * {@link ServerTransport}, caps connections ({@code [smtp] max_connections},
 * {@code max_connections_per_ip}) and runs one {@link SmtpSession} per connection. What the
 * listener offers beyond plain SMTP (STARTTLS or implicit TLS, AUTH, AUTH required) is its
 * {@link SmtpSecurity}.
 *
 * <pre>
 * SmtpServer smtp = new SmtpServer("smtp", "mx.example.com", limits, false, backend,
 *         SmtpSecurity.relay(tls, authenticator, authExecutor), transport);
 * smtp.start(List.of(new ListenAddress("0.0.0.0", 25)));
 * …
 * smtp.close();
 * </pre>
 */
public final class SmtpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("dev.tern.smtp");

    private final ConnectionLimiter limiter;
    private final ProtocolListener listener;

    /**
     * @param listener      the listener name (smtp, submission…): in logs, errors and backend calls
     * @param hostname      the server's name: greeting, EHLO, Received headers
     * @param protocolTrace log every command and reply at INFO to {@code dev.tern.smtp.trace}
     */
    public SmtpServer(String listener, String hostname, SmtpLimits limits, boolean protocolTrace, SmtpBackend backend,
                      ServerTransport transport) {
        this(listener, hostname, limits, protocolTrace, backend, SmtpSecurity.none(), transport);
    }

    /** @param security TLS and AUTH on this listener */
    public SmtpServer(String listener, String hostname, SmtpLimits limits, boolean protocolTrace, SmtpBackend backend,
                      SmtpSecurity security, ServerTransport transport) {
        this(new SmtpSettings(listener, hostname, limits, protocolTrace, backend, security), transport);
    }

    /**
     * An LMTP server (RFC 2033) on this listener: final delivery for an MTA in front of Tern, which
     * has already taken the message in. LHLO instead of EHLO, a reply per recipient after the
     * content; no TLS and no AUTH (the backend decides which clients may connect).
     */
    public static SmtpServer lmtp(String listener, String hostname, SmtpLimits limits, boolean protocolTrace,
                                  SmtpBackend backend, ServerTransport transport) {
        return new SmtpServer(new SmtpSettings(listener, hostname, limits, protocolTrace, backend, SmtpSecurity.none(),
                true), transport);
    }

    private SmtpServer(SmtpSettings settings, ServerTransport transport) {
        String listener = settings.listener();
        String hostname = settings.hostname();
        SmtpLimits limits = settings.limits();
        SmtpBackend backend = settings.backend();
        boolean implicitTls = settings.security().tlsMode() == TlsMode.IMPLICIT;
        this.limiter = new ConnectionLimiter(limits.maxConnections(), limits.maxConnectionsPerIp(), (alloc, limit) -> {
            LOG.info("connection refused on {}: {}", listener, limit.reason());
            SmtpReply refusal = Replies.tooManyConnections(hostname);
            backend.refused(listener, "connect", refusal.code(), refusal.enhancedCode(), SmtpSession.COMPONENT);
            // A TLS client could not read a plaintext reply, and a handshake is not worth doing for a refusal.
            return implicitTls ? null : Unpooled.wrappedBuffer(refusal.toBytes());
        });
        this.listener = new ProtocolListener(listener, transport, limiter,
                implicitTls ? alloc -> sslHandler(settings, alloc) : null,
                id -> new SmtpSessionHandler(settings, id));
    }

    /**
     * Starts listening on every address.
     *
     * @throws dev.tern.net.ListenException when an address cannot be bound (its message is one line
     *                                      naming the listener and the address)
     * @throws IllegalStateException        when the server is already started
     */
    public BoundListener start(List<ListenAddress> addresses) {
        return listener.start(addresses);   // the server logs each listener's addresses once all are up
    }

    /** A handler for one connection; the handshake may take as long as a command (Netty's default is 10 s). */
    static SslHandler sslHandler(SmtpSettings settings, ByteBufAllocator alloc) {
        return settings.security().tls().newHandler(alloc, settings.limits().commandTimeout());
    }

    /** The addresses actually bound (a configured port 0 shows as the port chosen). */
    public List<InetSocketAddress> boundAddresses() {
        return listener.boundAddresses();
    }

    /** The port of the first bound address. */
    public int port() {
        return listener.port();
    }

    /** Connections currently admitted. */
    public int activeConnections() {
        return limiter.active();
    }

    /**
     * Stops accepting connections, then ends every open session with
     * {@code 421 4.3.2 … Service shutting down} (content being received is discarded: it was never
     * acknowledged). Waits a few seconds at most. The transport stays open for other listeners.
     */
    @Override
    public void close() {
        listener.close();
    }
}
