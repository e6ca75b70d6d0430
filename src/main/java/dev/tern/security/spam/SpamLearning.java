package dev.tern.security.spam;

import dev.tern.config.RspamdSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * Teaches rspamd's classifier from what users do with their mail, as Dovecot's imap_sieve recipe
 * with rspamc does: a message filed into the Junk mailbox is spam it missed, one taken out of Junk
 * (to anywhere but the Trash) is ham it mistook. Each message goes to the controller worker
 * ({@code POST /learnspam} or {@code /learnham}) after the IMAP command has completed: the user
 * never waits for rspamd, and a failure is only logged and counted.
 */
public final class SpamLearning {

    private static final Logger log = LoggerFactory.getLogger(SpamLearning.class);

    /** What a filing teaches. */
    public enum Lesson {
        SPAM("learnspam"), HAM("learnham");

        private final String path;

        Lesson(String path) {
            this.path = path;
        }

        /** The metrics' name of the class: spam, ham. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Opens one message's content; read off the event loops. */
    @FunctionalInterface
    public interface Content {
        InputStream open() throws IOException;
    }

    private static final String JUNK = "\\Junk";
    private static final String TRASH = "\\Trash";

    private final RspamdSettings settings;
    private final Executor storageExecutor;
    private final HttpClient http;
    private volatile BiConsumer<String, String> observer = (lesson, result) -> { };

    /** @param storageExecutor where the messages are read */
    public SpamLearning(RspamdSettings settings, Executor storageExecutor) {
        this.settings = settings;
        this.storageExecutor = storageExecutor;
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /**
     * What moving or copying messages teaches, by the special use (RFC 6154) of the two mailboxes:
     * spam into Junk from elsewhere, ham out of Junk to anywhere but the Trash (deleting spam says
     * nothing about it); null for everything else.
     */
    public static Lesson lesson(String fromSpecialUse, String toSpecialUse) {
        boolean fromJunk = JUNK.equalsIgnoreCase(fromSpecialUse);
        boolean toJunk = JUNK.equalsIgnoreCase(toSpecialUse);
        if (toJunk && !fromJunk) {
            return Lesson.SPAM;
        }
        if (fromJunk && !toJunk && !TRASH.equalsIgnoreCase(toSpecialUse)) {
            return Lesson.HAM;
        }
        return null;
    }

    /**
     * Hears each message learned or not: the lesson's label, and {@code learned}, {@code skipped}
     * (rspamd declined it: learned already as that class, or too few words to learn from) or
     * {@code error} (refused otherwise, unreachable, unreadable).
     */
    public void observe(BiConsumer<String, String> observer) {
        this.observer = observer;
    }

    /** Teaches rspamd each message, one after the other, in the background. */
    public CompletableFuture<Void> learn(Lesson lesson, List<Content> messages) {
        CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
        for (Content m : messages) {
            done = done.thenCompose(v -> CompletableFuture.supplyAsync(() -> read(m), storageExecutor)
                    .thenCompose(bytes -> bytes == null ? CompletableFuture.completedFuture(null) : post(lesson, bytes))
                    .exceptionally(e -> {
                        log.warn("rspamd did not learn a message as {}: {}", lesson.label(), e.getMessage());
                        observer.accept(lesson.label(), "error");
                        return null;
                    }));
        }
        return done;
    }

    /** The message, or null when it is larger than rspamd is given to scan (not worth a lesson either). */
    private byte[] read(Content m) {
        try (InputStream in = m.open()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, settings.maxSize() + 1));
            return bytes.length > settings.maxSize() ? null : bytes;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private CompletableFuture<Void> post(Lesson lesson, byte[] message) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(settings.controllerUrl() + "/" + lesson.path))
                .timeout(settings.timeout()).header("User-Agent", "Tern")
                .POST(HttpRequest.BodyPublishers.ofByteArray(message));
        if (settings.controllerPassword() != null) {
            request.header("Password", settings.controllerPassword());
        }
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()).thenAccept(response -> {
            if (response.statusCode() == 200) {
                observer.accept(lesson.label(), "learned");
                return;
            }
            if (response.statusCode() == 204 || response.statusCode() == 208) {
                // rspamd's "too few tokens" and "already learned": nothing wrong, nothing learned
                log.debug("rspamd declined to learn a message as {} (HTTP {})", lesson.label(), response.statusCode());
                observer.accept(lesson.label(), "skipped");
                return;
            }
            String body = response.body() == null ? "" : response.body().strip();
            log.info("rspamd did not learn a message as {}: HTTP {} {}", lesson.label(), response.statusCode(),
                    body.length() > 200 ? body.substring(0, 200) : body);
            observer.accept(lesson.label(), "error");
        });
    }
}
