/**
 * Network plumbing shared by every listener (SMTP today; IMAP and POP3 later): Netty event
 * loops, binding of named listeners, connection limits, and TLS ({@link dev.tern.net.tls}: the
 * certificate, its reloading, the handler for each connection). Protocol packages plug in a
 * {@link io.netty.channel.ChannelInitializer} and never create threads or sockets themselves.
 *
 * <p>Invariants:
 * <ul>
 *   <li>One {@link dev.tern.net.ServerTransport} per process owns all I/O threads; native epoll
 *       is used when available, NIO otherwise.</li>
 *   <li>A listener either binds all of its addresses or none; a failure is reported as one line
 *       naming the listener and the address ({@link dev.tern.net.ListenException}).</li>
 *   <li>{@link dev.tern.net.ConnectionLimiter} is the first handler of a pipeline; a refused
 *       connection never reaches the protocol's handlers.</li>
 * </ul>
 *
 * <p>Security notes: event loops run only non-blocking work; the connection limiter bounds the
 * memory and file descriptors one client address can hold (RFC 5321 §4.5.3.2 leaves the limit
 * to the server; the refusal follows RFC 5321 §3.8).
 */
package dev.tern.net;
