package dev.tern.acme;

import dev.tern.net.tls.KeyFiles;
import dev.tern.store.Rows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;

/**
 * The files of {@code data_dir/acme/}: the account key, and the certificate chain and its key that
 * the TLS context serves, each written whole and owner-only ({@link KeyFiles}).
 */
final class AcmeFiles {

    private final Path dir;

    AcmeFiles(Path dir) {
        this.dir = dir;
    }

    Path certFile() {
        return dir.resolve("cert.pem");
    }

    Path keyFile() {
        return dir.resolve("key.pem");
    }

    Path accountKeyFile() {
        return dir.resolve("account-key.pem");
    }

    /** True when the chain in use is this text. */
    boolean holds(String chainPem) throws IOException {
        return Files.exists(certFile()) && Files.readString(certFile(), StandardCharsets.US_ASCII).equals(chainPem);
    }

    /** Writes both files aside, then renames the key and the chain into place. */
    void install(Rows.AcmeCertificate certificate) throws IOException {
        Path key = KeyFiles.writeAside(keyFile(), certificate.keyPem(), true);
        Path cert = KeyFiles.writeAside(certFile(), certificate.chainPem(), true);
        KeyFiles.moveIntoPlace(key, keyFile());
        KeyFiles.moveIntoPlace(cert, certFile());
        KeyFiles.syncDirectory(dir);
    }

    /** An issued certificate as the PEM text kept in the store and the files. */
    static Rows.AcmeCertificate pem(CertificateOrder.Issued issued, Instant now) throws IOException {
        StringBuilder chain = new StringBuilder();
        try {
            for (X509Certificate c : issued.chain()) {
                chain.append(pem("CERTIFICATE", c.getEncoded()));
            }
        } catch (CertificateEncodingException e) {
            throw new IOException("the CA's certificate cannot be encoded: " + e.getMessage(), e);
        }
        return new Rows.AcmeCertificate(chain.toString(), pem("PRIVATE KEY", issued.key().getPrivate().getEncoded()),
                issued.chain().get(0).getNotAfter().toInstant(), now);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    void writeWhole(Path file, String text) throws IOException {
        KeyFiles.writeWhole(file, text, true);
    }
}
