/**
 * Network plumbing shared by every listener (SMTP, IMAP, POP3, HTTP): Netty event loops,
 * binding of named listeners, connection limits, the PROXY protocol (HAProxy's v1 and v2 headers
 * from a trusted load balancer) and TLS ({@link dev.tern.net.tls}: the certificate, its reloading,
 * the handler for each connection). Protocol packages plug in a
 * {@link io.netty.channel.ChannelInitializer} and never create threads or sockets themselves; the
 * command-and-reply protocols (SMTP, POP3, IMAP) do it through a {@link dev.tern.net.ProtocolListener}
 * and a {@link dev.tern.net.ProtocolConnection} of their own, which holds what they all do with a
 * connection (input in order, waits, reading suspended, the idle timer, the switch to TLS, the end).
 *
 * <p>Invariants:
 * <ul>
 *   <li>One {@link dev.tern.net.ServerTransport} per process owns all I/O threads; native epoll
 *       is used when available, NIO otherwise.</li>
 *   <li>A listener either binds all of its addresses or none; a failure is reported as one line
 *       naming the listener and the address ({@link dev.tern.net.ListenException}).</li>
 *   <li>{@link dev.tern.net.ConnectionLimiter} is the first handler of a protocol's pipeline; a
 *       refused connection never reaches the protocol's handlers.</li>
 *   <li>The client of a connection is {@link dev.tern.net.ClientAddress#of}, never the socket's
 *       peer as such: behind a load balancer they differ. Only a client of a Unix socket (LMTP's)
 *       has no address: null there means that and nothing else.</li>
 *   <li>A Unix socket's file is never deleted unless it is a socket nobody answers on
 *       ({@link dev.tern.net.UnixSocketFiles}); the listener removes its own when it closes.</li>
 *   <li>On a listener named in {@code [proxy_protocol] listeners}, a connection from a trusted
 *       network must begin with a PROXY header; the protocol's handlers (connection limits and TLS
 *       included) are added only once it is read, so that they count and greet the real client.
 *       A connection from any other network is served as a direct one, and a PROXY header it
 *       sends is just bad input to the protocol.</li>
 * </ul>
 *
 * <p>Security notes: event loops run only non-blocking work; the connection limiter bounds the
 * memory and file descriptors one client address can hold (RFC 5321 §4.5.3.2 leaves the limit
 * to the server; the refusal follows RFC 5321 §3.8). The PROXY header is believed only from the
 * configured balancers, or any client could claim any address and slip past per-address limits
 * and policies; a balancer that fails to send it is closed on, not served under its own address.
 */
package dev.tern.net;
