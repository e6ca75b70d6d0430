package dev.tern.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps simultaneous connections: in total, and per client IP address ({@link ClientAddress}: behind
 * a load balancer, the client the PROXY header names). One instance is shared by every channel of
 * a protocol's listeners and sits first in each protocol pipeline (after the PROXY header reader
 * when there is one: that reader adds the protocol's handlers only once the header is read).
 *
 * <p>A connection over a limit never reaches the protocol: the handlers after this one see no
 * {@code channelActive} and no input (they still see {@code channelInactive}). The protocol only
 * supplies the words of its refusal (SMTP: {@code 421 4.7.0 …}, RFC 5321 §3.8), which are written
 * before the connection is closed.
 *
 * <p>Security: the refusal is sent without reading anything from the client, so a refused client
 * costs one small write. Addresses are counted exactly (no prefix grouping), which is enough for
 * IPv4; IPv6 clients holding many addresses are bounded by the total limit.
 */
@ChannelHandler.Sharable
public final class ConnectionLimiter extends ChannelInboundHandlerAdapter {

    /** Which limit a refused connection ran into. */
    public enum Limit {
        TOTAL, PER_ADDRESS;

        /** What the refusal's log line says. */
        public String reason() {
            return this == PER_ADDRESS ? "too many connections from one address" : "too many connections";
        }
    }

    /** The protocol's refusal: the bytes written before the connection is closed, or null to close silently. */
    @FunctionalInterface
    public interface Refusal {
        ByteBuf reply(ByteBufAllocator alloc, Limit limit);
    }

    private static final AttributeKey<Boolean> REFUSED = AttributeKey.valueOf(ConnectionLimiter.class, "refused");

    private final int maxTotal;
    private final int maxPerAddress;
    private final Refusal refusal;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();

    public ConnectionLimiter(int maxTotal, int maxPerAddress, Refusal refusal) {
        if (maxTotal <= 0 || maxPerAddress <= 0) {
            throw new IllegalArgumentException("connection limits must be positive");
        }
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
        this.refusal = refusal;
    }

    /** Connections currently admitted. */
    public int active() {
        return total.get();
    }

    /** Connections currently admitted from one address. */
    public int active(InetAddress address) {
        return perAddress.getOrDefault(address, 0);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        InetAddress address = ClientAddress.ipOf(ctx.channel());
        Limit exceeded = acquire(address);
        if (exceeded == null) {
            ctx.channel().closeFuture().addListener(f -> release(address));
            ctx.fireChannelActive();
            return;
        }
        ctx.channel().attr(REFUSED).set(Boolean.TRUE);
        ByteBuf reply = refusal.reply(ctx.alloc(), exceeded);
        if (reply == null) {
            ctx.close();
        } else {
            ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (Boolean.TRUE.equals(ctx.channel().attr(REFUSED).get())) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private Limit acquire(InetAddress address) {
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            return Limit.TOTAL;
        }
        if (address == null) {
            return null;
        }
        boolean[] admitted = {false};
        perAddress.compute(address, (a, n) -> {
            int count = n == null ? 0 : n;
            if (count >= maxPerAddress) {
                return n;
            }
            admitted[0] = true;
            return count + 1;
        });
        if (!admitted[0]) {
            total.decrementAndGet();
            return Limit.PER_ADDRESS;
        }
        return null;
    }

    private void release(InetAddress address) {
        total.decrementAndGet();
        if (address != null) {
            perAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
        }
    }
}
