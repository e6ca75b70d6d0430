package dev.tern.managesieve;

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
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A running ManageSieve server against hostile input: a few hundred seeded mutations of valid
 * commands (PUTSCRIPT and CHECKSCRIPT with literals, AUTHENTICATE, HAVESPACE…) before and after
 * login, and odd sequences (AUTHENTICATE with bad base64 and {@code "*"}, literals over the limits
 * or shorter than announced, commands in the wrong state, over-long lines). Each response must
 * end in OK, NO or BYE with its text a string, show nothing internal, and the session must answer
 * {@code NOOP "tag"} afterwards unless it said BYE. The account's active script must be as
 * stored at the end.
 */
class ManageSieveHostileInputTest {

    private static final String USER = "tim@example.test";
    private static final String PASSWORD = "sieve-pw";
    private static final String SCRIPT = "require \"fileinto\";\r\nif header :contains \"subject\" \"x\" { fileinto \"X\"; }\r\n";
    private static final int PER_STATE = 100;

    private static final List<String> BEFORE_LOGIN = List.of(
            "AUTHENTICATE \"PLAIN\" \"AG1hbGxvcnlAZXhhbXBsZS50ZXN0AHdyb25n\"",
            "AUTHENTICATE \"PLAIN\" {36+}\r\nAG1hbGxvcnlAZXhhbXBsZS50ZXN0AHdyb25n",
            "AUTHENTICATE \"PLAIN\"", "AUTHENTICATE \"SCRAM-SHA-256\"", "CAPABILITY", "NOOP \"x\"",
            "PUTSCRIPT \"main\" {5+}\r\nkeep;", "LISTSCRIPTS", "STARTTLS", "LOGOUT");
    /** Nothing here touches the script "main": no DELETESCRIPT, RENAMESCRIPT or PUTSCRIPT of it. */
    private static final List<String> AFTER_LOGIN = List.of(
            "PUTSCRIPT \"vacation\" {28+}\r\nrequire \"vacation\";\r\nkeep;\r\n",
            "PUTSCRIPT {5+}\r\nother {5}\r\nkeep;",
            "CHECKSCRIPT {12+}\r\nif true {}\r\n",
            "CHECKSCRIPT \"keep;\"",
            "HAVESPACE \"myscript\" 4294967295",
            "HAVESPACE \"x\" 99999999999999999999",
            "LISTSCRIPTS", "GETSCRIPT \"main\"", "GETSCRIPT \"a \\\"b\\\" \\\\ c\"", "DELETESCRIPT \"old\"",
            "RENAMESCRIPT \"vacation\" \"holiday\"", "NOOP \"tag\"", "CAPABILITY", "AUTHENTICATE \"PLAIN\"");

    @TempDir
    Path dir;
    RunningServer tern;

    @BeforeEach
    void start() throws Exception {
        tern = new RunningServer(dir, """
                [auth]
                plaintext_on_loopback = true
                lockout_failures = 1000000
                max_failure_delay = "1ms"
                """, "managesieve = [\"127.0.0.1:0\"]\n", null);
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addUser(USER, PASSWORD);
        long account = tern.services().directory().user(USER).orElseThrow().id();
        tern.services().sieveScripts().put(account, "main", SCRIPT);
        tern.services().sieveScripts().activate(account, "main");
    }

    @AfterEach
    void stop() {
        tern.close();
    }

    @Test
    void mutatedCommandsBeforeAndAfterLoginAreAnsweredAndTheSessionGoesOn() throws IOException {
        run(false, BEFORE_LOGIN, 1000);
        run(true, AFTER_LOGIN, 2000);
        assertScriptIntact();
    }

    private void run(boolean loggedIn, List<String> commands, int firstSeed) throws IOException {
        List<HostileInput.Case> cases = HostileInput.seeded(where(loggedIn), commands, firstSeed, PER_STATE);
        int alive = HostileInput.drive(() -> connect(loggedIn), cases, (c, k) -> c.exchange(k.input(), loggedIn),
                Client::transcript);
        assertThat(alive).as("exchanges after which the session went on").isGreaterThan(PER_STATE / 2);
    }

