package dev.tern.testing;

import dev.tern.auth.SaslAuthenticator;
import dev.tern.config.TernConfig;
import dev.tern.directory.Account;
import dev.tern.server.Services;
import dev.tern.server.TernServer;
import dev.tern.store.Rows;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/** A Tern server started in-process on an ephemeral loopback port, with helpers to look into its mailboxes. */
public final class RunningServer implements AutoCloseable {

    private final TernServer server;

    public RunningServer(Path dir, String extraConfig) {
        TernConfig config = TestConfigs.write(dir, extraConfig);
        server = new TernServer(config, Duration.ofMillis(500)).start();
    }

    /**
     * With more listeners and a SASL authenticator made over the server's services; null for the
     * server's own (the real mechanisms over the directory).
     */
    public RunningServer(Path dir, String extraConfig, String listeners,
                         Function<Services, SaslAuthenticator> authenticators) {
        TernConfig config = TestConfigs.write(dir, extraConfig, listeners);
        server = (authenticators == null ? new TernServer(config, Duration.ofMillis(500))
                : new TernServer(config, Duration.ofMillis(500), authenticators)).start();
    }

    /** With the smtp listener on a given loopback address and port (several servers side by side). */
    public RunningServer(Path dir, String extraConfig, String listeners,
                         Function<Services, SaslAuthenticator> authenticators, String smtpAddress) {
        TernConfig config = TestConfigs.write(dir, extraConfig, listeners, smtpAddress);
        server = (authenticators == null ? new TernServer(config, Duration.ofMillis(500))
                : new TernServer(config, Duration.ofMillis(500), authenticators))
                .withOutboundTimeouts(dev.tern.smtp.client.SmtpTimeouts.uniform(Duration.ofSeconds(10))).start();
    }

    /**
     * With more listeners and a hook that sets the server up before it starts (admin routes,
     * metrics…); the hook returns the server to start.
     */
    public static RunningServer prepared(Path dir, String extraConfig, String listeners,
                                         java.util.function.UnaryOperator<TernServer> beforeStart) {
        TernConfig config = TestConfigs.write(dir, extraConfig, listeners);
        return new RunningServer(beforeStart.apply(new TernServer(config, Duration.ofMillis(500))).start());
    }

    /**
     * A server with only the IMAP listener (STARTTLS, plaintext LOGIN allowed: the tests' clients
     * are on loopback) and these accounts, all with {@code password}, their domains added.
     */
    public static RunningServer plainImap(Path home, String password, String... addresses) {
        RunningServer server = new RunningServer(home, "[imap]\nallow_plaintext_auth = true\n",
                "imap = [\"127.0.0.1:0\"]\n", null);
        for (String address : addresses) {
            String domain = address.substring(address.lastIndexOf('@') + 1);
            if (server.services().directory().domains().stream().noneMatch(d -> d.name().equals(domain))) {
                server.services().directory().addDomain(domain);
            }
            server.services().directory().addUser(address, password);
        }
        return server;
    }

