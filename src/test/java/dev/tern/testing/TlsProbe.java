package dev.tern.testing;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/** What a TLS listener presents to a client that trusts one root and checks the name, as a mail program does. */
public final class TlsProbe {

    private TlsProbe() {
    }

    /**
     * The certificate a loopback TLS port presents for {@code name} (sent as SNI), verified against
     * {@code root} and for that name.
     *
     * @throws SSLHandshakeException when it is not issued under the root or not for the name
     */
    public static X509Certificate verified(int port, X509Certificate root, String name) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("root", root);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            plain.setSoTimeout(5000);
            try (SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(plain, name, port, false)) {
                SSLParameters p = tls.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                p.setServerNames(List.of(new SNIHostName(name)));
                tls.setSSLParameters(p);
                tls.startHandshake();
                return (X509Certificate) tls.getSession().getPeerCertificates()[0];
            }
        }
    }

    /**
     * Waits (90 s at most) until the port presents a certificate verified as above.
     *
     * @param why what to add to the failure, e.g. the CA's log
     */
    public static X509Certificate awaitVerified(int port, X509Certificate root, String name, Supplier<String> why)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            try {
                return verified(port, root, name);
            } catch (SSLHandshakeException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no verified certificate for " + name + ":\n" + why.get(), e);
                }
                Thread.sleep(200);
            }
        }
    }
}
