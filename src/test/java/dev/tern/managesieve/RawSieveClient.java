package dev.tern.managesieve;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A ManageSieve client over a raw socket, for exact exchanges: what is sent and read is what is
 * on the wire. Reads literals ({@code {n}}) whole, so a response's text is exactly what came.
 */
final class RawSieveClient implements AutoCloseable {

    /** The most lines one response may have: a bound on every read loop. */
    private static final int MAX_LINES = 1000;

    private Socket socket;
    private InputStream in;
    private OutputStream out;

    RawSieveClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(20_000);
        streams();
    }

    private void streams() throws IOException {
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Switches to TLS after STARTTLS's OK. */
    void startTls(SSLContext tls) throws IOException {
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(socket, "127.0.0.1", socket.getPort(), true);
        s.startHandshake();
        socket = s;
        streams();
    }

    void send(String raw) throws IOException {
        send(raw.getBytes(StandardCharsets.UTF_8));
    }

    void send(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
    }

    /** Sends a command (CRLF added) and returns the whole response, up to and including its OK, NO or BYE line. */
    String command(String line) throws IOException {
        send(line + "\r\n");
        return response();
    }

    /** Sends a line (CRLF added) that a SASL challenge answers, and returns that one line with its CRLF. */
    String challenged(String line) throws IOException {
        send(line + "\r\n");
        String answer = line();
        return answer == null ? "<EOF>" : answer + "\r\n";
    }

    /**
     * Every line up to and including the next one that starts with OK, NO or BYE, each ended
     * with CRLF, literals included as sent; what was read so far and {@code <EOF>} when the
     * server closes first.
     */
    String response() throws IOException {
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < MAX_LINES; i++) {
            String line = line();
            if (line == null) {
                return all.append("<EOF>").toString();
            }
            all.append(line).append("\r\n");
            if (line.startsWith("OK") || line.startsWith("NO") || line.startsWith("BYE")) {
                return all.toString();
            }
        }
        throw new IOException("no end to the response: " + all);
    }

    /** One line with the literals it announces, without its final CRLF; null at the end of the stream. */
    String line() throws IOException {
        ByteArrayOutputStream logical = new ByteArrayOutputStream();
        for (int i = 0; i < MAX_LINES; i++) {
            byte[] raw = rawLine();
            if (raw == null) {
                return logical.size() == 0 ? null : logical.toString(StandardCharsets.UTF_8);
            }
            logical.writeBytes(raw);
            long literal = literalAtEnd(raw);
            if (literal < 0) {
                return logical.toString(StandardCharsets.UTF_8);
            }
            logical.write('\r');
            logical.write('\n');
            logical.writeBytes(in.readNBytes((int) literal));
        }
        throw new IOException("too many literals in one line");
    }

    private byte[] rawLine() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        for (int c; (c = in.read()) >= 0; ) {
            if (c == '\n') {
                byte[] b = buf.toByteArray();
                if (b.length == 0 || b[b.length - 1] != '\r') {
                    throw new IOException("line not ended by CRLF: " + new String(b, StandardCharsets.UTF_8));
                }
                return java.util.Arrays.copyOf(b, b.length - 1);
            }
            buf.write(c);
        }
        return buf.size() == 0 ? null : buf.toByteArray();
    }

    private static long literalAtEnd(byte[] line) {
        ManageSieveParser.Literal l = ManageSieveParser.literalAtEnd(line);
        return l == null ? -1 : l.size();
    }

    /** True when the server closed the connection (the next read finds the end of the stream). */
    boolean isClosedByPeer() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