    @Test
    void oddSequencesAreAnsweredAndTheSessionGoesOn() throws IOException {
        List<String> before = List.of(
                "AUTHENTICATE \"PLAIN\" \"====\"", "AUTHENTICATE \"PLAIN\" \"!!!!\"", "AUTHENTICATE \"XYZZY\"",
                "AUTHENTICATE \"PLAIN\"\r\n\"*\"", "AUTHENTICATE \"PLAIN\"\r\n*", "AUTHENTICATE \"PLAIN\"\r\n\"%%% no\"",
                "AUTHENTICATE \"PLAIN\"\r\n{3+}\r\n!!!", "AUTHENTICATE \"PLAIN\"\r\n\"a\" \"b\"",
                "AUTHENTICATE \"PLAIN\" {20000+}\r\n" + "A".repeat(20_000),
                "GETSCRIPT \"main\"", "UNAUTHENTICATE", "NOOP " + "x".repeat(20_000), "\0\0\0", "NOOP \"\u00ff\"");
        List<String> after = List.of(
                "PUTSCRIPT \"big\" {2000000+}\r\n" + "#".repeat(2_000_000),
                "PUTSCRIPT \"short\" {50+}\r\nkeep;",
                "PUTSCRIPT \"bad\" {9+}\r\nif true {",
                "PUTSCRIPT \"nul\" {6+}\r\nkeep;\0",
                "PUTSCRIPT \"utf\" {6+}\r\n\u00ff\u00fekeep",
                "PUTSCRIPT \"\u00ff\" \"keep;\"",
                "PUTSCRIPT \"\" \"keep;\"",
                "CHECKSCRIPT \"" + "(".repeat(5000) + "\"",
                "CHECKSCRIPT {6000+}\r\n" + "if allof(".repeat(600),
                "CHECKSCRIPT {10000+}\r\n" + "if not ".repeat(1250),
                "HAVESPACE \"x\" -1", "HAVESPACE \"x\" 4294967296", "HAVESPACE \"x\" \"1\"",
                "GETSCRIPT \"nonexistent\"", "SETACTIVE \"nonexistent\"", "DELETESCRIPT \"main\"",
                "AUTHENTICATE \"PLAIN\"", "STARTTLS extra", "NOOP \"a\" \"b\"", "LISTSCRIPTS {5+}\r\nhello");
        odd(false, before);
        odd(true, after);
        assertScriptIntact();
    }

    @Test
    void aScriptChainingThousandsOfTestsIsRefusedAsAScriptNotAsAServerFailure() throws IOException {
        // Each "not" nests a level in the parser: 4,000 of them overflowed its stack, answered TRYLATER.
        String script = "if " + "not ".repeat(4_000) + "true { keep; }\r\n";
        try (Client c = connect(true)) {
            for (String command : List.of("CHECKSCRIPT", "PUTSCRIPT \"deep\"")) {
                c.send((command + " {" + script.length() + "+}\r\n" + script + "\r\n").getBytes(StandardCharsets.US_ASCII));
                assertThat(c.response()).as(command).startsWith("NO ").contains("tests nested more than 16 deep")
                        .doesNotContain("TRYLATER");
            }
        }
        assertScriptIntact();
    }

    private void odd(boolean loggedIn, List<String> inputs) throws IOException {
        int alive = HostileInput.drive(() -> connect(loggedIn), HostileInput.asWritten(where(loggedIn), inputs),
                (c, k) -> c.exchange(k.input(), loggedIn), Client::transcript);
        // Only the error limit may end a session here.
        assertThat(alive).isGreaterThanOrEqualTo(inputs.size() - inputs.size() / ManageSieveSession.MAX_ERRORS - 1);
    }

    /** The state a case was sent in, for a failure message. */
    private static String where(boolean loggedIn) {
        return loggedIn ? "after login" : "before login";
    }

