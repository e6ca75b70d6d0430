package dev.tern.managesieve;

import dev.tern.config.TernConfig;
import dev.tern.credentials.CredentialRequest;
import dev.tern.credentials.NewSmtpCredential;
import dev.tern.net.ListenException;
import dev.tern.server.TernServer;
import dev.tern.sieve.SieveScripts;
import dev.tern.store.Rows;
import dev.tern.testing.RunningServer;
import dev.tern.testing.TestCertificates;
import dev.tern.testing.TestConfigs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Exact ManageSieve exchanges (RFC 5804) with a running server, over raw sockets on loopback. */
class ManageSieveServerTest {

    static final String LISTENERS = "managesieve = [\"127.0.0.1:0\"]\n";
    static final String PASSWORD = "sieve-pw";
    static final String BAD_SCRIPT = "require \"fileinto\";\r\nkeep;\r\nif foo { stop; }\r\n";

    @TempDir
    Path dir;
    RunningServer tern;

    @BeforeEach
    void start() {
        tern = new RunningServer(dir, "", LISTENERS, null);
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addUser("tim@example.test", PASSWORD);
    }

    @AfterEach
    void stop() {
        tern.close();
    }

    private int port() {
        return tern.port("managesieve");
    }

    private SSLContext trust() {
        return TestCertificates.trusting(tern.server().tls().certificate());
    }

