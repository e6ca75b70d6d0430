package dev.tern.testing;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small SMTP server on a loopback port that speaks just enough SMTP to test clients:
 * STARTTLS or implicit TLS with a given certificate, AUTH PLAIN, LOGIN, CRAM-MD5 and
 * SCRAM-SHA-256 (its own server side, written independently of the client), DATA, and a few
 * misbehaviours on request. One connection at a time, plain blocking sockets, every read bounded
 * by a socket timeout.
 */
public final class ScriptedSmtpServer implements AutoCloseable {

    /** What the server offers and how it misbehaves. */
    public static final class Options {
        public SSLContext startTls;
        public SSLContext implicitTls;
        public List<String> auth = List.of();
        public boolean authOnlyAfterTls;
        public String user = "alice@example.test";
        public String password = "s3cret pw";
        public boolean forgeScramSignature;
        public boolean injectAfterStartTls;
        public boolean refuseEhlo;
        public boolean pipelining = true;
        public boolean chunking;
        public Set<String> refusedRecipients = Set.of();
        /** The reply to RCPT of a refused recipient; {@code %s} is the address. */
        public String recipientRefusal = "550 5.1.1 <%s>: Recipient address rejected: User unknown";
        /** This many RCPT commands (counted over all sessions) are answered 451 before any is accepted. */
        public int temporaryRcptFailures;
        /** The loopback address to listen on. */
        public String bind = "127.0.0.1";
        /** The port to listen on; 0 for any. */
        public int port;
        /** Greets, then never answers: for timeouts. */
        public boolean silent;
        /** Sends this unsolicited after the reply to EHLO, then closes. */
        public String afterEhlo;
        public String greeting = "220 fake.test ESMTP scripted";
        /** Answers this after the first line of content, before its end, then closes (a server that gives up early). */
        public String refuseDuringData;
        public boolean smtpUtf8;
        public boolean eightBitMime = true;
        /** Announces REQUIRETLS (RFC 8689) once the session is TLS. */
        public boolean requireTls;
        /**
         * This many messages (counted over all sessions) are read to their end and then never
         * answered: the sender is left waiting, as when it dies mid-delivery. They are counted in
         * {@link #unanswered()}, not in {@link #messages()}.
         */
        public int unansweredMessages;
    }

    private static final int SOCKET_TIMEOUT_MS = 10_000;

    private final Options options;
    private final ServerSocket listener;
    private final Thread thread;
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final List<String> serverNames = new CopyOnWriteArrayList<>();
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final List<String> unanswered = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger unansweredLeft = new java.util.concurrent.atomic.AtomicInteger();
    private final List<String> authenticated = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger rcptTempFailed = new java.util.concurrent.atomic.AtomicInteger();
    private volatile Socket current;

    /** A server on {@code bind}:{@code port} offering STARTTLS with {@code startTls} (none when null). */
    public static ScriptedSmtpServer withStartTls(String bind, int port, SSLContext startTls) throws IOException {
        Options o = new Options();
        o.bind = bind;
        o.port = port;
        o.startTls = startTls;
        return new ScriptedSmtpServer(o);
    }

