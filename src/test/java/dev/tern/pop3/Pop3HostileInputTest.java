package dev.tern.pop3;

import dev.tern.directory.Account;
import dev.tern.mailbox.Flags;
import dev.tern.testing.HostileInput;
import dev.tern.testing.RunningServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A running POP3 server against hostile input: a few hundred seeded mutations of valid command
 * lines in the AUTHORIZATION and TRANSACTION states, and odd sequences (AUTH with bad base64 and
 * {@code *}, commands in the wrong state, over-long lines, NUL and 8-bit octets). POP3 answers
 * each line once, in order: every answer must be {@code +OK}, {@code -ERR} or a SASL challenge
 * ({@code + }), multi-line ones ended by {@code .}, with nothing internal in them; afterwards the
 * session answers NOOP (CAPA before login) unless it closed after an {@code -ERR} saying why. No
 * message may be lost: the maildrop is as delivered at the end.
 */
class Pop3HostileInputTest {

    private static final String USER = "mrose@example.test";
    private static final String PASSWORD = "tanstaaf-pw";
    private static final int PER_STATE = 100;
    private static final Set<String> MULTILINE = Set.of("CAPA", "RETR", "TOP");

    /** No QUIT after login: deletions reach the store only at QUIT, and nothing here may delete. */
    private static final List<String> AUTHORIZATION = List.of(
            "USER mallory@example.test", "PASS wrong pass word", "APOP mrose c4c9334bac560ecc979e58001b3e22fb",
            "AUTH PLAIN AG1hbGxvcnkAd3Jvbmc=", "AUTH PLAIN", "AUTH", "AUTH SCRAM-SHA-256 =", "CAPA", "STAT",
            "RETR 1", "QUIT", "STLS", "NOOP");
    private static final List<String> TRANSACTION = List.of(
            "RETR 1", "TOP 2 10", "TOP 1 99999999999999999999", "UIDL", "UIDL 3", "LIST", "LIST 4294967296",
            "DELE 1", "RSET", "STAT", "NOOP", "USER mrose@example.test", "AUTH PLAIN", "CAPA", "RETR 2");

    @TempDir
    Path dir;
    RunningServer tern;
    private final List<byte[]> delivered = new ArrayList<>();

    @BeforeEach
    void start() {
        tern = new RunningServer(dir, """
                [pop3]
                allow_plaintext_auth = true
                [auth]
                lockout_failures = 1000000
                max_failure_delay = "1ms"
                """, "pop3 = [\"127.0.0.1:0\"]\n", null);
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addUser(USER, PASSWORD);
        Account a = tern.services().directory().user(USER).orElseThrow();
        long inbox = tern.services().mailboxes().mailbox(a.id(), "INBOX").orElseThrow().id();
        for (int i = 1; i <= 3; i++) {
            byte[] m = ("Subject: message " + i + "\r\n\r\nline 1\r\n.line 2\r\n").getBytes(StandardCharsets.UTF_8);
            tern.services().mailboxes().messageService().append(inbox, m, Flags.NONE, Instant.now());
            delivered.add(m);
        }
    }

    @AfterEach
    void stop() {
        tern.close();
    }

    @Test
    void mutatedLinesInEachStateAreAnsweredAndTheSessionGoesOn() throws IOException {
        run(false, AUTHORIZATION, 1000);
        run(true, TRANSACTION, 2000);
        assertMaildropIntact();
    }

    private void run(boolean loggedIn, List<String> lines, int firstSeed) throws IOException {
        List<HostileInput.Case> cases = HostileInput.seeded(where(loggedIn), lines, firstSeed, PER_STATE);
        int alive = HostileInput.drive(() -> connect(loggedIn), cases, (c, k) -> c.exchange(k.input()),
                Client::transcript);
        assertThat(alive).as("exchanges after which the session went on").isGreaterThan(PER_STATE / 2);
    }

    @Test
    void oddSequencesAreAnsweredAndTheSessionGoesOn() throws IOException {
        List<String> before = List.of(
                "AUTH PLAIN\r\n*", "AUTH PLAIN\r\n!!!! not base64", "AUTH PLAIN ====", "AUTH PLAIN *", "AUTH XYZZY",
                "AUTH PLAIN\r\n" + "A".repeat(20_000), "RETR 1", "PASS before user", "USER " + "x".repeat(5000),
                "\0\0\0", "\r\n\r\n", "USER \u00e9\u00ff", "STLS extra");
        List<String> after = List.of(
                "RETR 4294967296", "RETR 0", "RETR -1", "TOP 1 -1", "TOP 1", "DELE 99", "LIST 1 2", "UIDL x",
                "USER again", "PASS again", "AUTH PLAIN", "STLS", "NOOP " + "x".repeat(5000), "RETR 1\0",
                "NOOP\r\nNOOP\r\nNOOP", "LIST\u00ff", "");
        odd(false, before);
        odd(true, after);
        assertMaildropIntact();
    }

