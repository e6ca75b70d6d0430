package dev.tern.smtp.server;

import dev.tern.net.tls.TlsMode;
import dev.tern.testing.FakeSaslAuthenticator;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static dev.tern.smtp.server.SmtpTestClient.expect;
import static org.assertj.core.api.Assertions.assertThat;

/** AUTH (RFC 4954) and submission (RFC 6409) over a fake PLAIN/LOGIN authenticator. */
class SmtpAuthTest extends SmtpServerTestSupport {

    private FakeSaslAuthenticator sasl;

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String plain(String user, String password) {
        return b64("\0" + user + "\0" + password);
    }

    private void startSubmission(boolean hideClientIp) {
        sasl = TlsFixture.authenticator(false);
        start("submission", limits(), true, SmtpSecurity.submission(TlsMode.STARTTLS, TlsFixture.TLS, sasl,
                TlsFixture.AUTH_EXECUTOR, hideClientIp));
    }

    /** Connected to the submission listener, TLS up, EHLO sent. */
    private SmtpTestClient secured() throws Exception {
        if (server == null) {
            startSubmission(false);
        }
        SmtpTestClient c = greeted();
        expect(c.command("STARTTLS"), 220);
        c.handshake(TlsFixture.CLIENT);
        c.ehlo("client.test");
        return c;
    }

    @Test
    void plainWithInitialResponseThenAuthenticatedRelay() throws Exception {
        var trace = capture("dev.tern.smtp.trace");
        SmtpTestClient c = secured();
        assertThat(c.command("MAIL FROM:<alice@example.test>").text()).isEqualTo("530 5.7.0 Authentication required");
        assertThat(c.command("AUTH PLAIN " + plain("alice@example.test", TlsFixture.PASSWORD)).text())
                .isEqualTo("235 2.7.0 Authentication successful");
        expect(c.command("MAIL FROM:<alice@example.test> AUTH=alice+40example.test"), 250);
        expect(c.command("RCPT TO:<someone@elsewhere.example>"), 250);
        expect(c.command("DATA"), 354);
        c.send("Subject: relayed\r\n\r\nhi\r\n.\r\n");
        expect(c.reply(), 250);

        FakeBackend.Queued q = backend.last();
        assertThat(q.envelope().client().authUser()).isEqualTo("alice@example.test");
        assertThat(q.envelope().client().protocol()).isEqualTo("ESMTPSA");
        assertThat(q.envelope().client().listener()).isEqualTo("submission");
        assertThat(q.text()).startsWith("Received: from client.test ([127.0.0.1])\r\n\t(using TLSv1.3 with cipher ")
                .contains("\t(Authenticated sender: alice@example.test)\r\n\tby mx.example.test (Tern) with ESMTPSA id Q1\r\n");
        assertThat(sasl.stepThreads).allMatch(name -> name.startsWith("test-auth"));
        assertThat(messages(trace)).noneMatch(m -> m.contains(plain("alice@example.test", TlsFixture.PASSWORD)))
                .anyMatch(m -> m.contains("AUTH PLAIN <hidden>"));
        assertThat(c.command("AUTH PLAIN " + plain("bob@example.test", TlsFixture.PASSWORD)).text())
                .isEqualTo("503 5.5.1 Error: already authenticated");
    }

    @Test
    void plainWithoutInitialResponse() throws Exception {
        SmtpTestClient c = secured();
        assertThat(c.command("AUTH PLAIN").text()).isEqualTo("334 ");
        expect(c.command(plain("bob@example.test", TlsFixture.PASSWORD)), 235);
    }

    @Test
    void login() throws Exception {
        SmtpTestClient c = secured();
        assertThat(c.command("AUTH LOGIN").text()).isEqualTo("334 " + b64("Username:"));
        assertThat(c.command(b64("alice@example.test")).text()).isEqualTo("334 " + b64("Password:"));
        expect(c.command(b64(TlsFixture.PASSWORD)), 235);
        expect(c.command("MAIL FROM:<alice@example.test>"), 250);
    }

    @Test
    void additionalDataComesAsALastChallenge() throws Exception {
        SmtpTestClient c = secured();
        assertThat(c.command("AUTH X-FINAL " + plain("alice@example.test", TlsFixture.PASSWORD)).text())
                .isEqualTo("334 " + b64("v=ok"));
        expect(c.command(""), 235);
    }

    @Test
    void cancelMalformedAndUnknown() throws Exception {
        SmtpTestClient c = secured();
        expect(c.command("AUTH LOGIN"), 334);
        assertThat(c.command("*").text()).isEqualTo("501 5.0.0 Authentication cancelled");
        assertThat(c.command("AUTH PLAIN not*base64").text()).startsWith("501 5.5.2 ");
        expect(c.command("AUTH PLAIN"), 334);
        assertThat(c.command("%%%").text()).startsWith("501 5.5.2 ");
        assertThat(c.command("AUTH PLAIN " + b64("no separators")).text()).startsWith("501 5.5.2 ");
        assertThat(c.command("AUTH CRAM-SHA1").text()).isEqualTo("504 5.5.4 Unrecognized authentication type");
        // "=" is the empty initial response: PLAIN cannot use it.
        assertThat(c.command("AUTH PLAIN =").text()).startsWith("501 5.5.2 ");
        assertThat(c.command("NOOP").text()).isEqualTo("250 2.0.0 Ok");
    }

