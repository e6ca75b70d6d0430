package dev.tern.admin.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.tern.admin.auth.Scope;
import dev.tern.admin.http.ApiResponse;
import dev.tern.admin.http.RouteGroup;
import dev.tern.admin.http.RouteTable;
import dev.tern.net.BoundListener;

import javax.security.auth.x500.X500Principal;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code /api/health}: whether the listeners accept connections, the certificate they present and
 * when it runs out, the free space where the data is kept, and the version running.
 */
public final class HealthRoutes implements RouteGroup {

    /** A listener and the addresses it accepts connections on. */
    public record Listener(String name,
                           @JsonPropertyDescription("host:port, IPv6 addresses in brackets") List<String> addresses,
                           @JsonPropertyDescription("true while every address accepts connections") boolean up) {
    }

    /** The certificate the TLS listeners present. */
    public record Certificate(String subject, String issuer, String notAfter,
                              @JsonPropertyDescription("whole days until not_after; negative once it has passed")
                              long daysLeft,
                              @JsonPropertyDescription("true for a certificate that signs itself (the one Tern "
                                      + "makes without [tls] files): clients do not trust it") boolean selfSigned) {
    }

    /** The file system that holds the data directory. */
    public record Disk(String path, long freeBytes, long totalBytes) {
    }

    public record Health(List<Listener> listeners,
                         @JsonInclude(JsonInclude.Include.ALWAYS)
                         @JsonPropertyDescription("null when no listener uses TLS") Certificate certificate,
                         Disk disk, String version) {
    }

    private final Supplier<List<BoundListener>> listeners;
    private final Supplier<X509Certificate> certificate;
    private final Path dataDir;
    private final String version;
    private final Clock clock;

    /**
     * @param listeners   the listeners of the running server, asked at each request
     * @param certificate the certificate of the TLS listeners, or a supplier of null when there is none
     */
    public HealthRoutes(Supplier<List<BoundListener>> listeners, Supplier<X509Certificate> certificate, Path dataDir,
                        String version, Clock clock) {
        this.listeners = listeners;
        this.certificate = certificate;
        this.dataDir = dataDir;
        this.version = version;
        this.clock = clock;
    }

    @Override
    public void register(RouteTable table) {
        table.get("/api/health", "Show the listeners, the TLS certificate, the free disk space and the version")
                .scope(Scope.SETTINGS_READ).response(Health.class)
                .handle(r -> ApiResponse.ok(new Health(
                        listeners.get().stream().map(HealthRoutes::listener).toList(),
                        certificate(certificate.get(), clock.instant()), disk(dataDir), version)));
    }

    private static Listener listener(BoundListener l) {
        return new Listener(l.name(), l.describedAddresses(), l.isUp());
    }

    static Certificate certificate(X509Certificate c, Instant now) {
        if (c == null) {
            return null;
        }
        Instant notAfter = c.getNotAfter().toInstant();
        return new Certificate(c.getSubjectX500Principal().getName(X500Principal.RFC2253),
                c.getIssuerX500Principal().getName(X500Principal.RFC2253), notAfter.toString(),
                Math.floorDiv(Duration.between(now, notAfter).toSeconds(), 86_400L), selfSigned(c));
    }

    /** Issued by its own subject and signed with its own key. */
    static boolean selfSigned(X509Certificate c) {
        if (!c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
            return false;
        }
        try {
            c.verify(c.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static Disk disk(Path dir) {
        Path p = dir.toAbsolutePath().normalize();
        try {
            FileStore store = Files.getFileStore(p);
            return new Disk(p.toString(), store.getUsableSpace(), store.getTotalSpace());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read the file system of " + p, e);
        }
    }
}
