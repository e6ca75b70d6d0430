package dev.tern.security.spam;

import com.sun.net.httpserver.HttpServer;
import dev.tern.config.RspamdSettings;
import dev.tern.mail.MailException;
import dev.tern.mail.ReceptionVerdict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The scan's side of rspamd's protocol against a stand-in for rspamd on loopback: what is sent,
 * and what each action, a broken answer or no answer makes of the message. (A real rspamd is
 * asked in {@code dev.tern.server.SpamScanTest}.)
 */
class RspamdProtocolTest {

    HttpServer rspamd;
    volatile int status = 200;
    volatile String answer = "{\"action\":\"no action\",\"score\":1.5,\"required_score\":15}";
    final Map<String, List<String>> headers = new ConcurrentHashMap<>();
    volatile byte[] body;
    /** What the last scan handed on to storage. */
    String stored;
    final List<String> results = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        rspamd = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        rspamd.createContext("/checkv2", exchange -> {
            headers.clear();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v));
            body = exchange.getRequestBody().readAllBytes();
            byte[] out = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        rspamd.start();
    }

    @AfterEach
    void stop() {
        rspamd.stop(0);
    }

    private RspamdSettings settings(long maxSize, RspamdSettings.OnFailure onFailure) {
        return new RspamdSettings(URI.create("http://127.0.0.1:" + rspamd.getAddress().getPort()), Duration.ofSeconds(5),
                maxSize, onFailure, "pw");
    }

    /** Streams a message through a scan in small pieces; returns the scan after its verdict, or throws the refusal. */
    private SpamScan scan(String message, RspamdSettings settings) {
        return scan(message, settings, new RspamdClient.Envelope("192.0.2.7", "client.example\r\nX: y",
                "mail.client.example", "jane@example.org", List.of("a@example.test", "b@example.test"), "1M8QUEUEID"));
    }

    private SpamScan scan(String message, RspamdSettings settings, RspamdClient.Envelope envelope) {
        SpamScan scan = new SpamScan(new RspamdClient(settings), settings, envelope, results::add);
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        List<Byte> passed = new ArrayList<>();
        for (int i = 0; i < bytes.length; i += 7) {
            scan.write(ByteBuffer.wrap(bytes, i, Math.min(7, bytes.length - i)), b -> {
                while (b.hasRemaining()) {
                    passed.add(b.get());
                }
            });
        }
        scan.finish(b -> {
            while (b.hasRemaining()) {
                passed.add(b.get());
            }
        });
        byte[] out = new byte[passed.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = passed.get(i);
        }
        stored = new String(out, StandardCharsets.UTF_8);
        try {
            scan.verdict().join();
        } catch (CompletionException e) {
            throw (RuntimeException) e.getCause();
        }
        return scan;
    }

    private static final String MESSAGE = "From: jane@example.org\r\nSubject: hi\r\n\r\nHello.\r\n";

    @Test
    void theMessageAndItsEnvelopeGoToRspamd() {
        ReceptionVerdict v = scan(MESSAGE, settings(1 << 20, RspamdSettings.OnFailure.ACCEPT)).reception();
        assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo(MESSAGE);
        assertThat(stored).as("the content passes through unchanged").isEqualTo(MESSAGE);
        assertThat(headers.get("ip")).containsExactly("192.0.2.7");
        assertThat(headers.get("helo")).as("no line end reaches a header").containsExactly("client.exampleX: y");
        assertThat(headers.get("hostname")).containsExactly("mail.client.example");
        assertThat(headers.get("from")).containsExactly("jane@example.org");
        assertThat(headers.get("rcpt")).containsExactly("a@example.test", "b@example.test");
        assertThat(headers.get("queue-id")).containsExactly("1M8QUEUEID");
        assertThat(headers.get("password")).containsExactly("pw");
        assertThat(v.traceFields()).isEqualTo("X-Spam-Status: No, score=1.50 required=15.00\r\n");
        assertThat(v.quarantined()).isFalse();
        assertThat(results).containsExactly("no_action");
    }

    @Test
    void aUsersSubmissionNamesTheUserAndIsNeverFiledAsJunk() {
        answer = "{\"action\":\"add header\",\"score\":7.25,\"required_score\":15}";
        ReceptionVerdict v = scan(MESSAGE, settings(1 << 20, RspamdSettings.OnFailure.ACCEPT),
                new RspamdClient.Envelope("192.0.2.8", "laptop", null, "alice@example.test", List.of("x@example.org"),
                        null, "alice@example.test")).reception();
        assertThat(headers.get("user")).containsExactly("alice@example.test");
        assertThat(headers).doesNotContainKey("queue-id").doesNotContainKey("hostname");
        assertThat(v.quarantined()).isFalse();
        assertThat(v.traceFields()).isEqualTo("X-Spam-Status: Yes, score=7.25 required=15.00\r\n");
    }

    @Test
    void theFieldsRspamdAsksToAddGoBelowTernsOwnCheckedAsAnyOtherInput() {
        String longLine = "x".repeat(1000);
        answer = """
                {"action":"no action","score":1.5,"required_score":15,"milter":{
                  "remove_headers":{"X-Spamd-Result":0},
                  "add_headers":{
                    "X-Spamd-Result":{"order":-1,"value":"default: False [1.50 / 15.00];\\r\\n\\tMIME_GOOD(-0.10)[text/plain]"},
                    "X-Rspamd-Queue-Id":"1M8QUEUEID",
                    "X-Tags":[{"value":"one"},"two\\r\\nBcc: victim@example.org"],
                    "X-Spamd-Bar":{"value":"\\u00e9+\\u0000+"},
                    "Authentication-Results":{"order":1,"value":"vm; dkim=pass"},
                    "X-Spam":"No",
                    "Bad Name":"x",
                    "X-Long":"%s",
                    "X-Empty":"  \\r\\n  "
                  }}}""".formatted(longLine);
        ReceptionVerdict v = scan(MESSAGE, settings(1 << 20, RspamdSettings.OnFailure.ACCEPT)).reception();
        assertThat(v.traceFields()).isEqualTo("X-Spam-Status: No, score=1.50 required=15.00\r\n"
                + "X-Spamd-Result: default: False [1.50 / 15.00];\r\n\tMIME_GOOD(-0.10)[text/plain]\r\n"
                + "X-Rspamd-Queue-Id: 1M8QUEUEID\r\n"
                + "X-Tags: one\r\n"
                + "X-Tags: two\r\n\tBcc: victim@example.org\r\n"
                + "X-Spamd-Bar: ?++\r\n");
    }

    @Test
    void manyOrLargeFieldsFromRspamdAreCutAtTheBound() {
        StringBuilder fields = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            fields.append(i == 0 ? "" : ",").append("\"X-F").append(i).append("\":\"v\"");
        }
        answer = "{\"action\":\"no action\",\"score\":0,\"required_score\":15,\"milter\":{\"add_headers\":{"
                + fields + "}}}";
        String added = scan(MESSAGE, settings(1 << 20, RspamdSettings.OnFailure.ACCEPT)).reception().traceFields();
        assertThat(added.lines().filter(l -> l.startsWith("X-F"))).hasSize(MilterFields.MAX_FIELDS);

        String big = ("y".repeat(900) + "\\r\\n\\t").repeat(20);
        answer = "{\"action\":\"no action\",\"score\":0,\"required_score\":15,\"milter\":{\"add_headers\":{"
                + "\"X-A\":\"" + big + "\",\"X-B\":\"" + big + "\"}}}";
        added = scan(MESSAGE, settings(1 << 20, RspamdSettings.OnFailure.ACCEPT)).reception().traceFields();
        assertThat(added).contains("X-A: ").doesNotContain("X-B: ");
        assertThat(added.length()).isLessThanOrEqualTo(MilterFields.MAX_OCTETS + 100);
    }

    @Test
    void theSendersOwnVerdictFieldsAreNotStoredButRspamdSeesThem() {
        String forged = "From: jane@example.org\r\nX-Spam-Status: No, score=-50\r\n\tforged=yes\r\nX-Spam: No\r\n"
                + "X-Spamd-Result: default: False [-50.00 / 15.00]\r\nx-rspamd-action: no action\r\n"
                + "X-Spammy-Name: kept\r\nSubject: hi\r\n\r\nX-Spam: No in the body\r\n";
        scan(forged, settings(1 << 20, RspamdSettings.OnFailure.ACCEPT));
        assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo(forged);
        assertThat(stored).isEqualTo("From: jane@example.org\r\nX-Spammy-Name: kept\r\nSubject: hi\r\n\r\n"
                + "X-Spam: No in the body\r\n");

        // A message too large to scan loses them too.
        scan(forged, settings(16, RspamdSettings.OnFailure.ACCEPT));
        assertThat(stored).startsWith("From: jane@example.org\r\nX-Spammy-Name: kept\r\n");
    }

    @Test
    void eachActionDecides() {
        RspamdSettings s = settings(1 << 20, RspamdSettings.OnFailure.ACCEPT);
        answer = "{\"action\":\"add header\",\"score\":7.25,\"required_score\":15}";
        ReceptionVerdict junk = scan(MESSAGE, s).reception();
        assertThat(junk.quarantined()).isTrue();
        assertThat(junk.traceFields()).isEqualTo("X-Spam: Yes\r\nX-Spam-Status: Yes, score=7.25 required=15.00\r\n");

        answer = "{\"action\":\"rewrite subject\",\"score\":9,\"required_score\":15,\"subject\":\"***SPAM*** hi\"}";
        assertThat(scan(MESSAGE, s).reception().quarantined()).isTrue();

        answer = "{\"action\":\"reject\",\"score\":20,\"required_score\":15,\"messages\":{\"smtp_message\":\"Gtube\\r\\npattern\"}}";
        assertThatThrownBy(() -> scan(MESSAGE, s)).isInstanceOfSatisfying(MailException.class, e -> {
            assertThat(e.code()).isEqualTo(554);
            assertThat(e.enhancedCode()).isEqualTo("5.7.1");
            assertThat(e.getMessage()).isEqualTo("Message refused as spam: Gtube pattern");
        });
        answer = "{\"action\":\"soft reject\",\"score\":20,\"required_score\":15}";
        assertThatThrownBy(() -> scan(MESSAGE, s)).isInstanceOfSatisfying(MailException.class,
                e -> assertThat(e.code() + " " + e.enhancedCode()).isEqualTo("451 4.7.1"));
        answer = "{\"action\":\"greylist\",\"score\":5,\"required_score\":15}";
        assertThatThrownBy(() -> scan(MESSAGE, s)).isInstanceOfSatisfying(MailException.class,
                e -> assertThat(e.getMessage()).contains("Greylisted"));
        assertThat(results).containsExactly("add_header", "rewrite_subject", "reject", "soft_reject", "greylist");
    }

    @Test
    void aFailedScanAcceptsOrDefersAsConfigured() {
        answer = "<html>busy</html>";
        ReceptionVerdict accepted = scan(MESSAGE, settings(1 << 20, RspamdSettings.OnFailure.ACCEPT)).reception();
        assertThat(accepted).isEqualTo(ReceptionVerdict.NONE);

        status = 500;
        answer = "{\"error\":\"oops\"}";
        assertThatThrownBy(() -> scan(MESSAGE, settings(1 << 20, RspamdSettings.OnFailure.DEFER)))
                .isInstanceOfSatisfying(MailException.class, e -> assertThat(e.code()).isEqualTo(451));

        status = 200;
        answer = "{\"score\":3}";
        assertThat(scan(MESSAGE, settings(1 << 20, RspamdSettings.OnFailure.ACCEPT)).reception())
                .as("an answer that names no action is a failure").isEqualTo(ReceptionVerdict.NONE);
        rspamd.stop(0);
        assertThat(scan(MESSAGE, settings(1 << 20, RspamdSettings.OnFailure.ACCEPT)).reception())
                .isEqualTo(ReceptionVerdict.NONE);
        assertThat(results).containsExactly("error", "error", "error", "error");
    }

    @Test
    void aMessageLargerThanTheLimitIsNotScanned() {
        body = null;
        String large = "Subject: big\r\n\r\n" + "x".repeat(5000) + "\r\n";
        assertThat(scan(large, settings(4096, RspamdSettings.OnFailure.DEFER)).reception()).isEqualTo(ReceptionVerdict.NONE);
        assertThat(body).as("rspamd was not asked").isNull();
        assertThat(results).containsExactly("skipped");
        // At the limit exactly, it is.
        String fits = "Subject: fits\r\n\r\n" + "x".repeat(4096 - 19) + "\r\n";
        assertThat(fits.length()).isEqualTo(4096);
        scan(fits, settings(4096, RspamdSettings.OnFailure.DEFER));
        assertThat(body).hasSize(4096);
    }
}