    private void odd(boolean loggedIn, List<String> inputs) throws IOException {
        int alive = HostileInput.drive(() -> connect(loggedIn), HostileInput.asWritten(where(loggedIn), inputs),
                (c, k) -> c.exchange(k.input()), Client::transcript);
        // Only the error limit may end a session here.
        assertThat(alive).isGreaterThanOrEqualTo(inputs.size() - inputs.size() / Pop3Session.MAX_ERRORS - 1);
    }

    /** The state a case was sent in, for a failure message. */
    private static String where(boolean loggedIn) {
        return loggedIn ? "in TRANSACTION" : "in AUTHORIZATION";
    }

    private Client connect(boolean loggedIn) throws IOException {
        // A maildrop is locked by one session: the last one's lock goes when the server sees it close.
        for (int attempt = 0; ; attempt++) {
            Client c = new Client(tern.port("pop3"), loggedIn);
            assertThat(c.line()).startsWith("+OK");
            if (!loggedIn) {
                return c;
            }
            c.send("USER " + USER + "\r\n");
            assertThat(c.line()).startsWith("+OK");
            c.send("PASS " + PASSWORD + "\r\n");
            String answer = c.line();
            if (answer.startsWith("+OK")) {
                return c;
            }
            c.close();
            assertThat(answer).contains("[IN-USE]");
            assertThat(attempt).as("the maildrop stays locked after its session closed").isLessThan(100);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
    }

    private void assertMaildropIntact() throws IOException {
        assertThat(tern.inbox(USER)).hasSize(3);
        try (Client c = connect(true)) {
            c.send("STAT\r\n");
            int total = delivered.stream().mapToInt(m -> m.length).sum();
            assertThat(c.line()).isEqualTo("+OK 3 " + total);
            c.send("RETR 2\r\n");
            assertThat(c.line()).startsWith("+OK");
            assertThat(c.multiline()).isEqualTo(new String(delivered.get(1), StandardCharsets.UTF_8));
        }
    }

    /**
     * Sends lines as given and reads one answer for each, in order, checking each: POP3 answers
     * every line once (RFC 1939 §3, RFC 2449 §6.6), a line in a SASL exchange included.
     */
    private static final class Client implements Closeable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final boolean loggedIn;
        private final List<String> transcript = new ArrayList<>();
        /** The last answer was a SASL challenge: the next line is its response. */
        private boolean challenged;

        Client(int port, boolean loggedIn) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
            this.loggedIn = loggedIn;
        }

        /** Sends the input and then NOOP (CAPA before login); true when the session answered that and goes on. */
        boolean exchange(byte[] input) throws IOException {
            boolean ended = input.length > 0 && input[input.length - 1] == '\n';
            byte[] bytes = ended ? input : concat(input, "\r\n".getBytes(StandardCharsets.US_ASCII));
            transcript.add("C: " + HostileInput.show(bytes));
            send(bytes);
            for (byte[] line : lines(bytes)) {
                if (!answer(line)) {
                    return false;
                }
            }
            for (int i = 0; i < 5; i++) {
                byte[] probe = (loggedIn ? "NOOP" : "CAPA").getBytes(StandardCharsets.US_ASCII);
                boolean wasChallenged = challenged;
                send(concat(probe, "\r\n".getBytes(StandardCharsets.US_ASCII)));
                String first = answerLine(probe);
                if (first == null) {
                    return false;
                }
                if (!wasChallenged) {
                    assertThat(first).as("the answer to %s", new String(probe, StandardCharsets.US_ASCII)).startsWith("+OK");
                    return true;
                }
            }
            throw new AssertionError("SASL challenges without end");
        }

        /** Reads and checks the answer to one line; false when the server closed after an -ERR. */
        private boolean answer(byte[] line) throws IOException {
            return answerLine(line) != null;
        }

