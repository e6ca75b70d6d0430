package dev.tern.security.spam;

import com.sun.net.httpserver.HttpServer;
import dev.tern.config.RspamdSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** What filing teaches, and how a lesson reaches rspamd's controller (a stand-in on loopback). */
class SpamLessonsTest {

    HttpServer controller;
    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<String> results = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        controller = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        controller.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
                    + exchange.getRequestHeaders().getFirst("Password") + " " + body);
            boolean already = body.contains("again");
            byte[] out = (already ? "{\"error\":\"already learned\"}" : "{\"success\":true}").getBytes(StandardCharsets.UTF_8);
            boolean refused = body.contains("refuse");
            exchange.sendResponseHeaders(refused ? 403 : already ? 208 : 200, out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        controller.start();
    }

    @AfterEach
    void stop() {
        controller.stop(0);
    }

    @Test
    void junkTeachesSpamAndLeavingItTeachesHamExceptIntoTheTrash() {
        assertThat(SpamLearning.lesson(null, "\\Junk")).isEqualTo(SpamLearning.Lesson.SPAM);
        assertThat(SpamLearning.lesson("\\Archive", "\\Junk")).isEqualTo(SpamLearning.Lesson.SPAM);
        assertThat(SpamLearning.lesson("\\Junk", null)).isEqualTo(SpamLearning.Lesson.HAM);
        assertThat(SpamLearning.lesson("\\Junk", "\\Archive")).isEqualTo(SpamLearning.Lesson.HAM);
        assertThat(SpamLearning.lesson("\\Junk", "\\Trash")).isNull();
        assertThat(SpamLearning.lesson("\\Junk", "\\Junk")).isNull();
        assertThat(SpamLearning.lesson(null, "\\Trash")).isNull();
        assertThat(SpamLearning.lesson(null, null)).isNull();
    }

    private SpamLearning learning(long maxSize) {
        RspamdSettings settings = new RspamdSettings(URI.create("http://127.0.0.1:1"), Duration.ofSeconds(5), maxSize,
                RspamdSettings.OnFailure.ACCEPT, null,
                URI.create("http://127.0.0.1:" + controller.getAddress().getPort()), "learn-pw");
        SpamLearning l = new SpamLearning(settings, Runnable::run);
        l.observe((lesson, result) -> results.add(lesson + " " + result));
        return l;
    }

    private static SpamLearning.Content text(String s) {
        return () -> new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void eachMessageIsPostedToTheControllerWithItsPassword() {
        learning(1 << 20).learn(SpamLearning.Lesson.SPAM, List.of(text("one"), text("two again"))).join();
        learning(1 << 20).learn(SpamLearning.Lesson.HAM, List.of(text("three"), text("refuse me"))).join();
        assertThat(requests).containsExactly("POST /learnspam learn-pw one", "POST /learnspam learn-pw two again",
                "POST /learnham learn-pw three", "POST /learnham learn-pw refuse me");
        assertThat(results).as("rspamd's 208, already learned, is a lesson skipped")
                .containsExactly("spam learned", "spam skipped", "ham learned", "ham error");
    }

    @Test
    void aMessageTooLargeToScanIsNotTaughtAndAFailureStopsNothing() {
        SpamLearning.Content unreadable = () -> {
            throw new IOException("gone");
        };
        learning(10).learn(SpamLearning.Lesson.SPAM, List.of(text("x".repeat(11)), unreadable, text("short"))).join();
        assertThat(requests).containsExactly("POST /learnspam learn-pw short");
        assertThat(results).containsExactly("spam error", "spam learned");
    }
}
