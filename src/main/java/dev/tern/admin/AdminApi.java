package dev.tern.admin;

import dev.tern.admin.api.AccountRoutes;
import dev.tern.admin.api.AliasRoutes;
import dev.tern.admin.api.ApiServices;
import dev.tern.admin.api.AutoconfigRoutes;
import dev.tern.admin.api.CredentialRoutes;
import dev.tern.admin.api.DocumentRoutes;
import dev.tern.admin.api.DomainRoutes;
import dev.tern.admin.api.Errors;
import dev.tern.admin.api.HealthRoutes;
import dev.tern.admin.api.SettingsRoutes;
import dev.tern.admin.api.QueueRoutes;
import dev.tern.admin.api.SessionRoutes;
import dev.tern.admin.api.StatsRoutes;
import dev.tern.admin.api.TokenRoutes;
import dev.tern.admin.api.TraceRoutes;
import dev.tern.admin.auth.AdminAccounts;
import dev.tern.admin.auth.AdminSessions;
import dev.tern.admin.auth.ApiTokens;
import dev.tern.admin.http.ApiServer;
import dev.tern.admin.http.Dispatcher;
import dev.tern.admin.http.RouteGroup;
import dev.tern.admin.http.RouteTable;
import dev.tern.admin.http.StaticFiles;
import dev.tern.auth.AuthThrottle;
import dev.tern.config.AdminSettings;
import dev.tern.config.AuthSettings;
import dev.tern.config.ClientPorts;
import dev.tern.config.ListenAddress;
import dev.tern.config.TernConfig;
import dev.tern.credentials.SmtpCredentials;
import dev.tern.directory.Directory;
import dev.tern.mailbox.MailboxService;
import dev.tern.net.BoundListener;
import dev.tern.net.ServerTransport;
import dev.tern.net.tls.ServerTls;
import dev.tern.onboarding.DomainOnboarding;
import dev.tern.queue.MailQueue;
import dev.tern.security.dkim.DkimKeys;
import dev.tern.store.MetadataStore;
import dev.tern.tracking.MessageTrace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The admin listener put together: the built-in resources (sessions, tokens, domains, accounts,
 * aliases, queue, delivery records and statistics, health, SMTP credentials, mail client
 * autoconfiguration, the OpenAPI document, metrics), the routes other packages {@link #register}, the
 * web console's files, and the HTTP server that answers them on a small pool of worker threads.
 *
 * <p>Extension points: {@link #register(RouteGroup)} adds routes (before {@link #start}); the
 * metrics text comes from the supplier given to the constructor; files under
 * {@code admin/console/} on the class path are served at {@code /}.
 */
public final class AdminApi implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);
    /** Threads answering requests: password hashing and DKIM key generation are the costly ones. */
    private static final int WORKERS = 4;
    private static final int WORKER_QUEUE = 256;
    /** The version of the API, in the OpenAPI document. */
    public static final String VERSION = "1";

    private final RouteTable table = new RouteTable();
    private final AdminSettings settings;
    private final ApiTokens tokens;
    private final AdminSessions sessions;
    private ThreadPoolExecutor workers;
    private ApiServer server;

    /**
     * What the admin API works on.
     *
     * @param metrics     the text of {@code /metrics} (Prometheus' text format), asked at each request
     * @param trace       the delivery records, for {@code /api/trace} and {@code /api/stats}
     * @param listeners   the server's listeners, asked at each {@code /api/health}
     * @param certificate the certificate of the TLS listeners (null when there is none), asked likewise
     * @param version     the version of Tern
     * @param onboarding  domains with their ownership tokens, DNS records and checks
     * @param credentials SMTP credentials of applications
     * @param clientPorts where mail clients reach the client listeners, for autoconfiguration
     */
    public record Context(TernConfig config, MetadataStore store, Directory directory, MailboxService mailboxes,
                          MailQueue queue, DkimKeys dkimKeys, Supplier<String> metrics, Clock clock,
                          MessageTrace trace, Supplier<List<BoundListener>> listeners,
                          Supplier<X509Certificate> certificate, String version, DomainOnboarding onboarding,
                          SmtpCredentials credentials, Supplier<ClientPorts> clientPorts) {
    }

    public AdminApi(Context c) {
        this.settings = c.config().admin();
        AuthSettings auth = c.config().auth();
        this.tokens = new ApiTokens(c.store(), c.clock());
        this.sessions = new AdminSessions(c.store(), new AdminAccounts(c.store(), c.clock()),
                settings.sessionLifetime(), c.clock());
        ApiServices services = new ApiServices(c.directory(), c.mailboxes(), c.queue(), c.dkimKeys(),
                c.config().hostname(), sessions, tokens, AuthThrottle.of(auth, c.clock()), c.onboarding(),
                c.credentials());
        register(new SessionRoutes(services));
        register(new TokenRoutes(services));
        register(new DomainRoutes(services));
        register(new AccountRoutes(services));
        register(new AliasRoutes(services));
        register(new QueueRoutes(services));
        register(new TraceRoutes(c.trace(), c.clock()));
        register(new StatsRoutes(c.trace(), c.queue()));
        register(new HealthRoutes(c.listeners(), c.certificate(), c.config().dataDir(), c.version(), c.clock()));
        register(new CredentialRoutes(services));
        register(new SettingsRoutes(c.config()));
        register(new AutoconfigRoutes(c.directory(), c.config().hostname(), c.clientPorts(), c.clock(), null,
                c.config().mtaStsPolicy(), null));
        register(new DocumentRoutes(c.metrics(), VERSION));
    }

    /** Adds routes; call before {@link #start}. */
    public synchronized AdminApi register(RouteGroup group) {
        if (server != null) {
            throw new IllegalStateException("routes are added before the admin listener starts");
        }
        group.register(table);
        return this;
    }

    /** The routes, for tests and the OpenAPI document. */
    public RouteTable routes() {
        return table;
    }

    /**
     * Binds the admin listener.
     *
     * @param tls the server's TLS context; used when {@code [admin] tls} is on
     */
    public synchronized BoundListener start(ServerTransport transport, List<ListenAddress> addresses, ServerTls tls) {
        for (ListenAddress a : addresses) {
            if (!settings.tls() && !isLoopback(a)) {
                LOG.warn("the admin listener on {} is not on a loopback address and serves plain HTTP: logins and "
                        + "tokens cross the network readable; set [admin] tls = true or listen on 127.0.0.1", a);
            }
        }
        AtomicInteger n = new AtomicInteger();
        workers = new ThreadPoolExecutor(WORKERS, WORKERS, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(WORKER_QUEUE),
                r -> {
                    Thread t = new Thread(r, "tern-admin-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        Dispatcher dispatcher = new Dispatcher(table, new CredentialsAuthenticator(tokens, sessions),
                List.of(Errors::translate), new StaticFiles("admin/console"));
        server = new ApiServer(TernConfig.ADMIN_LISTENER, dispatcher, settings.tls() ? tls : null,
                settings.maxBodySize(), settings.idleTimeout(), settings.maxConnections(),
                settings.maxConnectionsPerIp(), workers);
        return server.start(transport, addresses);
    }

    private static boolean isLoopback(ListenAddress a) {
        try {
            return InetAddress.getByName(a.host()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.close();
        }
        if (workers != null) {
            workers.shutdownNow();
            workers = null;
        }
    }
}