    public ScriptedSmtpServer(Options options) throws IOException {
        this.options = options;
        unansweredLeft.set(options.unansweredMessages);
        InetAddress loopback = InetAddress.getByName(options.bind);
        if (options.implicitTls != null) {
            SSLServerSocket s = (SSLServerSocket) options.implicitTls.getServerSocketFactory().createServerSocket(options.port, 10, loopback);
            listener = s;
        } else {
            listener = new ServerSocket(options.port, 10, loopback);
        }
        thread = new Thread(this::acceptLoop, "scripted-smtp-" + listener.getLocalPort());
        thread.setDaemon(true);
        thread.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** The server names clients asked for in their STARTTLS handshakes (SNI), in order. */
    public List<String> tlsServerNames() {
        return List.copyOf(serverNames);
    }

    /** Every command line received, AUTH responses included, in order. */
    public List<String> commands() {
        return List.copyOf(commands);
    }

    /** Messages read to their end and never answered ({@link Options#unansweredMessages}). */
    public List<String> unanswered() {
        return List.copyOf(unanswered);
    }

    /** The content of each message received after DATA, dot-stuffing removed, CRLF line endings. */
    public List<String> messages() {
        return List.copyOf(messages);
    }

    /** The user names that authenticated successfully. */
    public List<String> authenticated() {
        return List.copyOf(authenticated);
    }

    @Override
    public void close() throws IOException {
        listener.close();
        Socket s = current;
        if (s != null) {
            s.close();
        }
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try (Socket s = listener.accept()) {
                current = s;
                s.setSoTimeout(SOCKET_TIMEOUT_MS);
                new Session(s).run();
            } catch (IOException e) {
                // the client went away, or the server is closing: next connection
            } finally {
                current = null;
            }
        }
    }

    private final class Session {
        private Socket socket;
        private InputStream in;
        private OutputStream out;
        private boolean tls;

        Session(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
            this.tls = socket instanceof SSLSocket;
        }

        void run() throws IOException {
            reply(options.greeting);
            if (!options.greeting.startsWith("220")) {
                return;
            }
            String line;
            while ((line = readLine()) != null) {
                commands.add(line);
                if (options.silent) {
                    continue;
                }
                String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
                String arg = line.indexOf(' ') > 0 ? line.substring(line.indexOf(' ') + 1) : "";
                switch (verb) {
                    case "EHLO" -> {
                        if (options.refuseEhlo) {
                            reply("500 5.5.2 Error: command not recognized");
                        } else {
                            reply(ehlo());
                            if (options.afterEhlo != null) {
                                reply(options.afterEhlo);
                                return;
                            }
                        }
                    }
                    case "HELO" -> reply("250 fake.test");
                    case "STARTTLS" -> {
                        if (options.startTls == null || tls) {
                            reply("502 5.5.1 no");
                        } else {
                            reply(options.injectAfterStartTls ? "220 2.0.0 Ready\r\n250 2.0.0 injected" : "220 2.0.0 Ready");
                            startTls();
                        }
                    }
                    case "AUTH" -> auth(arg);
                    case "MAIL" -> reply("250 2.1.0 Ok");
                    case "RCPT" -> {
                        String addr = arg.replaceAll("(?i)^TO:<([^>]*)>.*$", "$1");
                        if (rcptTempFailed.getAndIncrement() < options.temporaryRcptFailures) {
                            reply("451 4.3.0 <" + addr + ">: temporary failure, try again later");
                        } else {
                            reply(options.refusedRecipients.contains(addr)
                                    ? String.format(options.recipientRefusal, addr) : "250 2.1.5 Ok");
                        }
                    }
                    case "DATA" -> {
                        reply("354 End data with <CR><LF>.<CR><LF>");
                        if (options.refuseDuringData != null) {
                            readLine();
                            reply(options.refuseDuringData);
                            return;
                        }
                        String content = readData();
                        if (unansweredLeft.getAndDecrement() > 0) {
                            unanswered.add(content);
                            readLine();    // blocks until the sender goes away
                            return;
                        }
                        messages.add(content);
                        reply("250 2.0.0 Ok: queued as FAKE" + messages.size());
                    }
                    case "RSET", "NOOP" -> reply("250 2.0.0 Ok");
                    case "QUIT" -> {
                        reply("221 2.0.0 Bye");
                        return;
                    }
                    default -> reply("502 5.5.1 Error: command not implemented");
                }
            }
        }

