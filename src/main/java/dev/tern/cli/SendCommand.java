package dev.tern.cli;

import dev.tern.auth.client.ClientMechanisms;
import dev.tern.auth.client.GssapiMechanism;
import dev.tern.auth.client.KerberosLogin;
import dev.tern.auth.client.SaslClientException;
import dev.tern.auth.client.SaslClientMechanism;
import dev.tern.config.ConfigLoader;
import dev.tern.mail.MailAddress;
import dev.tern.message.TextMessage;
import dev.tern.smtp.client.Capabilities;
import dev.tern.smtp.client.EnvelopeResult;
import dev.tern.smtp.client.MailFrom;
import dev.tern.smtp.client.MessageContent;
import dev.tern.smtp.client.RcptTo;
import dev.tern.smtp.client.ServerReply;
import dev.tern.smtp.client.SmtpClient;
import dev.tern.smtp.client.SmtpClientException;
import dev.tern.smtp.client.SmtpClientSettings;
import dev.tern.smtp.client.SmtpConnection;
import dev.tern.smtp.client.SmtpTimeouts;
import dev.tern.smtp.client.TlsSettings;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

@Command(name = "send", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Send a test message over SMTP and print the dialogue (like swaks).",
                "Lines starting with '<-' are the server's, '->' the client's, '***' notes. "
                        + "Exit status 0 when the server accepted the message, 1 when anything failed "
                        + "(the reason and the server's reply on standard error), 2 for a bad command line."},
        footer = {"", "The body comes from --body-file, else from standard input unless it is a terminal, else a short "
                + "test text. With --password-stdin the first line of standard input is the password and the rest is the body.",
                "", "When one of several recipients is refused, nothing is sent to anyone (the transaction is reset), "
                + "so that the command can be run again once the address is fixed without sending twice.",
                "", "Examples:",
                "  tern send --server 127.0.0.1:2525 --from me@example.org --to demo@demo.test",
                "  echo \"$PW\" | tern send --server mail.example.org --starttls \\",
                "      --user me@example.org --password-stdin \\",
                "      --from me@example.org --to you@example.net --body-file note.txt",
                "", "See docs/tern-send.md."})
final class SendCommand implements Callable<Integer> {

    static final String DEFAULT_SUBJECT = "Test message";
    static final String DEFAULT_BODY = "This is a test message sent with tern send.\n";

    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Option(names = {"-s", "--server"}, required = true, paramLabel = "HOST[:PORT]", order = 1,
            description = "Server to send to. The port defaults to 25, 587 with --starttls, 465 with --tls. "
                    + "IPv6 addresses in brackets: [::1]:2525.")
    String server;

    @ArgGroup(exclusive = true)
    TlsChoice tlsChoice = new TlsChoice();

    static final class TlsChoice {
        @Option(names = "--starttls", order = 2, description = "Upgrade the connection with STARTTLS (RFC 3207); fail if the server does not offer it.")
        boolean starttls;

        @Option(names = "--tls", order = 3, description = "TLS from the first byte (implicit TLS, RFC 8314; port 465).")
        boolean tls;
    }

    @Option(names = {"-u", "--user"}, paramLabel = "USER", order = 4,
            description = "Authenticate (SMTP AUTH) as USER. The password is prompted for on the terminal, or read with --password-stdin. "
                    + "With --mech GSSAPI: the Kerberos principal (optional).")
    String user;

    @Option(names = "--password-stdin", order = 5, description = "Read the password from the first line of standard input.")
    boolean passwordStdin;

    @Option(names = "--mech", paramLabel = "MECHANISM", order = 6,
            description = "SASL mechanism: SCRAM-SHA-256, CRAM-MD5, PLAIN, LOGIN or GSSAPI. "
                    + "Default: the strongest of SCRAM-SHA-256, CRAM-MD5, PLAIN, LOGIN that the server offers.")
    String mech;

    @Option(names = "--keytab", paramLabel = "FILE", order = 7,
            description = "With --mech GSSAPI: log in to Kerberos with this keytab (needs --user PRINCIPAL) instead of the ticket cache.")
    Path keytab;

    @Option(names = {"-f", "--from"}, required = true, paramLabel = "ADDRESS", order = 8,
            description = "Sender: the MAIL FROM address and the From header.")
    String from;

    @Option(names = {"-t", "--to"}, required = true, split = ",", paramLabel = "ADDRESS", order = 9,
            description = "Recipient(s): comma-separated, or the option repeated. If the server refuses any of them, nothing is sent.")
    List<String> to;

