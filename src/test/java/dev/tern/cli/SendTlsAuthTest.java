package dev.tern.cli;

import dev.tern.testing.InProcessCli;
import dev.tern.testing.InProcessCli.Result;
import dev.tern.testing.ScriptedSmtpServer;
import dev.tern.testing.TestPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SSLContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tern send} with STARTTLS, implicit TLS and AUTH, against a scripted server on loopback
 * with certificates from a CA made in the test.
 */
class SendTlsAuthTest {

    static TestPki pki;
    static SSLContext localhostCert;
    static Path caPem;

    @TempDir
    static Path dir;

    @BeforeAll
    static void certificates() throws Exception {
        pki = new TestPki();
        localhostCert = pki.serverContext("localhost", "127.0.0.1");
        caPem = pki.writeCaPem(dir.resolve("ca.pem"));
    }

    private static ScriptedSmtpServer.Options startTls(SSLContext cert) {
        ScriptedSmtpServer.Options o = new ScriptedSmtpServer.Options();
        o.startTls = cert;
        return o;
    }

    private static Result send(ScriptedSmtpServer server, String host, String stdin, String... args) {
        List<String> full = new ArrayList<>(List.of("send", "--server", host + ":" + server.port(),
                "--ehlo", "client.example.org", "--from", "alice@example.test", "--to", "bob@example.net",
                "--timeout", "10s", "--config", dir.resolve("no-such.toml").toString()));
        full.addAll(List.of(args));
        return InProcessCli.run(stdin, full.toArray(new String[0]));
    }

    @Test
    void startTlsWithAVerifiedCertificate() throws Exception {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer(startTls(localhostCert))) {
            Result r = send(server, "localhost", "body\n", "--starttls", "--cafile", caPem.toString());
            assertThat(r.code()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("<- 250-STARTTLS").contains("-> STARTTLS").contains("<- 220 2.0.0 Ready")
                    .containsPattern("\\*\\*\\* TLS started: TLSv1\\.[23], \\S+; certificate verified for localhost");
            assertThat(server.commands()).filteredOn(c -> c.startsWith("EHLO")).hasSize(2);
            assertThat(server.messages()).hasSize(1);
        }
    }