    /**
     * A server for a client program's test: its files in {@code home} (made if missing), the
     * listeners given, and one account, {@code address} with {@code password}, in its domain.
     */
    public static RunningServer withAccount(Path home, String listeners, String address, String password) {
        try {
            java.nio.file.Files.createDirectories(home);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        RunningServer server = new RunningServer(home, "", listeners, null);
        server.services().directory().addDomain(address.substring(address.lastIndexOf('@') + 1));
        server.services().directory().addUser(address, password);
        return server;
    }

    /**
     * The sending side of a delivery test: {@code mx.a.test} on 127.0.0.2, for domain a.test with
     * account alice@a.test (password {@code alice pw}), that asks {@code dns} for MX records and
     * delivers to port {@code mxPort} of the hosts they name, retrying after a second or two. Its
     * files are in {@code home}, kept across restarts. {@code extraDelivery} is appended to its
     * {@code [delivery]} table (and may open other tables after it).
     */
    public static RunningServer sender(Path home, TestDnsServer dns, int mxPort, String extraDelivery) {
        try {
            java.nio.file.Files.createDirectories(home);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        RunningServer s = new RunningServer(home, "hostname = \"mx.a.test\"\n"
                + "\n[dns]\nnameservers = [\"127.0.0.1:" + dns.nameserver().getPort() + "\"]\ntimeout = \"2s\"\n"
                + "\n[delivery]\nsmtp_port = " + mxPort + "\nretry_first = \"1s\"\nretry_max = \"2s\"\n" + extraDelivery,
                "", null, "127.0.0.2:" + mxPort);
        if (!s.services().directory().isLocalDomain("a.test")) {
            s.services().directory().addDomain("a.test");
            s.services().directory().addUser("alice@a.test", "alice pw");
        }
        return s;
    }

    private RunningServer(TernServer started) {
        server = started;
    }

    /** Puts a message into the queue as authenticated submission does, and returns its queue id. */
    public String submit(String sender, String content, String... recipients) {
        return submit(sender, content, null, java.util.Arrays.stream(recipients)
                .map(r -> dev.tern.mail.Recipient.of(dev.tern.mail.MailAddress.parse(r))).toList());
    }

    /** The same with an envelope id and recipients that carry DSN parameters. */
    public String submit(String sender, String content, String envId, List<dev.tern.mail.Recipient> recipients) {
        return submit(sender, content, envId, recipients, false);
    }

    /** Submits a message that asked for REQUIRETLS (RFC 8689) on its MAIL command. */
    public String submitRequiringTls(String sender, String content, String... recipients) {
        return submit(sender, content, null, java.util.Arrays.stream(recipients)
                .map(r -> dev.tern.mail.Recipient.of(dev.tern.mail.MailAddress.parse(r))).toList(), true);
    }

    private String submit(String sender, String content, String envId, List<dev.tern.mail.Recipient> recipients,
                          boolean requireTls) {
        Services s = services();
        String id = s.queue().newId();
        dev.tern.store.BlobSink sink = s.queue().newBody(id);
        try {
            sink.write(java.nio.ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        dev.tern.mail.Envelope env = new dev.tern.mail.Envelope(dev.tern.mail.MailAddress.parse(sender), recipients,
                "7BIT", false, null, envId, new dev.tern.mail.ClientInfo("127.0.0.1", null, "client.test", "ESMTPSA",
                "submission", sender), java.time.Instant.now()).withRequireTls(requireTls);
        s.queue().enqueue(id, env, sink).join();
        return id;
    }

    /**
     * Waits up to {@code limit} until a recipient of message {@code id} is deferred with a last
     * error that contains every one of {@code reasons}.
     */
    public void awaitDeferred(String id, java.time.Duration limit, String... reasons) {
        org.awaitility.Awaitility.await().atMost(limit).until(() -> services().queue().recipients(id).stream()
                .anyMatch(r -> r.state().equals("deferred") && r.lastError() != null
                        && java.util.Arrays.stream(reasons).allMatch(r.lastError()::contains)));
    }

    public int smtpPort() {
        return server.port("smtp");
    }

    public int port(String listener) {
        return server.port(listener);
    }

    public Services services() {
        return server.services();
    }

    public TernServer server() {
        return server;
    }

    public List<Rows.Message> inbox(String address) {
        return mailbox(address, "INBOX");
    }

    public List<Rows.Message> mailbox(String address, String name) {
        Account a = services().directory().user(address).orElseThrow();
        Rows.Mailbox box = services().mailboxes().mailboxes(a.id()).stream()
                .filter(m -> m.name().equals(name)).findFirst().orElseThrow();
        return services().mailboxes().messages(box.id());
    }

    public String content(Rows.Message m) {
        try (InputStream in = services().mailboxes().open(m)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
