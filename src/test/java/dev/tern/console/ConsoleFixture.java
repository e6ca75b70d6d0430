package dev.tern.console;

import dev.tern.admin.auth.AdminAccounts;
import dev.tern.mail.ClientInfo;
import dev.tern.mail.Envelope;
import dev.tern.mail.MailAddress;
import dev.tern.mail.Recipient;
import dev.tern.server.Services;
import dev.tern.store.BlobSink;
import dev.tern.testing.RunningServer;
import dev.tern.testing.TestCertificates;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * A Tern server for the console's tests: smtp, submission and the admin listener on ephemeral
 * loopback ports, a TLS certificate (so that submission offers STARTTLS and the health page has a
 * certificate to show), and an admin to log in with.
 */
final class ConsoleFixture implements AutoCloseable {

    static final String ADMIN = "root";
    static final String PASSWORD = "console test password";

    final RunningServer server;

    ConsoleFixture(Path dir) {
        this(dir, "");
    }

    /** @param extraConfig more TOML (a [dns] table pointing at a test DNS server, say) */
    ConsoleFixture(Path dir, String extraConfig) {
        TestCertificates.ec().write(dir.resolve("cert.pem"), dir.resolve("key.pem"), true);
        server = RunningServer.prepared(dir, extraConfig + """

                [tls]
                cert = "cert.pem"
                key = "key.pem"
                """, """
                submission = ["127.0.0.1:0"]
                admin = ["127.0.0.1:0"]
                """, s -> s);
        new AdminAccounts(services().metadata(), Clock.systemUTC()).add(ADMIN, PASSWORD);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.port("admin");
    }

    int submissionPort() {
        return server.port("submission");
    }

    Services services() {
        return server.services();
    }

    /** Queues a message as the SMTP server would; mail for other domains stays deferred (no DNS in tests). */
    String enqueue(String sender, String... recipients) throws Exception {
        Services s = services();
        String id = s.queue().newId();
        BlobSink sink = s.queue().newBody(id);
        sink.write(ByteBuffer.wrap(("From: " + sender + "\r\nSubject: console test\r\nMessage-ID: <" + id
                + "@console.test>\r\n\r\nHello\r\n").getBytes(StandardCharsets.US_ASCII)));
        Envelope env = new Envelope(MailAddress.parse(sender),
                List.of(recipients).stream().map(r -> Recipient.of(MailAddress.parse(r))).toList(), "7BIT", false,
                null, null, new ClientInfo("192.0.2.7", null, "client.example", "ESMTP", "smtp", null), Instant.now());
        s.queue().enqueue(id, env, sink).join();
        return id;
    }

    @Override
    public void close() {
        server.close();
    }
}
