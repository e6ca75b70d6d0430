package dev.tern.server;

import dev.tern.credentials.CredentialRequest;
import dev.tern.credentials.NewSmtpCredential;
import dev.tern.credentials.SendRate;
import dev.tern.store.Rows;
import dev.tern.testing.LogLines;
import dev.tern.testing.LoopbackPorts;
import dev.tern.testing.RunningServer;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The HTTP send API with real clients (the JDK's HttpClient, Python's urllib): an application's
 * SMTP credential in HTTP Basic, messages built from fields or given whole, and the checks of
 * submission. Remote mail goes to a smarthost on a closed port, so it waits in the queue.
 */
class SendApiTest {

    @TempDir
    Path dir;
    RunningServer tern;
    NewSmtpCredential app;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeEach
    void start() throws Exception {
        int closed = LoopbackPorts.freeOnAll("127.0.0.1");
        tern = new RunningServer(dir, """
                [smtp]
                max_recipients = 100
                [auth]
                lockout_failures = 3
                max_failure_delay = "50ms"
                [delivery.smarthost]
                host = "127.0.0.1"
                port = %d
                tls = "none"
                """.formatted(closed), "admin = [\"127.0.0.1:0\"]\n", null);
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addUser("bob@example.test", "bob-pw");
        app = tern.services().smtpCredentials().create(new CredentialRequest("example.test",
                List.of("noreply@example.test"), null, "shop", false));
    }

    @AfterEach
    void stop() {
        tern.close();
    }

