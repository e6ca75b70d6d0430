package dev.tern.imap.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;

import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Inflates a DEFLATE stream (RFC 4978, raw deflate) only as fast as the session takes its input.
 * A few kilobytes of compressed input can stand for gigabytes, so inflating all that arrives would
 * let a client fill memory while its session waits: instead, each piece of at most {@link #CHUNK}
 * octets goes up only while the channel reads (the session turns reading off while it waits), and
 * the rest stays compressed here. When reading is turned on again, the pieces held come first,
 * and the socket is read only when none is left.
 */
final class PacedInflater extends ChannelDuplexHandler {

    /** Octets inflated at a time. */
    static final int CHUNK = 16 * 1024;

    private final Inflater inflater = new Inflater(true);
    /** Compressed input not yet given to the inflater. */
    private ByteBuf pending;
    private boolean broken;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf compressed) || broken) {
            io.netty.util.ReferenceCountUtil.release(msg);
            return;
        }
        if (pending == null) {
            pending = compressed;
        } else {
            pending = io.netty.handler.codec.ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), pending, compressed);
        }
        drain(ctx);
    }

    /** The session wants more: what is held goes first; the socket is read when nothing is. */
    @Override
    public void read(ChannelHandlerContext ctx) {
        drain(ctx);
        if (!holding()) {
            ctx.read();
        }
    }

    /** Inflates and passes on pieces while the channel reads and something is held. */
    private void drain(ChannelHandlerContext ctx) {
        while (!broken && ctx.channel().config().isAutoRead() && holding()) {
            if (inflater.needsInput()) {
                byte[] input = new byte[pending.readableBytes()];
                pending.readBytes(input);
                inflater.setInput(input);
                releasePending();
            }
            ByteBuf out = ctx.alloc().heapBuffer(CHUNK);
            int n;
            try {
                n = inflater.inflate(out.array(), out.arrayOffset() + out.writerIndex(), CHUNK);
            } catch (DataFormatException e) {
                out.release();
                broken = true;
                releasePending();
                ctx.fireExceptionCaught(new java.io.IOException("the client's DEFLATE stream is corrupt: " + e.getMessage()));
                ctx.close();
                return;
            }
            if (n == 0) {
                out.release();
                if (inflater.finished() || inflater.needsDictionary()) {
                    // The client ended its stream (or asks for a dictionary, which raw DEFLATE has
                    // none of): nothing more can come.
                    broken = true;
                    releasePending();
                    ctx.close();
                    return;
                }
                if (inflater.needsInput() && pending == null) {
                    return;
                }
                continue;
            }
            out.writerIndex(out.writerIndex() + n);
            ctx.fireChannelRead(out);
        }
    }

    /** Compressed input held, in the inflater or here. */
    private boolean holding() {
        return !inflater.needsInput() || pending != null && pending.isReadable();
    }

    private void releasePending() {
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releasePending();
        inflater.end();
    }
}
