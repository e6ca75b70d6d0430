package dev.tern.acme;

import dev.tern.config.AcmeSettings;
import dev.tern.config.ConfigException;
import dev.tern.net.tls.PemCredentials;
import dev.tern.net.tls.ServerTls;
import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
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
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Keeps the server certificate from the ACME CA of {@code [acme]} current: at start and then
 * every hour it looks at the certificate and orders a new one when there is none, when it does
 * not cover every name wanted, or when it ends within {@code renew_before} (or a third of its
 * lifetime, for short-lived certificates). A new certificate goes to the store, then to
 * {@code data_dir/acme/} (written whole and renamed into place), and the TLS context reloads it,
 * so that the connections that follow get it; a failure keeps the certificate in use.
 *
 * <p>Several nodes sharing a store share the certificate: one orders at a time (a lock in the
 * store), every node answers the CA's checks ({@link AcmeChallenges}), and every five minutes each
 * node takes the stored certificate when it is not the one in its files.
 *
 * <p>The account key ({@code account-key.pem}) is made on first use and kept: the CA knows the
 * account by it. A renewed certificate keeps the key of the one it replaces (as certbot's
 * {@code --reuse-key}), so that a TLSA record of the key published for DANE stays true, unless
 * {@code reuse_key = false} asks for a new key each time.
 *
 * <p>Thread safety: {@link #renewIfDue()} runs one order at a time; the schedule runs on a thread
 * of its own.
 */
public final class AcmeCertificates implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AcmeCertificates.class);

    /**
     * How often the certificate is looked at, and so when a failed order is tried again (Let's
     * Encrypt allows 5 failed checks per name and hour).
     */
    static final Duration LOOK_INTERVAL = Duration.ofHours(1);
    /** How often the stored certificate is compared with the files, for one another node ordered. */
    static final Duration SYNC_INTERVAL = Duration.ofMinutes(5);
    /** How long a node may hold the order lock: longer than an order takes. */
    private static final Duration ORDER_LOCK = Duration.ofMinutes(15);
    /** How long the CA may take over one check or the issuing. */
    private static final Duration ORDER_TIMEOUT = Duration.ofSeconds(90);

    /** What one look at the certificate did. */
    public record Outcome(boolean renewed, String problem) {
        static final Outcome UP_TO_DATE = new Outcome(false, null);
    }

    private final AcmeSettings settings;
    private final MetadataStore store;
    /** Who holds the order lock: this process. */
    private final String node = java.util.UUID.randomUUID().toString();
    private final Path dir;
    private final AcmeFiles files;
    private final AcmeChallenges challenges;
    private final Supplier<List<String>> domainNames;
    private final ServerTls tls;
    private final Clock clock;
    /** One order at a time; apart from the schedule's lock, so that {@link #close()} never waits for a CA. */
    private final Object orderLock = new Object();
    private ScheduledExecutorService schedule;
    private Instant nextLook = Instant.MIN;

    /**
     * @param store       where the certificate is shared with the other nodes, with the order lock
     * @param domainNames the names to cover besides {@code [acme] names}, asked at each look ({@link DomainNames})
     * @param tls         the context that serves {@link #certFile(Path)} and {@link #keyFile(Path)}, reloaded after each renewal
     */
    public AcmeCertificates(AcmeSettings settings, MetadataStore store, Path dataDir, AcmeChallenges challenges,
                            Supplier<List<String>> domainNames, ServerTls tls, Clock clock) {
        this.settings = settings;
        this.store = store;
        this.dir = directory(dataDir);
        this.files = new AcmeFiles(dir);
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
        return new AcmeFiles(directory(dataDir)).certFile();
    }

    /** Its private key, PKCS#8 PEM. */
    public static Path keyFile(Path dataDir) {
        return new AcmeFiles(directory(dataDir)).keyFile();
    }

    /** Looks at the certificate now, then on the schedule above, until {@link #close()}. */
    public synchronized void start() {
        if (schedule == null) {
            schedule = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "tern-acme");
                t.setDaemon(true);
                return t;
            });
            schedule.scheduleWithFixedDelay(this::scheduledLook, 0, SYNC_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void scheduledLook() {
        try {
            if (clock.instant().isBefore(nextLook)) {
                synchronized (orderLock) {
                    sync();
                }
                return;
            }
            nextLook = clock.instant().plus(LOOK_INTERVAL);
            Outcome outcome = renewIfDue();
            if (outcome.problem() != null) {
                LOG.info("ACME: trying again in {} min", LOOK_INTERVAL.toMinutes());
            }
        } catch (RuntimeException e) {
            LOG.warn("ACME: looking at the certificate failed: {}", e.toString());
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
        sync();
        X509Certificate current = current();
        List<String> names = wanted();
        String reason = whyNeeded(current, names, settings.renewBefore(), clock.instant());
        if (reason == null) {
            return Outcome.UP_TO_DATE;
        }
        Instant now = clock.instant();
        if (!store.writeAndWait(tx -> tx.acme().lockOrder(node, now.plus(ORDER_LOCK), now))) {
            LOG.info("ACME: another node is ordering the certificate; this one takes it from the store");
            return Outcome.UP_TO_DATE;
        }
        LOG.info("ACME: ordering a certificate for {} from {}: {}", String.join(", ", names),
                settings.directory(), reason);
        try {
            CertificateOrder.Issued issued = new CertificateOrder(settings, names, challenges, ORDER_TIMEOUT)
                    .run(accountKey(), settings.reuseKey() ? currentKey() : null);
            Rows.AcmeCertificate pem = AcmeFiles.pem(issued, clock.instant());
            store.writeAndWait(tx -> {
                tx.acme().putCertificate(pem);
                return null;
            });
            files.install(pem);
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
        } finally {
            try {
                store.writeAndWait(tx -> {
                    tx.acme().unlockOrder(node);
                    return null;
                });
            } catch (RuntimeException e) {
                // Closing, or the database away: the lock expires by itself.
                LOG.debug("ACME: the order lock was not given up: {}", e.toString());
            }
        }
    }

    /**
     * Puts the stored certificate in use when the files hold another one (none yet, or the one
     * before another node's renewal).
     *
     * @return true when the files were replaced
     */
    boolean sync() {
        if (installFromStore(store, dir.getParent())) {
            tls.reloadIfChanged();
            return true;
        }
        return false;
    }

    /**
     * Writes the stored certificate to {@code data_dir/acme/} when the files hold another one, so
     * that a starting node serves it from its first connection. Blocking.
     *
     * @return true when the files were replaced
     */
    public static boolean installFromStore(MetadataStore store, Path dataDir) {
        Optional<Rows.AcmeCertificate> stored = store.read(tx -> tx.acme().certificate());
        if (stored.isEmpty()) {
            return false;
        }
        Path dir = directory(dataDir);
        AcmeFiles files = new AcmeFiles(dir);
        try {
            if (files.holds(stored.get().chainPem())) {
                return false;
            }
            files.install(stored.get());
            LOG.info("ACME: certificate taken from the store, valid until {}", stored.get().notAfter());
            return true;
        } catch (IOException e) {
            LOG.warn("ACME: could not write the stored certificate to {}: {}", dir, e.getMessage());
            return false;
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
        PemCredentials pem = currentCredentials();
        return pem == null ? null : pem.leaf();
    }

    /** The key of the certificate in {@code data_dir/acme/}, or null when there is none that can be used. */
    private KeyPair currentKey() {
        PemCredentials pem = currentCredentials();
        return pem == null ? null : new KeyPair(pem.leaf().getPublicKey(), pem.key());
    }

    private PemCredentials currentCredentials() {
        Path cert = files.certFile();
        Path key = files.keyFile();
        if (!Files.exists(cert) || !Files.exists(key)) {
            return null;
        }
        try {
            return PemCredentials.load(cert, key, cert.toString(), key.toString());
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

    /**
     * The account's key: the one stored for this CA (every node orders with the same account),
     * else this node's file, else a new one; made once, and kept in both places.
     */
    private KeyPair accountKey() throws IOException {
        String directory = settings.directory().toString();
        Path file = files.accountKeyFile();
        Optional<String> stored = store.read(tx -> tx.acme().accountKey(directory));
        String pem;
        if (stored.isPresent()) {
            pem = stored.get();
        } else {
            if (Files.exists(file)) {
                pem = Files.readString(file, StandardCharsets.US_ASCII);
            } else {
                StringWriter made = new StringWriter();
                KeyPairUtils.writeKeyPair(KeyPairUtils.createKeyPair(CertificateOrder.KEY_BITS), made);
                pem = made.toString();
                LOG.info("ACME: made an account key for {}", directory);
            }
            String mine = pem;
            boolean kept = store.writeAndWait(tx -> tx.acme().putAccountKeyIfAbsent(directory, mine, clock.instant()));
            if (!kept) {   // another node stored one first
                pem = store.read(tx -> tx.acme().accountKey(directory)).orElse(mine);
            }
        }
        if (!Files.exists(file) || !Files.readString(file, StandardCharsets.US_ASCII).equals(pem)) {
            files.writeWhole(file, pem);
        }
        try (Reader r = new java.io.StringReader(pem)) {
            return KeyPairUtils.readKeyPair(r);
        }
    }

    @Override
    public synchronized void close() {
        if (schedule != null) {
            schedule.shutdownNow();
        }
    }
}
