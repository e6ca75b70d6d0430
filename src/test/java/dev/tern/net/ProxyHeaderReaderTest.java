package dev.tern.net;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tern.config.ClientNetworks;
import dev.tern.config.ListenAddress;
import dev.tern.config.ProxyProtocolSettings;
import dev.tern.testing.ProxyHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The PROXY header on a listener behind a load balancer, with a tiny protocol that greets each
 * connection with the client address it sees and echoes what it reads: v1 and v2 headers from the
 * trusted balancer (127.0.0.1), what follows the header in the same packet, the v2 LOCAL command,
 * missing and malformed headers, and clients from an untrusted address (127.0.0.2).
 */
class ProxyHeaderReaderTest {

    private static final Duration HEADER_TIMEOUT = Duration.ofMillis(400);

    private final ServerTransport transport = new ServerTransport(1, ConnectionObserver.NONE,
            new ProxyProtocolSettings(List.of("proxied"), ClientNetworks.parse("trusted", List.of("127.0.0.1/32"))),
            HEADER_TIMEOUT);
    private ListAppender<ILoggingEvent> log;

    @BeforeEach
    void captureLog() {
        log = new ListAppender<>();
        log.start();
        ((Logger) LoggerFactory.getLogger("dev.tern.net")).addAppender(log);
    }

    @AfterEach
    void close() {
        ((Logger) LoggerFactory.getLogger("dev.tern.net")).detachAppender(log);
        transport.close();
    }

