package dev.tern.admin.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;

/**
 * Reads a request and its body into one message, up to a size limit. A body over the limit is
 * answered at once with a JSON 413 ({@code payload_too_large}) instead of Netty's empty one; the
 * rest of it is read and thrown away (or the connection is closed, when it cannot be kept).
 */
final class BodyLimit extends HttpObjectAggregator {

    private final int limit;

    BodyLimit(int limit) {
        super(limit);
        this.limit = limit;
    }

    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        Object response = super.newContinueResponse(start, maxContentLength, pipeline);
        if (response instanceof HttpResponse r && r.status().code() == 413) {
            ReferenceCountUtil.release(response);
            return tooLarge(false);
        }
        if (response instanceof HttpResponse r && r.status().code() == 417) {
            ReferenceCountUtil.release(response);
            return error(HttpResponseStatus.EXPECTATION_FAILED, "expectation_failed",
                    "only \"Expect: 100-continue\" is understood", false);
        }
        return response;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        if (!(oversized instanceof HttpRequest)) {
            ctx.close();
            return;
        }
        boolean close = oversized instanceof FullHttpMessage || !ctx.channel().config().isAutoRead()
                || (!HttpUtil.is100ContinueExpected(oversized) && !HttpUtil.isKeepAlive(oversized));
        ctx.writeAndFlush(tooLarge(close)).addListener(close ? ChannelFutureListener.CLOSE
                : ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    private FullHttpResponse tooLarge(boolean close) {
        return error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "payload_too_large",
                "the request body is larger than " + limit + " bytes", close);
    }

    static FullHttpResponse error(HttpResponseStatus status, String code, String message, boolean close) {
        byte[] body = Json.write(new ErrorBody(new ErrorBody.Detail(code, message)));
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, ApiResponse.JSON);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        if (close) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return r;
    }
}