    private static String plain(String user, String password) {
        return Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Connected, over TLS, capabilities read. */
    private RawSieveClient tlsClient() throws Exception {
        RawSieveClient c = new RawSieveClient(port());
        assertThat(c.response()).endsWith("OK \"Tern ManageSieve ready\"\r\n");
        assertThat(c.command("STARTTLS")).isEqualTo("OK \"begin TLS negotiation now\"\r\n");
        c.startTls(trust());
        assertThat(c.response()).endsWith("OK \"TLS started\"\r\n");
        return c;
    }

    private RawSieveClient login() throws Exception {
        RawSieveClient c = tlsClient();
        assertThat(c.command("AUTHENTICATE \"PLAIN\" \"" + plain("tim@example.test", PASSWORD) + "\""))
                .isEqualTo("OK \"logged in\"\r\n");
        return c;
    }

    private long account() {
        return tern.services().directory().user("tim@example.test").orElseThrow().id();
    }

    @Test
    void greetingAndCapabilitiesBeforeAndAfterStartTls() throws Exception {
        String extensions = String.join(" ", tern.services().sieveScripts().engine().extensions());
        try (RawSieveClient c = new RawSieveClient(port())) {
            String before = """
                    "IMPLEMENTATION" "Tern"\r
                    "SASL" ""\r
                    "SIEVE" "%s"\r
                    "NOTIFY" "mailto"\r
                    "MAXREDIRECTS" "4"\r
                    "STARTTLS"\r
                    "UNAUTHENTICATE"\r
                    "VERSION" "1.0"\r
                    """.formatted(extensions);
            assertThat(c.response()).isEqualTo(before + "OK \"Tern ManageSieve ready\"\r\n");
            assertThat(c.command("CAPABILITY")).isEqualTo(before + "OK \"capabilities listed\"\r\n");
            // No passwords in the clear (not even over loopback, without [auth] plaintext_on_loopback).
            assertThat(c.command("AUTHENTICATE \"PLAIN\" \"" + plain("tim@example.test", PASSWORD) + "\""))
                    .isEqualTo("NO (ENCRYPT-NEEDED) \"use STARTTLS first: passwords need an encrypted connection\"\r\n");
            assertThat(c.command("LISTSCRIPTS")).isEqualTo("NO \"AUTHENTICATE first\"\r\n");
            // What is pipelined after STARTTLS was sent in the clear: it is dropped, not run under TLS.
            c.send("STARTTLS\r\nLOGOUT\r\n");
            assertThat(c.response()).isEqualTo("OK \"begin TLS negotiation now\"\r\n");
            c.startTls(trust());
            String after = c.response();
            assertThat(after).contains("\"SASL\" \"").doesNotContain("STARTTLS").doesNotContain("OWNER")
                    .endsWith("\"VERSION\" \"1.0\"\r\nOK \"TLS started\"\r\n");
            assertThat(after.lines().filter(l -> l.startsWith("\"SASL\"")).findFirst().orElseThrow())
                    .contains("PLAIN").contains("SCRAM-SHA-256");
            assertThat(c.command("STARTTLS")).startsWith("NO \"TLS is already in use\"");
            assertThat(c.command("AUTHENTICATE \"PLAIN\" \"" + plain("tim@example.test", PASSWORD) + "\""))
                    .isEqualTo("OK \"logged in\"\r\n");
            assertThat(c.command("CAPABILITY")).contains("\"OWNER\" \"tim@example.test\"\r\n");
            assertThat(c.command("STARTTLS")).isEqualTo("NO \"already authenticated\"\r\n");
            assertThat(c.command("LOGOUT")).isEqualTo("OK \"logout\"\r\n");
            assertThat(c.isClosedByPeer()).isTrue();
        }
    }

    @Test
    void authenticateWithContinuationsCancelAndWrongPasswords() throws Exception {
        try (RawSieveClient c = tlsClient()) {
            // Without an initial response: an empty challenge, answered with a literal.
            assertThat(c.challenged("AUTHENTICATE \"PLAIN\"")).isEqualTo("\"\"\r\n");
            assertThat(c.command("\"*\"")).isEqualTo("NO \"authentication cancelled\"\r\n");
            assertThat(c.command("AUTHENTICATE \"PLAIN\" \"not base64!\"")).isEqualTo("NO \"the initial response is not base64\"\r\n");
            assertThat(c.command("AUTHENTICATE \"NOPE\"")).isEqualTo("NO \"unknown authentication mechanism\"\r\n");
            assertThat(c.command("AUTHENTICATE \"PLAIN\" \"" + plain("tim@example.test", "wrong") + "\""))
                    .isEqualTo("NO \"authentication failed\"\r\n");
            assertThat(tern.server().metrics().scrape()).contains("tern_auth_failures_total{protocol=\"managesieve\"}");
            assertThat(c.challenged("AUTHENTICATE \"PLAIN\"")).isEqualTo("\"\"\r\n");
            String response = plain("tim@example.test", PASSWORD);
            assertThat(c.command("{" + response.length() + "+}\r\n" + response)).isEqualTo("OK \"logged in\"\r\n");
            assertThat(c.command("AUTHENTICATE \"PLAIN\"")).isEqualTo("NO \"already authenticated\"\r\n");
        }
    }

    @Test
    void scramSha256WithItsServerSignatureInTheOk() throws Exception {
        try (RawSieveClient c = tlsClient()) {
            var client = new dev.tern.auth.client.ScramSha256Mechanism(null, "tim@example.test", PASSWORD);
            String first = Base64.getEncoder().encodeToString(client.initialResponse());
            String challenge = c.challenged("AUTHENTICATE \"SCRAM-SHA-256\" \"" + first + "\"");
            assertThat(challenge).startsWith("\"").endsWith("\"\r\n");
            byte[] answer = client.evaluateChallenge(Base64.getDecoder().decode(challenge.strip().replace("\"", "")));
            // RFC 5804 §2.1: the server signature comes in the OK, as Cyrus timsieved sends it
            String ok = c.command("\"" + Base64.getEncoder().encodeToString(answer) + "\"");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^OK \\(SASL \"([A-Za-z0-9+/=]+)\"\\) \"logged in\"\r\n$")
                    .matcher(ok);
            assertThat(m.matches()).as(ok).isTrue();
            client.evaluateChallenge(Base64.getDecoder().decode(m.group(1)));   // verifies the server's signature
            assertThat(client.isComplete()).isTrue();
            assertThat(c.command("LISTSCRIPTS")).isEqualTo("OK \"listed\"\r\n");
        }
    }

    @Test
    void anSmtpCredentialIsNoMailboxAccount() throws Exception {
        NewSmtpCredential app = tern.services().smtpCredentials().create(CredentialRequest.forDomain("example.test"));
        try (RawSieveClient c = tlsClient()) {
            assertThat(c.command("AUTHENTICATE \"PLAIN\" \"" + plain(app.credential().name(), app.secret()) + "\""))
                    .startsWith("NO ");
            assertThat(c.command("LISTSCRIPTS")).isEqualTo("NO \"AUTHENTICATE first\"\r\n");
        }
    }

    @Test
    void everyScriptCommand() throws Exception {
        try (RawSieveClient c = login()) {
            assertThat(c.command("LISTSCRIPTS")).isEqualTo("OK \"listed\"\r\n");
            assertThat(c.command("HAVESPACE \"main\" 100")).isEqualTo("OK \"putscript would succeed\"\r\n");
            assertThat(c.command("PUTSCRIPT \"main\" \"keep;\"")).isEqualTo("OK \"script stored\"\r\n");
            String vacation = "require [\"fileinto\"];\r\nif header :contains \"subject\" \"\\\"x\\\"\" {\r\n  fileinto \"Junk\";\r\n}\r\n";
            int octets = vacation.getBytes(StandardCharsets.UTF_8).length;
            assertThat(c.command("PUTSCRIPT \"filter\" {" + octets + "+}\r\n" + vacation)).isEqualTo("OK \"script stored\"\r\n");
            assertThat(c.command("LISTSCRIPTS")).isEqualTo("\"filter\"\r\n\"main\"\r\nOK \"listed\"\r\n");
            assertThat(c.command("SETACTIVE \"filter\"")).isEqualTo("OK \"script activated\"\r\n");
            assertThat(c.command("LISTSCRIPTS")).isEqualTo("\"filter\" ACTIVE\r\n\"main\"\r\nOK \"listed\"\r\n");
            assertThat(tern.services().sieveScripts().active(account())).map(Rows.SieveScript::name).contains("filter");
            assertThat(c.command("GETSCRIPT \"filter\""))
                    .isEqualTo("{" + octets + "}\r\n" + vacation + "\r\nOK \"script follows\"\r\n");
            assertThat(c.command("CHECKSCRIPT \"discard;\"")).isEqualTo("OK \"script is valid\"\r\n");
            assertThat(c.command("DELETESCRIPT \"filter\""))
                    .isEqualTo("NO (ACTIVE) \"the active script cannot be deleted; deactivate it first\"\r\n");
            assertThat(c.command("RENAMESCRIPT \"filter\" \"main\""))
                    .isEqualTo("NO (ALREADYEXISTS) \"a script named main already exists\"\r\n");
            assertThat(c.command("RENAMESCRIPT \"filter\" \"spam\"")).isEqualTo("OK \"script renamed\"\r\n");
            assertThat(c.command("LISTSCRIPTS")).isEqualTo("\"main\"\r\n\"spam\" ACTIVE\r\nOK \"listed\"\r\n");
            assertThat(c.command("GETSCRIPT \"filter\"")).isEqualTo("NO (NONEXISTENT) \"there is no script named filter\"\r\n");
            assertThat(c.command("DELETESCRIPT \"filter\"")).isEqualTo("NO (NONEXISTENT) \"there is no script named filter\"\r\n");
            assertThat(c.command("RENAMESCRIPT \"filter\" \"x\"")).isEqualTo("NO (NONEXISTENT) \"there is no script named filter\"\r\n");
            assertThat(c.command("SETACTIVE \"filter\"")).isEqualTo("NO (NONEXISTENT) \"there is no script named filter\"\r\n");
            assertThat(c.command("SETACTIVE \"\"")).isEqualTo("OK \"no script is active now\"\r\n");
            assertThat(tern.services().sieveScripts().active(account())).isEmpty();
            assertThat(c.command("DELETESCRIPT \"spam\"")).isEqualTo("OK \"script deleted\"\r\n");
            assertThat(c.command("LISTSCRIPTS")).isEqualTo("\"main\"\r\nOK \"listed\"\r\n");
            assertThat(c.command("NOOP")).isEqualTo("OK \"done\"\r\n");
            assertThat(c.command("NOOP \"STARTTLS-SYNC-42\"")).isEqualTo("OK (TAG \"STARTTLS-SYNC-42\") \"done\"\r\n");
            assertThat(c.command("UNAUTHENTICATE")).isEqualTo("OK \"unauthenticated\"\r\n");
            assertThat(c.command("LISTSCRIPTS")).isEqualTo("NO \"AUTHENTICATE first\"\r\n");
            assertThat(c.command("AUTHENTICATE \"PLAIN\" \"" + plain("tim@example.test", PASSWORD) + "\""))
                    .isEqualTo("OK \"logged in\"\r\n");
            assertThat(c.command("LOGOUT")).isEqualTo("OK \"logout\"\r\n");
            assertThat(c.isClosedByPeer()).isTrue();
        }
        assertThat(tern.services().sieveScripts().list(account())).extracting(Rows.SieveScript::name).containsExactly("main");
    }

    @Test
    void aBadScriptIsRefusedWithItsLineAndNothingIsStored() throws Exception {
        int octets = BAD_SCRIPT.length();
        try (RawSieveClient c = login()) {
            String put = c.command("PUTSCRIPT \"bad\" {" + octets + "+}\r\n" + BAD_SCRIPT);
            assertThat(put).startsWith("NO \"line 3: ").contains("foo").endsWith("\"\r\n").doesNotContain("Exception");
            assertThat(c.command("CHECKSCRIPT {" + octets + "+}\r\n" + BAD_SCRIPT)).isEqualTo(put);
            assertThat(c.command("PUTSCRIPT \"bad\" \"require \\\"nope\\\"; keep;\""))
                    .isEqualTo("NO \"line 1: extension 'nope' is not supported\"\r\n");
            assertThat(c.command("LISTSCRIPTS")).isEqualTo("OK \"listed\"\r\n");
        }
    }

    /** editheader (RFC 5293): a script that requires it is stored; one that uses it without is refused, saying why. */
    @Test
    void editheaderIsAcceptedWhenRequiredAndRefusedWithoutIt() throws Exception {
        String edits = "require \"editheader\";\r\naddheader :last \"X-Filtered\" \"yes\";\r\n"
                + "deleteheader :index 1 :last :contains \"X-Spam\" \"maybe\";\r\n";
        String without = "addheader \"X-Filtered\" \"yes\";\r\n";
        try (RawSieveClient c = login()) {
            assertThat(c.command("CAPABILITY")).contains(" editheader");
            assertThat(c.command("CHECKSCRIPT {" + edits.length() + "+}\r\n" + edits))
                    .isEqualTo("OK \"script is valid\"\r\n");
            assertThat(c.command("PUTSCRIPT \"edits\" {" + edits.length() + "+}\r\n" + edits))
                    .isEqualTo("OK \"script stored\"\r\n");
            assertThat(c.command("PUTSCRIPT \"without\" {" + without.length() + "+}\r\n" + without))
                    .isEqualTo("NO \"line 1: command 'addheader' needs require \\\"editheader\\\"\"\r\n");
            String bad = "require \"editheader\";\r\naddheader \"X Bad\" \"v\";\r\n";
            assertThat(c.command("CHECKSCRIPT {" + bad.length() + "+}\r\n" + bad))
                    .startsWith("NO \"line 2: addheader: ").contains("is not a header field name");
        }
        assertThat(tern.services().sieveScripts().list(account())).extracting(Rows.SieveScript::name)
                .containsExactly("edits");
    }

    @Test
    void scriptNamesAreUtf8() throws Exception {
        String name = "Ferien été 🌴";
        try (RawSieveClient c = login()) {
            assertThat(c.command("PUTSCRIPT \"" + name + "\" \"keep;\"")).isEqualTo("OK \"script stored\"\r\n");
            assertThat(c.command("SETACTIVE \"" + name + "\"")).isEqualTo("OK \"script activated\"\r\n");
            assertThat(c.command("LISTSCRIPTS")).isEqualTo("\"" + name + "\" ACTIVE\r\nOK \"listed\"\r\n");
            int octets = name.getBytes(StandardCharsets.UTF_8).length;
            assertThat(c.command("GETSCRIPT {" + octets + "+}\r\n" + name)).isEqualTo("{5}\r\nkeep;\r\nOK \"script follows\"\r\n");
            // Octets that are not UTF-8, and a name with a control character.
            c.send("GETSCRIPT \"\u00ff".getBytes(StandardCharsets.ISO_8859_1));
            c.send("\"\r\n");
            assertThat(c.response()).isEqualTo("NO \"a script name must be UTF-8 text\"\r\n");
            assertThat(c.command("PUTSCRIPT {3+}\r\na\tb \"keep;\""))
                    .isEqualTo("NO \"a script name may not contain control characters\"\r\n");
        }
        assertThat(tern.services().sieveScripts().get(account(), name)).isPresent();
    }

    @Test
    void quotasAreAnsweredWithTheirCodes() throws Exception {
        try (RawSieveClient c = login()) {
            assertThat(c.command("HAVESPACE \"big\" " + (SieveScripts.MAX_SCRIPT_BYTES + 1)))
                    .startsWith("NO (QUOTA/MAXSIZE) ");
            // Over the script limit but within the literal limit: SieveScripts says no.
            String big = "#" + "x".repeat(SieveScripts.MAX_SCRIPT_BYTES) + "\r\nkeep;\r\n";
            assertThat(c.command("PUTSCRIPT \"big\" {" + big.length() + "+}\r\n" + big)).startsWith("NO (QUOTA/MAXSIZE) ");
            // Over the literal limit: read, dropped and refused, and the session goes on.
            String huge = "#" + "x".repeat(ManageSieveHandler.MAX_LITERAL) + "\r\n";
            assertThat(c.command("PUTSCRIPT \"huge\" {" + huge.length() + "+}\r\n" + huge))
                    .isEqualTo("NO (QUOTA/MAXSIZE) \"a script may have at most " + SieveScripts.MAX_SCRIPT_BYTES + " octets\"\r\n");
            assertThat(c.command("NOOP")).isEqualTo("OK \"done\"\r\n");
            for (int i = 0; i < SieveScripts.MAX_SCRIPTS; i++) {
                assertThat(c.command("PUTSCRIPT \"s" + i + "\" \"keep;\"")).isEqualTo("OK \"script stored\"\r\n");
            }
            assertThat(c.command("HAVESPACE \"one more\" 10")).startsWith("NO (QUOTA/MAXSCRIPTS) ");
            assertThat(c.command("PUTSCRIPT \"one more\" \"keep;\"")).startsWith("NO (QUOTA/MAXSCRIPTS) ");
            assertThat(c.command("PUTSCRIPT \"s0\" \"discard;\"")).isEqualTo("OK \"script stored\"\r\n");
            assertThat(c.command("HAVESPACE \"\" 10")).isEqualTo("NO \"a script needs a name\"\r\n");
        }
    }

    @Test
    void longLinesAndLiteralsAreBoundedAndTheSessionGoesOn() throws Exception {
        try (RawSieveClient c = login()) {
            assertThat(c.command("NOOP \"" + "x".repeat(ManageSieveHandler.MAX_LINE) + "\""))
                    .startsWith("NO \"line too long");
            // A line too long that announces a literal: the literal goes with it, unread as a command.
            assertThat(c.command("NOOP \"" + "x".repeat(ManageSieveHandler.MAX_LINE) + "\" {7+}\r\nLOGOUT\r"))
                    .startsWith("NO \"line too long");
            assertThat(c.command("GETSCRIPT {" + (ManageSieveHandler.MAX_LITERAL + 1) + "+}\r\n"
                    + "y".repeat(ManageSieveHandler.MAX_LITERAL + 1))).isEqualTo("NO \"string too long for this command\"\r\n");
            assertThat(c.command("NOOP \"still here\"")).isEqualTo("OK (TAG \"still here\") \"done\"\r\n");
            // A literal no command could ever use: the connection ends.
            assertThat(c.command("PUTSCRIPT \"x\" {99999999999+}")).isEqualTo("BYE \"input too large; closing the connection\"\r\n");
            assertThat(c.isClosedByPeer()).isTrue();
        }
    }

    @Test
    void beforeLoginALiteralMayHoldNoMoreThanALine() throws Exception {
        try (RawSieveClient c = tlsClient()) {
            int big = ManageSieveHandler.MAX_LINE + 1;
            assertThat(c.command("NOOP {" + big + "+}\r\n" + "t".repeat(big)))
                    .isEqualTo("NO \"string too long for this command\"\r\n");
            assertThat(c.command("NOOP {5+}\r\nsmall")).isEqualTo("OK (TAG \"small\") \"done\"\r\n");
            assertThat(c.command("AUTHENTICATE \"PLAIN\" \"" + plain("tim@example.test", PASSWORD) + "\""))
                    .isEqualTo("OK \"logged in\"\r\n");
            assertThat(c.command("NOOP {" + big + "+}\r\n" + "t".repeat(big))).startsWith("OK (TAG {" + big + "}\r\nttt");
        }
    }

    @Test
    void badCommandsGetReasonsThenTheConnectionIsClosed() throws Exception {
        try (RawSieveClient c = login()) {
            assertThat(c.command("FROB")).isEqualTo("NO \"unknown command\"\r\n");
            assertThat(c.command("GETSCRIPT main")).startsWith("NO \"GETSCRIPT takes a script name");
            assertThat(c.command("GETSCRIPT \"a\\x\"")).isEqualTo("NO \"in a quoted string, \\\\ escapes only \\\" and \\\\\"\r\n");
            assertThat(c.command("HAVESPACE \"a\" many")).startsWith("NO \"HAVESPACE takes");
            c.send("\r\n");   // an empty line gets no answer, and is no error
            assertThat(c.command("NOOP")).isEqualTo("OK \"done\"\r\n");
            for (int i = 4; i < ManageSieveSession.MAX_ERRORS; i++) {
                assertThat(c.command("FROB " + i)).isEqualTo("NO \"unknown command\"\r\n");
            }
            assertThat(c.command("FROB")).isEqualTo("BYE \"too many errors; closing the connection\"\r\n");
            assertThat(c.isClosedByPeer()).isTrue();
        }
    }

    @Test
    void aServerThatStopsSaysBye() throws Exception {
        try (RawSieveClient c = login()) {
            tern.close();
            assertThat(c.response()).isEqualTo("BYE \"server shutting down\"\r\n");
            assertThat(c.isClosedByPeer()).isTrue();
        }
    }

    @Test
    void aPortInUseIsTheUsualOneLineError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path other = dir.resolve("other");
            java.nio.file.Files.createDirectories(other);
            TernConfig config = TestConfigs.write(other, "",
                    "managesieve = [\"127.0.0.1:" + taken.getLocalPort() + "\"]\n");
            assertThatThrownBy(() -> new TernServer(config).start())
                    .isInstanceOf(ListenException.class)
                    .hasMessage("cannot listen on 127.0.0.1:" + taken.getLocalPort() + " for managesieve: address already in use");
        }
    }
}