    @Option(names = "--subject", paramLabel = "TEXT", order = 10, description = "Subject (default: \"" + DEFAULT_SUBJECT + "\"). UTF-8 is fine.")
    String subject = DEFAULT_SUBJECT;

    @Option(names = "--body-file", paramLabel = "FILE", order = 11, description = "The body text (UTF-8), instead of standard input.")
    Path bodyFile;

    @Option(names = {"-H", "--header"}, paramLabel = "'NAME: VALUE'", order = 12,
            description = "Add a header, or replace the one built (From, To, Subject, Date, Message-ID...). Repeatable.")
    List<String> headers = new ArrayList<>();

    @Option(names = "--insecure", order = 13,
            description = "Do not verify the server's certificate (self-signed test servers). The connection is still encrypted.")
    boolean insecure;

    @Option(names = "--cafile", paramLabel = "FILE", order = 14,
            description = "Trust the certificate authorities in this PEM file instead of the Java trust store.")
    Path caFile;

    @Option(names = "--ehlo", paramLabel = "NAME", order = 15,
            description = "Name to give in EHLO (default: the hostname of the Tern config file when there is one, else this machine's name).")
    String ehlo;

    @Option(names = "--timeout", paramLabel = "DURATION", order = 16, converter = DurationConverter.class,
            description = "How long to wait for the connection and for each reply: 30s, 2m, 500ms (default: 30s).")
    Duration timeout = Duration.ofSeconds(30);

    @Option(names = "--require-tls", order = 17,
            description = "Ask with REQUIRETLS (RFC 8689) that every server on the way pass the message on only over TLS "
                    + "with a verified certificate, or return it; needs --starttls or --tls and a server that offers REQUIRETLS.")
    boolean requireTls;

    /** Why the command stops; the message goes to standard error after "tern: ". */
    static final class SendFailure extends RuntimeException {
        SendFailure(String message) {
            super(message);
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Target target = Target.parse(server, tlsChoice.tls ? 465 : tlsChoice.starttls ? 587 : 25);
        MailAddress sender = address("--from", from);
        List<MailAddress> recipients = new ArrayList<>();
        for (String t : to) {
            if (!t.isBlank()) {
                recipients.add(address("--to", t.trim()));
            }
        }
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("--to: no recipient given");
        }
        String mechanism = mech == null ? null : mech.toUpperCase(Locale.ROOT);
        if (mechanism != null && !mechanism.equals("GSSAPI") && !ClientMechanisms.usesPassword(mechanism)) {
            throw new IllegalArgumentException("--mech: unknown mechanism " + mech + "; choose SCRAM-SHA-256, CRAM-MD5, PLAIN, LOGIN or GSSAPI");
        }
        if (mechanism != null && user == null && !mechanism.equals("GSSAPI")) {
            throw new IllegalArgumentException("--mech " + mechanism + " needs --user");
        }
        if (passwordStdin && user == null) {
            throw new IllegalArgumentException("--password-stdin needs --user");
        }
        boolean authenticate = user != null || "GSSAPI".equals(mechanism);
        boolean needsPassword = authenticate && !"GSSAPI".equals(mechanism);

        Input input = readInput(needsPassword);
        TextMessage.Builder message = TextMessage.builder().from(sender).to(recipients).subject(subject).body(input.body());
        headers.forEach(message::header);
        message.build();  // checks the fields before connecting

        SmtpClientSettings settings = new SmtpClientSettings(ehloName(), SmtpTimeouts.uniform(timeout), tls(), null);
        SendTranscript transcript = new SendTranscript(out);
        try (SmtpClient client = new SmtpClient(settings)) {
            transcript.note("Trying " + target + "...");
            SmtpConnection conn = await(client.connect(target.host(), target.port(), tlsChoice.tls, transcript));
            try {
                send(conn, transcript, authenticate, needsPassword, mechanism, input.password(), message, sender, recipients);
                return 0;
            } catch (SendFailure | SmtpClientException e) {
                if (conn.isOpen()) {
                    quietly(conn.quit());
                }
                throw e;
            } finally {
                conn.close();
            }
        } catch (SendFailure e) {
            return fail(transcript, err, e.getMessage());
        } catch (SmtpClientException e) {
            return fail(transcript, err, explain(e));
        }
    }