        private String ehlo() {
            List<String> kw = new ArrayList<>(List.of("fake.test"));
            if (options.pipelining) {
                kw.add("PIPELINING");
            }
            kw.add("SIZE 1000000");
            if (options.eightBitMime) {
                kw.add("8BITMIME");
            }
            if (options.smtpUtf8) {
                kw.add("SMTPUTF8");
            }
            if (options.chunking) {
                kw.add("CHUNKING");
            }
            if (options.requireTls && tls) {
                kw.add("REQUIRETLS");
            }
            if (options.startTls != null && !tls) {
                kw.add("STARTTLS");
            }
            if (!options.auth.isEmpty() && (tls || !options.authOnlyAfterTls)) {
                kw.add("AUTH " + String.join(" ", options.auth));
            }
            kw.add("ENHANCEDSTATUSCODES");
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < kw.size(); i++) {
                sb.append(i > 0 ? "\r\n" : "").append("250").append(i == kw.size() - 1 ? ' ' : '-').append(kw.get(i));
            }
            return sb.toString();
        }

        private void startTls() throws IOException {
            SSLSocket s = (SSLSocket) options.startTls.getSocketFactory().createSocket(socket, "fake.test", socket.getPort(), true);
            s.setUseClientMode(false);
            s.startHandshake();
            if (s.getSession() instanceof javax.net.ssl.ExtendedSSLSession e) {
                e.getRequestedServerNames().stream().filter(n -> n instanceof javax.net.ssl.SNIHostName)
                        .forEach(n -> serverNames.add(((javax.net.ssl.SNIHostName) n).getAsciiName()));
            }
            socket = s;
            in = s.getInputStream();
            out = s.getOutputStream();
            tls = true;
        }

        // ---- AUTH (server side, independent of the client code under test) ----

        private void auth(String arg) throws IOException {
            String[] p = arg.split(" ", 2);
            String mech = p[0].toUpperCase(Locale.ROOT);
            String initial = p.length > 1 ? p[1] : null;
            if (!options.auth.contains(mech)) {
                reply("504 5.5.4 Unrecognized authentication type");
                return;
            }
            try {
                switch (mech) {
                    case "PLAIN" -> {
                        String resp = initial != null ? initial : challenge("");
                        if (resp == null) {
                            return;
                        }
                        String[] parts = decode(resp).split("\0", -1);
                        finish(parts.length == 3 && parts[1].equals(options.user) && parts[2].equals(options.password), parts[1]);
                    }
                    case "LOGIN" -> {
                        String u = challenge("VXNlcm5hbWU6");
                        if (u == null) {
                            return;
                        }
                        String pw = challenge("UGFzc3dvcmQ6");
                        if (pw == null) {
                            return;
                        }
                        finish(decode(u).equals(options.user) && decode(pw).equals(options.password), decode(u));
                    }
                    case "CRAM-MD5" -> {
                        String chal = "<1896.697170952@fake.test>";
                        String resp = challenge(encode(chal));
                        if (resp == null) {
                            return;
                        }
                        String[] parts = decode(resp).split(" ");
                        Mac mac = Mac.getInstance("HmacMD5");
                        mac.init(new SecretKeySpec(options.password.getBytes(StandardCharsets.UTF_8), "HmacMD5"));
                        String expected = HexFormat.of().formatHex(mac.doFinal(chal.getBytes(StandardCharsets.US_ASCII)));
                        finish(parts.length == 2 && parts[0].equals(options.user) && parts[1].equals(expected), parts[0]);
                    }
                    case "SCRAM-SHA-256" -> scram(initial);
                    default -> reply("504 5.5.4 Unrecognized authentication type");
                }
            } catch (java.security.GeneralSecurityException e) {
                throw new IOException(e);
            }
        }

