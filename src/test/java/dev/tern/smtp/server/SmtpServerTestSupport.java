package dev.tern.smtp.server;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tern.config.ListenAddress;
import dev.tern.config.SmtpLimits;
import dev.tern.net.ServerTransport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Starts the real server on 127.0.0.1, port 0, with an in-memory backend, for raw-socket tests.
 * Hosted domains: example.test and the server's own name mx.example.test.
 */
abstract class SmtpServerTestSupport {

    static final String HOSTNAME = "mx.example.test";

    private static ServerTransport transport;
    private final List<SmtpTestClient> clients = new ArrayList<>();
    private final List<Runnable> cleanups = new ArrayList<>();
    FakeBackend backend;
    SmtpServer server;

    @BeforeAll
    static void startTransport() {
        transport = new ServerTransport(2);
    }

    @AfterAll
    static void stopTransport() {
        transport.close();
    }

    /** Small limits so that tests can reach them: 10 000 octets, 3 recipients, 10 errors. */
    static SmtpLimits limits() {
        return new SmtpLimits(10_000, 3, 1000, 10, Duration.ofSeconds(60), Duration.ofSeconds(60), 20, 10, false);
    }

    static ServerTransport serverTransport() {
        return transport;
    }

    SmtpServer start(SmtpLimits limits) {
        return start(limits, false);
    }

    SmtpServer start(SmtpLimits limits, boolean trace) {
        return start("smtp", limits, trace, SmtpSecurity.none());
    }

    /** A server on the named listener with the given TLS and AUTH. */
    SmtpServer start(String listener, SmtpLimits limits, boolean trace, SmtpSecurity security) {
        backend = fakeBackend();
        server = new SmtpServer(listener, HOSTNAME, limits, trace, backend, security, transport);
        server.start(List.of(new ListenAddress("127.0.0.1", 0)));
        return server;
    }

    /** An LMTP server (RFC 2033) on the same backend. */
    SmtpServer startLmtp(SmtpLimits limits) {
        backend = fakeBackend();
        server = SmtpServer.lmtp("lmtp", HOSTNAME, limits, false, backend, transport);
        server.start(List.of(new ListenAddress("127.0.0.1", 0)));
        return server;
    }

    private static FakeBackend fakeBackend() {
        return new FakeBackend(Set.of("example.test", HOSTNAME),
                Set.of("alice@example.test", "bob@example.test", "carol@example.test", "dave@example.test",
                        "jörg@example.test", "postmaster@" + HOSTNAME));
    }

    SmtpTestClient connect() throws IOException {
        return connect("127.0.0.1");
    }

    SmtpTestClient connect(String from) throws IOException {
        if (server == null) {
            start(limits());
        }
        SmtpTestClient c = new SmtpTestClient(server.port(), from);
        clients.add(c);
        return c;
    }

    /** A client that has read the greeting and sent EHLO. */
    SmtpTestClient greeted() throws IOException {
        SmtpTestClient c = connect();
        c.greet();
        return c;
    }

    /** Collects what a logger logs during the test. */
    ListAppender<ILoggingEvent> capture(String loggerName) {
        Logger logger = (Logger) LoggerFactory.getLogger(loggerName);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        cleanups.add(() -> logger.detachAppender(appender));
        return appender;
    }

    static List<String> messages(ListAppender<ILoggingEvent> appender) {
        return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @AfterEach
    void stopServer() throws IOException {
        for (SmtpTestClient c : clients) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
        if (backend != null) {
            backend.close();
        }
        cleanups.forEach(Runnable::run);
    }
}
