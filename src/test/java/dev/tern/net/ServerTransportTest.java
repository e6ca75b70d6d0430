package dev.tern.net;

import dev.tern.config.ListenAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerTransportTest {

    private final ServerTransport transport = new ServerTransport(1);

    @AfterEach
    void close() {
        transport.close();
    }

    /** Greets each connection with "hello\n". */
    private static ChannelInitializer<Channel> greeter(ConnectionLimiter limiter) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                if (limiter != null) {
                    ch.pipeline().addLast(limiter);
                }
                ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        ctx.writeAndFlush(Unpooled.copiedBuffer("hello\n", StandardCharsets.US_ASCII));
                    }
                });
            }
        };
    }

    private static String readAll(Socket s) throws IOException {
        s.setSoTimeout(10_000);
        InputStream in = s.getInputStream();
        return new String(in.readNBytes(1000), StandardCharsets.US_ASCII);
    }

    @Test
    void bindsPortZeroAndReportsThePort() throws Exception {
        BoundListener l = transport.bind("test", List.of(new ListenAddress("127.0.0.1", 0)), greeter(null));
        assertThat(l.port()).isPositive();
        assertThat(l.name()).isEqualTo("test");
        try (Socket s = new Socket("127.0.0.1", l.port())) {
            s.setSoTimeout(10_000);
            assertThat(new String(s.getInputStream().readNBytes(6), StandardCharsets.US_ASCII)).isEqualTo("hello\n");
        }
    }

    @Test
    void oneEventLoopPerCoreByDefault() {
        try (ServerTransport defaults = new ServerTransport()) {
            assertThat(defaults.ioThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        }
        assertThat(transport.ioThreads()).isEqualTo(1);
    }

    @Test
    void theLoopThatAcceptsAlsoServesManyConnectionsOnTwoListeners() throws Exception {
        BoundListener a = transport.bind("a", List.of(new ListenAddress("127.0.0.1", 0)), greeter(null));
        BoundListener b = transport.bind("b", List.of(new ListenAddress("127.0.0.1", 0)), greeter(null));
        List<Socket> open = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                Socket s = new Socket("127.0.0.1", (i % 2 == 0 ? a : b).port());
                open.add(s);
            }
            for (Socket s : open) {
                s.setSoTimeout(10_000);
                assertThat(new String(s.getInputStream().readNBytes(6), StandardCharsets.US_ASCII)).isEqualTo("hello\n");
            }
        } finally {
            for (Socket s : open) {
                s.close();
            }
        }
    }

    @Test
    void acceptedConnectionsHaveNagleOffAndKeepAliveOn() throws Exception {
        CompletableFuture<Map<String, Object>> options = new CompletableFuture<>();
        BoundListener l = transport.bind("test", List.of(new ListenAddress("127.0.0.1", 0)), new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                options.complete(Map.of("nodelay", ch.config().getOption(ChannelOption.TCP_NODELAY),
                        "keepalive", ch.config().getOption(ChannelOption.SO_KEEPALIVE)));
            }
        });
        try (Socket s = new Socket("127.0.0.1", l.port())) {
            assertThat(options.get(10, TimeUnit.SECONDS)).containsEntry("nodelay", true).containsEntry("keepalive", true);
        }
    }

    @Test
    void bindFailureIsOneLineNamingListenerAndAddress() {
        BoundListener first = transport.bind("smtp", List.of(new ListenAddress("127.0.0.1", 0)), greeter(null));
        int port = first.port();
        assertThatThrownBy(() -> transport.bind("smtp", List.of(new ListenAddress("127.0.0.1", port)), greeter(null)))
                .isInstanceOf(ListenException.class)
                .hasMessage("cannot listen on 127.0.0.1:" + port + " for smtp: address already in use");
    }

    @Test
    void allOrNothing() throws Exception {
        BoundListener busy = transport.bind("a", List.of(new ListenAddress("127.0.0.1", 0)), greeter(null));
        assertThatThrownBy(() -> transport.bind("b",
                List.of(new ListenAddress("127.0.0.2", 0), new ListenAddress("127.0.0.1", busy.port())), greeter(null)))
                .isInstanceOf(ListenException.class);
    }

    @Test
    void describesCommonErrors() {
        assertThat(ServerTransport.describe(new BindException("Address already in use"))).isEqualTo("address already in use");
        assertThat(ServerTransport.describe(new BindException("bind(..) failed: Permission denied")))
                .startsWith("permission denied");
        assertThat(ServerTransport.describe(new IOException("bind(..) failed: Something odd\nmore")))
                .isEqualTo("something odd");
    }

    @Test
    void limiterRefusesOverTheLimitAndCountsDown() throws Exception {
        ConnectionLimiter limiter = new ConnectionLimiter(10, 1,
                (alloc, limit) -> Unpooled.copiedBuffer("busy " + limit + "\n", StandardCharsets.US_ASCII));
        BoundListener l = transport.bind("test", List.of(new ListenAddress("127.0.0.1", 0)), greeter(limiter));
        try (Socket first = new Socket("127.0.0.1", l.port())) {
            first.setSoTimeout(10_000);
            assertThat(new String(first.getInputStream().readNBytes(6), StandardCharsets.US_ASCII)).isEqualTo("hello\n");
            try (Socket second = new Socket("127.0.0.1", l.port())) {
                assertThat(readAll(second)).isEqualTo("busy PER_ADDRESS\n");
            }
            assertThat(limiter.active()).isEqualTo(1);
            assertThat(limiter.active(((InetSocketAddress) first.getLocalSocketAddress()).getAddress())).isEqualTo(1);
        }
    }

    @Test
    void refusedConnectionNeverReachesTheProtocol() {
        ConnectionLimiter limiter = new ConnectionLimiter(1, 1, (alloc, limit) -> null);
        boolean[] reached = {false};
        ChannelInboundHandlerAdapter protocol = new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                reached[0] = true;
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                reached[0] = true;
            }
        };
        EmbeddedChannel admitted = new EmbeddedChannel(limiter);
        assertThat(admitted.isActive()).isTrue();
        EmbeddedChannel refused = new EmbeddedChannel(limiter, protocol);
        assertThat(reached[0]).isFalse();
        assertThat(refused.isOpen()).isFalse();
        assertThat(limiter.active()).isEqualTo(1);
        admitted.close();
        assertThat(limiter.active()).isZero();
        ByteBuf none = refused.readOutbound();
        assertThat(none).isNull();
    }
}
