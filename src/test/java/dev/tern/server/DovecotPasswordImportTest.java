package dev.tern.server;

import dev.tern.auth.client.ScramSha256Mechanism;
import dev.tern.testing.ClientRun;
import dev.tern.testing.InProcessCli;
import dev.tern.testing.RawImapClient;
import dev.tern.testing.RunningServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static dev.tern.testing.RawImapClient.last;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Accounts brought over from Dovecot with their password hashes: Debian's {@code doveadm pw}
 * hashes a password in the schemes Dovecot installations use, {@code tern user import} reads the
 * passwd-file, and each user logs in over IMAP with their old password; that first login replaces
 * the hash with Tern's own, after which SCRAM-SHA-256 works too. Dovecot's stored SCRAM-SHA-256
 * and CRAM-MD5 credentials serve those mechanisms from the start. .ci/run installs dovecot-core;
 * skipped only where doveadm is missing.
 */
class DovecotPasswordImportTest {

    static final Path DOVEADM = Path.of("/usr/bin/doveadm");

    @TempDir
    Path dir;
    RunningServer tern;

    @AfterEach
    void stop() {
        if (tern != null) {
            tern.close();
        }
    }

    private String doveadmPw(String scheme, String password) throws Exception {
        ClientRun.Result r = ClientRun.run(new ProcessBuilder(DOVEADM.toString(), "pw", "-s", scheme, "-p", password)
                .directory(dir.toFile()), dir.resolve("doveadm.out"), Duration.ofSeconds(60));
        assertThat(r.status()).as("doveadm pw -s %s:%n%s", scheme, r.output()).isZero();
        return r.output().strip();
    }

    private String storedHash(String address) {
        return tern.services().directory().credentials(address).orElseThrow().passwordHash();
    }

    @Test
    void usersLogInWithTheirDovecotPasswordsWhichAreThenKeptTernsWay() throws Exception {
        assumeTrue(Files.isExecutable(DOVEADM), "doveadm is not installed (apt-get install dovecot-core)");
        Map<String, String> schemes = Map.of("alice", "SHA512-CRYPT", "bob", "BLF-CRYPT", "carol", "ARGON2ID",
                "dave", "SSHA512");
        StringBuilder passwd = new StringBuilder("# users of example.test, as Dovecot's passwd-file keeps them\n");
        for (Map.Entry<String, String> e : schemes.entrySet()) {
            passwd.append(e.getKey()).append(':').append(doveadmPw(e.getValue(), e.getKey() + " old pw"))
                    .append(":1000:1000::/var/vmail/").append(e.getKey()).append("::\n");
        }
        passwd.append("eve:{NTLM}8846F7EAEE8FB117AD06BDD830B7586C:1000:1000::/var/vmail/eve::\n");
        Files.writeString(dir.resolve("users"), passwd);

        tern = new RunningServer(Files.createDirectories(dir.resolve("tern")), "[auth]\nplaintext_on_loopback = true\n",
                "imap = [\"127.0.0.1:0\"]\n", null);
        tern.services().directory().addDomain("example.test");
        InProcessCli.Result imported = InProcessCli.run(tern.services().config().source(), null,
                "user", "import", dir.resolve("users").toString(), "--domain", "example.test");
        assertThat(imported.code()).as("eve's scheme cannot be checked").isEqualTo(1);
        assertThat(imported.out()).contains("added 4 account(s), 1 line(s) not imported",
                "users:6: eve@example.test not imported: password scheme {NTLM} is not one Tern can check");
        assertThat(tern.services().directory().user("eve@example.test")).isEmpty();

        for (String user : schemes.keySet()) {
            String address = user + "@example.test";
            assertThat(storedHash(address)).as(user).startsWith("{" + schemes.get(user) + "}");
            try (RawImapClient imap = new RawImapClient(tern.port("imap"))) {
                imap.readLine();
                assertThat(last(imap.command("a1", "LOGIN " + address + " \"" + user + " new pw\""))).as(user)
                        .startsWith("a1 NO");
                assertThat(storedHash(address)).as("a failed login changes nothing").startsWith("{" + schemes.get(user) + "}");
                assertThat(last(imap.command("a2", "LOGIN " + address + " \"" + user + " old pw\""))).as(user)
                        .startsWith("a2 OK");
            }
            await(user + "'s hash replaced").atMost(Duration.ofSeconds(20))
                    .until(() -> storedHash(address).startsWith("$argon2id$"));
            try (RawImapClient imap = new RawImapClient(tern.port("imap"))) {
                imap.readLine();
                assertThat(scram(imap, address, user + " old pw")).as(user + " over SCRAM-SHA-256").startsWith("s1 OK");
                assertThat(last(imap.command("a3", "LOGOUT"))).startsWith("a3 OK");
            }
            try (RawImapClient imap = new RawImapClient(tern.port("imap"))) {
                imap.readLine();
                assertThat(last(imap.command("a4", "LOGIN " + address + " \"" + user + " old pw\""))).startsWith("a4 OK");
            }
        }
    }

