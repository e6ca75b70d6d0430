package dev.tern.admin;

import dev.tern.admin.auth.AdminAccounts;
import dev.tern.admin.auth.ApiTokens;
import dev.tern.admin.auth.Scope;
import dev.tern.mail.ClientInfo;
import dev.tern.mail.Envelope;
import dev.tern.mail.MailAddress;
import dev.tern.mail.Recipient;
import dev.tern.server.Services;
import dev.tern.server.TernServer;
import dev.tern.store.BlobSink;
import dev.tern.testing.RunningServer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;

/** A running server with the admin listener on an ephemeral loopback port, and ways to get credentials for it. */
final class AdminFixture implements AutoCloseable {

    static final String ADMIN_LISTENER = "admin = [\"127.0.0.1:0\"]\n";

    final RunningServer server;

    AdminFixture(Path dir) {
        this(dir, "", s -> s);
    }

    AdminFixture(Path dir, String extraConfig, UnaryOperator<TernServer> beforeStart) {
        this(dir, extraConfig, "", beforeStart);
    }

    /** @param listeners more lines for the [listeners] table, e.g. {@code submission = ["127.0.0.1:0"]} */
    AdminFixture(Path dir, String extraConfig, String listeners, UnaryOperator<TernServer> beforeStart) {
        server = RunningServer.prepared(dir, extraConfig, ADMIN_LISTENER + listeners, beforeStart);
    }

    int port() {
        return server.port("admin");
    }

    Services services() {
        return server.services();
    }

    /** A client with a new token of these scopes (and, when given, only these domains). */
    AdminClient client(List<Scope> scopes, String... domains) {
        return new AdminClient(port()).withToken(token(scopes, domains));
    }

    AdminClient admin() {
        return client(List.of(Scope.ADMIN));
    }

    String token(List<Scope> scopes, String... domains) {
        return new ApiTokens(services().metadata(), Clock.systemUTC())
                .create("test", scopes, List.of(domains), null, "cli").token();
    }

    void addAdmin(String name, String password) {
        new AdminAccounts(services().metadata(), Clock.systemUTC()).add(name, password);
    }

    /** Queues a message as the SMTP server would; mail for other domains stays deferred (no DNS in tests). */
    String enqueue(String sender, String... recipients) throws Exception {
        Services s = services();
        String id = s.queue().newId();
        BlobSink sink = s.queue().newBody(id);
        sink.write(ByteBuffer.wrap("From: s@example.org\r\nSubject: test\r\n\r\nHello\r\n"
                .getBytes(StandardCharsets.US_ASCII)));
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
