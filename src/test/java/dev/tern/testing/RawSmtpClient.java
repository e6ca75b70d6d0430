package dev.tern.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A deliberately plain SMTP client for tests: it sends exactly the bytes it is given and returns
 * the server's replies, so that tests can check exact exchanges and misbehave on purpose.
 */
public final class RawSmtpClient implements AutoCloseable {

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    public RawSmtpClient(String host, int port, int timeoutMillis) throws IOException {
        this(host, port, timeoutMillis, null);
    }

    /** With {@code tls} non-null, TLS from the first byte (implicit TLS, RFC 8314). */
    public RawSmtpClient(String host, int port, int timeoutMillis, javax.net.ssl.SSLContext tls) throws IOException {
        this(null, host, port, timeoutMillis, tls);
    }

    /** Connecting from a given local address, e.g. 127.0.0.2, to test policies by client address. */
    public static RawSmtpClient from(String localAddress, String host, int port, int timeoutMillis) throws IOException {
        return new RawSmtpClient(localAddress, host, port, timeoutMillis, null);
    }

    private RawSmtpClient(String localAddress, String host, int port, int timeoutMillis,
                          javax.net.ssl.SSLContext tls) throws IOException {
        Socket plain = new Socket();
        if (localAddress != null) {
            plain.bind(new InetSocketAddress(localAddress, 0));
        }
        plain.connect(new InetSocketAddress(host, port), timeoutMillis);
        plain.setSoTimeout(timeoutMillis);
        if (tls != null) {
            javax.net.ssl.SSLSocket secure = (javax.net.ssl.SSLSocket) tls.getSocketFactory()
                    .createSocket(plain, host, port, true);
            secure.startHandshake();
            socket = secure;
        } else {
            socket = plain;
        }
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
    }

    /** Reads one reply (all its lines); returns them joined by "\n". */
    public String reply() throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed" + (lines.isEmpty() ? "" : " after " + lines));
            }
            lines.add(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return String.join("\n", lines);
            }
        }
    }

    /** Sends raw text (no CRLF added). */
    public void send(String raw) throws IOException {
        out.write(raw.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    public void sendBytes(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
    }

    /** Sends a command line and returns the reply. */
    public String command(String line) throws IOException {
        send(line + "\r\n");
        return reply();
    }

    /** Sends one message in one transaction; returns the reply to the end of data. */
    public String sendMail(String from, List<String> to, String content) throws IOException {
        expect(command("MAIL FROM:<" + from + ">"), "250");
        for (String r : to) {
            expect(command("RCPT TO:<" + r + ">"), "250");
        }
        expect(command("DATA"), "354");
        send(content + ".\r\n");
        return reply();
    }

    public static String expect(String reply, String prefix) throws IOException {
        if (!reply.startsWith(prefix)) {
            throw new IOException("expected " + prefix + " but got: " + reply);
        }
        return reply;
    }

    public boolean isClosedByPeer() {
        try {
            return in.read() == -1;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