    @Test
    void dovecotsScramAndCramMd5CredentialsServeTheirMechanismsBeforeAnyPasswordLogin() throws Exception {
        assumeTrue(Files.isExecutable(DOVEADM), "doveadm is not installed (apt-get install dovecot-core)");
        Files.writeString(dir.resolve("users"), "frank:" + doveadmPw("SCRAM-SHA-256", "frank old pw") + "\n"
                + "grace:" + doveadmPw("CRAM-MD5", "grace old pw") + ":1000:1000::/var/vmail/grace::\n");
        tern = new RunningServer(Files.createDirectories(dir.resolve("tern")),
                "[auth]\nplaintext_on_loopback = true\ncram_md5 = true\n", "imap = [\"127.0.0.1:0\"]\n", null);
        tern.services().directory().addDomain("example.test");
        InProcessCli.Result imported = InProcessCli.run(tern.services().config().source(), null,
                "user", "import", dir.resolve("users").toString(), "--domain", "example.test");
        assertThat(imported.code()).as(imported.out()).isZero();

        try (RawImapClient imap = new RawImapClient(tern.port("imap"))) {
            imap.readLine();
            assertThat(scram(imap, "frank@example.test", "frank old pw")).as("SCRAM from Dovecot's keys").startsWith("s1 OK");
        }
        try (RawImapClient imap = new RawImapClient(tern.port("imap"))) {
            imap.readLine();
            assertThat(scram(imap, "frank@example.test", "frank new pw")).startsWith("s1 NO");
        }
        try (RawImapClient imap = new RawImapClient(tern.port("imap"))) {
            imap.readLine();
            assertThat(cramMd5(imap, "grace@example.test", "grace old pw")).as("CRAM-MD5 from Dovecot's states").startsWith("c1 OK");
        }
        assertThat(storedHash("frank@example.test")).as("no password seen yet").startsWith("{SCRAM-SHA-256}");
        assertThat(storedHash("grace@example.test")).startsWith("{CRAM-MD5}");

        for (String user : List.of("frank", "grace")) {
            try (RawImapClient imap = new RawImapClient(tern.port("imap"))) {
                imap.readLine();
                assertThat(last(imap.command("a1", "LOGIN " + user + "@example.test \"" + user + " old pw\""))).as(user)
                        .startsWith("a1 OK");
            }
            await(user + "'s hash replaced").atMost(Duration.ofSeconds(20))
                    .until(() -> storedHash(user + "@example.test").startsWith("$argon2id$"));
        }
        try (RawImapClient imap = new RawImapClient(tern.port("imap"))) {
            imap.readLine();
            assertThat(scram(imap, "frank@example.test", "frank old pw")).as("Tern's own keys now").startsWith("s1 OK");
        }
        try (RawImapClient imap = new RawImapClient(tern.port("imap"))) {
            imap.readLine();
            assertThat(cramMd5(imap, "grace@example.test", "grace old pw")).as("CRAM-MD5 kept for grace").startsWith("c1 OK");
        }
    }

    /** AUTHENTICATE CRAM-MD5 (RFC 2195); the tagged answer. */
    private static String cramMd5(RawImapClient imap, String user, String password) throws Exception {
        imap.send("c1 AUTHENTICATE CRAM-MD5");
        String line = imap.readLine();
        assertThat(line).startsWith("+ ");
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacMD5");
        mac.init(new javax.crypto.spec.SecretKeySpec(password.getBytes(StandardCharsets.UTF_8), "HmacMD5"));
        byte[] digest = mac.doFinal(Base64.getDecoder().decode(line.substring(2).trim()));
        String answer = user + " " + java.util.HexFormat.of().formatHex(digest);
        imap.send(Base64.getEncoder().encodeToString(answer.getBytes(StandardCharsets.UTF_8)));
        return last(imap.until("c1"));
    }

    /** AUTHENTICATE SCRAM-SHA-256 with Tern's SASL client; the tagged answer. */
    private static String scram(RawImapClient imap, String user, String password) throws Exception {
        ScramSha256Mechanism client = new ScramSha256Mechanism(null, user, password);
        imap.send("s1 AUTHENTICATE SCRAM-SHA-256 " + Base64.getEncoder().encodeToString(client.initialResponse()));
        while (true) {
            String line = imap.readLine();
            if (!line.startsWith("+")) {
                List<String> rest = line.startsWith("s1 ") ? List.of(line) : imap.until("s1");
                return last(rest);
            }
            byte[] challenge = Base64.getDecoder().decode(line.substring(1).trim());
            imap.send(Base64.getEncoder().encodeToString(client.evaluateChallenge(challenge)));
        }
    }
}
