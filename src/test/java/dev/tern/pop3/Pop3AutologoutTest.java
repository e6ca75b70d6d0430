package dev.tern.pop3;

import dev.tern.config.ListenAddress;
import dev.tern.net.ConnectionLimiter;
import dev.tern.net.ServerTransport;
import dev.tern.net.tls.TlsMode;
import dev.tern.testing.FakeSaslAuthenticator;
import dev.tern.testing.RawPop3Client;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The autologout timer (RFC 1939 §3) of a server built with a timeout far below the ten minutes
 * the configuration insists on, so that a test can wait for it.
 */
class Pop3AutologoutTest {

    private ServerTransport transport;
    private Pop3Server server;

    @BeforeEach
    void start() {
        transport = new ServerTransport(1);
        Pop3Context context = new Pop3Context("pop3", "pop.example.test", TlsMode.NONE, null,
                new FakeSaslAuthenticator(Map.of(), true, Duration.ZERO), Runnable::run, true,
                null, Runnable::run, Duration.ofMillis(500));
        server = new Pop3Server(context, transport, new ConnectionLimiter(10, 10, (alloc, limit) -> null));
        server.start(List.of(new ListenAddress("127.0.0.1", 0)));
    }

    @AfterEach
    void stop() {
        server.close();
        transport.close();
    }

    @Test
    void aSilentClientIsLoggedOutWithoutAWord() throws Exception {
        try (RawPop3Client c = new RawPop3Client(server.port())) {
            assertThat(c.line()).startsWith("+OK");
            assertThat(c.command("CAPA")).startsWith("+OK");
            assertThat(c.multiline()).contains("USER");
            // Nothing more is sent: the server hangs up once the timeout has passed.
            assertThat(c.line()).isNull();
        }
    }
}
