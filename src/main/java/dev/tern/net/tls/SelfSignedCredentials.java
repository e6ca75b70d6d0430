package dev.tern.net.tls;

import dev.tern.config.ConfigException;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * The certificate Tern uses when none is configured: EC P-256, self-signed, for the server's host
 * name (subject CN and SAN dNSName), kept in {@code data_dir/tls/} so that clients that pin it on
 * first use see the same one after a restart. Made again when the host name changes or it is
 * about to expire.
 *
 * <p>Why at all: STARTTLS with an unverified certificate still defeats passive eavesdropping, and
 * most MTAs deliver over it (RFC 7435, opportunistic security). Mail clients will warn about it,
 * so the server logs a warning until a real certificate is configured.
 */
public final class SelfSignedCredentials {

    private static final Logger LOG = LoggerFactory.getLogger(SelfSignedCredentials.class);
    static final String CERT_FILE = "self-signed-cert.pem";
    static final String KEY_FILE = "self-signed-key.pem";
    private static final Duration VALIDITY = Duration.ofDays(3 * 365);
    private static final Duration RENEW_BEFORE = Duration.ofDays(30);

    private SelfSignedCredentials() {
    }

    /** The certificate kept in {@code dir}, or null when none was made yet or it cannot be read; never makes one. */
    public static PemCredentials existing(Path dir) {
        Path cert = dir.resolve(CERT_FILE);
        Path key = dir.resolve(KEY_FILE);
        if (!Files.exists(cert) || !Files.exists(key)) {
            return null;
        }
        try {
            return PemCredentials.load(cert, key, cert.toString(), key.toString());
        } catch (ConfigException e) {
            return null;
        }
    }

    /** Reads the certificate kept in {@code dir}, or makes (and keeps) a new one. */
    public static PemCredentials loadOrCreate(Path dir, String hostname) {
        return loadOrCreate(dir, hostname, "no [tls] cert configured", "configure tls.cert and tls.key, or [acme]");
    }

    /**
     * The same, saying in the log why a self-signed certificate is served and what ends it.
     *
     * @param why    why no other certificate is used, e.g. {@code "no [tls] cert configured"}
     * @param remedy what the operator can do or wait for
     */
    public static PemCredentials loadOrCreate(Path dir, String hostname, String why, String remedy) {
        Path cert = dir.resolve(CERT_FILE);
        Path key = dir.resolve(KEY_FILE);
        if (Files.exists(cert) && Files.exists(key)) {
            try {
                PemCredentials existing = PemCredentials.load(cert, key, cert.toString(), key.toString());
                if (isFor(existing.leaf(), hostname) && stillValid(existing.leaf())) {
                    LOG.warn("{}: using the self-signed certificate for {} in {}; clients cannot verify it ({})",
                            why, hostname, cert, remedy);
                    return existing;
                }
            } catch (ConfigException e) {
                LOG.warn("replacing the self-signed certificate: {}", e.getMessage());
            }
        }
        PemCredentials created = create(hostname);
        write(created, cert, key);
        LOG.warn("{}: created a self-signed certificate for {} in {}; clients cannot verify it ({})",
                why, hostname, cert, remedy);
        return created;
    }

    static PemCredentials create(String hostname) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            X500Name name = new X500Name("CN=" + hostname);
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                    new BigInteger(127, new SecureRandom()).add(BigInteger.ONE),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), name, pair.getPublic())
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(new GeneralName(GeneralName.dNSName, hostname)))
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            return new PemCredentials(List.of(cert), pair.getPrivate());
        } catch (Exception e) {
            throw new IllegalStateException("cannot make a self-signed certificate: " + e.getMessage(), e);
        }
    }

    private static void write(PemCredentials credentials, Path cert, Path key) {
        try {
            Files.createDirectories(cert.getParent());
            KeyFiles.writeWhole(key, pem(new JcaPKCS8Generator(credentials.key(), null)), true);
            KeyFiles.writeWhole(cert, pem(credentials.leaf()), false);
        } catch (IOException e) {
            throw new ConfigException("tls: cannot keep the self-signed certificate in " + cert.getParent() + ": "
                    + e.getMessage(), e);
        }
    }

    private static String pem(Object o) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        }
        return out.toString();
    }

    private static boolean isFor(X509Certificate cert, String hostname) {
        return PemCredentials.dnsNames(cert).stream().anyMatch(hostname::equalsIgnoreCase);
    }

    private static boolean stillValid(X509Certificate cert) {
        return cert.getNotAfter().toInstant().isAfter(Instant.now().plus(RENEW_BEFORE));
    }
}
