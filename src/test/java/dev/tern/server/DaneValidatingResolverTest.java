package dev.tern.server;

import dev.tern.testing.LoopbackPorts;
import dev.tern.testing.RunningServer;
import dev.tern.testing.ScriptedSmtpServer;
import dev.tern.testing.TestPki;
import dev.tern.testing.Unbound;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * DANE against a real validating resolver: unbound, serving zones that BIND's tools signed, and
 * trusting their keys. Server A (127.0.0.2) asks it, and delivers to an MX host on 127.0.0.3
 * whose certificate comes from a CA that A does not trust.
 */
class DaneValidatingResolverTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    RunningServer a;
    Unbound unbound;
    final TestPki pki = new TestPki();

    @AfterEach
    void tearDown() {
        if (a != null) {
            a.close();
        }
        if (unbound != null) {
            unbound.close();
        }
    }

    private String send(String recipient) {
        return a.submit("alice@a.test", "From: alice@a.test\r\nTo: " + recipient + "\r\nSubject: hi\r\n\r\nhello\r\n",
                recipient);
    }

    private ScriptedSmtpServer mx(int port, SSLContext tls) throws IOException {
        return ScriptedSmtpServer.withStartTls("127.0.0.3", port, tls);
    }

    private void awaitDeferred(String id, String... reason) {
        a.awaitDeferred(id, WAIT, reason);
    }

    @Test
    void signedTlsaRecordsDecideAndUnsignedOrBogusOnesDoNot() throws Exception {
        int port = LoopbackPorts.freeOnAll("127.0.0.3", "127.0.0.2");
        TestPki.Issued published = pki.issue("mx.b.test");
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(published.certificate().getPublicKey().getEncoded()));
        String tlsa = "_" + port + "._tcp.";
        unbound = Unbound.in(dir.resolve("dns"))
                .signedZone("b.test", "b.test. IN MX 10 mx.b.test.\nmx.b.test. IN A 127.0.0.3\n"
                        + tlsa + "mx.b.test. IN TLSA 3 1 1 " + hash + "\n")
                // The same MX host for a domain whose zone is not signed.
                .zone("c.test", "c.test. IN MX 10 mx.b.test.\n")
                // A signed domain whose TLSA record was changed after signing: bogus.
                .tamperedZone("d.test", "d.test. IN MX 10 mx.d.test.\nmx.d.test. IN A 127.0.0.3\n"
                        + tlsa + "mx.d.test. IN TLSA 3 1 1 " + "A".repeat(64) + "\n", "A".repeat(36), "B".repeat(36))
                .start();

        Path d = Files.createDirectories(dir.resolve("a"));
        a = new RunningServer(d, "hostname = \"mx.a.test\"\n"
                + "\n[dns]\nnameservers = [\"" + unbound.address() + "\"]\ntimeout = \"2s\"\n"
                + "\n[delivery]\nsmtp_port = " + port + "\nretry_first = \"1s\"\nretry_max = \"2s\"\n",
                "", null, "127.0.0.2:" + port);
        a.services().directory().addDomain("a.test");
        a.services().directory().addUser("alice@a.test", "alice pw");

        // The certificate the signed record names: delivered over STARTTLS.
        try (ScriptedSmtpServer mx = mx(port, pki.serverContext(published))) {
            String id = send("bob@b.test");
            await().atMost(WAIT).until(() -> mx.messages().size() == 1);
            assertThat(mx.commands()).contains("STARTTLS");
            await().atMost(WAIT).until(() -> a.services().queue().message(id).isEmpty());
        }
        // Another certificate of the same CA: b.test's mail waits, and nothing is sent.
        try (ScriptedSmtpServer mx = mx(port, pki.serverContext("mx.b.test"))) {
            String id = send("bob@b.test");
            awaitDeferred(id, "4.7.5", "failed DANE authentication");
            assertThat(mx.commands()).noneMatch(c -> c.startsWith("MAIL"));
            a.services().queue().delete(id);

            // c.test's MX records are not validated: the same host's records do not apply to it.
            String other = send("carol@c.test");
            await().atMost(WAIT).until(() -> mx.messages().size() == 1);
            await().atMost(WAIT).until(() -> a.services().queue().message(other).isEmpty());

            // d.test's TLSA answer fails validation: unbound answers SERVFAIL, and the host is not tried.
            int before = mx.commands().size();
            String bogus = send("dave@d.test");
            awaitDeferred(bogus, "4.7.5", "could not be looked up");
            assertThat(mx.commands()).hasSize(before);
        }
    }
}