    private void send(SmtpConnection conn, SendTranscript transcript, boolean authenticate, boolean needsPassword,
                      String mechanism, String password, TextMessage.Builder message, MailAddress sender,
                      List<MailAddress> recipients) {
        if (needsPassword && !tlsChoice.tls && !tlsChoice.starttls
                && !passwordAllowed(false, conn.remoteAddress().getAddress())) {
            throw new SendFailure("refusing to send a password over an unencrypted connection to "
                    + conn.remoteAddress().getAddress().getHostAddress()
                    + " (only loopback servers are exempt); use --starttls or --tls");
        }
        Capabilities caps = await(conn.ehlo());
        if (tlsChoice.starttls) {
            caps = await(conn.startTls());
        }
        if (authenticate) {
            await(conn.authenticate(mechanism(conn, caps, mechanism, password)));
        }
        TextMessage built = message.allow8bit(caps.eightBitMime()).build();
        transcript.content(built.bytes());
        MailFrom mailFrom = MailFrom.of(sender).withSize(built.size())
                .withBody(built.eightBit() ? "8BITMIME" : null).withSmtpUtf8(built.utf8Headers())
                .withRequireTls(requireTls);
        EnvelopeResult env = await(conn.envelope(mailFrom, recipients.stream().map(RcptTo::of).toList()));
        if (!env.mailAccepted()) {
            throw new SendFailure("sender <" + sender + "> refused: " + env.mail());
        }
        if (!env.allAccepted()) {
            List<String> refused = env.refused().stream()
                    .map(r -> "<" + r.rcpt().recipient() + ">: " + r.reply()).toList();
            transcript.note("recipient refused; resetting, so that nothing is sent to anyone");
            await(conn.reset());
            throw new SendFailure((refused.size() == 1 ? "recipient " : "recipients ") + "refused, nothing sent: "
                    + String.join("; ", refused));
        }
        ServerReply done = await(conn.data(MessageContent.of(built.bytes())));
        if (!done.isPositive()) {
            throw new SendFailure("message refused: " + done);
        }
        transcript.note("message accepted: " + done);
        quietly(conn.quit());
    }

    private SaslClientMechanism mechanism(SmtpConnection conn, Capabilities caps, String requested, String password) {
        Set<String> offered = caps.authMechanisms();
        if (offered.isEmpty()) {
            throw new SendFailure(conn.serverName() + " does not offer AUTH" + (!conn.isTls() && caps.startTls()
                    ? " before TLS; add --starttls" : ""));
        }
        String chosen = requested;
        if (chosen == null) {
            chosen = ClientMechanisms.strongest(offered).orElseThrow(() -> new SendFailure(
                    conn.serverName() + " offers none of " + String.join(", ", ClientMechanisms.PASSWORD_MECHANISMS)
                            + " (it offers " + String.join(" ", offered) + "); choose one with --mech"));
        } else if (!offered.contains(chosen)) {
            throw new SendFailure(conn.serverName() + " does not offer AUTH " + chosen + " (it offers "
                    + String.join(" ", offered) + ")");
        }
        if (chosen.equals("GSSAPI")) {
            KerberosLogin login = keytab != null ? KerberosLogin.keytab(user, keytab) : KerberosLogin.ticketCache(user);
            try {
                return GssapiMechanism.create(login, "smtp", conn.serverName(), null);
            } catch (SaslClientException e) {
                throw new SendFailure(e.getMessage());
            }
        }
        return ClientMechanisms.forPassword(chosen, user, password);
    }

    /**
     * A password may travel only inside TLS, or to a server on this machine (a loopback address),
     * where no one else can read the connection.
     */
    static boolean passwordAllowed(boolean encrypted, InetAddress server) {
        return encrypted || server.isLoopbackAddress();
    }

    // ---- input -----------------------------------------------------------------------------------

    record Input(String password, String body) {
    }

    private Input readInput(boolean needsPassword) throws IOException {
        String password = null;
        String stdin = null;
        boolean bodyFromStdin = bodyFile == null && !interactive();
        if (passwordStdin || bodyFromStdin) {
            stdin = readAll(System.in);
        }
        if (passwordStdin) {
            int nl = stdin.indexOf('\n');
            password = nl < 0 ? stdin : stdin.substring(0, nl);
            if (password.endsWith("\r")) {
                password = password.substring(0, password.length() - 1);
            }
            stdin = nl < 0 ? "" : stdin.substring(nl + 1);
            if (password.isEmpty()) {
                throw new IllegalArgumentException("no password on standard input");
            }
        } else if (needsPassword) {
            java.io.Console console = System.console();
            if (console == null || !interactive()) {
                throw new IllegalArgumentException("no terminal to ask for the password; give it on standard input with --password-stdin");
            }
            char[] typed = console.readPassword("Password for %s: ", user);
            if (typed == null || typed.length == 0) {
                throw new IllegalArgumentException("no password given");
            }
            password = new String(typed);
        }
        String body;
        if (bodyFile != null) {
            try {
                body = Files.readString(bodyFile, StandardCharsets.UTF_8);
            } catch (java.nio.charset.MalformedInputException e) {
                throw new IllegalArgumentException("--body-file " + bodyFile + ": not UTF-8 text");
            } catch (IOException e) {
                throw new IllegalArgumentException("--body-file " + bodyFile + ": cannot be read (" + e.getMessage() + ")");
            }
        } else {
            body = stdin == null || stdin.isBlank() ? DEFAULT_BODY : stdin;
        }
        return new Input(password, body);
    }

