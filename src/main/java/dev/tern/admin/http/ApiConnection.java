package dev.tern.admin.http;

import dev.tern.net.ClientAddress;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP connection of the admin listener: turns each complete request into an
 * {@link ApiRequest}, has the {@link Dispatcher} answer it on a worker thread, and writes the
 * answer. Requests are answered one at a time and in order (HTTP/1.1 pipelining); while one runs,
 * the connection is not read, which bounds the memory a client can hold.
 *
 * <p>Runs on the connection's event loop; only {@link Dispatcher#dispatch} runs elsewhere.
 */
final class ApiConnection extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ApiConnection.class);
    /** Requests read ahead while one is answered; a client that pipelines more is disconnected. */
    private static final int MAX_WAITING = 16;

    private final Dispatcher dispatcher;
    private final Executor workers;
    private final ArrayDeque<FullHttpRequest> waiting = new ArrayDeque<>();
    private boolean busy;

    ApiConnection(Dispatcher dispatcher, Executor workers) {
        this.dispatcher = dispatcher;
        this.workers = workers;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (waiting.size() >= MAX_WAITING) {
            request.release();
            ctx.close();
            return;
        }
        waiting.add(request);
        next(ctx);
    }

    private void next(ChannelHandlerContext ctx) {
        if (busy || waiting.isEmpty()) {
            return;
        }
        FullHttpRequest request = waiting.poll();
        busy = true;
        ctx.channel().config().setAutoRead(false);
        DecoderResult decoded = request.decoderResult();
        if (!decoded.isSuccess()) {
            request.release();
            finish(ctx, malformed(decoded.cause()), false);
            return;
        }
        try {
            Http11Requests.check(request);
        } catch (ApiException e) {
            request.release();
            finish(ctx, BodyLimit.error(HttpResponseStatus.valueOf(e.status()), e.code(), e.getMessage(), true), false);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        ApiRequest api;
        try {
            api = toApiRequest(ctx, request);
        } catch (IllegalArgumentException e) {
            finish(ctx, BodyLimit.error(HttpResponseStatus.BAD_REQUEST, "bad_request", e.getMessage(), true), false);
            return;
        } finally {
            request.release();
        }
        try {
            workers.execute(() -> {
                ApiResponse response = dispatcher.dispatch(api);
                try {
                    ctx.executor().execute(() -> respond(ctx, api, response, keepAlive));
                } catch (RejectedExecutionException closing) {
                    LOG.debug("admin request {} answered after its connection's event loop stopped", api.id());
                }
            });
        } catch (RejectedExecutionException e) {
            respond(ctx, api, ApiResponse.error(new ApiException(503, "busy",
                    "the server has too many admin requests in progress; try again shortly")), keepAlive);
        }
    }

    private void respond(ChannelHandlerContext ctx, ApiRequest request, ApiResponse response, boolean keepAlive) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(response.status()), Unpooled.wrappedBuffer(response.body()));
        if (response.contentType() != null) {
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
        }
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.body().length);
        r.headers().set(ResponseHeaders.REQUEST_ID, request.id());
        for (Map.Entry<String, String> h : response.headers()) {
            r.headers().add(h.getKey(), h.getValue());
        }
        // The security header fields are added by ResponseHeaders, nearer the codec in the pipeline.
        if (!keepAlive) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        if (response.delay().isZero() || response.delay().isNegative()) {
            finish(ctx, r, keepAlive);
        } else {
            ctx.executor().schedule(() -> finish(ctx, r, keepAlive), response.delay().toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /** Writes a response, then reads on (or closes, for a connection that is not kept). */
    private void finish(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        if (!ctx.channel().isActive()) {
            response.release();
            return;
        }
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ctx.writeAndFlush(response).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess() || !keepAlive) {
                ctx.close();
                return;
            }
            busy = false;
            if (waiting.isEmpty()) {
                ctx.channel().config().setAutoRead(true);
            } else {
                next(ctx);
            }
        });
    }

    private static FullHttpResponse malformed(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return BodyLimit.error(HttpResponseStatus.REQUEST_URI_TOO_LONG, "uri_too_long",
                    "the request line is too long", true);
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return BodyLimit.error(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "headers_too_large",
                    "the request's header fields are too large", true);
        }
        return BodyLimit.error(HttpResponseStatus.BAD_REQUEST, "bad_request", "the request is not valid HTTP/1.1", true);
    }

    private static ApiRequest toApiRequest(ChannelHandlerContext ctx, FullHttpRequest request) {
        String uri = request.uri();
        if (!uri.startsWith("/")) {
            throw new IllegalArgumentException("the request target must be a path starting with /");
        }
        QueryStringDecoder decoder = new QueryStringDecoder(uri);
        Map<String, List<String>> headers = new HashMap<>();
        for (Map.Entry<String, String> h : request.headers()) {
            headers.computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(h.getValue());
        }
        Map<String, String> cookies = new LinkedHashMap<>();
        for (String header : request.headers().getAll(HttpHeaderNames.COOKIE)) {
            for (Cookie c : ServerCookieDecoder.STRICT.decodeAll(header)) {
                cookies.putIfAbsent(c.name(), c.value());
            }
        }
        byte[] body = ByteBufUtil.getBytes(request.content());
        // Methods are case-sensitive (RFC 9110 §9.1): "get" is no GET, and is answered as any unknown method.
        return new ApiRequest(ApiRequest.newId(), request.method().name(), decoder.rawPath(),
                decoder.parameters(), headers, cookies, body, ClientAddress.of(ctx.channel()),
                ctx.pipeline().get(SslHandler.class) != null, Map.of(), null);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            if (!busy && waiting.isEmpty()) {
                ctx.close();
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        for (FullHttpRequest r : waiting) {
            r.release();
        }
        waiting.clear();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("admin connection from {} closed: {}", ClientAddress.of(ctx.channel()), cause.toString());
        ctx.close();
    }
}
