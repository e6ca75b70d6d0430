package dev.tern.smtp.server;

import dev.tern.net.tls.TlsMode;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.SecureRandom;

import static dev.tern.smtp.server.SmtpTestClient.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** STARTTLS (RFC 3207) and implicit TLS (RFC 8314) with a real TLS client. */
class SmtpStartTlsTest extends SmtpServerTestSupport {

    private void startSmtp() {
        start("smtp", limits(), false, SmtpSecurity.relay(TlsFixture.TLS, TlsFixture.authenticator(false),
                TlsFixture.AUTH_EXECUTOR));
    }

    private void startSubmissions() {
        start("submissions", limits(), false, SmtpSecurity.submission(TlsMode.IMPLICIT, TlsFixture.TLS,
                TlsFixture.authenticator(false), TlsFixture.AUTH_EXECUTOR, false));
    }

    @Test
    void startTlsUpgradesAndForgetsThePlaintextSession() throws Exception {
        startSmtp();
        SmtpTestClient c = connect();
        expect(c.reply(), 220);
        assertThat(c.ehlo("client.test")).contains("STARTTLS").noneMatch(k -> k.startsWith("AUTH"));
        expect(c.command("MAIL FROM:<a@b.test>"), 250);
        assertThat(c.command("STARTTLS").text()).isEqualTo("503 5.5.1 Error: MAIL transaction in progress");
        expect(c.command("RSET"), 250);
        assertThat(c.command("STARTTLS").text()).isEqualTo("220 2.0.0 Ready to start TLS");
        c.handshake(TlsFixture.CLIENT);
        assertThat(c.tlsProtocol()).isEqualTo("TLSv1.3");

        assertThat(c.command("MAIL FROM:<a@b.test>").text()).startsWith("503 5.5.1 Error: send HELO/EHLO first");
        assertThat(c.ehlo("client.test")).doesNotContain("STARTTLS").contains("AUTH PLAIN LOGIN X-FINAL");
        assertThat(c.command("STARTTLS").text()).isEqualTo("503 5.5.1 Error: TLS already active");
        expect(c.command("MAIL FROM:<a@b.test>"), 250);
        expect(c.command("RCPT TO:<alice@example.test>"), 250);
        expect(c.command("DATA"), 354);
        c.send("Subject: over TLS\r\n\r\nhello\r\n.\r\n");
        expect(c.reply(), 250);
        FakeBackend.Queued q = backend.last();
        assertThat(q.envelope().client().protocol()).isEqualTo("ESMTPS");
        assertThat(q.text()).startsWith("Received: from client.test ([127.0.0.1])\r\n\t(using TLSv1.3 with cipher TLS_")
                .contains("\tby mx.example.test (Tern) with ESMTPS id ");
    }

    @Test
    void startTlsTakesNoArgumentsAndIsNotOfferedWithoutTls() throws Exception {
        startSmtp();
        SmtpTestClient c = greeted();
        assertThat(c.command("STARTTLS now").code()).isEqualTo(501);
        stopServer();
        start(limits());
        SmtpTestClient plain = greeted();
        assertThat(plain.command("STARTTLS").text()).isEqualTo("502 5.5.1 Error: command not implemented");
    }

    /** CVE-2011-0411: commands sent with STARTTLS in plaintext must not run once TLS is up. */
    @Test
    void commandsPipelinedAfterStartTlsAreDiscarded() throws Exception {
        startSmtp();
        var log = capture(SmtpSessionHandler.class.getName());
        SmtpTestClient c = greeted();
        c.send("STARTTLS\r\nMAIL FROM:<injected@evil.test>\r\nRCPT TO:<alice@example.test>\r\n");
        assertThat(c.reply().text()).isEqualTo("220 2.0.0 Ready to start TLS");
        c.handshake(TlsFixture.CLIENT);
        // Had the injected commands run, their replies would come first and MAIL would be nested.
        assertThat(c.command("EHLO client.test").lines().get(0)).isEqualTo("250-mx.example.test");
        expect(c.command("MAIL FROM:<real@client.test>"), 250);
        assertThat(c.command("NOOP").text()).isEqualTo("250 2.0.0 Ok");
        assertThat(messages(log)).anyMatch(m -> m.contains("octets pipelined after STARTTLS discarded unread"));
        assertThat(backend.checkedClients).isEmpty();
    }

