package dev.tern.config;

import java.nio.file.Path;

/**
 * {@code [tls]}: the server certificate shared by every listener that speaks TLS.
 *
 * @param cert the certificate chain, PEM, leaf first; null when none is configured (a self-signed
 *             certificate for {@code hostname} is then made in {@code data_dir/tls/})
 * @param key  the private key, PEM (PKCS#8, or PKCS#1 RSA / SEC1 EC); null exactly when cert is
 */
public record TlsConfig(Path cert, Path key) {

    public static TlsConfig selfSigned() {
        return new TlsConfig(null, null);
    }

    public boolean isConfigured() {
        return cert != null;
    }

    static TlsConfig read(ConfigNode n, Path base) {
        String cert = n.string("cert", null);
        String key = n.string("key", null);
        if (cert == null && key == null) {
            return selfSigned();
        }
        if (cert == null || key == null) {
            String missing = cert == null ? "cert" : "key";
            throw new ConfigException(n.key(missing) + ": missing; set both tls.cert and tls.key, or neither "
                    + "(a self-signed certificate is then made)");
        }
        Path certFile = base.resolve(cert).normalize();
        Path keyFile = base.resolve(key).normalize();
        return new TlsConfig(certFile, keyFile);
    }
}
