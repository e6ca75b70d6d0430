package dev.tern.imap.server;

import dev.tern.imap.protocol.CommandFramer;
import dev.tern.imap.protocol.FramerEvent;
import dev.tern.imap.protocol.FramingLimits;
import dev.tern.testing.HostileInput;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An IMAP client that sends whatever it is given, as a careless or hostile client would, and
 * checks every response line it reads: each is untagged ({@code * }), a continuation request
 * ({@code +}) or a tagged OK, NO or BAD, ends with CRLF, holds no NUL or bare CR outside a
 * literal and shows nothing internal ({@link HostileInput#leak}).
 *
 * <p>To send anything and still know when the server has answered, it runs a copy of the
 * server's framer over what it sends: it waits for the continuation request where the server
 * will ask for one (and stops sending a command the server refused instead), completes a command
 * left inside a literal with the CRLFs it still needs, then sends {@code zN NOOP} and reads up to
 * its answer. A continuation request after that (IDLE, an AUTHENTICATE challenge) or a quiet
 * server gets another NOOP, a bounded number of times. Every wait has a socket timeout.
 */
final class HostileImapClient implements Closeable {

    /** What one exchange showed. */
    enum Outcome {
        /** The closing NOOP was answered OK: the session goes on. */
        ALIVE,
        /** The server said BYE, with a reason, and closed. */
        BYE,
        /** The session switched to TLS or DEFLATE (a mutation left STARTTLS or COMPRESS intact). */
        SWITCHED,
        /** Completing the command would take more input than a test sends; the connection was dropped. */
        ABANDONED
    }

    private static final Pattern TAGGED = Pattern.compile("[\\x21-\\x7e]+ (OK|NO|BAD)( .*)?");
    private static final int READ_TIMEOUT_MS = 3000;
    /** NOOPs sent after a quiet read or a continuation request, per exchange. */
    private static final int MAX_NUDGES = 8;
    /** The most a command may still need to be complete (a literal's octets); more is abandoned. */
    private static final int MAX_COMPLETION = 256 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final FramingLimits limits;
    private final List<String> transcript = new ArrayList<>();
    private int sentinels;

    HostileImapClient(int port, FramingLimits limits) throws IOException {
        this.socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(READ_TIMEOUT_MS);
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.limits = limits;
    }

    /** The greeting, checked. */
    String greeting() throws IOException {
        String line = readLine();
        if (line == null || !line.startsWith("* OK")) {
            throw new AssertionError("greeting: " + line);
        }
        return line;
    }

    /** A well-formed command, answered before anything else is sent: its lines, the tagged last. */
    List<String> command(String tag, String command) throws IOException {
        send((tag + " " + command + "\r\n").getBytes(StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            String line = readLine();
            if (line == null) {
                throw new AssertionError("closed while waiting for " + tag + "; read " + lines);
            }
            lines.add(line);
            if (line.startsWith(tag + " ")) {
                return lines;
            }
        }
        throw new AssertionError("no end to the answer of " + tag);
    }

    /**
     * Sends {@code input} (a CRLF is added when it has no line end), then a NOOP, and reads and
     * checks every line up to that NOOP's answer.
     *
     * @param tag the tag the input was given: when the input still starts with it, a tagged answer
     *            must come for it before the NOOP's
     */
    Outcome exchange(byte[] input, String tag) throws IOException {
        boolean expectTag = tag != null && startsWith(input, tag + " ");
        byte[] bytes = endsWithLineEnd(input) ? input : concat(input, "\r\n".getBytes(StandardCharsets.US_ASCII));
        transcript.add("C: " + HostileInput.show(bytes));
        CommandFramer shadow = new CommandFramer(limits);
        boolean answeredEarly = false;
        int from = 0;
        for (int wait : waits(bytes)) {
            send(Arrays.copyOfRange(bytes, from, wait));
            feed(shadow, bytes, from, wait);
            from = wait;
            String reply = awaitContinuation();
            if (reply == null) {
                return closedWithoutBye();
            }
            if (!reply.startsWith("+")) {
                answeredEarly = true;   // refused: a client sends no more of this command
                if (expectTag && !reply.startsWith(tag + " ")) {
                    throw new AssertionError("refused without the tag " + tag + "\n" + transcript());
                }
                break;
            }
        }
        if (!answeredEarly) {
            send(Arrays.copyOfRange(bytes, from, bytes.length));
            feed(shadow, bytes, from, bytes.length);
            if (!shadow.isIdle()) {
                byte[] rest = completion(shadow);
                if (rest == null) {
                    transcript.add("(abandoned: the command needs more than " + MAX_COMPLETION + " octets)");
                    close();
                    return Outcome.ABANDONED;
                }
                send(rest);
            }
        }
        return awaitNoop(tag, !expectTag || answeredEarly);
    }

    /** Reads up to the answer of a fresh NOOP; see {@link #exchange}. */
    private Outcome awaitNoop(String tag, boolean answered) throws IOException {
        String sentinel = sendSentinel();
        boolean tagAnswered = answered;
        for (int nudges = 0; ; ) {
            String line;
            try {
                line = readLine();
            } catch (SocketTimeoutException quiet) {
                if (++nudges > MAX_NUDGES) {
                    throw new AssertionError("no answer to " + sentinel + "\n" + transcript());
                }
                sentinel = sendSentinel();
                continue;
            }
            if (line == null) {
                return closedWithoutBye();
            }
            if (line.startsWith("* BYE")) {
                return byeThenClosed(line);
            }
            if (line.startsWith("+")) {
                if (++nudges > MAX_NUDGES) {
                    throw new AssertionError("continuation requests without end\n" + transcript());
                }
                sentinel = sendSentinel();   // IDLE or a SASL challenge took the NOOP as its line
                continue;
            }
            if (tag != null && line.startsWith(tag + " ")) {
                tagAnswered = true;
                if (line.matches(Pattern.quote(tag) + " OK .*(Begin TLS negotiation|DEFLATE active).*")) {
                    close();
                    return Outcome.SWITCHED;
                }
            }
            if (line.startsWith(sentinel + " ")) {
                if (!line.startsWith(sentinel + " OK")) {
                    throw new AssertionError("NOOP not answered OK: " + line + "\n" + transcript());
                }
                if (!tagAnswered) {
                    throw new AssertionError("no tagged answer for " + tag + "\n" + transcript());
                }
                return Outcome.ALIVE;
            }
        }
    }

    private String sendSentinel() throws IOException {
        String sentinel = "z" + (++sentinels);
        send((sentinel + " NOOP\r\n").getBytes(StandardCharsets.US_ASCII));
        return sentinel;
    }

    /** After a synchronizing literal's announcement: the continuation request, or the refusal. */
    private String awaitContinuation() throws IOException {
        for (int i = 0; i < 10_000; i++) {
            String line = readLine();
            boolean refused = line != null && (line.startsWith("* BAD")
                    || !line.startsWith("* ") && TAGGED.matcher(line).matches());
            if (line == null || line.startsWith("+") || refused || line.startsWith("* BYE")) {
                if (line != null && line.startsWith("* BYE")) {
                    byeThenClosed(line);
                    return null;
                }
                return line;
            }
        }
        throw new AssertionError("no continuation request\n" + transcript());
    }

    /** The stream ended where an answer was due: allowed only after BYE, which is handled where it is read. */
    private Outcome closedWithoutBye() {
        throw new AssertionError("connection closed without BYE\n" + transcript());
    }

    private Outcome byeThenClosed(String bye) throws IOException {
        if (bye.strip().equals("* BYE")) {
            throw new AssertionError("BYE without a reason\n" + transcript());
        }
        for (int i = 0; i < 100; i++) {
            String line;
            try {
                line = readLine();
            } catch (SocketTimeoutException e) {
                throw new AssertionError("still open after BYE\n" + transcript());
            } catch (java.net.SocketException e) {
                break;   // reset by the server after its BYE: closed
            }
            if (line == null) {
                break;
            }
        }
        close();
        return Outcome.BYE;
    }

    /**
     * Where the server waits for a continuation request: just after each line that announces a
     * synchronizing literal, as the framer sees it.
     */
    private List<Integer> waits(byte[] bytes) {
        CommandFramer framer = new CommandFramer(limits);
        List<Integer> waits = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
            FramerEvent e = framer.next(buf);
            if (e == null) {
                break;
            }
            boolean waitsForUs = e instanceof FramerEvent.LiteralContinuation
                    || e instanceof FramerEvent.MessageLiteral m && m.synchronizing()
                    || e instanceof FramerEvent.LiteralTooBig big && big.synchronizing();
            if (e instanceof FramerEvent.LiteralData d) {
                d.octets().position(d.octets().limit());
            }
            if (waitsForUs) {
                waits.add(buf.position());
            }
        }
        return waits;
    }

    private static void feed(CommandFramer framer, byte[] bytes, int from, int to) {
        ByteBuffer buf = ByteBuffer.wrap(bytes, from, to - from);
        while (buf.hasRemaining()) {
            FramerEvent e = framer.next(buf);
            if (e instanceof FramerEvent.LiteralData d) {
                d.octets().position(d.octets().limit());
            }
            if (e == null) {
                break;
            }
        }
    }

    /** The CRLFs that finish the command the framer is inside, or null when that takes too many. */
    private static byte[] completion(CommandFramer framer) {
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        byte[] crlf = {'\r', '\n'};
        while (!framer.isIdle()) {
            if (rest.size() >= MAX_COMPLETION) {
                return null;
            }
            rest.writeBytes(crlf);
            feed(framer, crlf, 0, 2);
        }
        return rest.toByteArray();
    }

    // ---- the wire -----------------------------------------------------------------------------

    void send(byte[] bytes) throws IOException {
        try {
            out.write(bytes);
            out.flush();
        } catch (java.net.SocketException e) {
            // The server may have closed after a BYE this client has not read yet.
            transcript.add("(send failed: " + e.getMessage() + ")");
        }
    }

    /**
     * One response line with the literals it carries, checked, without its CRLF; null at the end
     * of the stream.
     */
    String readLine() throws IOException {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        for (int literals = 0; literals < 10_000; literals++) {
            byte[] raw = rawLine();
            if (raw == null) {
                if (text.size() > 0) {
                    throw new AssertionError("response cut off: " + HostileInput.show(text.toByteArray()));
                }
                return null;
            }
            check(raw);
            text.writeBytes(raw);
            long literal = literalAtEnd(raw);
            if (literal < 0) {
                String line = text.toString(StandardCharsets.UTF_8);
                transcript.add("S: " + HostileInput.show(text.toByteArray()));
                checkLine(line);
                return line;
            }
            byte[] octets = in.readNBytes((int) literal);
            if (octets.length < literal) {
                throw new AssertionError("literal cut off after " + octets.length + " of " + literal + " octets");
            }
            text.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            text.writeBytes(octets);
        }
        throw new AssertionError("too many literals in one response");
    }

    private byte[] rawLine() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        for (int c; (c = in.read()) >= 0; ) {
            if (c == '\n') {
                byte[] b = buf.toByteArray();
                if (b.length == 0 || b[b.length - 1] != '\r') {
                    throw new AssertionError("line not ended by CRLF: " + HostileInput.show(b) + "\n" + transcript());
                }
                return Arrays.copyOf(b, b.length - 1);
            }
            buf.write(c);
            if (buf.size() > 1 << 20) {
                transcript.add("S: " + HostileInput.show(java.util.Arrays.copyOf(buf.toByteArray(), 2000)));
                throw new AssertionError("response line without end");
            }
        }
        if (buf.size() > 0) {
            throw new AssertionError("response line cut off: " + HostileInput.show(buf.toByteArray()));
        }
        return null;
    }

    /** Octets between literals: no NUL, no bare CR. */
    private void check(byte[] raw) {
        for (byte b : raw) {
            if (b == 0 || b == '\r') {
                throw new AssertionError("NUL or CR in a response line: " + HostileInput.show(raw) + "\n" + transcript());
            }
        }
    }

    /** The shape of a whole response line, and nothing internal in its text. */
    private void checkLine(String line) {
        boolean shaped = line.startsWith("* ") || line.equals("+") || line.startsWith("+ ")
                || TAGGED.matcher(line.split("\r\n", 2)[0]).matches();
        if (!shaped) {
            throw new AssertionError("malformed response line: " + line + "\n" + transcript());
        }
        String firstLine = line.split("\r\n", 2)[0];
        String leak = HostileInput.leak(firstLine.replace("NIL", ""));
        if (leak != null) {
            throw new AssertionError("response shows " + leak + ": " + line + "\n" + transcript());
        }
    }

    private static long literalAtEnd(byte[] line) {
        int n = line.length;
        if (n < 3 || line[n - 1] != '}') {
            return -1;
        }
        int i = n - 2;
        while (i >= 0 && line[i] >= '0' && line[i] <= '9') {
            i--;
        }
        if (i < 0 || i == n - 2 || line[i] != '{' || n - 2 - i > 9) {
            return -1;
        }
        return Long.parseLong(new String(line, i + 1, n - 2 - i, StandardCharsets.US_ASCII));
    }

    private static boolean startsWith(byte[] b, String prefix) {
        byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
        return b.length >= p.length && Arrays.equals(b, 0, p.length, p, 0, p.length);
    }

    private static boolean endsWithLineEnd(byte[] b) {
        return b.length > 0 && b[b.length - 1] == '\n';
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The last exchanges, for a failure message. */
    String transcript() {
        List<String> last = transcript.subList(Math.max(0, transcript.size() - 30), transcript.size());
        return String.join("\n", last);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
