package dev.tern.milter;

import dev.tern.config.MilterSettings;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One connection to one filter, for one SMTP session (libmilter closes its end when the session it
 * served ends, so Postfix opens one per session too). Commands go out in order and replies come
 * back in order: each command that expects one registers a {@link Pending}, completed by the
 * filter's final reply with the changes it asked for before it. A filter that does not answer in
 * time, closes the connection or sends what the protocol does not allow fails every waiting
 * command, and the connection is closed: its stream can no longer be trusted to be in step.
 *
 * <p>Thread safety: public methods may be called from any thread; the work runs on the channel's
 * event loop.
 */
final class MilterConnection {

    /** A filter's packets are small, but a body replacement may come in large chunks. */
    private static final int MAX_PACKET = 16 * 1024 * 1024;

    /** The options agreed: what the filter may change and which steps and replies it leaves out. */
    record Options(int version, int actions, int protocol, Map<Integer, Set<String>> macros) {

        /** Whether the filter leaves out this step or its reply (a {@code NO_*} bit). */
        boolean skips(int noStep) {
            return (protocol & noStep) != 0;
        }

        /** Whether the filter asked for this protocol extension. */
        boolean wants(int extension) {
            return (protocol & extension) != 0;
        }
    }

    /** What the filter said to one command: its final reply, and the changes that came before it. */
    record Answer(MilterReply reply, List<MilterReply> changes) {
    }

    private final class Pending {
        final CompletableFuture<Answer> done = new CompletableFuture<>();
        final List<MilterReply> changes = new ArrayList<>();
        final Duration timeout;
        ScheduledFuture<?> timer;

        Pending(Duration timeout) {
            this.timeout = timeout;
        }

