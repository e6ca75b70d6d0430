package dev.tern.smtp.client;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * How the client checks the server's certificate when TLS starts (STARTTLS or implicit TLS).
 *
 * <p>Verification is on unless {@link #insecure()} is chosen: the chain must lead to a trusted
 * certificate (the JDK's trust store, or the trust manager given) and the certificate must name
 * the server (RFC 6125 via the JDK's "HTTPS" endpoint identification: DNS names with wildcards in
 * the left-most label, IP addresses against IP subject alternative names). The server name is
 * the one passed to {@link SmtpClient#connect}, sent as SNI when it is a host name.
 *
 * <p>TLS 1.2 and 1.3 only. Immutable; the Netty context is built once per instance.
 */
public final class TlsSettings {

    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final X509TrustManager trustManager;
    private final boolean insecure;
    private SslContext context;

    private TlsSettings(X509TrustManager trustManager, boolean insecure) {
        this.trustManager = trustManager;
        this.insecure = insecure;
    }

    /** Verify against the JDK's default trust store (the default). */
    public static TlsSettings verifying() {
        return new TlsSettings(null, false);
    }

    /** Verify against the given trust manager (a private CA, a pinned certificate set). */
    public static TlsSettings verifying(X509TrustManager trustManager) {
        return new TlsSettings(trustManager, false);
    }

    /**
     * Verify against the JDK's trust store and these certificates besides (a private CA next to
     * the public ones, as {@code [delivery] ca_file} asks).
     */
    public static TlsSettings trustingAlso(List<X509Certificate> extra) {
        try {
            List<X509Certificate> all = new java.util.ArrayList<>(extra);
            all.addAll(verifying().trustAnchors());
            return trusting(all);
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException("cannot read the JDK's trusted certificates: " + e.getMessage(), e);
        }
    }

    /** Verify against exactly these trusted certificates (for example a private CA read from a PEM file). */
    public static TlsSettings trusting(List<X509Certificate> trusted) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (X509Certificate c : trusted) {
                store.setCertificateEntry("trusted-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            for (var tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    return new TlsSettings(x, false);
                }
            }
            throw new IllegalStateException("no X.509 trust manager available");
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("cannot use the trusted certificates: " + e.getMessage(), e);
        }
    }

    /**
     * Encrypt but accept any certificate for any name. Protects against passive eavesdropping only;
     * for tests and for servers with self-signed certificates that the operator accepts knowingly.
     */
    public static TlsSettings insecure() {
        return new TlsSettings(null, true);
    }

    /** The certificates trusted as anchors: the JDK's when none were given. */
    List<X509Certificate> trustAnchors() {
        if (trustManager != null) {
            return List.of(trustManager.getAcceptedIssuers());
        }
        try {
            TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            defaults.init((KeyStore) null);
            for (var tm : defaults.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    return List.of(x.getAcceptedIssuers());
                }
            }
            return List.of();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The same trust as a JDK {@link javax.net.ssl.SSLContext}, for clients built on the JDK's own
     * HTTP client; the name is checked by that client. Not for {@link #insecure()} settings.
     */
    public javax.net.ssl.SSLContext jdkContext() {
        if (insecure) {
            throw new IllegalStateException("insecure settings have no verifying context");
        }
        try {
            javax.net.ssl.SSLContext c = javax.net.ssl.SSLContext.getInstance("TLS");
            c.init(null, trustManager == null ? null : new javax.net.ssl.TrustManager[] {trustManager}, null);
            return c;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a TLS context: " + e.getMessage(), e);
        }
    }

    public boolean isInsecure() {
        return insecure;
    }

    /** The Netty client context these settings make; also what other TLS clients of delivery (MTA-STS) use. */
    public synchronized SslContext sslContext() throws SSLException {
        if (context == null) {
            SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).protocols(PROTOCOLS);
            if (insecure) {
                b.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
            } else {
                if (trustManager != null) {
                    b.trustManager(trustManager);
                }
                b.endpointIdentificationAlgorithm("HTTPS");
            }
            context = b.build();
        }
        return context;
    }

    @Override
    public String toString() {
        return insecure ? "TLS without certificate verification"
                : trustManager == null ? "TLS verified against the JDK trust store" : "TLS verified against the given trust";
    }
}
