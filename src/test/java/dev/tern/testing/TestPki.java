package dev.tern.testing;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A private certificate authority made in the test, and server certificates it signs for chosen
 * names (DNS names and IP addresses as subject alternative names). EC P-256 keys: quick to make.
 */
public final class TestPki {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private final KeyPair caKeys;
    private final X509Certificate ca;

    public TestPki() {
        try {
            caKeys = keyPair();
            X500Name name = new X500Name("CN=Tern Test CA");
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), notBefore(), notAfter(), name,
                    caKeys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            ca = sign(b);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public X509Certificate caCertificate() {
        return ca;
    }

    /** Writes the CA certificate as PEM. */
    public Path writeCaPem(Path file) throws java.io.IOException {
        Files.writeString(file, "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(encoded(ca)) + "\n-----END CERTIFICATE-----\n");
        return file;
    }

    /** A client-side TLS context that trusts this CA only. */
    public SSLContext clientContext() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("ca", ca);
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A server certificate for {@code names} and its key, signed by this CA. */
    public record Issued(KeyPair keys, X509Certificate certificate) {
    }

    /**
     * Writes a server certificate for {@code names} (followed by this CA's, as a chain) and its
     * PKCS#8 key as PEM files, for a server's {@code [tls] cert} and {@code key}.
     */
    public void writeServerPem(Path certFile, Path keyFile, String... names) throws java.io.IOException {
        Issued issued = issue(names);
        java.util.Base64.Encoder pem = Base64.getMimeEncoder(64, "\n".getBytes());
        Files.writeString(certFile, "-----BEGIN CERTIFICATE-----\n" + pem.encodeToString(encoded(issued.certificate()))
                + "\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\n" + pem.encodeToString(encoded(ca))
                + "\n-----END CERTIFICATE-----\n");
        Files.writeString(keyFile, "-----BEGIN PRIVATE KEY-----\n" + pem.encodeToString(issued.keys().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
    }

    /** A server-side TLS context whose certificate names {@code names} (host names or IP addresses), signed by this CA. */
    public SSLContext serverContext(String... names) {
        return serverContext(issue(names));
    }

    /** A server-side TLS context that presents {@code issued}, followed by this CA's certificate. */
    public SSLContext serverContext(Issued issued) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] pw = "test".toCharArray();
            store.setKeyEntry("server", issued.keys().getPrivate(), pw, new X509Certificate[]{issued.certificate(), ca});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, pw);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new server certificate for {@code names} (host names or IP addresses), signed by this CA. */
    public Issued issue(String... names) {
        try {
            KeyPair keys = keyPair();
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=Tern Test CA"), serial(),
                    notBefore(), notAfter(), new X500Name("CN=" + names[0]), keys.getPublic());
            List<GeneralName> sans = new ArrayList<>();
            for (String n : names) {
                sans.add(n.matches("[0-9.]+") || n.contains(":")
                        ? new GeneralName(GeneralName.iPAddress, InetAddress.getByName(n).getHostAddress())
                        : new GeneralName(GeneralName.dNSName, n));
            }
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(new GeneralName[0])));
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            return new Issued(keys, sign(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private X509Certificate sign(JcaX509v3CertificateBuilder b) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
    }

    private static KeyPair keyPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }

    private static byte[] encoded(X509Certificate c) {
        try {
            return c.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }

    private static Date notBefore() {
        return Date.from(Instant.now().minus(1, ChronoUnit.DAYS));
    }

    private static Date notAfter() {
        return Date.from(Instant.now().plus(30, ChronoUnit.DAYS));
    }
}
