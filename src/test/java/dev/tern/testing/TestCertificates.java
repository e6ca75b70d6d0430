package dev.tern.testing;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Certificates for TLS tests: RSA or EC, self-signed, for {@code mx.tern.test}, {@code mx.example.test},
 * {@code localhost} and {@code 127.0.0.1}, written as PEM in the forms operators have (PKCS#8, or the
 * traditional PKCS#1 / SEC1 key blocks); and client contexts that trust exactly one certificate.
 */
public final class TestCertificates {

    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    /** A certificate and its key. */
    public record Issued(X509Certificate certificate, KeyPair keys) {

        /** Writes {@code cert.pem} and {@code key.pem} into {@code dir}; the key PKCS#8 or traditional. */
        public Issued write(Path certFile, Path keyFile, boolean pkcs8) {
            try {
                Files.writeString(certFile, pem(certificate));
                Files.writeString(keyFile, pkcs8 ? pem(new JcaPKCS8Generator(keys.getPrivate(), null)) : traditional(keys));
                return this;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** A client context that trusts this certificate only. */
        public SSLContext trustingClient() {
            return TestCertificates.trusting(certificate);
        }
    }

    private TestCertificates() {
    }

    public static Issued ec() {
        return issue("EC");
    }

    public static Issued rsa() {
        return issue("RSA");
    }

    /** An EC certificate valid over the given period. */
    public static Issued ec(Instant notBefore, Instant notAfter) {
        return issue("EC", notBefore, notAfter);
    }

    private static Issued issue(String algorithm) {
        Instant now = Instant.now();
        return issue(algorithm, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(30)));
    }

    private static Issued issue(String algorithm, Instant notBefore, Instant notAfter) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
            if (algorithm.equals("EC")) {
                g.initialize(new ECGenParameterSpec("secp256r1"));
            } else {
                g.initialize(2048);
            }
            KeyPair keys = g.generateKeyPair();
            X500Name name = new X500Name("CN=mx.tern.test");
            var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(SERIALS.incrementAndGet()),
                    Date.from(notBefore), Date.from(notAfter), name,
                    keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[]{
                            new GeneralName(GeneralName.dNSName, "mx.tern.test"),
                            new GeneralName(GeneralName.dNSName, "mx.example.test"),
                            new GeneralName(GeneralName.dNSName, "localhost"),
                            new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
            String signature = algorithm.equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(signature).build(keys.getPrivate())));
            return new Issued(cert, keys);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static SSLContext trusting(X509Certificate... certificates) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < certificates.length; i++) {
                store.setCertificateEntry("server" + i, certificates[i]);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** PKCS#1 for RSA; SEC1 with the curve and the public key for EC, as OpenSSL writes it. */
    private static String traditional(KeyPair keys) throws IOException {
        if (!keys.getPrivate().getAlgorithm().equals("EC")) {
            return pem(keys);
        }
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
        ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
        SubjectPublicKeyInfo publicKey = SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded());
        ECPrivateKey sec1 = new ECPrivateKey(256, inner.getKey(), publicKey.getPublicKeyData(),
                info.getPrivateKeyAlgorithm().getParameters());
        return pem(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
    }

    /** Writes a certificate as PEM, for a client told to trust it (mbsync, fetchmail). */
    public static Path writePem(Path file, X509Certificate certificate) throws IOException {
        return Files.writeString(file, pem(certificate));
    }

    static String pem(Object o) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        }
        return out.toString();
    }
}
