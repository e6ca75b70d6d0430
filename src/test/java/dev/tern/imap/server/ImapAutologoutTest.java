package dev.tern.imap.server;

import dev.tern.config.ListenAddress;
import dev.tern.imap.protocol.FramingLimits;
import dev.tern.net.ConnectionLimiter;
import dev.tern.net.ServerTransport;
import dev.tern.net.tls.TlsMode;
import dev.tern.testing.FakeSaslAuthenticator;
import dev.tern.testing.RawImapClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.tern.testing.RawImapClient.last;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The autologout timer (RFC 9051 §5.4) of a server built with a timeout far below the thirty
 * minutes the configuration insists on, so that a test can wait for it.
 */
class ImapAutologoutTest {

    private ServerTransport transport;
    private ImapServer server;

    @BeforeEach
    void start() {
        transport = new ServerTransport(1);
        ImapContext context = new ImapContext("imap", "imap.example.test", TlsMode.NONE, null,
                new FakeSaslAuthenticator(Map.of(), true, Duration.ZERO), Runnable::run, true,
                null, Runnable::run, Duration.ofMillis(500),
                new FramingLimits(8192, 1 << 20, 4 * 8192, false), new LiteralBudget(1 << 20),
                new SearchFieldCache(1 << 20), new MailboxSummaries(1 << 20));
        server = new ImapServer(context, transport, new ConnectionLimiter(10, 10, (alloc, limit) -> null));
        server.start(List.of(new ListenAddress("127.0.0.1", 0)));
    }

    @AfterEach
    void stop() {
        server.close();
        transport.close();
    }

    @Test
    void aSilentClientIsToldByeAndLoggedOut() {
        try (RawImapClient imap = new RawImapClient(server.port())) {
            assertThat(imap.readLine()).startsWith("* OK ");
            assertThat(last(imap.command("n1", "NOOP"))).isEqualTo("n1 OK NOOP completed");
            // Nothing more is sent: the server says why it hangs up once the timeout has passed.
            assertThat(imap.readLine()).isEqualTo("* BYE autologout; idle for too long");
            assertThat(imap.readLine()).isNull();
        }
    }
}
