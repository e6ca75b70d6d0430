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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
    private final java.util.function.Consumer<String> failures;

    /**
     * @param hostname the server's name, for the {@code j} macro
     * @param spoolDir where messages larger than {@link HeldContent#MEMORY} are kept while the
     *                 filters look at them (see {@link #sweep})
     * @throws ConfigException when a filter's host name does not resolve, or a Unix socket is
     *                         named where the native transport is missing
     */
    public MilterClient(MilterSettings settings, String hostname, Path spoolDir) {
        this(settings, hostname, spoolDir, milter -> {
        });
    }

    /** @param failures hears the address of each filter that fails in a session, once per session */
    public MilterClient(MilterSettings settings, String hostname, Path spoolDir,
                        java.util.function.Consumer<String> failures) {
        this.settings = settings;
        this.failures = failures;
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
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.loop = new MultiThreadIoEventLoopGroup(1, new io.netty.util.concurrent.DefaultThreadFactory("tern-milter", true),
                factory);
        int connectMillis = (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis());
        this.tcp = new Bootstrap().group(loop).channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectMillis)
                .option(ChannelOption.TCP_NODELAY, true);
        this.unix = epoll ? new Bootstrap().group(loop).channel(EpollDomainSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectMillis) : null;
    }

    /** Removes what a previous run left in the spool (a crash while filters looked at a large message). */
    public static void sweep(Path dir) {
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

    void failed(MilterSettings.Endpoint milter) {
        failures.accept(milter.text());
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

    /** What a probe of one filter found: whether it answered, and what it agreed to or why it failed. */
    public record Probe(String endpoint, boolean answered, String detail) {
    }

    /**
     * Connects to each filter and agrees on the options as a session would, then says goodbye: what
     * {@code bin/tern check} reports. Blocks for at most the connect timeout per filter.
     */
    public List<Probe> probe() {
        List<Probe> out = new ArrayList<>();
        for (int i = 0; i < settings.servers().size(); i++) {
            MilterSettings.Endpoint e = settings.servers().get(i);
            try {
                MilterConnection c = MilterConnection.open(e.isUnixSocket() ? unix : tcp, e, settings.connectTimeout(),
                        addresses.get(i)).get(settings.connectTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
                out.add(new Probe(e.text(), true, describe(c.options())));
                c.close();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                out.add(new Probe(e.text(), false, "interrupted"));
            } catch (ExecutionException ex) {
                out.add(new Probe(e.text(), false, ex.getCause().getMessage()));
            } catch (TimeoutException ex) {
                out.add(new Probe(e.text(), false, "no answer within " + settings.connectTimeout().toSeconds() + "s"));
            }
        }
        return out;
    }

    private static final String[] ACTIONS = {"add header fields", "replace the body", "add recipients",
            "remove recipients", "change header fields", "quarantine", "change the sender",
            "add recipients with parameters", "choose its macros"};

    static String describe(MilterConnection.Options o) {
        List<String> can = new ArrayList<>();
        for (int bit = 0; bit < ACTIONS.length; bit++) {
            if ((o.actions() & (1 << bit)) != 0) {
                can.add(ACTIONS[bit]);
            }
        }
        return "protocol version " + o.version() + (can.isEmpty() ? ", changes nothing"
                : ", may " + String.join(", ", can));
    }

    @Override
    public void close() {
        loop.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
}