    /** Greets with "hello ADDRESS:PORT proxied|direct\n" and echoes every byte it reads. */
    private static ChannelInitializer<Channel> greeter(ConnectionLimiter limiter) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                if (limiter != null) {
                    ch.pipeline().addLast("limits", limiter);
                }
                ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        InetSocketAddress client = ClientAddress.of(ctx.channel());
                        String greeting = "hello " + client.getAddress().getHostAddress() + ":" + client.getPort()
                                + (ClientAddress.isProxied(ctx.channel()) ? " proxied" : " direct") + "\n";
                        ctx.writeAndFlush(Unpooled.copiedBuffer(greeting, StandardCharsets.US_ASCII));
                    }

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ctx.writeAndFlush((ByteBuf) msg);
                    }
                });
            }
        };
    }

    private int listen(String name, ConnectionLimiter limiter) {
        return transport.bind(name, List.of(new ListenAddress("127.0.0.1", 0)), greeter(limiter)).port();
    }

    private static Socket connect(String from, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        s.setSoTimeout(10_000);
        return s;
    }

    private static String line(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            out.write(b);
        }
        if (b == -1 && out.size() == 0) {
            throw new IOException("connection closed");
        }
        return out.toString(StandardCharsets.US_ASCII);
    }

    /** True when the server closes without having written a single byte. */
    private static boolean closedSilently(Socket s) throws IOException {
        try {
            return s.getInputStream().read() == -1;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    private static void send(Socket s, byte[] bytes) throws IOException {
        s.getOutputStream().write(bytes);
        s.getOutputStream().flush();
    }

    private List<String> warnings() {
        return log.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void v1HeaderGivesTheClientAndWhatFollowsInTheSamePacketGoesThrough() throws Exception {
        int port = listen("proxied", null);
        try (Socket s = connect("127.0.0.1", port)) {
            send(s, ProxyHeaders.then(ProxyHeaders.v1("203.0.113.7", 40000, "127.0.0.1", 25), "ping\n"));
            assertThat(line(s)).isEqualTo("hello 203.0.113.7:40000 proxied");
            assertThat(line(s)).isEqualTo("ping");
        }
    }

    @Test
    void nothingIsSaidBeforeTheHeader() throws Exception {
        int port = listen("proxied", null);
        try (Socket s = connect("127.0.0.1", port)) {
            s.setSoTimeout(150);
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            s.setSoTimeout(10_000);
            // In pieces: the decoder waits for the whole header.
            byte[] header = ProxyHeaders.v1("198.51.100.20", 1234, "127.0.0.1", 25);
            send(s, java.util.Arrays.copyOfRange(header, 0, 9));
            Thread.sleep(50);
            send(s, java.util.Arrays.copyOfRange(header, 9, header.length));
            assertThat(line(s)).isEqualTo("hello 198.51.100.20:1234 proxied");
        }
    }

    @Test
    void v2HeadersOverIpv4AndIpv6WithTlvs() throws Exception {
        int port = listen("proxied", null);
        try (Socket s = connect("127.0.0.1", port)) {
            byte[] awsVpceId = ProxyHeaders.tlv(0xEA, "\u0001vpce-08d2bf15fac5001c9".getBytes(StandardCharsets.US_ASCII));
            send(s, ProxyHeaders.then(ProxyHeaders.v2("192.0.2.55", 51000, "10.0.0.9", 993, awsVpceId), "a\n"));
            assertThat(line(s)).isEqualTo("hello 192.0.2.55:51000 proxied");
            assertThat(line(s)).isEqualTo("a");
        }
        try (Socket s = connect("127.0.0.1", port)) {
            send(s, ProxyHeaders.v2("2001:db8::7", 443, "2001:db8::1", 25));
            assertThat(line(s)).isEqualTo("hello 2001:db8:0:0:0:0:0:7:443 proxied");
        }
    }

    @Test
    void localCommandAndUnknownProtocolKeepTheBalancersAddress() throws Exception {
        int port = listen("proxied", null);
        try (Socket s = connect("127.0.0.1", port)) {
            send(s, ProxyHeaders.v2Local());
            assertThat(line(s)).isEqualTo("hello 127.0.0.1:" + s.getLocalPort() + " direct");
        }
        try (Socket s = connect("127.0.0.1", port)) {
            send(s, "PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(line(s)).isEqualTo("hello 127.0.0.1:" + s.getLocalPort() + " direct");
        }
        assertThat(warnings()).isEmpty();
    }

    @Test
    void trustedSourceWithoutHeaderIsClosedAfterTheTimeout() throws Exception {
        int port = listen("proxied", null);
        try (Socket s = connect("127.0.0.1", port)) {
            assertThat(closedSilently(s)).isTrue();
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !warnings().isEmpty());
        assertThat(warnings()).singleElement().asString()
                .startsWith("proxied: connection from proxy 127.0.0.1:")
                .endsWith("closed: no PROXY header within 400 ms");
    }

    @Test
    void trustedSourceSpeakingTheProtocolAtOnceIsClosed() throws Exception {
        int port = listen("proxied", null);
        try (Socket s = connect("127.0.0.1", port)) {
            send(s, "EHLO client.example\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(closedSilently(s)).isTrue();
        }
        // The decoder closes before it reports: the line may come a moment after the close.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !warnings().isEmpty());
        assertThat(warnings()).singleElement().asString().contains("invalid PROXY header");
    }

    @Test
    void malformedHeadersAreClosedWithOneLogLineEach() throws Exception {
        int port = listen("proxied", null);
        List<byte[]> bad = List.of(
                "PROXY TCP4 203.0.113.999 127.0.0.1 40000 25\r\n".getBytes(StandardCharsets.US_ASCII),
                "PROXY TCP4 203.0.113.7 127.0.0.1 70000 25\r\n".getBytes(StandardCharsets.US_ASCII),
                "PROXY TCP6 203.0.113.7 127.0.0.1 40000 25\r\n".getBytes(StandardCharsets.US_ASCII),
                ("PROXY TCP4 203.0.113.7 127.0.0.1 40000 25" + " ".repeat(100) + "\r\n").getBytes(StandardCharsets.US_ASCII),
                new byte[]{0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x31, 0x11, 0, 12,
                        1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 0, 2});
        for (byte[] header : bad) {
            try (Socket s = connect("127.0.0.1", port)) {
                send(s, ProxyHeaders.then(header, "ping\n"));
                assertThat(closedSilently(s)).as(new String(header, StandardCharsets.US_ASCII)).isTrue();
            }
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> warnings().size() >= bad.size());
        Thread.sleep(100);
        assertThat(warnings()).hasSize(bad.size()).allMatch(w -> w.contains("invalid PROXY header"));
    }

    @Test
    void untrustedSourceIsServedDirectlyAndItsHeaderIsMereData() throws Exception {
        int port = listen("proxied", null);
        try (Socket s = connect("127.0.0.2", port)) {
            assertThat(line(s)).isEqualTo("hello 127.0.0.2:" + s.getLocalPort() + " direct");
            send(s, ProxyHeaders.v1("203.0.113.7", 40000, "127.0.0.1", 25));
            assertThat(line(s)).isEqualTo("PROXY TCP4 203.0.113.7 127.0.0.1 40000 25\r");
        }
    }

    @Test
    void listenersNotNamedReadNoHeader() throws Exception {
        int port = listen("direct", null);
        try (Socket s = connect("127.0.0.1", port)) {
            assertThat(line(s)).isEqualTo("hello 127.0.0.1:" + s.getLocalPort() + " direct");
        }
    }

    @Test
    void perAddressLimitCountsTheProxiedClients() throws Exception {
        ConnectionLimiter limiter = new ConnectionLimiter(10, 1,
                (alloc, limit) -> Unpooled.copiedBuffer("busy " + limit + "\n", StandardCharsets.US_ASCII));
        int port = listen("proxied", limiter);
        try (Socket a = connect("127.0.0.1", port); Socket b = connect("127.0.0.1", port);
             Socket a2 = connect("127.0.0.1", port)) {
            send(a, ProxyHeaders.v1("203.0.113.7", 1000, "127.0.0.1", 25));
            assertThat(line(a)).isEqualTo("hello 203.0.113.7:1000 proxied");
            // Another client through the same balancer is not limited with the first.
            send(b, ProxyHeaders.v2("203.0.113.8", 1001, "127.0.0.1", 25));
            assertThat(line(b)).isEqualTo("hello 203.0.113.8:1001 proxied");
            // The same client again is.
            send(a2, ProxyHeaders.v1("203.0.113.7", 1002, "127.0.0.1", 25));
            assertThat(line(a2)).isEqualTo("busy PER_ADDRESS");
            assertThat(limiter.active()).isEqualTo(2);
            assertThat(limiter.active(java.net.InetAddress.getByName("203.0.113.7"))).isEqualTo(1);
            assertThat(limiter.active(java.net.InetAddress.getByName("127.0.0.1"))).isZero();
        }
    }
}