    private Client connect(boolean loggedIn) throws IOException {
        Client c = new Client(tern.port("managesieve"));
        assertThat(c.response()).endsWith("OK \"Tern ManageSieve ready\"\r\n");
        if (loggedIn) {
            String plain = Base64.getEncoder().encodeToString(("\0" + USER + "\0" + PASSWORD).getBytes(StandardCharsets.UTF_8));
            c.send(("AUTHENTICATE \"PLAIN\" \"" + plain + "\"\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(c.response()).isEqualTo("OK \"logged in\"\r\n");
        }
        return c;
    }

    private void assertScriptIntact() throws IOException {
        long account = tern.services().directory().user(USER).orElseThrow().id();
        assertThat(tern.services().sieveScripts().active(account).orElseThrow().name()).isEqualTo("main");
        try (Client c = connect(true)) {
            c.send("GETSCRIPT \"main\"\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(c.response()).isEqualTo("{" + SCRIPT.length() + "}\r\n" + SCRIPT + "\r\nOK \"script follows\"\r\n");
        }
    }

    /**
     * Sends anything, then {@code NOOP "zN"}, and reads and checks every line up to that NOOP's
     * tagged OK. It mirrors the server's framing (lines, and the literals they announce) to finish
     * a command left inside a literal, and answers a SASL challenge with another NOOP, a bounded
     * number of times.
     */
    private static final class Client implements Closeable {
        private static final int MAX_COMPLETION = 256 * 1024;
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final List<String> transcript = new ArrayList<>();
        private int sentinels;

        Client(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(3000);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        /** True when the session answered the NOOP after the input; false after its BYE. */
        boolean exchange(byte[] input, boolean loggedIn) throws IOException {
            boolean ended = input.length > 0 && input[input.length - 1] == '\n';
            byte[] bytes = ended ? input : concat(input, "\r\n".getBytes(StandardCharsets.US_ASCII));
            transcript.add("C: " + HostileInput.show(bytes));
            send(bytes);
            long needed = stillNeeded(bytes);
            if (needed > ManageSieveHandler.MAX_DISCARD) {
                return bye();    // a literal larger than anything the server would read through
            }
            if (needed > MAX_COMPLETION) {
                transcript.add("(the rest of the command is more than a test sends: dropped)");
                return false;
            }
            if (needed > 0) {
                byte[] rest = new byte[(int) needed];
                Arrays.fill(rest, (byte) '\n');
                send(rest);
            }
            String sentinel = sendSentinel();
            for (int nudges = 0; ; ) {
                String line;
                try {
                    line = line();
                } catch (SocketTimeoutException quiet) {
                    if (++nudges > 8) {
                        throw new AssertionError("no answer to NOOP " + sentinel);
                    }
                    sentinel = sendSentinel();
                    continue;
                }
                if (line == null) {
                    throw new AssertionError("closed without BYE");
                }
                if (line.startsWith("BYE")) {
                    checkStatus(line);
                    assertThat(endOfStream()).as("closed after " + line).isTrue();
                    return false;
                }
                if (line.startsWith("OK") || line.startsWith("NO")) {
                    checkStatus(line);
                    if (line.startsWith("OK (TAG \"" + sentinel + "\")")) {
                        return true;
                    }
                    if (line.startsWith("OK") && line.contains("begin TLS negotiation")) {
                        return false;   // STARTTLS went through: this connection speaks TLS now
                    }
                    continue;
                }
                if ((line.startsWith("\"") || line.startsWith("{")) && !loggedIn && isChallenge(line)) {
                    if (++nudges > 8) {
                        throw new AssertionError("SASL challenges without end");
                    }
                    sentinel = sendSentinel();   // the challenge took the NOOP as its response
                }
                // Otherwise a data line: capabilities, a script list, a script.
            }
        }

        private static boolean isChallenge(String line) {
            return !line.contains("\" \"") && !line.startsWith("\"IMPLEMENTATION\"") && !line.startsWith("\"SASL\"")
                    && !line.startsWith("\"SIEVE\"") && !line.startsWith("\"VERSION\"")
                    && !line.startsWith("\"STARTTLS\"") && !line.startsWith("\"UNAUTHENTICATE\"")
                    && !line.startsWith("\"MAXREDIRECTS\"") && !line.startsWith("\"NOTIFY\"")
                    && !line.startsWith("\"OWNER\"");
        }

        /** Reads up to the BYE that must come, checks it and the end of the stream after it. */
        private boolean bye() throws IOException {
            for (int i = 0; i < 100; i++) {
                String line = line();
                if (line == null) {
                    throw new AssertionError("closed without BYE");
                }
                if (line.startsWith("BYE")) {
                    checkStatus(line);
                    assertThat(endOfStream()).as("closed after " + line).isTrue();
                    return false;
                }
                if (line.startsWith("OK") || line.startsWith("NO")) {
                    checkStatus(line);
                }
            }
            throw new AssertionError("no BYE after a literal too large to read");
        }

        private String sendSentinel() throws IOException {
            String sentinel = "z" + (++sentinels);
            send(("NOOP \"" + sentinel + "\"\r\n").getBytes(StandardCharsets.US_ASCII));
            return sentinel;
        }

        /**
         * The octets the server still reads before the command in {@code bytes} is over, as its
         * handler frames it: a line announcing a literal is followed by that many octets and then
         * the rest of the line. Filled with LFs: inside a literal they are data, after it they end lines.
         */
        private static long stillNeeded(byte[] bytes) {
            int pos = 0;
            while (pos < bytes.length) {
                int lf = pos;
                while (lf < bytes.length && bytes[lf] != '\n') {
                    lf++;
                }
                if (lf == bytes.length) {
                    return 1;    // an unended line (never: a line end is always sent)
                }
                int end = lf > pos && bytes[lf - 1] == '\r' ? lf - 1 : lf;
                ManageSieveParser.Literal literal = ManageSieveParser.literalAtEnd(Arrays.copyOfRange(bytes, pos, end));
                pos = lf + 1;
                if (literal != null) {
                    long left = bytes.length - pos;
                    if (literal.size() > left) {
                        return literal.size() - left + 1;    // the literal's octets, then the line's end
                    }
                    pos += (int) literal.size();
                    if (pos == bytes.length) {
                        return 1;    // the line goes on after the literal: an LF ends it
                    }
                }
            }
            return 0;
        }

        private void checkStatus(String line) {
            // A string is quoted or a literal, in the response code (TAG) as in the text.
            if (!line.matches("(?s)(OK|NO|BYE)( \\(.*\\))?( (\".*\"|\\{\\d+}\r\n.*))?")) {
                throw new AssertionError("malformed response: " + line);
            }
            String leak = HostileInput.leak(line);
            if (leak != null && !line.contains("(TAG ")) {
                throw new AssertionError("the response shows " + leak + ": " + line);
            }
        }

        private boolean endOfStream() throws IOException {
            try {
                return in.read() < 0;
            } catch (java.net.SocketException e) {
                return true;
            }
        }

        /** The whole response to the greeting or to one command, up to its OK, NO or BYE line. */
        String response() throws IOException {
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < 1000; i++) {
                String line = line();
                if (line == null) {
                    return all.append("<EOF>").toString();
                }
                all.append(line).append("\r\n");
                if (line.startsWith("OK") || line.startsWith("NO") || line.startsWith("BYE")) {
                    return all.toString();
                }
            }
            throw new AssertionError("no end to the response");
        }

        /** One line with the literals it announces, checked for CRLF and stray controls; null at the end. */
        String line() throws IOException {
            ByteArrayOutputStream logical = new ByteArrayOutputStream();
            for (int i = 0; i < 1000; i++) {
                byte[] raw = rawLine();
                if (raw == null) {
                    if (logical.size() > 0) {
                        throw new AssertionError("response cut off");
                    }
                    return null;
                }
                for (byte b : raw) {
                    if (b == 0 || b == '\r') {
                        throw new AssertionError("NUL or CR in a response line: " + HostileInput.show(raw));
                    }
                }
                logical.writeBytes(raw);
                ManageSieveParser.Literal literal = ManageSieveParser.literalAtEnd(raw);
                if (literal == null) {
                    String line = logical.toString(StandardCharsets.UTF_8);
                    transcript.add("S: " + HostileInput.show(logical.toByteArray()));
                    return line;
                }
                logical.write('\r');
                logical.write('\n');
                byte[] octets = in.readNBytes((int) literal.size());
                if (octets.length < literal.size()) {
                    throw new AssertionError("literal cut off");
                }
                logical.writeBytes(octets);
            }
            throw new AssertionError("too many literals in one line");
        }

        private byte[] rawLine() throws IOException {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            int c;
            while (true) {
                try {
                    c = in.read();
                } catch (java.net.SocketException e) {
                    c = -1;
                }
                if (c < 0) {
                    break;
                }
                if (c == '\n') {
                    byte[] b = buf.toByteArray();
                    if (b.length == 0 || b[b.length - 1] != '\r') {
                        throw new AssertionError("line not ended by CRLF: " + HostileInput.show(b));
                    }
                    return Arrays.copyOf(b, b.length - 1);
                }
                buf.write(c);
            }
            if (buf.size() > 0) {
                throw new AssertionError("line cut off: " + HostileInput.show(buf.toByteArray()));
            }
            return null;
        }

        void send(byte[] bytes) throws IOException {
            try {
                out.write(bytes);
                out.flush();
            } catch (java.net.SocketException e) {
                transcript.add("(send failed: " + e.getMessage() + ")");
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
