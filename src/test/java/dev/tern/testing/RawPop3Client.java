package dev.tern.testing;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A POP3 client over a raw socket, for exact exchanges: what is sent and read is what is on the wire. */
public final class RawPop3Client implements AutoCloseable {

    private Socket socket;
    private InputStream in;
    private OutputStream out;

    /** Connects; with a TLS context, TLS from the first byte (pop3s). */
    public RawPop3Client(int port, SSLContext implicitTls) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(20_000);
        if (implicitTls != null) {
            socket = wrap(implicitTls, socket);
        }
        streams();
    }

    public RawPop3Client(int port) throws IOException {
        this(port, null);
    }

    private void streams() throws IOException {
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    private static SSLSocket wrap(SSLContext tls, Socket plain) throws IOException {
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(plain, "127.0.0.1", plain.getPort(), true);
        s.startHandshake();
        return s;
    }

    /** Switches to TLS after STLS's +OK. */
    public void startTls(SSLContext tls) throws IOException {
        socket = wrap(tls, socket);
        streams();
    }

    /** One line without its CRLF; null at end of stream. */
    public String line() throws IOException {
        byte[] b = lineBytes();
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    private byte[] lineBytes() throws IOException {
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

    public void send(String raw) throws IOException {
        out.write(raw.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Sends a command line and returns the first line of the answer. */
    public String command(String line) throws IOException {
        send(line + "\r\n");
        return line();
    }

    /** The lines of a multi-line body after its first line, dot-unstuffed, without the final dot. */
    public List<String> multiline() throws IOException {
        List<String> lines = new ArrayList<>();
        for (String l; (l = line()) != null && !l.equals("."); ) {
            lines.add(l.startsWith(".") ? l.substring(1) : l);
        }
        return lines;
    }

    /** A multi-line body as the message's bytes: dot-unstuffed lines joined with CRLF. */
    public byte[] multilineBytes() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        for (byte[] l; (l = lineBytes()) != null; ) {
            if (l.length == 1 && l[0] == '.') {
                break;
            }
            int skip = l.length > 0 && l[0] == '.' ? 1 : 0;
            buf.write(l, skip, l.length - skip);
            buf.write('\r');
            buf.write('\n');
        }
        return buf.toByteArray();
    }

    /** True when the server closed the connection (the next read finds the end of the stream). */
    public boolean isClosedByPeer() throws IOException {
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
