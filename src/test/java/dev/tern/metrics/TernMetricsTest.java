package dev.tern.metrics;

import dev.tern.testing.RawSmtpClient;
import dev.tern.testing.RunningServer;
import dev.tern.testing.TestCertificates;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The metrics after real traffic: SMTP on port 25, submission with STARTTLS and over implicit TLS. */
class TernMetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Pattern SAMPLE = Pattern.compile("^([a-z_]+)(\\{([^}]*)})? (\\S+)$");

    @TempDir
    Path dir;
    RunningServer tern;
    SSLContext trusting;

    @BeforeEach
    void start() {
        trusting = TestCertificates.ec().write(dir.resolve("cert.pem"), dir.resolve("key.pem"), true).trustingClient();
        tern = new RunningServer(dir, """
                [tls]
                cert = "cert.pem"
                key = "key.pem"
                [auth]
                max_failure_delay = "50ms"
                """, """
                submission = ["127.0.0.1:0"]
                submissions = ["127.0.0.1:0"]
                """, null);
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addUser("alice@example.test", "alice-pw");
        tern.services().directory().addUser("bob@example.test", "bob-pw");
    }

    @AfterEach
    void stop() {
        tern.close();
    }

    /** The value of the one sample of {@code name} that has all the given labels, or null. */
    private static Double sample(String scrape, String name, Map<String, String> labels) {
        Double found = null;
        for (String line : scrape.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches() || !m.group(1).equals(name)) {
                continue;
            }
            String have = m.group(3) == null ? "" : m.group(3);
            boolean all = labels.entrySet().stream()
                    .allMatch(e -> have.contains(e.getKey() + "=\"" + e.getValue() + "\""));
            if (all) {
                found = (found == null ? 0 : found) + Double.parseDouble(m.group(4));
            }
        }
        return found;
    }

    private double value(String name, Map<String, String> labels) {
        Double v = sample(tern.server().metrics().scrape(), name, labels);
        return v == null ? 0 : v;
    }

    private void port25() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.smtpPort(), 10_000)) {
            RawSmtpClient.expect(c.reply(), "220");
            RawSmtpClient.expect(c.command("EHLO client.example.test"), "250");
            RawSmtpClient.expect(c.sendMail("carol@elsewhere.test", List.of("alice@example.test"),
                    "Subject: one\r\n\r\nHello\r\n"), "250");
            RawSmtpClient.expect(c.command("MAIL FROM:<carol@elsewhere.test>"), "250");
            RawSmtpClient.expect(c.command("RCPT TO:<nobody@example.test>"), "550 5.1.1");
            RawSmtpClient.expect(c.command("RCPT TO:<someone@elsewhere.test>"), "550 5.7.1");
            RawSmtpClient.expect(c.command("QUIT"), "221");
        }
    }

    private void submissionsWithAWrongPasswordThenTheRightOne() throws Exception {
        try (RawSmtpClient c = new RawSmtpClient("127.0.0.1", tern.port("submissions"), 10_000, trusting)) {
            RawSmtpClient.expect(c.reply(), "220");
            RawSmtpClient.expect(c.command("EHLO laptop.example.test"), "250");
            RawSmtpClient.expect(c.command("AUTH PLAIN " + plain("alice@example.test", "wrong")), "535");
            RawSmtpClient.expect(c.command("AUTH PLAIN " + plain("alice@example.test", "alice-pw")), "235");
            // Mail for another domain: no route, no DNS, so it waits in the queue, deferred.
            RawSmtpClient.expect(c.sendMail("alice@example.test", List.of("erin@other.test"),
                    "From: alice@example.test\r\nSubject: out\r\n\r\nHello\r\n"), "250");
            RawSmtpClient.expect(c.command("QUIT"), "221");
        }
    }

    private void submissionWithStartTls() throws Exception {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(tern.port("submission")));
        p.put("mail.smtp.auth", "true");
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        p.put("mail.smtp.ssl.socketFactory", trusting.getSocketFactory());
        p.put("mail.smtp.connectiontimeout", "10000");
        p.put("mail.smtp.timeout", "10000");
        MimeMessage m = new MimeMessage(Session.getInstance(p));
        m.setFrom(new InternetAddress("bob@example.test"));
        m.setRecipients(Message.RecipientType.TO, "alice@example.test");
        m.setSubject("two");
        m.setText("hello");
        Transport.send(m, "bob@example.test", "bob-pw");
    }

    private static String plain(String user, String password) {
        return Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void countersMoveWithSmtpTraffic() throws Exception {
        port25();
        submissionsWithAWrongPasswordThenTheRightOne();
        submissionWithStartTls();
        await().atMost(WAIT).until(() -> tern.inbox("alice@example.test").size() == 2);
        // Sessions are counted when their connections close, which the server sees a moment after QUIT.
        await().atMost(WAIT).until(() -> value("tern_inbound_sessions_total",
                Map.of("listener", "submission", "tls", "true")) >= 1
                && value("tern_inbound_sessions_total", Map.of("listener", "submissions", "tls", "true")) >= 1
                && value("tern_inbound_sessions_total", Map.of("listener", "smtp", "tls", "false")) >= 1);
        await().atMost(WAIT).until(() -> value("tern_deliveries_total",
                Map.of("destination", "remote", "outcome", "deferred")) >= 1);

        String scrape = tern.server().metrics().scrape();
        assertThat(sample(scrape, "tern_connections_total", Map.of("listener", "smtp", "protocol", "smtp")))
                .isGreaterThanOrEqualTo(1);
        assertThat(sample(scrape, "tern_connections_total", Map.of("listener", "submissions"))).isGreaterThanOrEqualTo(1);
        assertThat(sample(scrape, "tern_sessions_active", Map.of("listener", "smtp"))).isNotNull();
        assertThat(sample(scrape, "tern_inbound_sessions_total", Map.of("listener", "smtp", "tls", "true"))).isNull();
        assertThat(sample(scrape, "tern_messages_received_total", Map.of("listener", "smtp"))).isEqualTo(1);
        assertThat(sample(scrape, "tern_messages_received_total", Map.of("listener", "submissions"))).isEqualTo(1);
        assertThat(sample(scrape, "tern_messages_received_total", Map.of("listener", "submission"))).isEqualTo(1);
        assertThat(sample(scrape, "tern_smtp_rejections_total",
                Map.of("listener", "smtp", "stage", "rcpt", "reason", "unknown_user"))).isEqualTo(1);
        assertThat(sample(scrape, "tern_smtp_rejections_total",
                Map.of("listener", "smtp", "stage", "rcpt", "reason", "relay_denied"))).isEqualTo(1);
        assertThat(sample(scrape, "tern_auth_failures_total", Map.of("protocol", "smtp"))).isEqualTo(1);
        assertThat(sample(scrape, "tern_deliveries_total", Map.of("destination", "local", "outcome", "delivered")))
                .isEqualTo(2);
        assertThat(sample(scrape, "tern_delivery_latency_seconds_count", Map.of("destination", "local"))).isEqualTo(2);
        assertThat(sample(scrape, "tern_delivery_latency_seconds_bucket", Map.of("destination", "local", "le", "+Inf")))
                .isEqualTo(2);
        assertThat(scrape).contains("tern_delivery_latency_seconds_bucket{destination=\"local\",le=\"3600.0\"}");
        assertThat(sample(scrape, "tern_queue_messages", Map.of())).isNotNull();
        assertThat(sample(scrape, "tern_queue_recipients_waiting", Map.of())).isNotNull();
        assertThat(sample(scrape, "tern_queue_oldest_age_seconds", Map.of())).isNotNull();
        assertThat(sample(scrape, "tern_suppression_addresses", Map.of())).isZero();
        // When the certificate the listeners present ends.
        double notAfter = tern.server().tls().certificate().getNotAfter().getTime() / 1000.0;
        assertThat(sample(scrape, "tern_tls_certificate_expiry_seconds", Map.of())).isEqualTo(notAfter)
                .isGreaterThan(java.time.Instant.now().getEpochSecond());
        // The deferred message stays in the queue: the gauges see it once their cache has expired.
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1))
                .until(() -> value("tern_queue_messages", Map.of()) == 1
                        && value("tern_queue_recipients_waiting", Map.of()) == 1);
        tern.services().suppressions().add("gone@elsewhere.test", null, null);
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1))
                .until(() -> value("tern_suppression_addresses", Map.of()) == 1);
    }

    @Test
    void refusalsAreNamedByTheirComponentAndCode() {
        assertThat(RejectionReason.of("rcpt", 550, "5.7.1", "smtp-policy")).isEqualTo("relay_denied");
        assertThat(RejectionReason.of("rcpt", 550, "5.1.1", "smtp-policy")).isEqualTo("unknown_user");
        assertThat(RejectionReason.of("rcpt", 550, "5.1.2", "smtp-policy")).isEqualTo("relay_denied");
        assertThat(RejectionReason.of("connect", 554, "5.7.1", "access")).isEqualTo("access");
        assertThat(RejectionReason.of("mail", 550, "5.7.1", "access")).isEqualTo("access");
        assertThat(RejectionReason.of("rcpt", 451, "4.3.0", "smtp-policy")).isEqualTo("temporary_failure");
        assertThat(RejectionReason.of("mail", 552, "5.3.4", "smtp")).isEqualTo("too_big");
        assertThat(RejectionReason.of("data", 552, "5.3.4", "smtp")).isEqualTo("too_big");
        assertThat(RejectionReason.of("mail", 530, "5.7.0", "smtp")).isEqualTo("auth_required");
        assertThat(RejectionReason.of("mail", 451, "4.7.1", "rate-limit")).isEqualTo("rate_limit");
        assertThat(RejectionReason.of("connect", 421, "4.7.0", "rate-limit")).isEqualTo("rate_limit");
        assertThat(RejectionReason.of("connect", 421, "4.7.0", "smtp")).isEqualTo("too_many_connections");
        assertThat(RejectionReason.of("rcpt", 451, "4.7.1", "greylist")).isEqualTo("greylisted");
        assertThat(RejectionReason.of("mail", 554, "5.7.1", "dnsbl")).isEqualTo("policy");
        assertThat(RejectionReason.of("data", 550, "5.7.1", "dmarc")).isEqualTo("policy");
        assertThat(RejectionReason.of("helo", 550, "5.7.1", "helo")).isEqualTo("policy");
        assertThat(RejectionReason.of("mail", 553, "5.7.1", "submission-policy")).isEqualTo("sender_not_owned");
        assertThat(RejectionReason.of("data", 554, "5.5.2", "smtp")).isEqualTo("protocol");
        assertThat(RejectionReason.of("data", 451, "4.3.0", "queue")).isEqualTo("temporary_failure");
        assertThat(RejectionReason.of("mail", 452, "4.3.1", "smtp")).isEqualTo("storage_full");
        assertThat(RejectionReason.of("data", 452, "4.3.1", "queue")).isEqualTo("storage_full");
    }
}