        private void scram(String initial) throws IOException, java.security.GeneralSecurityException {
            String first = initial != null ? initial : challenge("");
            if (first == null) {
                return;
            }
            String clientFirst = decode(first);
            if (!clientFirst.startsWith("n,,")) {
                reply("501 5.5.2 bad client-first");
                return;
            }
            String bare = clientFirst.substring(3);
            String user = bare.replaceAll("^n=([^,]*),.*$", "$1").replace("=2C", ",").replace("=3D", "=");
            String clientNonce = bare.replaceAll("^.*,r=([^,]*)$", "$1");
            byte[] salt = "fake-salt-16byte".getBytes(StandardCharsets.US_ASCII);
            String nonce = clientNonce + "ServerPart123";
            String serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(salt) + ",i=4096";
            String fin = challenge(encode(serverFirst));
            if (fin == null) {
                return;
            }
            String clientFinal = decode(fin);
            int pAt = clientFinal.lastIndexOf(",p=");
            String withoutProof = clientFinal.substring(0, pAt);
            byte[] proof = Base64.getDecoder().decode(clientFinal.substring(pAt + 3));
            byte[] authMessage = (bare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.UTF_8);
            SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
            byte[] salted = f.generateSecret(new PBEKeySpec(options.password.toCharArray(), salt, 4096, 256)).getEncoded();
            byte[] clientKey = hmac(salted, "Client Key");
            byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
            byte[] signature = hmac(storedKey, authMessage);
            byte[] recovered = new byte[proof.length];
            for (int i = 0; i < proof.length && i < signature.length; i++) {
                recovered[i] = (byte) (proof[i] ^ signature[i]);
            }
            boolean ok = user.equals(options.user) && withoutProof.equals("c=biws,r=" + nonce)
                    && MessageDigest.isEqual(MessageDigest.getInstance("SHA-256").digest(recovered), storedKey);
            if (!ok) {
                reply("535 5.7.8 Error: authentication failed");
                return;
            }
            byte[] serverSignature = hmac(hmac(salted, "Server Key"), authMessage);
            if (options.forgeScramSignature) {
                serverSignature[0] ^= 1;
            }
            String last = challenge(encode("v=" + Base64.getEncoder().encodeToString(serverSignature)));
            if (last == null) {
                return;
            }
            finish(last.isEmpty(), user);
        }

        private byte[] hmac(byte[] key, String data) throws java.security.GeneralSecurityException {
            return hmac(key, data.getBytes(StandardCharsets.UTF_8));
        }

        private byte[] hmac(byte[] key, byte[] data) throws java.security.GeneralSecurityException {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        }

        /** Sends a 334 challenge and returns the response, or null when the client cancelled (501 sent). */
        private String challenge(String base64) throws IOException {
            reply("334 " + base64);
            String resp = readLine();
            if (resp == null) {
                throw new IOException("client went away during AUTH");
            }
            commands.add(resp);
            if (resp.equals("*")) {
                reply("501 5.0.0 Authentication cancelled");
                return null;
            }
            return resp;
        }

        private void finish(boolean ok, String user) throws IOException {
            if (ok) {
                authenticated.add(user);
                reply("235 2.7.0 Authentication successful");
            } else {
                reply("535 5.7.8 Error: authentication failed");
            }
        }

        private String decode(String b64) {
            return new String(Base64.getDecoder().decode(b64.equals("=") ? "" : b64), StandardCharsets.UTF_8);
        }

        private String encode(String s) {
            return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
        }

        // ---- I/O ----

        private void reply(String text) throws IOException {
            out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** One line without its CRLF, read a byte at a time so nothing is read ahead of a TLS switch. */
        private String readLine() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) != -1) {
                if (c == '\n') {
                    byte[] bytes = b.toByteArray();
                    int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    return new String(bytes, 0, len, StandardCharsets.UTF_8);
                }
                if (b.size() > 100_000) {
                    throw new IOException("line too long");
                }
                b.write(c);
            }
            return null;
        }

        private String readData() throws IOException {
            StringBuilder sb = new StringBuilder();
            String line;
            while ((line = readLine()) != null) {
                if (line.equals(".")) {
                    return sb.toString();
                }
                sb.append(line.startsWith(".") ? line.substring(1) : line).append("\r\n");
            }
            throw new IOException("client went away during DATA");
        }
    }
}
