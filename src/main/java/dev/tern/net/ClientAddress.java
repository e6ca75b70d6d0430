package dev.tern.net;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The address of the client at the other end of a connection: the one a trusted load balancer
 * gave in a PROXY header, else the socket's peer. Every protocol asks this class, never
 * {@link Channel#remoteAddress()}, so that logs, Received fields, connection limits and every
 * policy by address see the same client.
 *
 * <p>Security: only {@link ProxyHeaderReader} sets the address, and only for connections from a
 * trusted network ({@code [proxy_protocol] trusted}); nothing a client sends on its own can.
 */
public final class ClientAddress {

    private static final AttributeKey<InetSocketAddress> PROXIED =
            AttributeKey.valueOf(ClientAddress.class, "proxied");

    private ClientAddress() {
    }

    /** The client's address and port, or null when the channel has no IP peer (a Unix socket's client). */
    public static InetSocketAddress of(Channel channel) {
        InetSocketAddress proxied = channel.attr(PROXIED).get();
        if (proxied != null) {
            return proxied;
        }
        return channel.remoteAddress() instanceof InetSocketAddress a ? a : null;
    }

    /**
     * The client's IP address, or null when the channel has no IP peer: only a client of a Unix
     * socket (every TCP peer, and every client a PROXY header names, has an address).
     */
    public static InetAddress ipOf(Channel channel) {
        InetSocketAddress a = of(channel);
        return a == null ? null : a.getAddress();
    }

    /** True when the address came from a PROXY header rather than from the socket. */
    public static boolean isProxied(Channel channel) {
        return channel.attr(PROXIED).get() != null;
    }

    static void setProxied(Channel channel, InetSocketAddress client) {
        channel.attr(PROXIED).set(client);
    }
}
