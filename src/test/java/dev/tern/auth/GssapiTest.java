package dev.tern.auth;

import dev.tern.config.AuthSettings;
import dev.tern.config.KerberosSettings;
import dev.tern.testing.RawImapClient;
import dev.tern.testing.RunningServer;
import dev.tern.testing.RawSmtpClient;
import org.apache.kerby.kerberos.kerb.server.SimpleKdcServer;
import org.ietf.jgss.GSSContext;
import org.ietf.jgss.GSSManager;
import org.ietf.jgss.MessageProp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.security.auth.Subject;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.LoginContext;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivilegedExceptionAction;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;

import static dev.tern.auth.Steps.failure;
import static dev.tern.auth.Steps.success;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * GSSAPI end to end: an embedded KDC (Apache Kerby) on loopback grants real tickets to the JDK's
 * Kerberos client, whose GSS context drives the server's exchange. All Kerberos tests live in this
 * class because the JDK reads its Kerberos configuration from one global system property, which is
 * set for the class and restored after it.
 */
class GssapiTest {

    private static final String REALM = "EXAMPLE.ORG";
    private static final String KRB5_CONF = "java.security.krb5.conf";

    @TempDir
    static Path work;

    private static String previousKrb5Conf;
    private static SimpleKdcServer kdc;
    private static Authenticator authenticator;
    private static Subject alice;
    private static Subject mallory;
    private static Path keytab;

    @BeforeAll
    static void startKdc() throws Exception {
        previousKrb5Conf = System.getProperty(KRB5_CONF);
        kdc = new SimpleKdcServer();
        kdc.setWorkDir(work.toFile());
        kdc.setKdcHost("127.0.0.1");
        kdc.setKdcRealm(REALM);
        kdc.setAllowUdp(false);
        kdc.setAllowTcp(true);
        kdc.setKdcTcpPort(freePort());
        kdc.init(); // writes work/krb5.conf and points java.security.krb5.conf at it
        kdc.start();
        keytab = work.resolve("tern.keytab");
        kdc.createAndExportPrincipals(keytab.toFile(), "smtp/mx.example.org@" + REALM, "imap/mx.example.org@" + REALM,
                "pop/mx.example.org@" + REALM, "sieve/mx.example.org@" + REALM);
        kdc.createPrincipal("smtp/other.example.org@" + REALM, "not-in-the-keytab");
        kdc.createPrincipal("alice@" + REALM, "alice-password");
        kdc.createPrincipal("mallory@" + REALM, "mallory-password");

        TestAccounts accounts = new TestAccounts().add("alice@example.org", "unused", false)
                .add("bob@example.org", "unused", false);
        KerberosSettings kerberos = new KerberosSettings(keytab, REALM, Map.of(REALM, "example.org"));
        AuthSettings d = AuthSettings.defaults();
        authenticator = new Authenticator(accounts, new AuthSettings(false, d.lockoutFailures(), d.lockoutWindow(),
                d.lockoutTime(), d.maxFailureDelay(), kerberos), Clock.systemUTC());
        alice = login("alice@" + REALM, "alice-password");
        mallory = login("mallory@" + REALM, "mallory-password");
    }

    @AfterAll
    static void stopKdc() throws Exception {
        try {
            if (kdc != null) {
                kdc.stop();
            }
        } finally {
            if (previousKrb5Conf == null) {
                System.clearProperty(KRB5_CONF);
            } else {
                System.setProperty(KRB5_CONF, previousKrb5Conf);
            }
        }
    }

    @Test
    void aliceLogsInWithATicketForThisServersSmtpService() throws Exception {
        SaslStep step = authenticate(alice, "smtp/mx.example.org", "smtp", "");
        assertThat(success(step).user().address()).isEqualTo("alice@example.org");
        assertThat(authenticator.mechanisms(context("smtp"))).startsWith("GSSAPI");
    }

    @Test
    void theServiceFollowsTheProtocolAndTheAuthorizationIdentityMayNameOneself() throws Exception {
        SaslStep step = authenticate(alice, "imap/mx.example.org", "imap", "alice@example.org");
        assertThat(success(step).user().address()).isEqualTo("alice@example.org");
    }

    @Test
    void aTicketForAnotherServiceIsRefused() throws Exception {
        assertThat(failure(authenticate(alice, "imap/mx.example.org", "smtp", "")))
                .isEqualTo(SaslStep.FailureReason.BAD_CREDENTIALS);
        assertThat(failure(authenticate(alice, "smtp/other.example.org", "smtp", "")))
                .isEqualTo(SaslStep.FailureReason.BAD_CREDENTIALS);
    }

