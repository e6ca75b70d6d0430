package dev.tern.admin.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;

/**
 * Gives every answer of the listener the header fields that each must carry: the request id and
 * the security fields (no caching unless the answer says otherwise, no MIME sniffing, no framing,
 * no referrer, scripts and styles from this origin only).
 *
 * <p>It sits in the pipeline just above the HTTP codec, so that it sees every answer, not only
 * those of the {@link Dispatcher}: the errors of the HTTP layer itself (a malformed request, a
 * request line or header fields too long, a body too large, an {@code Expect} not understood) are
 * written before there is a request to answer, by handlers that know nothing of these fields. An
 * answer that sets one of them keeps its own value. Interim (1xx) answers are left alone.
 */
@ChannelHandler.Sharable
final class ResponseHeaders extends ChannelOutboundHandlerAdapter {

    static final ResponseHeaders INSTANCE = new ResponseHeaders();
    static final String REQUEST_ID = "X-Request-Id";

    private ResponseHeaders() {
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse r && r.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
            HttpHeaders h = r.headers();
            if (!h.contains(REQUEST_ID)) {
                h.set(REQUEST_ID, ApiRequest.newId());   // an answer of the HTTP layer: no request was made
            }
            setIfAbsent(h, HttpHeaderNames.CACHE_CONTROL.toString(), "no-store");
            setIfAbsent(h, "X-Content-Type-Options", "nosniff");
            setIfAbsent(h, "X-Frame-Options", "DENY");
            setIfAbsent(h, "Referrer-Policy", "no-referrer");
            setIfAbsent(h, "Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
        }
        ctx.write(msg, promise);
    }

    private static void setIfAbsent(HttpHeaders headers, String name, String value) {
        if (!headers.contains(name)) {
            headers.set(name, value);
        }
    }
}
