package dev.tern.managesieve;

import dev.tern.config.ListenAddress;
import dev.tern.net.ServerTransport;
import dev.tern.net.tls.TlsMode;
import dev.tern.sieve.SieveEngine;
import dev.tern.sieve.SieveScripts;
import dev.tern.testing.FakeSaslAuthenticator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The connection limits and the idle timeout, on a server built with one connection per address
 * and a timeout far below the configured one, so that a test can run into both.
 */
class ManageSieveLimitsTest {

    private ServerTransport transport;
    private ManageSieveServer server;

    @BeforeEach
    void start() {
        transport = new ServerTransport(1);
        ManageSieveContext context = new ManageSieveContext("managesieve", "sieve.example.test", TlsMode.NONE, null,
                new FakeSaslAuthenticator(Map.of(), true, Duration.ZERO), Runnable::run,
                new SieveScripts(null, new SieveEngine(), Clock.systemUTC()), Runnable::run, Duration.ofMillis(500));
        server = new ManageSieveServer(context, transport, ManageSieveServer.limiter(10, 1));
        server.start(List.of(new ListenAddress("127.0.0.1", 0)));
    }

    @AfterEach
    void stop() {
        server.close();
        transport.close();
    }

    @Test
    void aSilentClientIsToldWhyItIsDisconnected() throws Exception {
        try (RawSieveClient c = new RawSieveClient(server.port())) {
            assertThat(c.response()).contains("\"SASL\" \"PLAIN LOGIN X-FINAL\"").doesNotContain("STARTTLS")
                    .endsWith("OK \"Tern ManageSieve ready\"\r\n");
            // Nothing more is sent: the server says BYE once the timeout has passed, and hangs up.
            assertThat(c.response()).isEqualTo("BYE \"disconnected for inactivity\"\r\n");
            assertThat(c.isClosedByPeer()).isTrue();
        }
    }

    @Test
    void oneConnectionTooManyFromAnAddressIsRefusedWithBye() throws Exception {
        try (RawSieveClient first = new RawSieveClient(server.port())) {
            assertThat(first.response()).endsWith("OK \"Tern ManageSieve ready\"\r\n");
            try (RawSieveClient second = new RawSieveClient(server.port())) {
                assertThat(second.response()).isEqualTo("BYE (TRYLATER) \"too many connections; try again later\"\r\n");
                assertThat(second.isClosedByPeer()).isTrue();
            }
            assertThat(first.command("NOOP")).isEqualTo("OK \"done\"\r\n");
        }
    }

    @Test
    void starttlsIsNotOfferedWithoutTls() throws Exception {
        try (RawSieveClient c = new RawSieveClient(server.port())) {
            c.response();
            assertThat(c.command("STARTTLS")).isEqualTo("NO \"STARTTLS is not offered here\"\r\n");
        }
    }
}
