package dev.tern.net.tls;

import dev.tern.config.ConfigException;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The server's TLS context, shared by every listener (SMTP, submission, and later IMAP and POP3):
 * TLS 1.2 and 1.3 only, AEAD cipher suites only, the certificate from {@code [tls] cert}/{@code key}
 * or, when none is configured, a self-signed one ({@link SelfSignedCredentials}).
 *
 * <p>Renewal without restart: when a connection asks for a handler and the last look is older than
 * the check interval, the files' size, modification time and identity are compared, off the event
 * loop, with what was loaded; when they changed, a new context is built and used for the
 * connections that follow. A reload that fails (half-written files, a key that does not match yet)
 * keeps the old context and logs one warning per change of the files.
 *
 * <p>Thread safety: every method may be called from any thread.
 */
public final class ServerTls implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);

    /** The protocols offered: TLS 1.0 and 1.1 are deprecated (RFC 8996). */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /** AEAD suites only (RFC 9325 §4.2): ECDHE with AES-GCM or ChaCha20-Poly1305 for TLS 1.2. */
    public static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /** How often the certificate files are looked at, at most. */
    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(5);

    private static final String CERT_KEY = "tls.cert";
    private static final String KEY_KEY = "tls.key";

    private record FileStamp(long size, long modifiedNanos, Object identity) {
    }

    private record Loaded(SslContext context, X509Certificate certificate) {
    }

    private final Path certFile;
    private final Path keyFile;
    private final long checkIntervalNanos;
    private final AtomicBoolean checking = new AtomicBoolean();
    private final ThreadPoolExecutor reloader;
    private volatile Loaded current;
    private volatile List<FileStamp> stamps;
    private volatile long lastCheck;

    private ServerTls(Path certFile, Path keyFile, Duration checkInterval, PemCredentials initial) {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.checkIntervalNanos = checkInterval.toNanos();
        this.current = build(initial);
        this.lastCheck = System.nanoTime();
        // One thread at most, and only while a check runs: idle servers hold no thread for this.
        this.reloader = new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(1), r -> {
            Thread t = new Thread(r, "tern-tls-reload");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.DiscardPolicy());
    }

    /**
     * The context for the configured files, or for a self-signed certificate kept in
     * {@code dataDir/tls} when {@code certFile} is null.
     *
     * @throws ConfigException naming {@code tls.cert} or {@code tls.key} when the files cannot be used
     */
    public static ServerTls open(Path certFile, Path keyFile, Path dataDir, String hostname, Duration checkInterval) {
        if (certFile == null) {
            return new ServerTls(null, null, checkInterval,
                    SelfSignedCredentials.loadOrCreate(dataDir.resolve("tls"), hostname));
        }
        List<FileStamp> stamps = stamps(certFile, keyFile);
        ServerTls tls = new ServerTls(certFile, keyFile, checkInterval,
                PemCredentials.load(certFile, keyFile, CERT_KEY, KEY_KEY));
        tls.stamps = stamps;
        tls.warnIfExpiring(tls.certificate());
        return tls;
    }

    /**
     * The context for files that Tern writes itself (the ACME certificate): a self-signed
     * certificate kept in {@code dataDir/tls} until they exist and can be used, then theirs, reloaded
     * whenever they change.
     */
    public static ServerTls openManaged(Path certFile, Path keyFile, Path dataDir, String hostname, Duration checkInterval) {
        List<FileStamp> stamps = stamps(certFile, keyFile);
        PemCredentials initial;
        try {
            initial = PemCredentials.load(certFile, keyFile, certFile.toString(), keyFile.toString());
        } catch (ConfigException e) {
            if (Files.exists(certFile)) {
                LOG.warn("the TLS certificate in {} cannot be used ({}); the self-signed one is served until it is "
                        + "replaced", certFile, e.getMessage());
            }
            initial = SelfSignedCredentials.loadOrCreate(dataDir.resolve("tls"), hostname, "no ACME certificate yet",
                    "it is replaced as soon as the CA issues one");
        }
        ServerTls tls = new ServerTls(certFile, keyFile, checkInterval, initial);
        tls.stamps = stamps;
        return tls;
    }

    /**
     * A new handler for one server connection, with the current context, whose handshake must end
     * within {@code handshakeTimeout}.
     */
    public SslHandler newHandler(ByteBufAllocator alloc, java.time.Duration handshakeTimeout) {
        SslHandler ssl = newHandler(alloc);
        ssl.setHandshakeTimeoutMillis(handshakeTimeout.toMillis());
        return ssl;
    }

    /**
     * A new handler for one server connection, with the current context and Netty's handshake
     * timeout (10 s). Also starts a look at the certificate files when the last one is older than
     * the check interval (without waiting for it).
     */
    public SslHandler newHandler(ByteBufAllocator alloc) {
        if (certFile != null && System.nanoTime() - lastCheck >= checkIntervalNanos && checking.compareAndSet(false, true)) {
            lastCheck = System.nanoTime();
            reloader.execute(() -> {
                try {
                    reloadIfChanged();
                } finally {
                    checking.set(false);
                }
            });
        }
        return current.context().newHandler(alloc);
    }

    /** The certificate new connections are given. */
    public X509Certificate certificate() {
        return current.certificate();
    }

    /**
     * Loads the certificate files again if they changed since the last load (or failed attempt).
     * Blocking: call it off the event loop.
     *
     * @return true when a new certificate is in use
     */
    public synchronized boolean reloadIfChanged() {
        if (certFile == null) {
            return false;
        }
        List<FileStamp> now = stamps(certFile, keyFile);
        if (Objects.equals(now, stamps)) {
            return false;
        }
        stamps = now;
        try {
            Loaded loaded = build(PemCredentials.load(certFile, keyFile, CERT_KEY, KEY_KEY));
            current = loaded;
            LOG.info("TLS certificate reloaded from {}: {}, valid until {}", certFile,
                    loaded.certificate().getSubjectX500Principal().getName(), loaded.certificate().getNotAfter().toInstant());
            warnIfExpiring(loaded.certificate());
            return true;
        } catch (ConfigException e) {
            LOG.warn("TLS certificate not reloaded, keeping the previous one: {}", e.getMessage());
            return false;
        }
    }

    @Override
    public void close() {
        reloader.shutdownNow();
    }

    private static Loaded build(PemCredentials credentials) {
        try {
            SslContext context = SslContextBuilder.forServer(credentials.key(), credentials.chain().toArray(X509Certificate[]::new))
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOLS)
                    .ciphers(CIPHER_SUITES, SupportedCipherSuiteFilter.INSTANCE)
                    .build();
            return new Loaded(context, credentials.leaf());
        } catch (SSLException | IllegalArgumentException e) {
            throw new ConfigException(KEY_KEY + ": cannot be used for TLS: " + e.getMessage(), e);
        }
    }

    /** Size, modification time and file identity (a renewal by rename changes the inode). */
    private static List<FileStamp> stamps(Path... files) {
        return java.util.Arrays.stream(files).map(f -> {
            try {
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                return new FileStamp(a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS), a.fileKey());
            } catch (IOException e) {
                return new FileStamp(-1, -1, null);
            }
        }).toList();
    }

    private void warnIfExpiring(X509Certificate cert) {
        Instant notAfter = cert.getNotAfter().toInstant();
        if (notAfter.isBefore(Instant.now().plus(Duration.ofDays(14)))) {
            LOG.warn("the TLS certificate in {} expires {} (renew it; Tern picks up the new files by itself)",
                    certFile, notAfter);
        }
    }
}
