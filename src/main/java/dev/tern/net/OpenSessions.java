package dev.tern.net;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The connections one protocol listener has open: each gets a name for the logs when it comes in,
 * and when the listener stops, each is ended the protocol's way (a 421, a BYE, an -ERR) by its
 * session handler, on its own event loop.
 */
public final class OpenSessions {

    /** How long stopping waits for the connections to close. */
    private static final long CLOSE_WAIT_SECONDS = 5;

    private final String listener;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final AtomicLong ids = new AtomicLong();

    public OpenSessions(String listener) {
        this.listener = listener;
    }

    /** Keeps a new connection (it leaves by itself when it closes) and returns its name, "listener-hex". */
    public String add(Channel ch) {
        channels.add(ch);
        return listener + "-" + Long.toHexString(ids.incrementAndGet());
    }

    /**
     * Ends every connection: through its {@link ProtocolConnection#shutdown}, or by closing it when
     * it has none (yet); waits a few seconds at most for all of them to close.
     */
    public void shutdown() {
        for (Channel ch : channels) {
            try {
                ch.eventLoop().execute(() -> {
                    ProtocolConnection connection = ch.pipeline().get(ProtocolConnection.class);
                    if (connection != null) {
                        connection.shutdown();
                    } else {
                        ch.close();
                    }
                });
            } catch (RejectedExecutionException e) {
                ch.close();   // its event loop is already stopping
            }
        }
        channels.newCloseFuture().awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
    }
}
