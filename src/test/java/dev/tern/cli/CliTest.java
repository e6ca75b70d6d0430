package dev.tern.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line as an operator uses it: output, exit codes, one-line errors. */
class CliTest {

    @TempDir
    Path dir;
    Path config;

    private final PrintStream realOut = System.out;
    private final PrintStream realErr = System.err;
    private final InputStream realIn = System.in;
    private ByteArrayOutputStream out;
    private ByteArrayOutputStream err;

    record Result(int code, String out, String err) {
    }

    @BeforeEach
    void setUp() {
        config = dir.resolve("tern.toml");
    }

    @AfterEach
    void restore() {
        System.setOut(realOut);
        System.setErr(realErr);
        System.setIn(realIn);
    }

    private Result tern(String stdin, String... args) {
        out = new ByteArrayOutputStream();
        err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        System.setIn(new ByteArrayInputStream((stdin == null ? "" : stdin).getBytes(StandardCharsets.UTF_8)));
        String[] full = new String[args.length + 2];
        System.arraycopy(args, 0, full, 0, args.length);
        full[args.length] = "--config";
        full[args.length + 1] = config.toString();
        int code;
        try {
            code = TernCommand.run(full);
        } finally {
            System.setOut(realOut);
            System.setErr(realErr);
            System.setIn(realIn);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void initWritesACommentedConfigOnce() throws Exception {
        Result r = tern(null, "init", "--domain", "example.org", "--smtp", "127.0.0.1:2525");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("wrote " + config).contains("added domain example.org");
        String text = Files.readString(config);
        assertThat(text).contains("hostname = \"mail.example.org\"").contains("smtp = [\"127.0.0.1:2525\"]").contains("# ");
        assertThat(tern(null, "domain", "list").out()).isEqualTo("example.org\n");

        Result again = tern(null, "init");
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("tern: " + config + " already exists; edit it, or remove it to start again\n");
    }

    @Test
    void administrationCommands() {
        tern(null, "init", "--smtp", "127.0.0.1:2525");
        assertThat(tern(null, "domain", "add", "Example.ORG").out()).isEqualTo("added domain example.org\n");
        assertThat(tern("pw-alice\n", "user", "add", "alice@example.org", "--password-stdin").out())
                .isEqualTo("added user alice@example.org\n");
        Result generated = tern(null, "user", "add", "bob@example.org");
        assertThat(generated.out()).startsWith("added user bob@example.org\npassword: ");
        assertThat(tern(null, "user", "list").out()).isEqualTo("alice@example.org\nbob@example.org\n");
        assertThat(tern("new-pw\n", "user", "passwd", "alice@example.org", "--password-stdin").code()).isZero();
        assertThat(tern(null, "alias", "add", "team@example.org", "alice@example.org", "bob@example.org").code()).isZero();
        assertThat(tern(null, "alias", "list").out()).isEqualTo("team@example.org -> alice@example.org, bob@example.org\n");
        assertThat(tern(null, "domain", "catch-all", "example.org", "alice@example.org").code()).isZero();
        assertThat(tern(null, "domain", "show", "example.org").out())
                .contains("catch-all: alice@example.org").contains("MX   10 localhost.");
        assertThat(tern(null, "mailbox", "list", "alice@example.org").out())
                .contains("INBOX          0 message(s)").contains("Sent           0 message(s)  \\Sent");
        assertThat(tern(null, "queue", "list").out()).isEqualTo("the queue is empty\n");

        Result busy = tern(null, "domain", "delete", "example.org");
        assertThat(busy.code()).isEqualTo(1);
        assertThat(busy.err()).startsWith("tern: domain example.org still has 2 account(s) and 1 alias(es)");
        assertThat(tern(null, "alias", "delete", "team@example.org").code()).isZero();
        assertThat(tern(null, "user", "delete", "alice@example.org").code()).isZero();
        assertThat(tern(null, "user", "delete", "bob@example.org").code()).isZero();
        assertThat(tern(null, "domain", "delete", "example.org").out()).isEqualTo("deleted domain example.org\n");
    }

    @Test
    void sendAsPermissions() {
        tern(null, "init", "--smtp", "127.0.0.1:2525", "--domain", "example.org");
        assertThat(tern("pw\n", "user", "add", "alice@example.org", "--password-stdin").code()).isZero();
        assertThat(tern(null, "user", "send-as", "add", "Alice@example.org", "@Partner.ORG").out())
                .isEqualTo("Alice@example.org may send as @partner.org\n");
        assertThat(tern(null, "user", "send-as", "add", "alice@example.org", "Boss@example.org").out())
                .isEqualTo("alice@example.org may send as boss@example.org\n");
        assertThat(tern(null, "user", "send-as", "list", "alice@example.org").out())
                .isEqualTo("alice@example.org may send as @partner.org\nalice@example.org may send as boss@example.org\n");
        assertThat(tern(null, "user", "send-as", "list").out()).hasLineCount(2);

        Result again = tern(null, "user", "send-as", "add", "alice@example.org", "@partner.org");
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("tern: alice@example.org may already send as @partner.org\n");
        Result bad = tern(null, "user", "send-as", "add", "alice@example.org", "partner.org");
        assertThat(bad.err()).startsWith("tern: \"partner.org\" is neither an address nor @domain");
        assertThat(tern(null, "user", "send-as", "add", "nobody@example.org", "@x.org").err())
                .isEqualTo("tern: no such account: nobody@example.org\n");

        assertThat(tern(null, "user", "send-as", "delete", "alice@example.org", "@partner.org").out())
                .isEqualTo("alice@example.org may no longer send as @partner.org\n");
        Result gone = tern(null, "user", "send-as", "delete", "alice@example.org", "@partner.org");
        assertThat(gone.code()).isEqualTo(1);
        assertThat(gone.err()).isEqualTo("tern: no such permission: alice@example.org may not send as @partner.org\n");
        assertThat(tern(null, "user", "send-as", "list").out()).isEqualTo("alice@example.org may send as boss@example.org\n");
        assertThat(tern(null, "user", "delete", "alice@example.org").code()).isZero();
        assertThat(tern(null, "user", "send-as", "list").out()).isEmpty();
    }

    @Test
    void errorsAreOneLineWithoutStackTraces() throws Exception {
        tern(null, "init", "--smtp", "127.0.0.1:2525");
        Result noDomain = tern("x\n", "user", "add", "carol@nowhere.org", "--password-stdin");
        assertThat(noDomain.code()).isEqualTo(1);
        assertThat(noDomain.err()).isEqualTo("tern: no such domain: nowhere.org (add it with `tern domain add nowhere.org`)\n");

        Files.writeString(config, Files.readString(config).replace("max_errors = 20", "max_errors = \"twenty\""));
        Result badConfig = tern(null, "domain", "list");
        assertThat(badConfig.code()).isEqualTo(1);
        assertThat(badConfig.err()).startsWith("tern: smtp.max_errors: expected a positive whole number").doesNotContain("\tat ");

        Files.delete(config);
        Result missing = tern(null, "domain", "list");
        assertThat(missing.err()).contains("no such file").contains("tern init");
    }

    @Test
    void aPortInUseIsOneLineNamingTheListener() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            tern(null, "init", "--smtp", "127.0.0.1:" + port);
            Result r = tern(null, "serve");
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).contains("tern: cannot listen on 127.0.0.1:" + port + " for smtp");
            assertThat(r.err().lines().filter(l -> l.startsWith("tern:")).count()).isEqualTo(1);
            assertThat(r.err()).doesNotContain("\tat ");
        }
    }
}
