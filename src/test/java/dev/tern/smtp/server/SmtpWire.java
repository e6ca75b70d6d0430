package dev.tern.smtp.server;

import dev.tern.testing.HostileInput;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A raw SMTP connection for the hostile-input tests that checks every reply line as it reads it:
 * CRLF-terminated, printable US-ASCII, {@code ddd[ -]text} with one code throughout a reply, at
 * most 512 octets (12288 for a SASL challenge), an enhanced status code where RFC 2034 asks for
 * one, and nothing of the server's insides ({@link HostileInput#leak(String, String, String...)}).
 * Reads time out, so nothing can hang; a failure names the last lines of the conversation.
 */
final class SmtpWire implements AutoCloseable {

    private static final Pattern LINE = Pattern.compile("([2-5]\\d\\d)([ -])(.*)", Pattern.DOTALL);
    private static final Pattern ENHANCED = Pattern.compile("[245]\\.\\d{1,3}\\.\\d{1,3} ");
    private static final int MAX_LINE = 512;
    private static final int MAX_CHALLENGE_LINE = 12288;
    private static final int TRANSCRIPT = 30;

    /** One reply: its code and the text of each line. */
    record Reply(int code, List<String> lines) {
        String text() {
            return String.join("\n", lines);
        }

        @Override
        public String toString() {
            return code + " " + text();
        }
    }

    private final int timeoutMillis;
    private final String[] secrets;
    private final Deque<String> transcript = new ArrayDeque<>();
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private String lastSent = "";
    private String context = "";

    /** @param secrets texts no reply may hold (the data directory's path) */
    SmtpWire(int port, int timeoutMillis, String... secrets) throws IOException {
        this.timeoutMillis = timeoutMillis;
        this.secrets = secrets.clone();
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
        s.setSoTimeout(timeoutMillis);
        use(s);
    }

    private void use(Socket s) throws IOException {
        socket = s;
        in = new BufferedInputStream(s.getInputStream());
        out = s.getOutputStream();
    }

    /** What a failure prints first: the seed and step that led here. */
    void context(String text) {
        context = text;
    }

    void send(byte[] bytes) throws IOException {
        note("C: " + CommandMutations.escape(bytes));
        lastSent = new String(bytes, StandardCharsets.ISO_8859_1);
        out.write(bytes);
        out.flush();
    }

    void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads one reply that must carry an enhanced status code unless it is a 3xx one. */
    Reply reply() throws IOException {
        return reply(false);
    }

    /**
     * Reads one reply.
     *
     * @param exempt RFC 2034 §3 lets this reply go without an enhanced status code (the greeting,
     *               the answer to HELO, EHLO or LHLO)
     */
    Reply reply(boolean exempt) throws IOException {
        List<String> lines = new ArrayList<>();
        int code = -1;
        while (true) {
            String line = line();
            Matcher m = LINE.matcher(line);
            check(m.matches(), "malformed reply line " + line);
            int c = Integer.parseInt(m.group(1));
            check(code < 0 || c == code, "reply code changes within a reply: " + line);
            code = c;
            check(line.length() + 2 <= (code == 334 ? MAX_CHALLENGE_LINE : MAX_LINE), "reply line too long: " + line);
            lines.add(m.group(3));
            if (m.group(2).equals(" ")) {
                break;
            }
            check(lines.size() < 100, "a reply without end");
        }
        Reply r = new Reply(code, lines);
        if (!exempt && code / 100 != 3) {
            for (String text : lines) {
                check(ENHANCED.matcher(text).lookingAt() && text.charAt(0) - '0' == code / 100,
                        "no fitting enhanced status code in " + r);
            }
        }
        String leak = HostileInput.leak(r.toString(), lastSent, secrets);
        check(leak == null, "reply shows internals (" + leak + "): " + r);
        return r;
    }

    /** Reads a reply and checks its code. */
    Reply expect(int code) throws IOException {
        Reply r = reply();
        check(r.code() == code, "expected " + code + ", got " + r);
        return r;
    }

    /** Reads a reply to HELO, EHLO or LHLO and checks its code. */
    Reply expectGreeting(int code) throws IOException {
        Reply r = reply(true);
        check(r.code() == code, "expected " + code + ", got " + r);
        return r;
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            check(c >= 0, "the connection closed where a reply was due");
            if (c == '\n') {
                break;
            }
            b.write(c);
            check(b.size() <= MAX_CHALLENGE_LINE, "a reply line without end");
        }
        byte[] bytes = b.toByteArray();
        check(bytes.length > 0 && bytes[bytes.length - 1] == '\r', "reply line ends in a bare LF: "
                + CommandMutations.escape(bytes));
        for (int i = 0; i < bytes.length - 1; i++) {
            int c = bytes[i] & 0xFF;
            check((c >= 32 && c < 127) || c == '\t', "reply line with octet " + c + ": " + CommandMutations.escape(bytes));
        }
        String line = new String(bytes, 0, bytes.length - 1, StandardCharsets.US_ASCII);
        note("S: " + line);
        return line;
    }

    /** True when the server has closed the connection (end of stream or reset); a timeout fails. */
    boolean closedByServer() throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketException e) {
            return true;
        }
    }

    /**
     * Reads what the server still sends until it closes the connection, at most {@code limit}
     * octets; a timeout fails.
     */
    String drainUntilClosed(int limit) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            for (int c = in.read(); c >= 0; c = in.read()) {
                b.write(c);
                check(b.size() <= limit, "more than " + limit + " octets and the connection still open");
            }
        } catch (SocketException e) {
            // reset: closed too
        }
        note("S: " + CommandMutations.escape(b.toByteArray()) + " and closed");
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** Starts TLS on this connection after the server's 220 to STARTTLS. */
    void startTls(SSLContext tls) throws IOException {
        check(in.available() == 0, "octets after the 220 to STARTTLS");
        SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(socket, "127.0.0.1", socket.getPort(), true);
        secure.setSoTimeout(timeoutMillis);
        secure.startHandshake();
        use(secure);
        note("-- TLS " + secure.getSession().getProtocol());
    }

    void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(context + ": " + what + "\n" + transcript());
        }
    }

    private void note(String line) {
        transcript.addLast(line.length() > 300 ? line.substring(0, 300) + "…" : line);
        if (transcript.size() > TRANSCRIPT) {
            transcript.removeFirst();
        }
    }

    private String transcript() {
        return "last lines:\n  " + String.join("\n  ", transcript);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
