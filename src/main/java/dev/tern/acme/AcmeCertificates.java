package dev.tern.acme;

import dev.tern.config.AcmeSettings;
import dev.tern.config.ConfigException;
import dev.tern.net.tls.PemCredentials;
import dev.tern.net.tls.ServerTls;
import org.shredzone.acme4j.util.KeyPairUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Keeps the server certificate from the ACME CA of {@code [acme]} current: at start and then
 * twice a day (an hour after a failure) it looks at the certificate in {@code data_dir/acme/}
 * and orders a new one when there is none, when it does not cover every configured name, or when
 * it ends within {@code renew_before} (or a third of its lifetime, for short-lived certificates).
 * A new certificate is written whole and renamed into place, then the TLS context reloads it, so
 * that the connections that follow get it; a failure keeps the certificate in use.
 *
 * <p>The account key ({@code account-key.pem}) is made on first use and kept: the CA knows the
 * account by it. The certificate's key is new with each certificate.
 *
 * <p>Thread safety: {@link #renewIfDue()} runs one order at a time; the schedule runs on a thread
 * of its own.
 */
public final class AcmeCertificates implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AcmeCertificates.class);

    /** How often the certificate is looked at while it is good. */
    static final Duration CHECK_INTERVAL = Duration.ofHours(12);
    /** When to try again after a failed order (Let's Encrypt allows 5 failed checks per name and hour). */
    static final Duration RETRY_AFTER_FAILURE = Duration.ofHours(1);
    /** How long the CA may take over one check or the issuing. */
    private static final Duration ORDER_TIMEOUT = Duration.ofSeconds(90);

    /** What one look at the certificate did. */
    public record Outcome(boolean renewed, String problem) {
        static final Outcome UP_TO_DATE = new Outcome(false, null);
    }

    private final AcmeSettings settings;
    private final Path dir;
    private final AcmeChallenges challenges;
    private final Supplier<List<String>> domainNames;
    private final ServerTls tls;
    private final Clock clock;
    /** One order at a time; apart from the schedule's lock, so that {@link #close()} never waits for a CA. */
    private final Object orderLock = new Object();
    private ScheduledExecutorService schedule;

    /**
     * @param domainNames the names to cover besides {@code [acme] names}, asked at each look ({@link DomainNames})
     * @param tls         the context that serves {@link #certFile(Path)} and {@link #keyFile(Path)}, reloaded after each renewal
     */
    public AcmeCertificates(AcmeSettings settings, Path dataDir, AcmeChallenges challenges,
                            Supplier<List<String>> domainNames, ServerTls tls, Clock clock) {
        this.settings = settings;
        this.dir = directory(dataDir);
        this.challenges = challenges;
        this.domainNames = domainNames;
        this.tls = tls;
        this.clock = clock;
    }

    public static Path directory(Path dataDir) {
        return dataDir.resolve("acme");
    }

    /** The certificate chain in use, PEM, leaf first. */
    public static Path certFile(Path dataDir) {
        return directory(dataDir).resolve("cert.pem");
    }

    /** Its private key, PKCS#8 PEM. */
    public static Path keyFile(Path dataDir) {
        return directory(dataDir).resolve("key.pem");
    }

    /** Looks at the certificate now, then on the schedule above, until {@link #close()}. */
    public synchronized void start() {
        if (schedule == null) {
            schedule = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "tern-acme");
                t.setDaemon(true);
                return t;
            });
            schedule.execute(this::scheduledLook);
        }
    }

    private void scheduledLook() {
        Outcome outcome = renewIfDue();
        Duration next = outcome.problem() == null ? CHECK_INTERVAL : RETRY_AFTER_FAILURE;
        synchronized (this) {
            if (schedule != null && !schedule.isShutdown()) {
                if (outcome.problem() != null) {
                    LOG.info("ACME: trying again in {} h", next.toHours());
                }
                schedule.schedule(this::scheduledLook, next.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /**
     * Orders a certificate if one is needed, and puts it in use. Blocking, for as long as the CA
     * takes; never throws for what the CA or the network does.
     */
    public Outcome renewIfDue() {
        synchronized (orderLock) {
            return order();
        }
    }

    private Outcome order() {
        X509Certificate current = current();
        List<String> names = wanted();
        String reason = whyNeeded(current, names, settings.renewBefore(), clock.instant());
        if (reason == null) {
            return Outcome.UP_TO_DATE;
        }
        LOG.info("ACME: ordering a certificate for {} from {}: {}", String.join(", ", names),
                settings.directory(), reason);
        try {
            CertificateOrder.Issued issued = new CertificateOrder(settings, names, challenges, ORDER_TIMEOUT)
                    .run(accountKey());
            install(issued);
            tls.reloadIfChanged();
            X509Certificate leaf = issued.chain().get(0);
            LOG.info("ACME: certificate for {} in use, issued by {}, valid until {}", String.join(", ", names),
                    leaf.getIssuerX500Principal().getName(), leaf.getNotAfter().toInstant());
            return new Outcome(true, null);
        } catch (CertificateOrder.OrderFailed | IOException | RuntimeException e) {
            String problem = e.getMessage() == null ? e.toString() : e.getMessage();
            LOG.warn("ACME: no new certificate from {}: {}; the certificate in use stays", settings.directory(), problem);
            return new Outcome(false, problem);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(false, "interrupted");
        }
    }

    /**
     * The names the certificate is to cover: {@code [acme] names}, then those of the local domains,
     * at most as many as a CA puts on one certificate.
     */
    List<String> wanted() {
        java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>(settings.names());
        names.addAll(domainNames.get());
        if (names.size() > AcmeSettings.MAX_NAMES) {
            List<String> all = List.copyOf(names);
            LOG.warn("ACME: {} names, more than the {} one certificate may carry; left out: {}", all.size(),
                    AcmeSettings.MAX_NAMES, String.join(", ", all.subList(AcmeSettings.MAX_NAMES, all.size())));
            return all.subList(0, AcmeSettings.MAX_NAMES);
        }
        return List.copyOf(names);
    }

    /** The certificate in {@code data_dir/acme/}, or null when there is none that can be used. */
    public X509Certificate current() {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        if (!Files.exists(cert) || !Files.exists(key)) {
            return null;
        }
        try {
            return PemCredentials.load(cert, key, cert.toString(), key.toString()).leaf();
        } catch (ConfigException e) {
            LOG.warn("ACME: the certificate in {} cannot be used: {}", dir, e.getMessage());
            return null;
        }
    }

    /**
     * Why a new certificate is needed, or null when this one will do: none, a configured name it
     * does not cover, or its end near (within {@code renew_before}, or a third of its lifetime if
     * that is shorter).
     */
    public static String whyNeeded(X509Certificate cert, List<String> names, Duration renewBefore, Instant now) {
        if (cert == null) {
            return "no certificate yet";
        }
        List<String> covered = PemCredentials.dnsNames(cert).stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
        for (String name : names) {
            if (!covered.contains(name)) {
                return "the certificate in use does not cover " + name;
            }
        }
        Instant notBefore = cert.getNotBefore().toInstant();
        Instant notAfter = cert.getNotAfter().toInstant();
        Duration third = Duration.between(notBefore, notAfter).dividedBy(3);
        Duration before = renewBefore.compareTo(third) < 0 ? renewBefore : third;
        if (!now.isBefore(notAfter.minus(before))) {
            return "the certificate in use ends " + notAfter;
        }
        return null;
    }

    /** The account's key, made and kept on first use. */
    private KeyPair accountKey() throws IOException {
        Path file = dir.resolve("account-key.pem");
        if (Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
                return KeyPairUtils.readKeyPair(r);
            }
        }
        KeyPair key = KeyPairUtils.createKeyPair(CertificateOrder.KEY_BITS);
        StringWriter pem = new StringWriter();
        KeyPairUtils.writeKeyPair(key, pem);
        writeWhole(file, pem.toString());
        LOG.info("ACME: made the account key {}", file);
        return key;
    }

    /** Writes both files aside, then renames the key and the chain into place. */
    private void install(CertificateOrder.Issued issued) throws IOException {
        StringBuilder chain = new StringBuilder();
        try {
            for (X509Certificate c : issued.chain()) {
                chain.append(pem("CERTIFICATE", c.getEncoded()));
            }
        } catch (CertificateEncodingException e) {
            throw new IOException("the CA's certificate cannot be encoded: " + e.getMessage(), e);
        }
        Path key = writeAside(dir.resolve("key.pem"), pem("PRIVATE KEY", issued.key().getPrivate().getEncoded()));
        Path cert = writeAside(dir.resolve("cert.pem"), chain.toString());
        Files.move(key, dir.resolve("key.pem"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.move(cert, dir.resolve("cert.pem"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private void writeWhole(Path file, String text) throws IOException {
        Files.move(writeAside(file, text), file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory();
    }

    /** A file beside {@code target}, readable by its owner only, with the text on stable storage. */
    private Path writeAside(Path target, String text) throws IOException {
        Files.createDirectories(dir);
        Path tmp = target.resolveSibling(target.getFileName() + ".new");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp);
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        }
        return tmp;
    }

    private void syncDirectory() {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems cannot sync a directory; the rename is still atomic.
        }
    }

    @Override
    public synchronized void close() {
        if (schedule != null) {
            schedule.shutdownNow();
        }
    }
}
