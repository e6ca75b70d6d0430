package dev.tern.smtp.server;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * A raw-socket SMTP client for exact protocol exchanges. Every read has a socket timeout, so a
 * test that waits for a reply that never comes fails instead of hanging.
 */
final class SmtpTestClient implements AutoCloseable {

    private static final int READ_TIMEOUT_MS = 10_000;
    private static final int MAX_LINE = 100_000;

    /** One reply: its code and lines (without CRLF). */
    record Reply(int code, List<String> lines) {
        String last() {
            return lines.get(lines.size() - 1);
        }

        String text() {
            return String.join("\n", lines);
        }

        @Override
        public String toString() {
            return text();
        }
    }

    private Socket socket;
    private InputStream in;
    private OutputStream out;

    SmtpTestClient(int port) throws IOException {
        this(port, "127.0.0.1");
    }

    /** Connects from the given loopback address (127.0.0.2… are loopback too on Linux). */
    SmtpTestClient(int port, String fromAddress) throws IOException {
        socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(fromAddress), 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MS);
        socket.setSoTimeout(READ_TIMEOUT_MS);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Connects and does the TLS handshake at once (implicit TLS, RFC 8314). */
    static SmtpTestClient implicitTls(int port, SSLContext context) throws IOException {
        SmtpTestClient c = new SmtpTestClient(port);
        c.handshake(context);
        return c;
    }

    /** Runs the TLS handshake over the connection; what follows is encrypted. */
    void handshake(SSLContext context) throws IOException {
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, "127.0.0.1", socket.getPort(), true);
        tls.setUseClientMode(true);
        tls.startHandshake();
        socket = tls;
        in = tls.getInputStream();
        out = tls.getOutputStream();
    }

    /** "TLSv1.3" once TLS is up. */
    String tlsProtocol() {
        return ((SSLSocket) socket).getSession().getProtocol();
    }

    X509Certificate peerCertificate() throws IOException {
        return (X509Certificate) ((SSLSocket) socket).getSession().getPeerCertificates()[0];
    }

    /** EHLO's keywords (the lines after the host name). */
    List<String> ehlo(String name) throws IOException {
        Reply r = expect(command("EHLO " + name), 250);
        return r.lines().subList(1, r.lines().size()).stream().map(l -> l.substring(4)).toList();
    }

    void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends one command line (CRLF added) and reads its reply. */
    Reply command(String line) throws IOException {
        send(line + "\r\n");
        return reply();
    }

    /** Reads one complete (possibly multi-line) reply. */
    Reply reply() throws IOException {
        List<String> lines = new ArrayList<>();
        while (lines.size() < 1000) {
            String line = readLine();
            if (line == null) {
                throw new IOException("connection closed; reply so far: " + lines);
            }
            lines.add(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return new Reply(Integer.parseInt(line.substring(0, 3)), lines);
            }
        }
        throw new IOException("reply too long");
    }

    /** Reads the greeting and sends EHLO. */
    void greet() throws IOException {
        expect(reply(), 220);
        expect(command("EHLO client.test"), 250);
    }

    /** True when the server has closed the connection (after any unread replies). */
    boolean isClosedByServer() throws IOException {
        return in.read() == -1;
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int i = 0; i < MAX_LINE; i++) {
            int b = in.read();
            if (b == -1) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.UTF_8);
            }
            line.write(b);
        }
        throw new IOException("line too long");
    }

    static Reply expect(Reply reply, int code) {
        if (reply.code() != code) {
            throw new AssertionError("expected " + code + " but got: " + reply.text());
        }
        return reply;
    }

    /** Shuts the socket down hard (RST), like a client that crashes. */
    void abort() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