    @Test
    void anUntrustedCertificateStopsBeforeAnythingIsSent() throws Exception {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer(startTls(localhostCert))) {
            Result r = send(server, "localhost", "body\n", "--starttls");
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).startsWith("tern: TLS with localhost failed: the server's certificate is not signed by a trusted authority")
                    .contains("--cafile").contains("--insecure");
            assertThat(r.out()).doesNotContain("TLS started").doesNotContain("MAIL FROM");
            assertThat(server.commands()).noneMatch(c -> c.startsWith("MAIL"));
        }
    }

    @Test
    void aCertificateForAnotherNameIsRefused() throws Exception {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer(startTls(pki.serverContext("mx.other.test")))) {
            Result r = send(server, "localhost", "body\n", "--starttls", "--cafile", caPem.toString());
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).startsWith("tern: TLS with localhost failed: the server's certificate is not valid for the name localhost");
            assertThat(server.messages()).isEmpty();
        }
    }

    @Test
    void insecureSkipsVerificationButStillEncrypts() throws Exception {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer(startTls(pki.serverContext("mx.other.test")))) {
            Result r = send(server, "127.0.0.1", "body\n", "--starttls", "--insecure");
            assertThat(r.code()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("certificate NOT verified (insecure)");
            assertThat(server.messages()).hasSize(1);
        }
    }

    @Test
    void implicitTls() throws Exception {
        ScriptedSmtpServer.Options o = new ScriptedSmtpServer.Options();
        o.implicitTls = localhostCert;
        try (ScriptedSmtpServer server = new ScriptedSmtpServer(o)) {
            Result r = send(server, "127.0.0.1", "body\n", "--tls", "--cafile", caPem.toString());
            assertThat(r.code()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("certificate verified for 127.0.0.1").doesNotContain("-> STARTTLS");
            assertThat(server.messages()).hasSize(1);

            Result untrusted = send(server, "127.0.0.1", "body\n", "--tls");
            assertThat(untrusted.code()).isEqualTo(1);
            assertThat(untrusted.err()).contains("not signed by a trusted authority");
        }
    }

    @Test
    void startTlsRequiredButNotOffered() throws Exception {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer(new ScriptedSmtpServer.Options())) {
            Result r = send(server, "127.0.0.1", "body\n", "--starttls");
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).isEqualTo("tern: 127.0.0.1 does not offer STARTTLS\n");
            assertThat(r.out()).contains("-> QUIT");
        }
    }

    @Test
    void plaintextInjectedAfterTheStartTlsReplyEndsTheSession() throws Exception {
        ScriptedSmtpServer.Options o = startTls(localhostCert);
        o.injectAfterStartTls = true;
        try (ScriptedSmtpServer server = new ScriptedSmtpServer(o)) {
            Result r = send(server, "localhost", "body\n", "--starttls", "--cafile", caPem.toString());
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).contains("sent more data after its reply to STARTTLS");
            assertThat(server.messages()).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-256"})
    void authenticatesWithEachMechanismAndRedactsIt(String mech) throws Exception {
        ScriptedSmtpServer.Options o = startTls(localhostCert);
        o.auth = List.of("PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-256");
        o.authOnlyAfterTls = true;
        try (ScriptedSmtpServer server = new ScriptedSmtpServer(o)) {
            Result r = send(server, "localhost", "s3cret pw\nThe body, after the password.\n", "--starttls",
                    "--cafile", caPem.toString(), "--user", "alice@example.test", "--password-stdin", "--mech", mech);
            assertThat(r.code()).as(r.out() + r.err()).isZero();
            assertThat(server.authenticated()).containsExactly("alice@example.test");
            assertThat(server.messages()).singleElement().asString().endsWith("\r\n\r\nThe body, after the password.\r\n");
            assertThat(r.out()).contains("<- 235 2.7.0 Authentication successful");
            assertRedacted(r.out(), server, mech);
        }
    }

    private static void assertRedacted(String out, ScriptedSmtpServer server, String mech) {
        boolean initial = mech.equals("PLAIN") || mech.equals("SCRAM-SHA-256");
        assertThat(out).contains(initial ? "-> AUTH " + mech + " <redacted>\n" : "-> AUTH " + mech + "\n");
        assertThat(out).doesNotContain("s3cret");
        // every response the server received after AUTH appears nowhere in the transcript
        List<String> commands = server.commands();
        int auth = commands.indexOf(commands.stream().filter(c -> c.startsWith("AUTH")).findFirst().orElseThrow());
        for (String c : commands.subList(auth, commands.size())) {
            if (c.startsWith("MAIL")) {
                break;
            }
            String payload = c.startsWith("AUTH") ? c.substring(("AUTH " + mech).length()).trim() : c;
            if (!payload.isEmpty()) {
                assertThat(out).doesNotContain(payload);
            }
        }
        assertThat(out).doesNotContain(Base64.getEncoder().encodeToString("s3cret pw".getBytes(StandardCharsets.UTF_8)));
        long redactedResponses = out.lines().filter(l -> l.equals("-> <redacted>")).count();
        assertThat(redactedResponses).isEqualTo(switch (mech) {
            case "LOGIN" -> 2;
            case "CRAM-MD5" -> 1;
            case "SCRAM-SHA-256" -> 2;  // client-final, then the empty answer to the server-final message
            default -> 0;
        });
    }

    @Test
    void withoutMechTheStrongestOfferedIsChosen() throws Exception {
        ScriptedSmtpServer.Options o = new ScriptedSmtpServer.Options();
        o.auth = List.of("LOGIN", "PLAIN", "SCRAM-SHA-256", "CRAM-MD5");
        try (ScriptedSmtpServer server = new ScriptedSmtpServer(o)) {
            // plaintext, but the server is on loopback: allowed
            Result r = send(server, "127.0.0.1", "s3cret pw\n", "--user", "alice@example.test", "--password-stdin");
            assertThat(r.code()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("-> AUTH SCRAM-SHA-256 <redacted>");
        }
    }

    @Test
    void aWrongPasswordFailsWithTheServersReply() throws Exception {
        ScriptedSmtpServer.Options o = new ScriptedSmtpServer.Options();
        o.auth = List.of("PLAIN");
        try (ScriptedSmtpServer server = new ScriptedSmtpServer(o)) {
            Result r = send(server, "127.0.0.1", "wrong\n", "--user", "alice@example.test", "--password-stdin");
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).isEqualTo("tern: authentication refused by 127.0.0.1: 535 5.7.8 Error: authentication failed\n");
            assertThat(server.commands()).noneMatch(c -> c.startsWith("MAIL"));
        }
    }

    @Test
    void aForgedScramServerSignatureIsNotTrusted() throws Exception {
        ScriptedSmtpServer.Options o = new ScriptedSmtpServer.Options();
        o.auth = List.of("SCRAM-SHA-256");
        o.forgeScramSignature = true;
        try (ScriptedSmtpServer server = new ScriptedSmtpServer(o)) {
            Result r = send(server, "127.0.0.1", "s3cret pw\n", "--user", "alice@example.test", "--password-stdin");
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).contains("SCRAM-SHA-256 with 127.0.0.1 abandoned: the server's SCRAM signature is wrong");
            assertThat(r.out()).contains("-> *").contains("<- 501 5.0.0 Authentication cancelled");
            assertThat(server.authenticated()).isEmpty();
            assertThat(server.commands()).noneMatch(c -> c.startsWith("MAIL"));
        }
    }

    @Test
    void aMechanismTheServerDoesNotOfferIsNotTried() throws Exception {
        ScriptedSmtpServer.Options o = new ScriptedSmtpServer.Options();
        o.auth = List.of("PLAIN");
        try (ScriptedSmtpServer server = new ScriptedSmtpServer(o)) {
            Result r = send(server, "127.0.0.1", "pw\n", "--user", "alice@example.test", "--password-stdin",
                    "--mech", "cram-md5");
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).isEqualTo("tern: 127.0.0.1 does not offer AUTH CRAM-MD5 (it offers PLAIN)\n");
            assertThat(server.commands()).noneMatch(c -> c.startsWith("AUTH"));
        }
    }

    @Test
    void gssapiWithAMissingKeytabFailsBeforeAuth() throws Exception {
        ScriptedSmtpServer.Options o = new ScriptedSmtpServer.Options();
        o.auth = List.of("GSSAPI", "PLAIN");
        try (ScriptedSmtpServer server = new ScriptedSmtpServer(o)) {
            Result r = send(server, "127.0.0.1", "", "--mech", "gssapi", "--user", "mailer@EXAMPLE.TEST",
                    "--keytab", dir.resolve("absent.keytab").toString());
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).startsWith("tern: Kerberos keytab ").contains("absent.keytab does not exist");
            assertThat(server.commands()).noneMatch(c -> c.startsWith("AUTH"));
        }
    }

    @Test
    void noAuthOfferedBeforeTlsSuggestsStartTls() throws Exception {
        ScriptedSmtpServer.Options o = startTls(localhostCert);
        o.auth = List.of("PLAIN");
        o.authOnlyAfterTls = true;
        o.refusedRecipients = Set.of();
        try (ScriptedSmtpServer server = new ScriptedSmtpServer(o)) {
            Result r = send(server, "127.0.0.1", "pw\n", "--user", "alice@example.test", "--password-stdin");
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).isEqualTo("tern: 127.0.0.1 does not offer AUTH before TLS; add --starttls\n");
        }
    }
}