    @Test
    void aPrincipalWithoutAnAccountOrActingAsAnotherUserIsRefused() throws Exception {
        assertThat(failure(authenticate(mallory, "smtp/mx.example.org", "smtp", "")))
                .isEqualTo(SaslStep.FailureReason.BAD_CREDENTIALS);
        assertThat(failure(authenticate(alice, "smtp/mx.example.org", "smtp", "bob@example.org")))
                .isEqualTo(SaslStep.FailureReason.BAD_CREDENTIALS);
    }

    @Test
    void aTicketAuthenticatesToTheSubmissionPortOfARunningServer(@TempDir Path serverDir) throws Exception {
        try (RunningServer tern = new RunningServer(serverDir, serverConfig(), "submission = [\"127.0.0.1:0\"]\n", null)) {
            tern.services().directory().addDomain("example.org");
            tern.services().directory().addUser("alice@example.org", "unused-password");
            tern.services().directory().addUser("bob@example.org", "unused-password");
            try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.port("submission"), 10_000)) {
                c.reply();
                assertThat(c.command("EHLO laptop.example.org")).contains("AUTH GSSAPI");
                assertThat(smtpGssapi(c, alice)).startsWith("235 2.7.0");
                assertThat(c.sendMail("alice@example.org", java.util.List.of("bob@example.org"),
                        "From: alice@example.org\r\nSubject: kerberos\r\n\r\nsent with a ticket\r\n")).startsWith("250");
            }
            try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.port("submission"), 10_000)) {
                c.reply();
                c.command("EHLO laptop.example.org");
                assertThat(smtpGssapi(c, mallory)).startsWith("535 5.7.8");
            }
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> tern.inbox("bob@example.org").size() == 1);
            assertThat(tern.content(tern.inbox("bob@example.org").get(0))).contains("Authenticated sender: alice@example.org");
        }
    }

    /**
     * A Kerberos ticket puts no password on the wire, so on the plain {@code imap} and {@code pop3}
     * ports (STARTTLS offered, not used; passwords refused) GSSAPI is offered, and the session it
     * opens reads mail there like one that logged in after STARTTLS.
     */
    @Test
    void aTicketOpensImapAndPop3SessionsWithoutTls(@TempDir Path serverDir) throws Exception {
        try (RunningServer tern = new RunningServer(serverDir, serverConfig(), """
                imap = ["127.0.0.1:0"]
                pop3 = ["127.0.0.1:0"]
                """, null)) {
            tern.services().directory().addDomain("example.org");
            tern.services().directory().addUser("alice@example.org", "unused-password");
            try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 10_000)) {
                c.reply();
                c.command("EHLO peer.example.net");
                assertThat(c.sendMail("bob@example.net", java.util.List.of("alice@example.org"),
                        "From: bob@example.net\r\nSubject: for kerberos\r\n\r\nread without TLS\r\n")).startsWith("250");
            }
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> tern.inbox("alice@example.org").size() == 1);

            try (RawImapClient imap = new RawImapClient(tern.port("imap"))) {
                assertThat(imap.readLine()).contains("STARTTLS", "LOGINDISABLED", "AUTH=GSSAPI")
                        .doesNotContain("AUTH=PLAIN");
                String login = gssapi(alice, "imap", first -> {
                    imap.send("a1 AUTHENTICATE GSSAPI " + first);
                    return imap.readLine();
                }, line -> {
                    imap.send(line);
                    return imap.readLine();
                }, "+ ");
                assertThat(login).startsWith("a1 OK");
                assertThat(imap.command("a2", "SELECT INBOX")).contains("* 1 EXISTS");
                java.util.List<String> fetch = imap.command("a3", "FETCH 1 BODY.PEEK[HEADER.FIELDS (SUBJECT)]");
                assertThat(String.join("\n", fetch)).contains("Subject: for kerberos");
                assertThat(RawImapClient.last(fetch)).startsWith("a3 OK");
                assertThat(RawImapClient.last(imap.command("a4", "LOGOUT"))).startsWith("a4 OK");
            }
            try (RawImapClient imap = new RawImapClient(tern.port("imap"))) {
                imap.readLine();
                assertThat(RawImapClient.last(imap.command("b1", "LOGIN alice@example.org unused-password")))
                        .startsWith("b1 NO [PRIVACYREQUIRED]");
                assertThat(RawImapClient.last(imap.command("b2", "SELECT INBOX"))).startsWith("b2 BAD")
                        .contains("use STARTTLS first");
            }

            try (dev.tern.testing.RawPop3Client pop = new dev.tern.testing.RawPop3Client(tern.port("pop3"))) {
                assertThat(pop.line()).startsWith("+OK");
                assertThat(pop.command("CAPA")).startsWith("+OK");
                assertThat(pop.multiline()).contains("SASL GSSAPI", "STLS").doesNotContain("USER");
                String login = gssapi(alice, "pop", first -> pop.command("AUTH GSSAPI " + first), pop::command, "+ ");
                assertThat(login).startsWith("+OK");
                assertThat(pop.command("STAT")).startsWith("+OK 1 ");
                assertThat(pop.command("TOP 1 0")).startsWith("+OK");
                assertThat(pop.multiline()).contains("Subject: for kerberos");
                assertThat(pop.command("QUIT")).startsWith("+OK");
            }
        }
    }

    /**
     * ManageSieve's service name is {@code sieve} (RFC 5804 §2.1): a ticket for it logs in on the
     * plain port, where passwords wait for STARTTLS, and the scripts are the account's.
     */
    @Test
    void aTicketForTheSieveServiceOpensAManageSieveSession(@TempDir Path serverDir) throws Exception {
        try (RunningServer tern = new RunningServer(serverDir, serverConfig(), "managesieve = [\"127.0.0.1:0\"]\n", null)) {
            tern.services().directory().addDomain("example.org");
            tern.services().directory().addUser("alice@example.org", "unused-password");
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", tern.port("managesieve"))) {
                socket.setSoTimeout(10_000);
                var in = new java.io.BufferedInputStream(socket.getInputStream());
                var out = socket.getOutputStream();
                String greeting = sieveResponse(in);
                assertThat(greeting).contains("\"SASL\" \"GSSAPI\"").contains("\"STARTTLS\"");
                // A challenge is a string ("base64"), seen here as "+ base64" like the other protocols'.
                Exchange send = line -> {
                    out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    String reply = sieveLine(in);
                    return reply.length() >= 2 && reply.startsWith("\"") && reply.endsWith("\"")
                            ? "+ " + reply.substring(1, reply.length() - 1) : reply;
                };
                String login = gssapi(alice, "sieve", first -> send.send("AUTHENTICATE \"GSSAPI\" \"" + first + "\""),
                        line -> send.send("\"" + line + "\""), "+ ");
                assertThat(login).startsWith("OK");
                out.write("PUTSCRIPT \"k\" {6+}\r\nkeep;\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertThat(sieveResponse(in)).startsWith("OK");
            }
            long alice = tern.services().directory().user("alice@example.org").orElseThrow().id();
            assertThat(tern.services().sieveScripts().get(alice, "k")).isPresent();
        }
    }

    /**
     * One ManageSieve response line; a challenge sent as a literal ({n}) comes back as a quoted
     * string, so that the exchange sees every challenge the same way.
     */
    private static String sieveLine(java.io.InputStream in) throws java.io.IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        java.util.regex.Matcher literal = java.util.regex.Pattern.compile("^\\{(\\d+)\\+?}$").matcher(line);
        if (literal.matches()) {
            String data = new String(in.readNBytes(Integer.parseInt(literal.group(1))), StandardCharsets.US_ASCII);
            sieveLine(in);   // the CRLF after the literal
            return "\"" + data + "\"";
        }
        return line.toString();
    }

    /** The lines up to the one that ends a ManageSieve response (OK, NO or BYE), joined. */
    private static String sieveResponse(java.io.InputStream in) throws java.io.IOException {
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            String line = sieveLine(in);
            all.append(line).append('\n');
            if (line.startsWith("OK") || line.startsWith("NO") || line.startsWith("BYE")) {
                break;
            }
        }
        return all.toString();
    }

    /** A running server's configuration: mx.example.org, with the test keytab. */
    private static String serverConfig() {
        return """
                hostname = "mx.example.org"
                [auth.kerberos]
                keytab = "%s"
                realm = "%s"
                """.formatted(keytab.toString().replace("\\", "/"), REALM);
    }

    /** RFC 4954 AUTH GSSAPI over an SMTP connection, as a mail client does it; returns the final reply. */
    private static String smtpGssapi(RawSmtpClient c, Subject client) throws Exception {
        return gssapi(client, "smtp", first -> c.command("AUTH GSSAPI " + first), c::command, "334 ");
    }

    /**
     * A client's side of RFC 4752 over a protocol: {@code start} sends the first token (base64) with
     * the command, {@code respond} sends each further response line; a reply that begins with
     * {@code challenge} carries the next challenge. Returns the reply that ended the exchange.
     */
    private static String gssapi(Subject client, String service, Exchange start, Exchange respond, String challenge)
            throws Exception {
        Base64.Encoder enc = Base64.getEncoder();
        Base64.Decoder dec = Base64.getDecoder();
        return Subject.doAs(client, (PrivilegedExceptionAction<String>) () -> {
            GSSManager manager = GSSManager.getInstance();
            GSSContext ctx = manager.createContext(
                    manager.createName(service + "/mx.example.org@" + REALM, KerberosAcceptor.KRB5_PRINCIPAL_NAME),
                    KerberosAcceptor.KRB5_MECHANISM, null, GSSContext.DEFAULT_LIFETIME);
            ctx.requestMutualAuth(true);
            try {
                String reply = start.send(enc.encodeToString(ctx.initSecContext(new byte[0], 0, 0)));
                for (int round = 0; round < 5 && reply.startsWith(challenge); round++) {
                    byte[] data = dec.decode(reply.substring(challenge.length()).trim());
                    byte[] response;
                    if (!ctx.isEstablished()) {
                        byte[] token = ctx.initSecContext(data, 0, data.length);
                        response = token == null ? new byte[0] : token;
                    } else if (data.length == 0) {
                        response = new byte[0];
                    } else {
                        ctx.unwrap(data, 0, data.length, new MessageProp(0, false));
                        byte[] choice = {1, 0, 0, 0};
                        response = ctx.wrap(choice, 0, choice.length, new MessageProp(0, false));
                    }
                    reply = respond.send(enc.encodeToString(response));
                }
                return reply;
            } finally {
                ctx.dispose();
            }
        });
    }

    /** One line to the server, its reply back. */
    private interface Exchange {
        String send(String line) throws Exception;
    }

    private static AuthContext context(String protocol) {
        return new AuthContext(InetAddress.getLoopbackAddress(), true, protocol, "mx.example.org");
    }

    /** A JDK GSS-API client (RFC 4752 §3.1) against a new server exchange; returns the exchange's last step. */
    private static SaslStep authenticate(Subject client, String service, String protocol, String authzid) throws Exception {
        SaslExchange server = ((SaslStart.Started) authenticator.start("GSSAPI", context(protocol))).exchange();
        return Subject.doAs(client, (PrivilegedExceptionAction<SaslStep>) () -> {
            GSSManager manager = GSSManager.getInstance();
            GSSContext ctx = manager.createContext(
                    manager.createName(service + "@" + REALM, KerberosAcceptor.KRB5_PRINCIPAL_NAME),
                    KerberosAcceptor.KRB5_MECHANISM, null, GSSContext.DEFAULT_LIFETIME);
            ctx.requestMutualAuth(true);
            ctx.requestInteg(true);
            try {
                SaslStep step = server.step(ctx.initSecContext(new byte[0], 0, 0));
                for (int round = 0; round < 5 && step instanceof SaslStep.Challenge c; round++) {
                    if (!ctx.isEstablished()) {
                        byte[] token = ctx.initSecContext(c.data(), 0, c.data().length);
                        step = server.step(token == null ? new byte[0] : token);
                    } else if (c.data().length == 0) {
                        step = server.step(new byte[0]);
                    } else {
                        byte[] offer = ctx.unwrap(c.data(), 0, c.data().length, new MessageProp(0, false));
                        assertThat(offer).containsExactly(1, 0, 0, 0); // "no security layer" only
                        byte[] id = authzid.getBytes(StandardCharsets.UTF_8);
                        byte[] choice = new byte[4 + id.length];
                        choice[0] = 1;
                        System.arraycopy(id, 0, choice, 4, id.length);
                        step = server.step(ctx.wrap(choice, 0, choice.length, new MessageProp(0, false)));
                    }
                }
                return step;
            } finally {
                ctx.dispose();
                server.dispose();
            }
        });
    }

    private static Subject login(String principal, String password) throws Exception {
        Map<String, String> options = Map.of("principal", principal, "useTicketCache", "false",
                "refreshKrb5Config", "true", "storeKey", "false", "isInitiator", "true");
        Configuration config = new Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                return new AppConfigurationEntry[]{new AppConfigurationEntry(
                        "com.sun.security.auth.module.Krb5LoginModule",
                        AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, options)};
            }
        };
        Subject subject = new Subject();
        new LoginContext("client", subject, callbacks -> {
            for (var cb : callbacks) {
                if (cb instanceof NameCallback n) {
                    n.setName(principal);
                } else if (cb instanceof PasswordCallback p) {
                    p.setPassword(password.toCharArray());
                }
            }
        }, config).login();
        return subject;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
