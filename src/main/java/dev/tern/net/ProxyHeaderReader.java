package dev.tern.net;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Waits for the PROXY header (HAProxy's protocol, v1 text or v2 binary, decoded by Netty's
 * {@link HAProxyMessageDecoder} just before this handler) on a connection from a trusted load
 * balancer, then hands the connection to the protocol.
 *
 * <p>Until the header is read the protocol's handlers are not even in the pipeline: no greeting is
 * sent, no TLS handshake is made, no connection limit is counted, because all of these must see
 * the real client. Once it is read, the client's address is recorded for {@link ClientAddress},
 * the protocol's initializer is added, told {@code channelActive}, and given whatever the client
 * sent after the header.
 *
 * <p>A missing header (none within the timeout), a malformed one, or anything else first closes
 * the connection with one log line and nothing on the wire. A v2 {@code LOCAL} header (the
 * balancer's own health check) and an {@code UNKNOWN} or {@code AF_UNIX} one keep the balancer's
 * address, as the specification says.
 */
final class ProxyHeaderReader extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger("dev.tern.net");
    /** Room for the TLVs balancers add (AWS's endpoint id, HAProxy's TLS details); Tern reads none of them. */
    static final int MAX_TLV_BYTES = 4096;

    private final String listener;
    private final ChannelHandler protocol;
    private final Duration timeout;
    private ScheduledFuture<?> timer;
    /** The header was read, or the connection given up: what comes after is not this handler's business. */
    private boolean done;

    /**
     * @param protocol the protocol's initializer, added once the header is read
     * @param timeout  how long the balancer may take to send the header
     */
    ProxyHeaderReader(String listener, ChannelHandler protocol, Duration timeout) {
        this.listener = listener;
        this.protocol = protocol;
        this.timeout = timeout;
    }

    /** The decoder this handler must follow. */
    static HAProxyMessageDecoder decoder() {
        return new HAProxyMessageDecoder(MAX_TLV_BYTES);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timer = ctx.executor().schedule(() -> giveUp(ctx, "no PROXY header within " + describe(timeout)),
                timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // Held back: the protocol is added, and told, once the header is read.
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (done || !(msg instanceof HAProxyMessage header)) {
            // Only bytes the decoder gives up when the connection closes on a bad header.
            ReferenceCountUtil.release(msg);
            return;
        }
        InetSocketAddress client;
        try {
            client = clientOf(header);
        } finally {
            header.release();
        }
        done = true;
        timer.cancel(false);
        if (client != null) {
            ClientAddress.setProxied(ctx.channel(), client);
            LOG.debug("{}: connection from {} through {}", listener, hostAndPort(client), peer(ctx));
        } else {
            LOG.debug("{}: connection from the balancer {} itself", listener, peer(ctx));
        }
        // The decoder, still before this handler, passes on the bytes after the header once this
        // returns; by then the protocol must be in place and started.
        ctx.pipeline().addLast(protocol);
        ctx.fireChannelActive();
        if (ctx.pipeline().context(this) != null) {
            ctx.pipeline().remove(this);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (done) {
            ctx.close();
            return;
        }
        if (cause instanceof IOException) {
            done = true;
            timer.cancel(false);
            LOG.debug("{}: connection from {} failed before its PROXY header: {}", listener,
                    peer(ctx), cause.toString());
            ctx.close();
            return;
        }
        HAProxyProtocolException invalid = cause instanceof HAProxyProtocolException p ? p
                : cause.getCause() instanceof HAProxyProtocolException p ? p : null;
        giveUp(ctx, invalid != null ? "invalid PROXY header (" + printable(reason(invalid)) + ")"
                : "error before the PROXY header (" + cause + ")");
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!done) {
            done = true;
            timer.cancel(false);
            // Plain TCP health checks connect and close at once: not worth more than a debug line.
            LOG.debug("{}: connection from {} closed before its PROXY header", listener, peer(ctx));
        }
        ctx.fireChannelInactive();
    }

    private void giveUp(ChannelHandlerContext ctx, String why) {
        if (done) {
            return;
        }
        done = true;
        timer.cancel(false);
        LOG.warn("{}: connection from proxy {} closed: {}", listener, peer(ctx), why);
        ctx.close();
    }

    /**
     * The client a header names, or null to keep the socket's address: a {@code LOCAL} command
     * (the balancer speaking for itself), an {@code UNKNOWN} protocol, a UNIX socket.
     */
    static InetSocketAddress clientOf(HAProxyMessage header) {
        if (header.command() != HAProxyCommand.PROXY) {
            return null;
        }
        switch (header.proxiedProtocol().addressFamily()) {
            case AF_IPv4, AF_IPv6 -> {
                byte[] ip = NetUtil.createByteArrayFromIpAddressString(header.sourceAddress());
                if (ip == null) {
                    throw new HAProxyProtocolException("source address " + header.sourceAddress());
                }
                try {
                    // From the bytes: never a name lookup.
                    return new InetSocketAddress(InetAddress.getByAddress(ip), header.sourcePort());
                } catch (UnknownHostException e) {
                    throw new HAProxyProtocolException(e);
                }
            }
            default -> {
                return null;
            }
        }
    }

    /** The innermost message: the decoder wraps the useful one ("invalid IPv4 address: …") in generic ones. */
    private static String reason(Throwable t) {
        String message = t.getMessage();
        for (Throwable c = t.getCause(); c != null && c != t; t = c, c = c.getCause()) {
            if (c.getMessage() != null) {
                message = c.getMessage();
            }
        }
        return message;
    }

    private static String peer(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? hostAndPort(a) : "?";
    }

    private static String hostAndPort(InetSocketAddress a) {
        String host = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** A decoder message for a log line: it may quote the client's bytes. */
    private static String printable(String s) {
        if (s == null) {
            return "unreadable";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), 160));
        for (int i = 0; i < s.length() && i < 160; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return s.length() > 160 ? b.append('…').toString() : b.toString();
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
