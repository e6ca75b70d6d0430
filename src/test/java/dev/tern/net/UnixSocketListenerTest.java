package dev.tern.net;

import dev.tern.config.ListenAddress;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A listener on a Unix socket (what LMTP offers an MTA on the same host): connections are served
 * with no IP address for the client, a socket left by a server that died is replaced, what is not
 * a stale socket is never deleted, and the file goes when the listener closes.
 */
class UnixSocketListenerTest {

    @TempDir
    Path dir;
    private final ServerTransport transport = new ServerTransport(1);

    @AfterEach
    void close() {
        transport.close();
    }

    /** Greets each connection with what {@link ClientAddress} says of its client. */
    private static ChannelInitializer<Channel> greeter() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        String client = String.valueOf(ClientAddress.ipOf(ctx.channel()));
                        ctx.writeAndFlush(Unpooled.copiedBuffer("hello " + client + "\n", StandardCharsets.US_ASCII));
                    }
                });
            }
        };
    }

    private static String greeting(Path socket) throws IOException {
        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ByteBuffer buffer = ByteBuffer.allocate(100);
            CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
                try {
                    while (buffer.position() == 0 || buffer.get(buffer.position() - 1) != '\n') {
                        if (c.read(buffer) < 0) {
                            break;
                        }
                    }
                    return buffer.position();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            read.get(10, TimeUnit.SECONDS);
            return new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
                 | InterruptedException e) {
            throw new IOException(e);
        }
    }

    @Test
    void servesClientsWithoutAnAddressAndRemovesTheFileAtClose() throws Exception {
        Path socket = dir.resolve("lmtp");
        BoundListener l = transport.bind("lmtp", List.of(ListenAddress.unix(socket), new ListenAddress("127.0.0.1", 0)),
                greeter());
        assertThat(greeting(socket)).isEqualTo("hello null\n");
        assertThat(greeting(socket)).isEqualTo("hello null\n");
        assertThat(l.describedAddresses()).containsExactly("unix:" + socket, "127.0.0.1:" + l.port());
        assertThat(l.tcpAddresses()).hasSize(1);
        l.close();
        assertThat(socket).doesNotExist();
    }

    @Test
    void aStaleSocketIsReplaced() throws Exception {
        Path socket = dir.resolve("lmtp");
        // What a server killed with SIGKILL leaves: the socket file, and nobody listening on it.
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(socket).exists();
        assertThat(UnixSocketFiles.state(socket)).isEqualTo(UnixSocketFiles.State.STALE);
        transport.bind("lmtp", List.of(ListenAddress.unix(socket)), greeter());
        assertThat(greeting(socket)).isEqualTo("hello null\n");
        assertThat(UnixSocketFiles.state(socket)).isEqualTo(UnixSocketFiles.State.SERVED);
    }

    @Test
    void aSocketAnotherProcessServesIsLeftAlone() throws Exception {
        Path socket = dir.resolve("lmtp");
        try (ServerSocketChannel other = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            other.bind(UnixDomainSocketAddress.of(socket));
            assertThatThrownBy(() -> transport.bind("lmtp", List.of(ListenAddress.unix(socket)), greeter()))
                    .isInstanceOf(ListenException.class)
                    .hasMessage("cannot listen on unix:" + socket + " for lmtp: another process listens on this socket");
            // Still the other server's: it accepts.
            try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                assertThat(c.isConnected()).isTrue();
            }
        }
    }

    @Test
    void aFileThatIsNoSocketIsNeverDeleted() throws Exception {
        Path file = dir.resolve("lmtp");
        Files.writeString(file, "keep me");
        assertThatThrownBy(() -> transport.bind("lmtp", List.of(ListenAddress.unix(file)), greeter()))
                .isInstanceOf(ListenException.class)
                .hasMessage("cannot listen on unix:" + file + " for lmtp: a file that is not a socket is in the way");
        assertThat(file).hasContent("keep me");

        Path nowhere = dir.resolve("missing").resolve("lmtp");
        assertThatThrownBy(() -> transport.bind("lmtp", List.of(ListenAddress.unix(nowhere)), greeter()))
                .isInstanceOf(ListenException.class)
                .hasMessage("cannot listen on unix:" + nowhere + " for lmtp: its directory does not exist");
    }

    @Test
    void allOrNothingWithATcpAddressThatFails() throws Exception {
        Path socket = dir.resolve("lmtp");
        BoundListener busy = transport.bind("a", List.of(new ListenAddress("127.0.0.1", 0)), greeter());
        assertThatThrownBy(() -> transport.bind("lmtp",
                List.of(ListenAddress.unix(socket), new ListenAddress("127.0.0.1", busy.port())), greeter()))
                .isInstanceOf(ListenException.class);
        // The socket bound first was closed and its file removed with it.
        assertThat(socket).doesNotExist();
    }
}
