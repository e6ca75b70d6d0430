package dev.tern.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A line-level IMAP client for exact protocol exchanges: sends text, reads responses. */
public final class RawImapClient implements AutoCloseable {

    private Socket socket;
    private InputStream in;
    private OutputStream out;

    public RawImapClient(int port) {
        this("127.0.0.1", port);
    }

    public RawImapClient(String host, int port) {
        try {
            socket = new Socket(host, port);
            socket.setSoTimeout(20_000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Continues over another socket (after STARTTLS). */
    public void replaceSocket(Socket s) throws IOException {
        socket = s;
        socket.setSoTimeout(20_000);
        in = s.getInputStream();
        out = s.getOutputStream();
    }

    public Socket socket() {
        return socket;
    }

    /** One line without its CRLF; a literal's content stays in the text, after the line that announced it. */
    public String readLine() {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            while (true) {
                int b = in.read();
                if (b < 0) {
                    return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
                }
                if (b == '\n') {
                    String text = line.toString(StandardCharsets.UTF_8);
                    text = text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
                    int open = text.lastIndexOf('{');
                    if (text.endsWith("}") && open >= 0) {
                        int n = Integer.parseInt(text.substring(open + 1, text.length() - 1));
                        byte[] literal = in.readNBytes(n);
                        return text + "\r\n" + new String(literal, StandardCharsets.UTF_8) + readLine();
                    }
                    return text;
                }
                line.write(b);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void send(String text) {
        sendBytes((text + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    public void sendBytes(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A client on {@code port} that has read the greeting and logged in with LOGIN. */
    public static RawImapClient loggedIn(int port, String user, String password) {
        RawImapClient c = new RawImapClient(port);
        String greeting = c.readLine();
        String login = last(c.command("l1", "LOGIN " + user + " " + password));
        if (greeting == null || !greeting.startsWith("* OK") || !login.startsWith("l1 OK")) {
            c.close();
            throw new IllegalStateException("could not log in: greeting " + greeting + ", then " + login);
        }
        return c;
    }

    /** The last line of a response: the tagged one. */
    public static String last(List<String> lines) {
        return lines.get(lines.size() - 1);
    }

    /** APPENDs a small message with these flags and Subject to INBOX, as LITERAL+; fails unless OK. */
    public void appendSmall(String flags, String subject) {
        String m = "Subject: " + subject + "\r\n\r\nbody\r\n";
        String answer = last(command("ap", "APPEND INBOX " + flags + " {" + m.length() + "+}\r\n" + m));
        if (!answer.startsWith("ap OK")) {
            throw new IllegalStateException("APPEND refused: " + answer);
        }
    }

    /** Sends {@code tag command} and returns every response line up to and including the tagged one. */
    public List<String> command(String tag, String command) {
        send(tag + " " + command);
        return until(tag);
    }

    /** Reads lines up to and including the one tagged {@code tag}. */
    public List<String> until(String tag) {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = readLine();
            if (line == null) {
                throw new IllegalStateException("connection closed; read so far: " + lines);
            }
            lines.add(line);
            if (line.startsWith(tag + " ")) {
                return lines;
            }
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
