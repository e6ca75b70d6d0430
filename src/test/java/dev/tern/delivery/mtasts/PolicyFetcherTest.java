package dev.tern.delivery.mtasts;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.tern.smtp.client.TlsSettings;
import dev.tern.testing.TestPki;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a policy host's answer must be for its policy to be used (RFC 8461 §3.3). */
class PolicyFetcherTest {

    private static final String POLICY = "version: STSv1\nmode: enforce\nmx: mx.b.test\nmax_age: 86400\n";

    private final TestPki pki = new TestPki();
    private MultiThreadIoEventLoopGroup group;
    private HttpsServer https;
    private int status = 200;
    private String type = "text/plain";
    private String body = POLICY;

    @BeforeEach
    void start() throws IOException {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(pki.serverContext("mta-sts.b.test")));
        https.createContext("/", exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", type);
            if (status == 301) {
                exchange.getResponseHeaders().set("Location", "https://elsewhere.test/.well-known/mta-sts.txt");
            }
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        https.start();
    }

    @AfterEach
    void stop() {
        https.stop(0);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private String fetch(String domain, InetAddress... addresses) throws Exception {
        PolicyFetcher fetcher = new PolicyFetcher(group, false,
                TlsSettings.trusting(List.of(pki.caCertificate())).sslContext(), https.getAddress().getPort(),
                Duration.ofSeconds(5));
        try {
            return fetcher.fetch(domain, List.of(addresses)).join();
        } catch (CompletionException e) {
            throw (Exception) e.getCause();
        }
    }

    private static InetAddress loopback(String address) throws IOException {
        return InetAddress.getByName(address);
    }

    @Test
    void aPlainTextPolicyFromAHostWithItsCertificate() throws Exception {
        assertThat(fetch("b.test", loopback("127.0.0.1"))).isEqualTo(POLICY);
        type = "text/plain; charset=utf-8";
        assertThat(fetch("b.test", loopback("127.0.0.1"))).isEqualTo(POLICY);
    }

    @Test
    void theNextAddressIsTriedWhenOneRefusesConnections() throws Exception {
        int port = https.getAddress().getPort();
        try (ServerSocket probe = new ServerSocket()) {
            // 127.0.0.2 has nothing listening on the policy port.
            probe.bind(new InetSocketAddress("127.0.0.2", port));
        }
        assertThat(fetch("b.test", loopback("127.0.0.2"), loopback("127.0.0.1"))).isEqualTo(POLICY);
    }

    @Test
    void redirectsOtherStatusesAndOtherTypesAreRefused() {
        status = 301;
        assertThatThrownBy(() -> fetch("b.test", loopback("127.0.0.1"))).hasMessage("HTTP status 301");
        status = 404;
        assertThatThrownBy(() -> fetch("b.test", loopback("127.0.0.1"))).hasMessage("HTTP status 404")
                .satisfies(e -> assertThat(PolicyFailure.of(e)).isEqualTo(PolicyFailure.FETCH_ERROR));
        status = 200;
        type = "text/html";
        assertThatThrownBy(() -> fetch("b.test", loopback("127.0.0.1"))).hasMessageContaining("not text/plain");
    }

    @Test
    void aPolicyOver64KiBIsRefused() {
        body = POLICY + "#" + "x".repeat(PolicyFetcher.MAX_POLICY) + "\n";
        assertThatThrownBy(() -> fetch("b.test", loopback("127.0.0.1"))).hasMessageContaining("larger than");
    }

    @Test
    void aCertificateForAnotherNameIsRefused() {
        // The policy host of c.test answers with mta-sts.b.test's certificate.
        assertThatThrownBy(() -> fetch("c.test", loopback("127.0.0.1")))
                .hasMessageStartingWith("TLS: SSLHandshakeException")
                .satisfies(e -> assertThat(PolicyFailure.of(e)).as("what the TLS reports say")
                        .isEqualTo(PolicyFailure.WEBPKI_INVALID));
    }
}