        private String answerLine(byte[] sent) throws IOException {
            boolean saslResponse = challenged;
            String first = line();
            if (first == null) {
                throw new AssertionError("closed without a word");
            }
            challenged = false;
            if (first.startsWith("+ ") || first.equals("+")) {
                if (!saslResponse && !isAuth(sent)) {
                    throw new AssertionError("a challenge that no AUTH asked for: " + first);
                }
                challenged = true;
                return first;
            }
            if (first.startsWith("-ERR")) {
                if (first.strip().equals("-ERR")) {
                    throw new AssertionError("-ERR without a reason");
                }
                if (first.contains("closing the connection")) {
                    assertThat(line()).as("the end of the stream after " + first).isNull();
                    return null;
                }
                return first;
            }
            if (!first.startsWith("+OK")) {
                throw new AssertionError("neither +OK nor -ERR: " + first);
            }
            if (first.contains("begin TLS negotiation")) {
                return null;    // STLS went through: this connection speaks TLS from now on
            }
            if (!saslResponse && multiline(sent)) {
                multiline();
            }
            return first;
        }

        private static boolean isAuth(byte[] line) {
            return Pop3CommandParser.parse(line) instanceof Pop3Command c && c.keyword().equals("AUTH");
        }

        /** Whether the +OK to this line is followed by lines and a dot. */
        private static boolean multiline(byte[] line) {
            if (!(Pop3CommandParser.parse(line) instanceof Pop3Command c)) {
                return false;
            }
            return MULTILINE.contains(c.keyword())
                    || (c.keyword().equals("LIST") || c.keyword().equals("UIDL") || c.keyword().equals("AUTH"))
                    && c.argCount() == 0;
        }

        /** The lines the server reads from these octets (CRLF or LF ended), without their ends. */
        private static List<byte[]> lines(byte[] bytes) {
            List<byte[]> lines = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    int end = i > start && bytes[i - 1] == '\r' ? i - 1 : i;
                    lines.add(Arrays.copyOfRange(bytes, start, end));
                    start = i + 1;
                }
            }
            return lines;
        }

        /** A multi-line body, dot-unstuffed, lines joined with CRLF. */
        String multiline() throws IOException {
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < 100_000; i++) {
                String l = line();
                if (l == null) {
                    throw new AssertionError("multi-line answer cut off");
                }
                if (l.equals(".")) {
                    return body.toString();
                }
                body.append(l.startsWith(".") ? l.substring(1) : l).append("\r\n");
            }
            throw new AssertionError("multi-line answer without end");
        }

        void send(byte[] bytes) throws IOException {
            try {
                out.write(bytes);
                out.flush();
            } catch (java.net.SocketException e) {
                transcript.add("(send failed: " + e.getMessage() + ")");
            }
        }

        void send(String text) throws IOException {
            send(text.getBytes(StandardCharsets.UTF_8));
        }

        /** One line, checked: CRLF ended, no NUL or bare CR, nothing internal; null at the end of the stream. */
        String line() throws IOException {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            for (int c; (c = readByte()) >= 0; ) {
                if (c == '\n') {
                    byte[] b = buf.toByteArray();
                    if (b.length == 0 || b[b.length - 1] != '\r') {
                        throw new AssertionError("line not ended by CRLF: " + HostileInput.show(b));
                    }
                    byte[] text = Arrays.copyOf(b, b.length - 1);
                    for (byte x : text) {
                        if (x == 0 || x == '\r') {
                            throw new AssertionError("NUL or CR in a line: " + HostileInput.show(text));
                        }
                    }
                    String line = new String(text, StandardCharsets.UTF_8);
                    transcript.add("S: " + line);
                    if (line.startsWith("+OK") || line.startsWith("-ERR")) {
                        String leak = HostileInput.leak(line);
                        if (leak != null) {
                            throw new AssertionError("the answer shows " + leak + ": " + line);
                        }
                    }
                    return line;
                }
                buf.write(c);
            }
            if (buf.size() > 0) {
                throw new AssertionError("line cut off: " + HostileInput.show(buf.toByteArray()));
            }
            return null;
        }

        private int readByte() throws IOException {
            try {
                return in.read();
            } catch (java.net.SocketException e) {
                return -1;    // reset after the server closed
            }
        }

        String transcript() {
            return String.join("\n", transcript.subList(Math.max(0, transcript.size() - 30), transcript.size()));
        }

        private static byte[] concat(byte[] a, byte[] b) {
            byte[] out = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, out, a.length, b.length);
            return out;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
