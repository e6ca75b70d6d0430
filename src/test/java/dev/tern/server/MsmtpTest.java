package dev.tern.server;

import dev.tern.store.Rows;
import dev.tern.testing.ClientRun;
import dev.tern.testing.RunningServer;
import dev.tern.testing.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * msmtp, the sendmail replacement that cron jobs, scripts and PHP's {@code mail()} hand their mail
 * to, against a running server's submission ports: STARTTLS on 587 and TLS on 465 with the
 * certificate verified, each password mechanism it has through GNU SASL (PLAIN, LOGIN,
 * SCRAM-SHA-256, CRAM-MD5), recipients from the command line or read from the message's header
 * ({@code -t}), and a wrong password refused with nothing sent. .ci/run installs msmtp; the test is
 * skipped only where it is missing.
 */
class MsmtpTest {

    static final String PASSWORD = "msmtp-secret-pw";
    static final String SENDER = "alice@example.test";
    static final String RECIPIENT = "bob@example.test";
    static final Path MSMTP = Path.of("/usr/bin/msmtp");

    @TempDir
    Path dir;
    RunningServer tern;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Files.isExecutable(MSMTP), "msmtp is not installed (apt-get install msmtp)");
        Path home = dir.resolve("server");
        Files.createDirectories(home);
        TestCertificates.ec().write(home.resolve("cert.pem"), home.resolve("key.pem"), true);
        tern = new RunningServer(home, """
                [tls]
                cert = "cert.pem"
                key = "key.pem"
                [auth]
                cram_md5 = true
                """, """
                submission = ["127.0.0.1:0"]
                submissions = ["127.0.0.1:0"]
                """, null);
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addUser(SENDER, PASSWORD, true);
        tern.services().directory().addUser(RECIPIENT, "bob-pw");
        Files.writeString(dir.resolve("password"), PASSWORD + "\n");
        Files.writeString(dir.resolve("wrong"), "not-the-password\n");
    }

    @AfterEach
    void stop() {
        if (tern != null) {
            tern.close();
        }
    }

    /** An msmtp account on a listener, with a mechanism, the password from a file. */
    private String account(String name, String listener, String mechanism, String passwordFile) {
        return """
                account %s
                host 127.0.0.1
                port %d
                tls_starttls %s
                auth %s
                user %s
                passwordeval "cat %s"
                from %s

                """.formatted(name, tern.port(listener), listener.equals("submission") ? "on" : "off", mechanism,
                SENDER, dir.resolve(passwordFile), SENDER);
    }

    /** Runs msmtp with the message on its standard input; returns its exit status and output. */
    private ClientRun.Result msmtp(String message, String... args) throws Exception {
        Path input = dir.resolve("message.eml");
        Files.writeString(input, message);
        List<String> command = new java.util.ArrayList<>(List.of(MSMTP.toString(), "-C",
                dir.resolve("msmtprc").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectInput(input.toFile());
        pb.environment().put("HOME", dir.toString());
        return ClientRun.run(pb, dir.resolve("msmtp.out"), Duration.ofSeconds(60));
    }

    private static String message(String subject) {
        return "From: Alice <" + SENDER + ">\nTo: " + RECIPIENT + "\nSubject: " + subject + "\n\nsent by msmtp\n.\n";
    }

    @Test
    void everyMechanismOverStartTlsAndTlsAndRecipientsFromTheHeader() throws Exception {
        Path rc = dir.resolve("msmtprc");
        Files.writeString(rc, """
                defaults
                tls on
                tls_trust_file %s
                tls_host_override localhost
                timeout 20

                """.formatted(dir.resolve("server").resolve("cert.pem"))
                + account("plain", "submission", "plain", "password")
                + account("login", "submission", "login", "password")
                + account("scram", "submission", "scram-sha-256", "password")
                + account("cram", "submissions", "cram-md5", "password")
                + account("implicit", "submissions", "scram-sha-256", "password")
                + account("wrong", "submissions", "scram-sha-256", "wrong"));
        Files.setPosixFilePermissions(rc, PosixFilePermissions.fromString("rw-------"));

        List<String> accounts = List.of("plain", "login", "scram", "cram", "implicit");
        for (String account : accounts) {
            ClientRun.Result r = msmtp(message("via " + account), "-a", account, RECIPIENT);
            assertThat(r.status()).as("exit status with account %s; output:%n%s", account, r.output()).isZero();
        }
        ClientRun.Result fromHeader = msmtp(message("recipients from the header"), "-a", "scram", "-t");
        assertThat(fromHeader.status()).as("output:%n%s", fromHeader.output()).isZero();
        ClientRun.Result refused = msmtp(message("with a wrong password"), "-a", "wrong", RECIPIENT);
        assertThat(refused.status()).as("output:%n%s", refused.output()).isNotZero();
        assertThat(refused.output()).contains("535");

        await().atMost(Duration.ofSeconds(10)).until(() -> tern.inbox(RECIPIENT).size() == accounts.size() + 1);
        List<String> contents = tern.inbox(RECIPIENT).stream().map(tern::content).toList();
        for (String account : accounts) {
            assertThat(contents).anyMatch(c -> c.contains("Subject: via " + account + "\r\n"));
        }
        assertThat(contents).anyMatch(c -> c.contains("Subject: recipients from the header\r\n"))
                .noneMatch(c -> c.contains("wrong password"))
                .allMatch(c -> c.endsWith("\r\nsent by msmtp\r\n.\r\n"));    // the line of one dot, unstuffed
        Rows.Message first = tern.inbox(RECIPIENT).get(0);
        assertThat(tern.content(first)).contains("Return-Path: <" + SENDER + ">")
                .contains("with ESMTPSA");
    }
}