    @Test
    void implicitTlsFromTheFirstByte() throws Exception {
        startSubmissions();
        SmtpTestClient c = SmtpTestClient.implicitTls(server.port(), TlsFixture.CLIENT);
        assertThat(c.reply().text()).isEqualTo("220 mx.example.test ESMTP Tern");
        assertThat(c.ehlo("client.test")).doesNotContain("STARTTLS").contains("AUTH PLAIN LOGIN X-FINAL");
        assertThat(c.command("STARTTLS").text()).isEqualTo("503 5.5.1 Error: TLS already active");
        assertThat(c.command("MAIL FROM:<a@b.test>").text()).isEqualTo("530 5.7.0 Authentication required");
    }

    @Test
    void plaintextOnTheImplicitTlsPortGetsNoSmtp() throws Exception {
        startSubmissions();
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("EHLO client.test\r\n".getBytes());
            InputStream in = s.getInputStream();
            int first = in.read();
            assertThat(first).isNotEqualTo('2');    // an alert or the end of the connection, never a reply
        }
    }

    @Test
    void aClientLimitedToTls11IsRefused() throws Exception {
        startSubmissions();
        try (Socket raw = new Socket("127.0.0.1", server.port())) {
            SSLSocket tls = (SSLSocket) TlsFixture.CLIENT.getSocketFactory().createSocket(raw, "127.0.0.1", server.port(), true);
            tls.setEnabledProtocols(new String[]{"TLSv1.1"});
            tls.setSoTimeout(10_000);
            assertThatThrownBy(tls::startHandshake).isInstanceOf(SSLException.class);
        }
        // The JDK client may refuse TLS 1.1 on its own; a hand-made TLS 1.1 ClientHello shows the server does too.
        try (Socket raw = new Socket()) {
            raw.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
            raw.setSoTimeout(10_000);
            OutputStream out = raw.getOutputStream();
            out.write(tls11ClientHello());
            out.flush();
            byte[] answer = raw.getInputStream().readNBytes(7);
            assertThat(answer).hasSize(7);
            assertThat(answer[0]).as("record type alert").isEqualTo((byte) 21);
            assertThat(answer[5]).as("fatal").isEqualTo((byte) 2);
            assertThat(answer[6]).as("protocol_version or handshake_failure").isIn((byte) 70, (byte) 40);
        }
    }

    @Test
    void tls12WithAnAeadSuiteWorks() throws Exception {
        startSubmissions();
        SSLContext client = TlsFixture.CLIENT;
        try (Socket raw = new Socket("127.0.0.1", server.port())) {
            SSLSocket tls = (SSLSocket) client.getSocketFactory().createSocket(raw, "127.0.0.1", server.port(), true);
            tls.setEnabledProtocols(new String[]{"TLSv1.2"});
            tls.setSoTimeout(10_000);
            tls.startHandshake();
            assertThat(tls.getSession().getCipherSuite()).startsWith("TLS_ECDHE_ECDSA_WITH_")
                    .containsAnyOf("_GCM_", "CHACHA20_POLY1305");
        }
    }

    /** TLS 1.1 ClientHello (RFC 4346 §7.4.1.2) offering CBC suites, as an old client sends it. */
    private static byte[] tls11ClientHello() {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        ByteBuffer body = ByteBuffer.allocate(128);
        body.put((byte) 3).put((byte) 2).put(random).put((byte) 0);
        body.putShort((short) 4).putShort((short) 0xc009).putShort((short) 0xc013);   // ECDHE_{ECDSA,RSA}_AES128_CBC_SHA
        body.put((byte) 1).put((byte) 0);
        body.putShort((short) 14);
        body.putShort((short) 0x000a).putShort((short) 4).putShort((short) 2).putShort((short) 0x0017);  // secp256r1
        body.putShort((short) 0x000b).putShort((short) 2).put((byte) 1).put((byte) 0);                    // uncompressed points
        body.flip();
        int n = body.remaining();
        ByteBuffer record = ByteBuffer.allocate(n + 9);
        record.put((byte) 22).put((byte) 3).put((byte) 1).putShort((short) (n + 4));
        record.put((byte) 1).put((byte) 0).putShort((short) n).put(body);
        return record.array();
    }
}
