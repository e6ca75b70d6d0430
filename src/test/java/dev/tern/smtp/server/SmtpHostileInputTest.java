package dev.tern.smtp.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.tern.smtp.server.CommandMutations.concat;
import static dev.tern.smtp.server.CommandMutations.utf8;
import static dev.tern.smtp.server.HostileInputServer.ALICE;
import static dev.tern.smtp.server.HostileInputServer.MAX_AUTH_LINE;
import static dev.tern.smtp.server.HostileInputServer.MAX_ERRORS;
import static dev.tern.smtp.server.HostileInputServer.MAX_LINE;

/**
 * Hostile input at random on the wire, against a whole server started in-process on loopback
 * ({@link HostileInputServer}): the smtp, submission and lmtp listeners each get a few hundred
 * command lines, valid, mutated at random (fixed seeds; a failure prints its seed, step and input)
 * or odd on purpose, and what follows them (content after DATA, chunks after BDAT,
 * a cancel after a SASL challenge, TLS after STARTTLS). Every reply must be a well-formed SMTP
 * reply with an enhanced status code (all listeners announce ENHANCEDSTATUSCODES) and show nothing
 * of the server's insides; after each input the session still answers NOOP with 250, unless the
 * server ended it with 421 after {@code max_errors} errors, which it must do exactly then. Every
 * message acknowledged with 250 is delivered or still queued, and afterwards a plain transaction
 * on a fresh connection is accepted and delivered.
 *
 * <p>Bounded throughout: counted loops, read timeouts, chunks of at most {@link #MAX_CHUNK} octets.
 */
class SmtpHostileInputTest {

    private static final int MAX_CHUNK = 8192;
    private static final Pattern QUEUED = Pattern.compile("queued as (\\S+)");

    /** One server for the whole class: starting one takes longer than most of these tests. */
    @TempDir
    static Path dir;
    static HostileInputServer server;

