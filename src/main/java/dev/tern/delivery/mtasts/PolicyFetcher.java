package dev.tern.delivery.mtasts;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.ReadTimeoutHandler;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Fetches a policy file over HTTPS (RFC 8461 §3.3): {@code GET
 * https://mta-sts.<domain>/.well-known/mta-sts.txt}, the certificate checked against that host
 * name, a {@code 200} answer of type {@code text/plain} only (redirects are not followed), at
 * most 64 KiB, within a time limit. The host's addresses are resolved by the caller, through
 * the same DNS resolver as the rest of delivery.
 */
final class PolicyFetcher {

    /** RFC 8461 §3.3 allows senders to refuse larger policies. */
    static final int MAX_POLICY = 64 * 1024;

    private final EventLoopGroup group;
    private final boolean epoll;
    private final SslContext tls;
    private final int port;
    private final Duration timeout;

    /**
     * @param tls  a client context that verifies certificates and host names
     * @param port 443, or another port for tests
     */
    PolicyFetcher(EventLoopGroup group, boolean epoll, SslContext tls, int port, Duration timeout) {
        this.group = group;
        this.epoll = epoll;
        this.tls = tls;
        this.port = port;
        this.timeout = timeout;
    }

    /** The policy text of {@code domain}, tried at each address in turn; fails with a reason. */
    CompletableFuture<String> fetch(String domain, List<InetAddress> addresses) {
        String host = "mta-sts." + domain;
        CompletableFuture<String> result = fetchFrom(host, addresses.get(0));
        for (InetAddress next : addresses.subList(1, addresses.size())) {
            result = result.exceptionallyCompose(e -> {
                Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                        ? e.getCause() : e;
                return cause instanceof CannotConnect ? fetchFrom(host, next) : CompletableFuture.failedFuture(cause);
            });
        }
        return result;
    }

    private CompletableFuture<String> fetchFrom(String host, InetAddress address) {
        CompletableFuture<String> result = new CompletableFuture<>();
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        SslHandler ssl = tls.newHandler(ch.alloc(), host, port);
                        ssl.setHandshakeTimeoutMillis(timeout.toMillis());
                        ch.pipeline().addLast(ssl,
                                new ReadTimeoutHandler(timeout.toMillis(), TimeUnit.MILLISECONDS),
                                new HttpClientCodec(),
                                new HttpObjectAggregator(MAX_POLICY),
                                new Answer(result));
                    }
                });
        b.connect(new InetSocketAddress(address, port)).addListener(f -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(new CannotConnect("cannot connect to " + host + " ("
                        + address.getHostAddress() + "): " + f.cause().getMessage()));
                return;
            }
            Channel ch = ((io.netty.channel.ChannelFuture) f).channel();
            FullHttpRequest get = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
                    "/.well-known/mta-sts.txt", Unpooled.EMPTY_BUFFER);
            get.headers().set(HttpHeaderNames.HOST, port == 443 ? host : host + ":" + port);
            get.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            get.headers().set(HttpHeaderNames.USER_AGENT, "Tern MTA-STS");
            ch.writeAndFlush(get);
        });
        return result;
    }

    /**
     * Takes the one response, checks it, and closes. A failure (TLS, a response too large, a
     * timeout) is kept and reported when the connection has closed, since the handlers that
     * detect some of them close the connection first.
     */
    private static final class Answer extends SimpleChannelInboundHandler<FullHttpResponse> {

        private final CompletableFuture<String> result;
        private String failure;
        private boolean tlsFailed;

        Answer(CompletableFuture<String> result) {
            this.result = result;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof io.netty.handler.ssl.SslHandshakeCompletionEvent e && !e.isSuccess()) {
                failure = "TLS: " + describe(e.cause());
                tlsFailed = true;
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            result.completeExceptionally(new PolicyFailure.Failed(
                    tlsFailed ? PolicyFailure.WEBPKI_INVALID : PolicyFailure.FETCH_ERROR,
                    failure != null ? failure : "the connection closed without an answer"));
            super.channelInactive(ctx);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            int status = response.status().code();
            String type = response.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
            if (status != 200) {
                result.completeExceptionally(new IllegalStateException("HTTP status " + status));
            } else if (!type.toLowerCase(Locale.ROOT).startsWith("text/plain")) {
                result.completeExceptionally(new IllegalStateException("content type is not text/plain: "
                        + type.replaceAll("[^\\x20-\\x7e]", "?")));
            } else {
                result.complete(response.content().toString(StandardCharsets.UTF_8));
            }
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (failure == null) {
                failure = describe(cause);
            }
            ctx.close();
        }

        private static String describe(Throwable cause) {
            Throwable c = cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() != null
                    ? cause.getCause() : cause;
            return c instanceof io.netty.handler.timeout.ReadTimeoutException ? "timed out"
                    : c instanceof io.netty.handler.codec.TooLongFrameException ? "policy larger than " + MAX_POLICY + " octets"
                    : c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
        }
    }

    /** No connection to this address: the next one is tried. */
    static final class CannotConnect extends RuntimeException {
        CannotConnect(String message) {
            super(message, null, false, false);
        }
    }
}