    @Test
    void badCredentialsAnsweredAfterTheFailureDelay() throws Exception {
        SmtpTestClient c = secured();
        assertThat(c.command("AUTH PLAIN " + plain("alice@example.test", "wrong")).text())
                .isEqualTo("535 5.7.8 Authentication credentials invalid");
        assertThat(sasl.failureDelaysAsked.get()).isEqualTo(1);
        expect(c.command("AUTH PLAIN " + plain("alice@example.test", TlsFixture.PASSWORD)), 235);
    }

    @Test
    void lockedOutClient() throws Exception {
        startSubmission(false);
        sasl.lockedOutClients.add("127.0.0.1");
        SmtpTestClient c = secured();
        assertThat(c.command("AUTH PLAIN " + plain("alice@example.test", TlsFixture.PASSWORD)).text())
                .startsWith("454 4.7.0 ");
    }

    @Test
    void passwordsNeedTls() throws Exception {
        startSubmission(false);
        SmtpTestClient c = greeted();
        assertThat(c.ehlo("client.test")).contains("STARTTLS").noneMatch(k -> k.startsWith("AUTH"));
        assertThat(c.command("AUTH PLAIN " + plain("alice@example.test", TlsFixture.PASSWORD)).text())
                .isEqualTo("538 5.7.11 Encryption required for requested authentication mechanism");
        assertThat(c.command("MAIL FROM:<alice@example.test>").text()).isEqualTo("530 5.7.0 Authentication required");
    }

    @Test
    void authOrderRules() throws Exception {
        startSubmission(false);
        SmtpTestClient c = connect();
        expect(c.reply(), 220);
        assertThat(c.command("AUTH PLAIN").code()).isEqualTo(503);   // before EHLO
        stopServer();
        // Port 25 with AUTH: a transaction may run unauthenticated, and AUTH cannot interrupt it.
        start("smtp", limits(), false, SmtpSecurity.relay(TlsFixture.TLS, TlsFixture.authenticator(true),
                TlsFixture.AUTH_EXECUTOR));
        SmtpTestClient mta = greeted();
        expect(mta.command("MAIL FROM:<a@b.test>"), 250);
        assertThat(mta.command("AUTH PLAIN " + plain("alice@example.test", TlsFixture.PASSWORD)).text())
                .isEqualTo("503 5.5.1 Error: MAIL transaction in progress");
        assertThat(mta.command("RCPT TO:<someone@elsewhere.example>").text()).startsWith("550 5.7.1 ");
        expect(mta.command("RSET"), 250);
        expect(mta.command("AUTH PLAIN " + plain("alice@example.test", TlsFixture.PASSWORD)), 235);
        expect(mta.command("MAIL FROM:<alice@example.test>"), 250);
        expect(mta.command("RCPT TO:<someone@elsewhere.example>"), 250);
    }

    @Test
    void aSenderTheUserDoesNotOwnIsRefusedAtMail() throws Exception {
        SmtpTestClient c = secured();
        backend.forbiddenSenders.add("bob@example.test");
        expect(c.command("AUTH PLAIN " + plain("alice@example.test", TlsFixture.PASSWORD)), 235);
        assertThat(c.command("MAIL FROM:<bob@example.test>").text()).startsWith("553 5.7.1 ");
        expect(c.command("MAIL FROM:<alice@example.test>"), 250);
    }

    @Test
    void authLinesMayBeLongerThanCommandLines() throws Exception {
        SmtpTestClient c = secured();
        String longPassword = "x".repeat(5000);   // the test limit for command lines is 1000
        assertThat(c.command("AUTH PLAIN " + plain("alice@example.test", longPassword)).code()).isEqualTo(535);
        expect(c.command("AUTH PLAIN"), 334);
        assertThat(c.command(plain("alice@example.test", longPassword)).code()).isEqualTo(535);
        expect(c.command("AUTH PLAIN"), 334);
        assertThat(c.command("A".repeat(13_000)).text()).isEqualTo("500 5.5.6 Authentication exchange line is too long");
        assertThat(c.command("NOOP " + "x".repeat(5000)).text()).isEqualTo("500 5.5.2 Error: line too long");
    }

    @Test
    void hiddenClientInTheReceivedHeader() throws Exception {
        startSubmission(true);
        SmtpTestClient c = secured();
        expect(c.command("AUTH PLAIN " + plain("alice@example.test", TlsFixture.PASSWORD)), 235);
        expect(c.command("MAIL FROM:<alice@example.test>"), 250);
        expect(c.command("RCPT TO:<bob@example.test>"), 250);
        expect(c.command("DATA"), 354);
        c.send("Subject: private\r\n\r\nhi\r\n.\r\n");
        expect(c.reply(), 250);
        String header = backend.last().text().substring(0, backend.last().text().indexOf("Subject:"));
        assertThat(header).startsWith("Received: (using TLSv1.3 with cipher ")
                .contains("(Authenticated sender: alice@example.test)", "by mx.example.test (Tern) with ESMTPSA")
                .doesNotContain("127.0.0.1").doesNotContain("client.test");
    }
}