    /**
     * True when standard input and output are a terminal. Java 17 has a console only then; from
     * Java 22 there is always one, and {@code isTerminal()} (called by reflection, as this code
     * compiles for 17) tells.
     */
    static boolean interactive() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private TlsSettings tls() {
        if (insecure) {
            return TlsSettings.insecure();
        }
        if (caFile == null) {
            return TlsSettings.verifying();
        }
        try (InputStream in = Files.newInputStream(caFile)) {
            List<X509Certificate> certs = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certs.add((X509Certificate) c);
            }
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("--cafile " + caFile + ": no certificate in it");
            }
            return TlsSettings.trusting(certs);
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException("--cafile " + caFile + ": not a readable PEM certificate file (" + e.getMessage() + ")");
        }
    }

    private String ehloName() {
        if (ehlo != null) {
            return ehlo;
        }
        Path file = config.path();
        if (Files.isRegularFile(file)) {
            return ConfigLoader.load(file).hostname();
        }
        try {
            String name = InetAddress.getLocalHost().getHostName();
            return name.matches("[A-Za-z0-9.-]+") ? name : "localhost";
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    private static MailAddress address(String option, String text) {
        String t = text.startsWith("<") && text.endsWith(">") ? text.substring(1, text.length() - 1) : text;
        try {
            return MailAddress.parse(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " " + text + ": " + e.getMessage());
        }
    }

    // ---- outcome ---------------------------------------------------------------------------------

    private int fail(SendTranscript transcript, PrintWriter err, String why) {
        transcript.note("failed: " + why);
        err.println("tern: " + why);
        err.flush();
        return 1;
    }

    private String explain(SmtpClientException e) {
        if (e.kind() == SmtpClientException.Kind.TLS && !insecure) {
            return e.getMessage() + " (--cafile FILE trusts a private authority; --insecure skips the check)";
        }
        return e.getMessage();
    }

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    private static void quietly(CompletableFuture<?> f) {
        try {
            f.join();
        } catch (CompletionException ignored) {
            // the message is already decided; a failed QUIT changes nothing
        }
    }

    /** {@code HOST}, {@code HOST:PORT}, {@code [IPv6]:PORT}, or a bare IPv6 address. */
    record Target(String host, int port) {
        private static final Pattern BRACKETED = Pattern.compile("\\[([0-9A-Fa-f:.]+)](?::(\\d+))?");

        static Target parse(String text, int defaultPort) {
            Matcher m = BRACKETED.matcher(text);
            if (m.matches()) {
                return new Target(m.group(1), m.group(2) == null ? defaultPort : port(text, m.group(2)));
            }
            int colon = text.lastIndexOf(':');
            if (colon < 0 || text.indexOf(':') != colon) {
                if (text.isBlank()) {
                    throw new IllegalArgumentException("--server: no host given");
                }
                return new Target(text, defaultPort);
            }
            String host = text.substring(0, colon);
            if (host.isBlank()) {
                throw new IllegalArgumentException("--server " + text + ": no host given");
            }
            return new Target(host, port(text, text.substring(colon + 1)));
        }

        private static int port(String text, String port) {
            try {
                int p = Integer.parseInt(port);
                if (p > 0 && p < 65536) {
                    return p;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new IllegalArgumentException("--server " + text + ": the port must be a number from 1 to 65535");
        }

        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** {@code 30s}, {@code 2m}, {@code 500ms}, {@code 1h}, or a number of seconds. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        private static final Pattern FORM = Pattern.compile("(\\d+)(ms|s|m|h)?");

        @Override
        public Duration convert(String value) {
            Matcher m = FORM.matcher(value.trim().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new picocli.CommandLine.TypeConversionException("not a duration: " + value + " (examples: 30s, 2m, 500ms)");
            }
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            Duration d = switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofSeconds(n);
            };
            if (d.isZero()) {
                throw new picocli.CommandLine.TypeConversionException("the timeout must be more than zero");
            }
            return d;
        }
    }
}
