package dev.tern.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;

/**
 * Let's Encrypt's ACME test server, Pebble (Debian's {@code pebble} package), on loopback ports:
 * its API over HTTPS with a certificate of {@link TestPki}, its http-01 checks sent to the given
 * port of whatever address the given DNS server gives for a name, no random delays and no
 * rejected nonces. Each instance has a CA of its own, made at start.
 */
public final class Pebble implements AutoCloseable {

    private final Process process;
    private final int apiPort;
    private final int managementPort;
    private final HttpClient client;
    private final Path log;

    private Pebble(Process process, int apiPort, int managementPort, HttpClient client, Path log) {
        this.process = process;
        this.apiPort = apiPort;
        this.managementPort = managementPort;
        this.client = client;
        this.log = log;
    }

    /**
     * @param dir      where its configuration, certificate and log go
     * @param pki      signs the certificate of its API; clients trust {@code pki}'s CA
     * @param dns      the DNS server it asks for the names it checks
     * @param httpPort the port it sends http-01 checks to
     */
    public static Pebble start(Path dir, TestPki pki, java.net.InetSocketAddress dns, int httpPort) throws IOException {
        Path cert = dir.resolve("pebble-cert.pem");
        Path key = dir.resolve("pebble-key.pem");
        pki.writeServerPem(cert, key, "127.0.0.1", "localhost");
        int api = freePort();
        int management = freePort();
        Path config = dir.resolve("pebble-config.json");
        Files.writeString(config, """
                {"pebble": {"listenAddress": "127.0.0.1:%d", "managementListenAddress": "127.0.0.1:%d",
                  "certificate": "%s", "privateKey": "%s", "httpPort": %d, "tlsPort": %d,
                  "ocspResponderURL": "", "externalAccountBindingRequired": false}}
                """.formatted(api, management, cert, key, httpPort, freePort()));
        Path log = dir.resolve("pebble.log");
        ProcessBuilder b = new ProcessBuilder("pebble", "-config", config.toString(),
                "-dnsserver", "127.0.0.1:" + dns.getPort())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        b.environment().put("PEBBLE_VA_NOSLEEP", "1");
        b.environment().put("PEBBLE_WFE_NONCEREJECT", "0");
        b.environment().put("PEBBLE_AUTHZREUSE", "0");
        Process p;
        try {
            p = b.start();
        } catch (IOException e) {
            throw new IOException("cannot run pebble, Let's Encrypt's test CA (apt-get install pebble): " + e.getMessage(), e);
        }
        HttpClient client = HttpClient.newBuilder().sslContext(pki.clientContext())
                .connectTimeout(Duration.ofSeconds(5)).build();
        Pebble pebble = new Pebble(p, api, management, client, log);
        pebble.awaitReady();
        return pebble;
    }

    /** The ACME directory URL. */
    public String directory() {
        return "https://127.0.0.1:" + apiPort + "/dir";
    }

    /** The root of the chains this instance issues. */
    public X509Certificate root() throws IOException, InterruptedException {
        HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + managementPort + "/roots/0")).build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (java.security.cert.CertificateException e) {
            throw new IOException(e);
        }
    }

    /** What it logged, for assertion messages. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(directory())).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    close();
                    throw new IOException("pebble did not start: " + log(), e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A free loopback port, for the listener Pebble's checks go to. */
    public static int anyFreePort() throws IOException {
        return freePort();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
