package dev.tern.smtp.server;

import dev.tern.net.tls.ServerTls;
import dev.tern.testing.FakeSaslAuthenticator;
import dev.tern.testing.TestCertificates;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** One EC test certificate, the server's TLS context over it, and a client context that trusts it. */
final class TlsFixture {

    static final String PASSWORD = "s3cret pass";
    static final ServerTls TLS;
    static final SSLContext CLIENT;
    /** Shared by the test classes; its threads are daemons. */
    static final ExecutorService AUTH_EXECUTOR = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "test-auth");
        t.setDaemon(true);
        return t;
    });

    static {
        try {
            Path dir = Files.createTempDirectory("tern-tls");
            TestCertificates.Issued issued = TestCertificates.ec()
                    .write(dir.resolve("cert.pem"), dir.resolve("key.pem"), true);
            TLS = ServerTls.open(dir.resolve("cert.pem"), dir.resolve("key.pem"), dir, "mx.example.test",
                    Duration.ofHours(1));
            CLIENT = issued.trustingClient();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private TlsFixture() {
    }

    /** alice and bob, password {@link #PASSWORD}; failures wait 50 ms. */
    static FakeSaslAuthenticator authenticator(boolean allowPlaintext) {
        return new FakeSaslAuthenticator(Map.of("alice@example.test", PASSWORD, "bob@example.test", PASSWORD),
                allowPlaintext, Duration.ofMillis(50));
    }
}
