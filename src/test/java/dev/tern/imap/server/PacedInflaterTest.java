package dev.tern.imap.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.zip.Deflater;

import static org.assertj.core.api.Assertions.assertThat;

/** What arrives compressed is inflated a piece at a time, and only while the session reads. */
class PacedInflaterTest {

    private static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        d.setInput(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0) {
            out.write(buf, 0, n);
        }
        d.end();
        return out.toByteArray();
    }

    /** Takes one piece, then stops reading, as a session that waits does. */
    private static final class OnePieceAtATime extends ChannelInboundHandlerAdapter {
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        int pieces;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            b.release();
            received.writeBytes(bytes);
            pieces++;
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Test
    void aMegabyteFromAKilobyteIsInflatedOnlyAsItIsRead() {
        byte[] plain = new byte[1 << 20];
        byte[] compressed = deflate(plain);
        assertThat(compressed.length).isLessThan(4096);
        OnePieceAtATime session = new OnePieceAtATime();
        EmbeddedChannel channel = new EmbeddedChannel(new PacedInflater(), session);
        channel.writeInbound(Unpooled.wrappedBuffer(compressed));
        // One piece, then nothing while the session does not read.
        assertThat(session.pieces).isEqualTo(1);
        assertThat(session.received.size()).isEqualTo(PacedInflater.CHUNK);
        int turns = 0;
        while (session.received.size() < plain.length && turns++ < 1000) {
            channel.config().setAutoRead(true);
            channel.runPendingTasks();
        }
        assertThat(session.received.toByteArray()).isEqualTo(plain);
        assertThat(session.pieces).isEqualTo(plain.length / PacedInflater.CHUNK);
        channel.finishAndReleaseAll();
    }

    @Test
    void aCorruptStreamClosesTheConnection() {
        EmbeddedChannel channel = new EmbeddedChannel(new PacedInflater(), new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                // expected: the corrupt stream is reported, and the connection closes
            }
        });
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[]{(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x00, 0x12}));
        assertThat(channel.isOpen()).isFalse();
        channel.finishAndReleaseAll();
    }
}
