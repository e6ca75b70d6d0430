package dev.tern.milter;

import dev.tern.config.ConfigException;
import dev.tern.config.MilterSettings;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The milters of {@code [milter]}: where they listen, and the one I/O thread that talks to all of
 * them. Each SMTP session of a filtered listener gets a {@link MilterSession} with a connection of
 * its own to each filter.
 */
public final class MilterClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MilterClient.class);

    private final MilterSettings settings;
    private final String hostname;
    private final Path spoolDir;
    private final MultiThreadIoEventLoopGroup loop;
    private final Bootstrap tcp;
    private final Bootstrap unix;
    private final List<SocketAddress> addresses = new ArrayList<>();

    /**
     * @param hostname the server's name, for the {@code j} macro
     * @param spoolDir where messages larger than {@link HeldContent#MEMORY} are kept while the
     *                 filters look at them; emptied now of what a previous run left
     * @throws ConfigException when a filter's host name does not resolve, or a Unix socket is
     *                         named where the native transport is missing
     */
    public MilterClient(MilterSettings settings, String hostname, Path spoolDir) {
        this.settings = settings;
        this.hostname = hostname;
        this.spoolDir = spoolDir;
        boolean epoll = Epoll.isAvailable();
        for (MilterSettings.Endpoint e : settings.servers()) {
            if (e.isUnixSocket()) {
                if (!epoll) {
                    throw new ConfigException("milter.servers: \"" + e + "\": Unix sockets need Linux's native transport "
                            + "(epoll), which is not available here; use an inet: address");
                }
                addresses.add(new DomainSocketAddress(e.socket().toFile()));
            } else {
                try {
                    addresses.add(new InetSocketAddress(InetAddress.getByName(e.host()), e.port()));
                } catch (UnknownHostException ex) {
                    throw new ConfigException("milter.servers: \"" + e + "\": unknown host " + e.host());
                }
            }
        }
        sweep(spoolDir);
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.loop = new MultiThreadIoEventLoopGroup(1, factory);
        int connectMillis = (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis());
        this.tcp = new Bootstrap().group(loop).channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectMillis)
                .option(ChannelOption.TCP_NODELAY, true);
        this.unix = epoll ? new Bootstrap().group(loop).channel(EpollDomainSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectMillis) : null;
    }

    private static void sweep(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (f.getFileName().toString().startsWith("milter-")) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException e) {
            log.warn("cannot empty the milter spool {}: {}", dir, e.getMessage());
        }
    }

    MilterSettings settings() {
        return settings;
    }

    String hostname() {
        return hostname;
    }

    Path spoolDir() {
        return spoolDir;
    }

    /** Whether sessions on this listener are shown to the filters. */
    public boolean appliesTo(String listener) {
        return settings.appliesTo(listener);
    }

    /** The filters of one new SMTP session on {@code listener}; connecting to them starts now. */
    public MilterSession session(String listener, InetAddress client) {
        List<MilterSession.Filter> filters = new ArrayList<>();
        for (int i = 0; i < settings.servers().size(); i++) {
            MilterSettings.Endpoint e = settings.servers().get(i);
            filters.add(new MilterSession.Filter(e, MilterConnection.open(e.isUnixSocket() ? unix : tcp, e,
                    settings.connectTimeout(), addresses.get(i))));
        }
        return new MilterSession(this, listener, client, filters);
    }

    @Override
    public void close() {
        loop.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS);
    }
}