        void arm() {
            if (timer != null) {
                timer.cancel(false);
            }
            timer = channel.eventLoop().schedule(() -> fail(new MilterException("no answer within "
                    + timeout.toSeconds() + "s")), timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private final String name;
    private final Channel channel;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private volatile MilterException failure;
    private Options options;

    private MilterConnection(String name, Channel channel) {
        this.name = name;
        this.channel = channel;
    }

    /** Connects and agrees on the options; fails with a {@link MilterException}. */
    static CompletableFuture<MilterConnection> open(Bootstrap bootstrap, MilterSettings.Endpoint endpoint,
                                                    Duration connectTimeout, java.net.SocketAddress address) {
        MilterConnection[] made = new MilterConnection[1];
        Bootstrap b = bootstrap.clone().handler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                MilterConnection c = new MilterConnection(endpoint.text(), ch);
                made[0] = c;
                ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(MAX_PACKET, 0, 4, 0, 4), c.new Reader());
            }
        });
        CompletableFuture<MilterConnection> result = new CompletableFuture<>();
        ChannelFuture connecting = b.connect(address);
        connecting.addListener(f -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(new MilterException("cannot connect: " + connectFailure(f.cause()), f.cause()));
                return;
            }
            MilterConnection c = made[0];
            c.ask(MilterProtocol.OPTION_NEGOTIATION, MilterProtocol.optionNegotiation(), connectTimeout)
                    .whenComplete((answer, error) -> {
                        if (error != null) {
                            result.completeExceptionally(error);
                        } else {
                            result.complete(c);
                        }
                    });
        });
        return result;
    }

    /** Why a connection failed, in words: the transport's exception texts carry its internals. */
    private static String connectFailure(Throwable cause) {
        if (cause instanceof io.netty.channel.ConnectTimeoutException) {
            return "no answer";
        }
        if (cause instanceof java.net.ConnectException) {
            String m = String.valueOf(cause.getMessage());
            return m.contains("No such file") ? "no such socket" : m.contains("ermission") ? "permission denied"
                    : "connection refused";
        }
        return cause == null || cause.getMessage() == null ? "connection failed" : cause.getMessage();
    }

    String name() {
        return name;
    }

    Options options() {
        return options;
    }

    /** Sends a command and completes with the filter's answer to it. */
    CompletableFuture<Answer> ask(byte command, byte[] data, Duration timeout) {
        return ask(null, command, data, timeout);
    }

    /**
     * Sends a command, after {@code macros} (a MACRO packet, or null) in the same write, and
     * completes with the filter's answer to the command.
     */
    CompletableFuture<Answer> ask(byte[] macros, byte command, byte[] data, Duration timeout) {
        Pending p = new Pending(timeout);
        onLoop(() -> {
            if (failure != null) {
                p.done.completeExceptionally(failure);
                return;
            }
            pending.add(p);
            p.arm();
            channel.writeAndFlush(packets(macros, command, data));
        });
        return p.done;
    }

    /** Sends a command the filter does not answer (ABORT, a step it said it would not answer), after {@code macros} if any. */
    void send(byte[] macros, byte command, byte[] data) {
        onLoop(() -> {
            if (failure == null) {
                channel.writeAndFlush(packets(macros, command, data));
            }
        });
    }

    private static ByteBuf packets(byte[] macros, byte command, byte[] data) {
        byte[] packet = MilterProtocol.packet(command, data);
        return macros == null ? Unpooled.wrappedBuffer(packet) : Unpooled.wrappedBuffer(macros, packet);
    }

    /** Runs on the connection's event loop: at once when already there (a reply's callbacks are). */
    private void onLoop(Runnable work) {
        if (channel.eventLoop().inEventLoop()) {
            work.run();
        } else {
            channel.eventLoop().execute(work);
        }
    }

    /** Says goodbye (QUIT) and closes the connection. */
    void close() {
        onLoop(() -> {
            if (failure == null && channel.isActive()) {
                channel.writeAndFlush(Unpooled.wrappedBuffer(MilterProtocol.packet(MilterProtocol.QUIT, new byte[0])))
                        .addListener(f -> channel.close());
            } else {
                channel.close();
            }
            failure = failure != null ? failure : new MilterException("the connection was closed");
        });
    }

    private void fail(MilterException e) {
        if (failure == null) {
            failure = e;
        }
        while (!pending.isEmpty()) {
            Pending p = pending.poll();
            if (p.timer != null) {
                p.timer.cancel(false);
            }
            p.done.completeExceptionally(failure);
        }
        channel.close();
    }

    private final class Reader extends SimpleChannelInboundHandler<ByteBuf> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            if (failure != null) {
                return;
            }
            Pending p = pending.peek();
            if (p == null || !frame.isReadable()) {
                fail(new MilterException(p == null ? "a reply nobody asked for" : "an empty packet"));
                return;
            }
            byte command = frame.readByte();
            byte[] data = new byte[frame.readableBytes()];
            frame.readBytes(data);
            try {
                if (options == null) {
                    options = negotiated(command, data);
                    finish(p, null);
                    return;
                }
                MilterReply reply = MilterReply.parse(command, data);
                if (reply.command() == MilterProtocol.PROGRESS) {
                    p.arm();
                } else if (reply.isFinal()) {
                    finish(p, reply);
                } else {
                    p.changes.add(reply);
                }
            } catch (MilterException e) {
                fail(e);
            }
        }

        private void finish(Pending p, MilterReply reply) {
            pending.poll();
            p.timer.cancel(false);
            p.done.complete(new Answer(reply, p.changes));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            fail(new MilterException("the filter closed the connection"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(new MilterException(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage(),
                    cause));
        }
    }

    /** The filter's answer to the option negotiation: its version, actions, steps and macro lists. */
    static Options negotiated(byte command, byte[] data) {
        if (command != MilterProtocol.OPTION_NEGOTIATION || data.length < 12) {
            throw new MilterException("no option negotiation in its first reply");
        }
        int version = int32(data, 0);
        int actions = int32(data, 4);
        int protocol = int32(data, 8);
        if (version < 2 || version > MilterProtocol.VERSION) {
            throw new MilterException("protocol version " + version + ", Tern speaks 2 to " + MilterProtocol.VERSION);
        }
        if ((actions & ~MilterProtocol.ACTIONS_ALL) != 0) {
            throw new MilterException(String.format("actions 0x%x that Tern does not offer", actions));
        }
        Map<Integer, Set<String>> macros = new HashMap<>();
        int i = 12;
        while (i + 4 <= data.length) {
            int stage = int32(data, i);
            i += 4;
            int end = i;
            while (end < data.length && data[end] != 0) {
                end++;
            }
            String names = new String(data, i, end - i, StandardCharsets.US_ASCII);
            i = end + 1;
            Set<String> set = new java.util.HashSet<>();
            for (String n : names.trim().split("\\s+")) {
                if (!n.isEmpty()) {
                    set.add(n.startsWith("{") || n.length() == 1 ? n : "{" + n + "}");
                }
            }
            macros.put(stage, set);
        }
        return new Options(version, actions, protocol & MilterProtocol.PROTOCOL_ALL, macros);
    }

    private static int int32(byte[] b, int i) {
        return ((b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
    }
}