    @BeforeAll
    static void start() {
        server = new HostileInputServer(dir);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    // ---- random inputs ------------------------------------------------------------------------

    @Test
    void mutatedCommandsOnSmtp() throws Exception {
        fuzz("smtp", 25L, 200);
    }

    @Test
    void mutatedCommandsOnSubmission() throws Exception {
        fuzz("submission", 587L, 150);
    }

    @Test
    void mutatedCommandsOnLmtp() throws Exception {
        fuzz("lmtp", 24L, 150);
    }

    private void fuzz(String listener, long seed, int steps) throws Exception {
        Random random = new Random(seed);
        Inputs inputs = new Inputs(random, listener);
        Set<String> acknowledged = new LinkedHashSet<>();
        try (Conversation c = new Conversation(listener, random, acknowledged)) {
            c.open(true);
            for (int i = 0; i < steps; i++) {
                byte[] input = inputs.next();
                c.context("listener " + listener + " seed " + seed + " step " + i + " input "
                        + CommandMutations.escape(input));
                c.step(input);
                c.stillThere();
            }
            System.out.printf("%s, seed %d: %d inputs, %d sessions, replies by code %s, to content %s%n",
                    listener, seed, steps, c.sessions, c.codes, c.contentEnds);
        }
        server.nothingLost(acknowledged);
        server.stillDelivers(listener);
    }

    /** Lines for one listener: a normal dialogue's, mutated ones, and odd ones on purpose. */
    private static final class Inputs {

        private final Random random;
        private final List<String> dialogue;
        private final List<String> transactions;
        private final List<String> odd;
        private final CommandMutations mutations;
        private int next;

        Inputs(Random random, String listener) {
            this.random = random;
            this.dialogue = dialogue(listener);
            String sender = listener.equals("submission") ? ALICE : "sender@example.org";
            this.transactions = transactions(sender);
            this.odd = odd(sender);
            List<String> corpus = new ArrayList<>(dialogue);
            corpus.addAll(SmtpCommandParserFuzzTest.VALID);
            this.mutations = new CommandMutations(random, corpus);
        }

        private static List<String> dialogue(String listener) {
            String hello = listener.equals("lmtp") ? "LHLO client.example.test" : "EHLO client.example.test";
            String sender = listener.equals("submission") ? ALICE : "sender@example.org";
            return List.of(hello, hello, "HELO client.example.test",
                    "MAIL FROM:<" + sender + ">", "MAIL FROM:<" + sender + ">", "MAIL FROM:<> BODY=8BITMIME",
                    "MAIL FROM:<" + sender + "> SIZE=100 BODY=BINARYMIME RET=HDRS ENVID=fuzz+2B1",
                    "MAIL FROM:<" + sender + "> SMTPUTF8 BODY=8BITMIME",
                    "RCPT TO:<alice@example.test>", "RCPT TO:<alice@example.test>", "RCPT TO:<alice@example.test>",
                    "RCPT TO:<alice@example.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;alice@example.test",
                    "RCPT TO:<\"alice\"@example.test>", "RCPT TO:<Postmaster>", "RCPT TO:<friend@remote.example>",
                    "DATA", "DATA", "DATA", "BDAT 20", "BDAT 30 LAST", "BDAT 0 LAST",
                    "RSET", "NOOP", "HELP", "VRFY alice", "VRFY <alice@example.test>", "VRFY bob@example.test",
                    "AUTH PLAIN AGFsaWNlQGV4YW1wbGUudGVzdAB3cm9uZw==",
                    "AUTH LOGIN", "STARTTLS", "QUIT", "EXPN staff", "XCLIENT ADDR=192.0.2.1");
        }

        /**
         * Transactions, line by line: half the inputs are their next line, so that the session
         * gets into MAIL, RCPT, DATA and BDAT often enough for the hostile lines to meet them there.
         */
        private static List<String> transactions(String sender) {
            return List.of("MAIL FROM:<" + sender + ">", "RCPT TO:<alice@example.test>",
                    "RCPT TO:<bob@example.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;bob@example.test", "DATA",
                    "MAIL FROM:<" + sender + "> BODY=BINARYMIME", "RCPT TO:<alice@example.test>", "BDAT 100",
                    "BDAT 50 LAST",
                    "MAIL FROM:<" + sender + "> SMTPUTF8 ENVID=x", "RCPT TO:<alice@example.test>", "BDAT 1000",
                    "BDAT 0 LAST",
                    "MAIL FROM:<" + sender + "> SIZE=1000", "RCPT TO:<Postmaster>", "RCPT TO:<alice@example.test>",
                    "DATA");
        }

        /** Odd inputs on purpose, several lines at once among them (sent pipelined). */
        private static List<String> odd(String sender) {
            List<String> odd = new ArrayList<>(ODD);
            String mail = "MAIL FROM:<" + sender + ">\r\n";
            odd.addAll(List.of(
                    mail + "RCPT TO:<alice@example.test>\r\nDATA\r\n",
                    mail + "RCPT TO:<alice@example.test>\r\nBDAT 12 LAST\r\n",
                    mail + "RCPT TO:<alice@example.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n",
                    mail + "RCPT TO:<alice@example.test>\r\nRCPT TO:<bob@example.test>\r\nBDAT 100\r\n",
                    "RSET\r\n" + mail + "RCPT TO:<nobody@example.test>\r\nRCPT TO:<alice@example.test>\r\n",
                    mail + "RCPT TO:<alice@example.test>\r\n"));
            return odd;
        }

        private static final List<String> ODD = List.of(
                "RCPT TO:<alice@example.test>\r\nDATA\r\n",
                "DATA\r\n", "BDAT 5\r\n", "BDAT 0 LAST\r\n", "BDAT 1e30\r\n", "BDAT -1\r\n",
                "BDAT 99999999999999999999 LAST\r\n",
                "\r\n", "\n", "\r\r\n", "\u0000\r\n", "NOOP\u0000\r\n", "NO\rOP\r\n",
                "MAIL FROM:<a@b.test>\rRCPT TO:<alice@example.test>\r\n",
                "MAIL FROM:<a@b.test>\nRCPT TO:<alice@example.test>\n",
                "QUIT x\r\n", "STARTTLS garbage\r\n", "HELO\r\nEHLO\r\nLHLO\r\n",
                "MAIL FROM:<sender@example.org> SIZE=99999999999999999999\r\n",
                "RSET\r\nRSET\r\nRSET\r\nRSET\r\nRSET\r\n",
                "GET / HTTP/1.1\r\nHost: mx.example.test\r\n\r\n",
                "\r\n\r\n\u0000\r\nQUIT\n",   // a PROXY v2 signature from a client that is no balancer
                "PROXY TCP4 192.0.2.1 192.0.2.2 1234 25\r\n",
                "VRFY <>\r\nVRFY <alice@example.test>\r\nVRFY alice@example.test\r\nVRFY <a@[IPv6:::]>\r\nVRFY \"\r\n",
                "AUTH PLAIN !!!!\r\n", "AUTH PLAIN =\r\n", "AUTH NOPE\r\n", "AUTH\r\n", "AUTH LOGIN *\r\n",
                "EHLO " + "a".repeat(4000) + "\r\n",
                "X".repeat(MAX_LINE) + "\r\n",
                "NOOP " + "x".repeat(MAX_LINE) + "\n",
                "AUTH PLAIN " + "A".repeat(MAX_AUTH_LINE) + "\r\n",
                "AUTH PLAIN " + "A".repeat(5000) + "\r\n");

        byte[] next() {
            while (true) {
                int kind = random.nextInt(10);
                byte[] input;
                if (kind < 5) {
                    String line = transactions.get(next++ % transactions.size());
                    input = random.nextInt(3) == 0 ? mutations.mutate(line) : utf8(line + "\r\n");
                } else if (kind < 6) {
                    input = utf8(dialogue.get(random.nextInt(dialogue.size())) + "\r\n");
                } else if (kind < 8) {
                    input = mutations.mutate(dialogue.get(random.nextInt(dialogue.size())));
                } else {
                    input = odd.get(random.nextInt(odd.size())).getBytes(StandardCharsets.ISO_8859_1);
                }
                if (input.length == 0 || input[input.length - 1] != '\n') {
                    input = concat(input, utf8("\r\n"));
                }
                if (chunksFit(input)) {
                    return input;
                }
            }
        }

        /** A BDAT line is followed by its chunk: one the test can send, of at most {@link #MAX_CHUNK} octets. */
        private static boolean chunksFit(byte[] input) {
            for (Segment s : Segment.split(input)) {
                if (s.command() instanceof SmtpCommand.Bdat b && b.size() > MAX_CHUNK) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * One line of input as the server frames it (up to and with its LF), and the command it parses
     * to; null when the server does not parse it (too long, or a bare LF), which it answers 500.
     */
    private record Segment(byte[] bytes, SmtpCommand command) {

        static List<Segment> split(byte[] input) {
            List<Segment> out = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < input.length; i++) {
                if (input[i] == '\n') {
                    out.add(of(Arrays.copyOfRange(input, start, i + 1)));
                    start = i + 1;
                }
            }
            if (start != input.length) {
                throw new IllegalArgumentException("input must end with LF");
            }
            return out;
        }

        private static Segment of(byte[] line) {
            boolean auth = line.length >= 5 && new String(line, 0, 5, StandardCharsets.ISO_8859_1).matches("[Aa][Uu][Tt][Hh] ");
            if (line.length > (auth ? MAX_AUTH_LINE : MAX_LINE)) {
                return new Segment(line, null);
            }
            boolean crlf = line.length >= 2 && line[line.length - 2] == '\r';
            return new Segment(line, crlf ? SmtpCommandParser.parse(Arrays.copyOf(line, line.length - 2)) : null);
        }

        /** After these the server reads something other than command lines (or nothing at all). */
        boolean changesMode() {
            return command instanceof SmtpCommand.Data || command instanceof SmtpCommand.Bdat
                    || command instanceof SmtpCommand.Auth || command instanceof SmtpCommand.StartTls
                    || command instanceof SmtpCommand.Quit;
        }

        /** RFC 2034 §3: replies to HELO, EHLO (and LHLO) need no enhanced code. */
        boolean greeting() {
            return command != null && (command.verb() == Verb.HELO || command.verb() == Verb.EHLO
                    || command.verb() == Verb.LHLO);
        }
    }

    // ---- the conversation ---------------------------------------------------------------------

    /**
     * A client session on one listener that sends inputs and reads exactly the replies the server
     * owes for them. It follows the server's error count, so that it knows when the 421 must come,
     * and, on LMTP, the successful RCPTs, each of which gets a reply after the content.
     */
    private static final class Conversation implements AutoCloseable {

        final String listener;
        final boolean lmtp;
        final Random random;
        final Set<String> acknowledged;
        SmtpWire wire;
        String context = "";
        int sessions;
        int errors;
        int rcptOk;
        /** Replies by code, for the summary a run prints. */
        final Map<Integer, Integer> codes = new TreeMap<>();
        /** Replies to the end of a message's content by code. */
        final Map<Integer, Integer> contentEnds = new TreeMap<>();

        Conversation(String listener, Random random, Set<String> acknowledged) {
            this.listener = listener;
            this.lmtp = listener.equals("lmtp");
            this.random = random;
            this.acknowledged = acknowledged;
        }

        void context(String text) {
            context = text;
            if (wire != null) {
                wire.context(text);
            }
        }

        /** A new connection, greeted; on submission over TLS, and logged in when {@code login}. */
        void open(boolean login) throws IOException {
            if (wire != null) {
                wire.close();
            }
            sessions++;
            errors = 0;
            rcptOk = 0;
            wire = server.session(listener, login);
            wire.context(context);
        }

        /** The session still answers, in step: NOOP gets 250 and HELP its 214. */
        void stillThere() throws IOException {
            HostileInputServer.inStep(wire);
        }

        /**
         * Sends one input and reads what is owed for it: lines go out pipelined up to one after
         * which the server reads something else (DATA, BDAT, AUTH, STARTTLS, QUIT), which ends a
         * batch; a BDAT line goes with its chunk.
         */
        void step(byte[] input) throws IOException {
            List<Segment> segments = Segment.split(input);
            int i = 0;
            while (i < segments.size()) {
                int end = i;
                while (end < segments.size() && !segments.get(end).changesMode()) {
                    end++;
                }
                end = Math.min(end + 1, segments.size());
                List<Segment> batch = segments.subList(i, end);
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                for (Segment s : batch) {
                    bytes.writeBytes(s.bytes());
                    if (s.command() instanceof SmtpCommand.Bdat b) {
                        bytes.writeBytes(chunk((int) b.size()));
                    }
                }
                wire.send(bytes.toByteArray());
                for (Segment s : batch) {
                    if (!answered(s)) {
                        return;   // the session ended; the server read no further
                    }
                }
                i = end;
            }
        }

        /** Reads the replies owed for one line; false when the session ended (a new one is open). */
        private boolean answered(Segment s) throws IOException {
            SmtpCommand c = s.command();
            SmtpWire.Reply r = wire.reply(s.greeting());
            codes.merge(r.code(), 1, Integer::sum);
            if (r.code() == 421) {
                return ended();
            }
            if (c instanceof SmtpCommand.Data && r.code() == 354) {
                wire.send(body());
                return endOfContent(wire.reply());
            }
            if (c instanceof SmtpCommand.Bdat b) {
                if (rcptOk > 0 && b.last()) {
                    return endOfContent(r);
                }
                if (rcptOk > 0 && r.code() != 250) {
                    rcptOk = 0;   // the transaction failed (RFC 3030 §3)
                }
                return counted(r);
            }
            if (c instanceof SmtpCommand.Auth) {
                while (r.code() == 334) {
                    wire.send("*\r\n");   // RFC 4954 §4: the client cancels
                    r = wire.reply();
                    wire.check(r.code() == 501 || r.code() == 334, "expected 501 to *, got " + r);
                }
            } else if (c instanceof SmtpCommand.StartTls && r.code() == 220) {
                wire.startTls(server.tlsClient());
                rcptOk = 0;
                HostileInputServer.hello(wire, lmtp);
                return true;
            } else if (c instanceof SmtpCommand.Quit && r.code() == 221) {
                return ended();
            } else if (r.code() == 250 && (c instanceof SmtpCommand.Mail || c instanceof SmtpCommand.Rset
                    || s.greeting())) {
                rcptOk = 0;
            } else if (r.code() == 250 && c instanceof SmtpCommand.Rcpt) {
                rcptOk++;
            }
            return counted(r);
        }

        /**
         * The reply to the end of a message's content; on LMTP one for each successful RCPT
         * (RFC 2033 §4.2), the first already read.
         */
        private boolean endOfContent(SmtpWire.Reply first) throws IOException {
            SmtpWire.Reply r = first;
            contentEnds.merge(r.code(), 1, Integer::sum);
            for (int i = 1; lmtp && i < rcptOk && r.code() != 421; i++) {
                SmtpWire.Reply next = wire.reply();
                wire.check(next.code() == r.code(), "LMTP replies for one message differ: " + r + " / " + next);
                r = next;
            }
            rcptOk = 0;
            if (r.code() == 421) {
                return ended();
            }
            if (r.code() == 250) {
                Matcher m = QUEUED.matcher(r.text());
                wire.check(m.find(), "no queue id in " + r);
                acknowledged.add(m.group(1));
                errors = 0;   // an accepted message starts the count again
            }
            return counted(r);
        }

        /** Counts an error reply as the server does; at {@code max_errors} the 421 must follow. */
        private boolean counted(SmtpWire.Reply r) throws IOException {
            if (r.code() < 400 || ++errors < MAX_ERRORS) {
                return true;
            }
            SmtpWire.Reply bye = wire.reply();
            wire.check(bye.code() == 421 && bye.text().startsWith("4.7.0"), "expected 421 4.7.0 after "
                    + MAX_ERRORS + " errors, got " + bye);
            return ended();
        }

        private boolean ended() throws IOException {
            wire.check(wire.closedByServer(), "the connection stays open after 421 or 221");
            open(random.nextInt(4) != 0);
            return false;
        }

        /** DATA content, now and then with bare CR or LF, dot lines, NULs, high octets, long lines. */
        private byte[] body() {
            List<String> pieces = List.of("text line\r\n", "..\r\n", ".dot-stuffed\r\n", "...\r\n", "bare LF\n",
                    "bare CR\r", "\n.\n", "\r.\n", ".\n", "\u0000NUL\r\n", "\u00FF\u0080 high\r\n",
                    "MAIL FROM:<smuggled@example.org>\r\n", "x".repeat(MAX_LINE + 10) + "\r\n", "\r\n");
            while (true) {
                StringBuilder b = new StringBuilder("Subject: fuzz\r\n\r\n");
                int n = random.nextInt(7);
                for (int i = 0; i < n; i++) {
                    b.append(pieces.get(random.nextInt(pieces.size())));
                }
                if (!b.toString().endsWith("\r\n")) {
                    b.append("\r\n");
                }
                // Only the real end of data may be in it.
                if (("\r\n" + b).indexOf("\r\n.\r\n") < 0) {
                    return b.append(".\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
                }
            }
        }

        /** A BDAT chunk: text, text with bare line endings, or any octets. */
        private byte[] chunk(int size) {
            byte[] b = new byte[size];
            int kind = random.nextInt(4);
            for (int i = 0; i < size; i++) {
                if (kind == 3) {
                    b[i] = (byte) random.nextInt(256);
                } else if (i % 20 == 18 && kind < 2) {
                    b[i] = '\r';
                } else if (i % 20 == 19) {
                    b[i] = '\n';
                } else {
                    b[i] = (byte) ('a' + random.nextInt(26));
                }
            }
            return b;
        }

        @Override
        public void close() throws IOException {
            if (wire != null) {
                wire.close();
            }
        }
    }
}