    private HttpResponse<String> post(String path, String user, String password, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + tern.port("admin") + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json))
                .timeout(Duration.ofSeconds(20));
        if (user != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String json) throws Exception {
        return post("/api/send", app.credential().name(), app.secret(), json);
    }

    private MimeMessage only(String address) throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> tern.inbox(address).size() == 1);
        return new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(tern.content(tern.inbox(address).get(0)).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aMessageBuiltFromFieldsIsQueuedAndDeliveredAsWritten() throws Exception {
        String pdf = Base64.getEncoder().encodeToString(new byte[]{'%', 'P', 'D', 'F', 0, (byte) 0xff, 1, 2});
        HttpResponse<String> r = send("""
                {"from": "Shop Café <noreply@example.test>", "to": ["bob@example.test"], "bcc": ["audit@remote.test"],
                 "subject": "Your order № 42", "text": "Thank you.\\nTwo lines.", "html": "<p>Thank you.</p>",
                 "headers": {"List-Unsubscribe": "<mailto:unsub@example.test>"},
                 "attachments": [{"filename": "invoice.pdf", "content_type": "application/pdf", "content": "%s"}]}
                """.formatted(pdf));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(r.body()).contains("\"queue_id\"").contains("\"message_id\"");

        MimeMessage m = only("bob@example.test");
        assertThat(m.getSubject()).isEqualTo("Your order № 42");
        assertThat(m.getFrom()[0].toString()).contains("noreply@example.test");
        assertThat(((jakarta.mail.internet.InternetAddress) m.getFrom()[0]).getPersonal()).isEqualTo("Shop Café");
        assertThat(m.getHeader("Bcc")).isNull();
        assertThat(m.getHeader("List-Unsubscribe")[0]).isEqualTo("<mailto:unsub@example.test>");
        assertThat(r.body()).contains(m.getMessageID().replaceAll("[<>]", ""));
        assertThat(m.getHeader("Received")[0]).contains("with HTTPA").contains("Authenticated sender: shop@example.test");
        Multipart mixed = (Multipart) m.getContent();
        Multipart alternative = (Multipart) mixed.getBodyPart(0).getContent();
        assertThat(alternative.getBodyPart(0).getContent().toString()).isEqualTo("Thank you.\r\nTwo lines.");
        assertThat(alternative.getBodyPart(1).isMimeType("text/html")).isTrue();
        Part attached = mixed.getBodyPart(1);
        assertThat(attached.getFileName()).isEqualTo("invoice.pdf");
        assertThat(attached.getInputStream().readAllBytes()).isEqualTo(Base64.getDecoder().decode(pdf));

        // The Bcc recipient waits for the smarthost, in the same message.
        Rows.QueueSummary waiting = tern.services().queue().list(10).get(0);
        assertThat(waiting.recipients()).extracting(Rows.QueueRecipient::address).containsExactly("audit@remote.test");
        assertThat(waiting.message().listener()).isEqualTo("http");
        assertThat(waiting.message().authUser()).isEqualTo("shop@example.test");
    }

    @Test
    void aRawMessageGoesAsItIsWithItsEnvelope() throws Exception {
        HttpResponse<String> r = post("/api/send/raw", app.credential().name(), app.secret(), """
                {"from": "noreply@example.test", "to": ["bob@example.test"],
                 "message": "From: noreply@example.test\\nTo: someone@elsewhere.test\\nSubject: raw\\n\\nline one\\nline two\\n"}
                """);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        MimeMessage m = only("bob@example.test");
        assertThat(m.getSubject()).isEqualTo("raw");
        assertThat(m.getHeader("To")[0]).isEqualTo("someone@elsewhere.test");
        assertThat(m.getMessageID()).as("added, as submission does").isNotNull();
        assertThat(m.getContent().toString()).isEqualTo("line one\r\nline two\r\n");
        HttpResponse<String> missing = post("/api/send/raw", app.credential().name(), app.secret(), """
                {"from": "noreply@example.test", "to": ["bob@example.test"], "message": null}""");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).contains("message");
    }

    @Test
    void theLoginAndTheChecksOfSubmissionApply() throws Exception {
        String message = """
                {"from": "%s", "to": ["bob@example.test"], "subject": "s", "text": "t"}""";
        HttpResponse<String> none = post("/api/send", null, null, message.formatted("noreply@example.test"));
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
        HttpResponse<String> wrong = post("/api/send", app.credential().name(), "not the secret",
                message.formatted("noreply@example.test"));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("wrong user name or password").doesNotContain("not the secret");

        // Outside the credential's senders: refused with what SMTP would have answered.
        HttpResponse<String> outside = send(message.formatted("bob@example.test"));
        assertThat(outside.statusCode()).isEqualTo(422);
        assertThat(outside.body()).contains("553 5.7.1").contains("not in the scope of SMTP credential");
        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + tern.port("admin") + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).as("counted as SMTP's refusals are")
                .contains("tern_smtp_rejections_total{listener=\"http\",reason=\"sender_not_owned\",stage=\"mail\"} 1.0");

        // An account logs in too, as on port 587.
        HttpResponse<String> bob = post("/api/send", "bob@example.test", "bob-pw", message.formatted("bob@example.test"));
        assertThat(bob.statusCode()).as(bob.body()).isEqualTo(202);

        // Bad fields say which.
        assertThat(send(message.formatted("not an address")).body()).contains("from:");
        assertThat(send("""
                {"from": "noreply@example.test", "to": ["bob@example.test"], "text": "t", "headers": {"From": "x@y.test"}}""")
                .body()).contains("header From is set from its own field");
        assertThat(send("""
                {"from": "noreply@example.test", "to": ["bob@example.test"], "subject": "a\\r\\nBcc: x@y.test", "text": "t"}""")
                .statusCode()).isEqualTo(400);
        assertThat(send("""
                {"from": "noreply@example.test", "to": [], "text": "t"}""").body()).contains("554 5.5.1");
        assertThat(send("""
                {"from": "noreply@example.test", "to": ["bob@example.test"], "text": "t", "attachments": [{"filename": "a", "content": null}]}""")
                .body()).contains("attachments[0].content");
        String many = String.join(", ", java.util.stream.IntStream.range(0, 101)
                .mapToObj(i -> "\"bob+" + i + "@example.test\"").toList());
        HttpResponse<String> tooMany = send("""
                {"from": "noreply@example.test", "to": [%s], "text": "t"}""".formatted(many));
        assertThat(tooMany.statusCode()).isEqualTo(422);
        assertThat(tooMany.body()).contains("552 5.5.3");
    }

    /** The smarthost here has no TLS, so a message that asks for REQUIRETLS comes back at once. */
    @Test
    void requireTlsIsKeptWithTheMessage() throws Exception {
        try (LogLines log = LogLines.of("dev.tern.smtp")) {
            HttpResponse<String> r = post("/api/send", "bob@example.test", "bob-pw", """
                    {"from": "bob@example.test", "to": ["carol@remote.test"], "subject": "secret", "text": "t",
                     "require_tls": true}""");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            assertThat(log.messages()).anyMatch(l -> l.contains("(http, user bob@example.test)")
                    && l.contains("to=<carol@remote.test> requiretls=yes size="));
        }
        only("bob@example.test");   // the bounce
        assertThat(tern.content(tern.inbox("bob@example.test").get(0))).contains("Status: 5.7.30")
                .contains("carol@remote.test");
    }

    @Test
    void failedLoginsLockOutAsSmtpsDo() throws Exception {
        String message = """
                {"from": "noreply@example.test", "to": ["bob@example.test"], "subject": "s", "text": "t"}""";
        try (LogLines log = LogLines.of("dev.tern.auth")) {
            for (int i = 0; i < 3; i++) {
                assertThat(post("/api/send", app.credential().name(), "guess " + i, message).statusCode())
                        .isEqualTo(401);
            }
            assertThat(log.messages()).contains("auth failed: client=127.0.0.1 user=" + app.credential().name()
                    + " mechanism=PLAIN protocol=http reason=bad-credentials");
        }
        HttpResponse<String> locked = post("/api/send", app.credential().name(), app.secret(), message);
        assertThat(locked.statusCode()).isEqualTo(429);
        assertThat(locked.body()).contains("too many failed logins");
        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + tern.port("admin") + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("tern_auth_failures_total{protocol=\"http\"}");
    }

    @Test
    void aCredentialsRateIsTheSameOverHttpAndTheRefusalIsTemporary() throws Exception {
        NewSmtpCredential limited = tern.services().smtpCredentials().create(new CredentialRequest("example.test",
                List.of(), SendRate.parse("1/1h"), "limited", false));
        String message = """
                {"from": "news@example.test", "to": ["bob@example.test"], "subject": "s", "text": "t"}""";
        assertThat(post("/api/send", limited.credential().name(), limited.secret(), message).statusCode())
                .isEqualTo(202);
        HttpResponse<String> again = post("/api/send", limited.credential().name(), limited.secret(), message);
        assertThat(again.statusCode()).isEqualTo(503);
        assertThat(again.body()).contains("451 4.7.1").contains("Rate limit");
    }

    @Test
    void pythonsUrllibSendsWithBasicAuthentication() throws Exception {
        String script = """
                import base64, json, sys, urllib.request
                body = json.dumps({"from": "noreply@example.test", "to": ["bob@example.test"],
                                   "subject": "from python", "text": "hello"}).encode()
                req = urllib.request.Request(sys.argv[1], data=body, headers={"Content-Type": "application/json"})
                token = base64.b64encode((sys.argv[2] + ":" + sys.argv[3]).encode()).decode()
                req.add_header("Authorization", "Basic " + token)
                with urllib.request.urlopen(req, timeout=20) as r:
                    assert r.status == 202, r.status
                    print(json.load(r)["queue_id"])
                """;
        Process p = new ProcessBuilder("python3", "-c", script, "http://127.0.0.1:" + tern.port("admin") + "/api/send",
                app.credential().name(), app.secret()).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(only("bob@example.test").getSubject()).isEqualTo("from python");
    }
}
