package dev.tern.acme;

import dev.tern.store.Rows;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;

/**
 * The files of {@code data_dir/acme/}: the account key, and the certificate chain and its key that
 * the TLS context serves. Each is written beside its place, readable by its owner only, synced,
 * then renamed into place, so that a reader sees the old file or the new one, never half of one.
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
        Path key = writeAside(keyFile(), certificate.keyPem());
        Path cert = writeAside(certFile(), certificate.chainPem());
        Files.move(key, keyFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.move(cert, certFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory();
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
}
