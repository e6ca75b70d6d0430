package dev.tern.imap.server;

import dev.tern.mailbox.Flags;
import dev.tern.mailbox.MailboxService;
import dev.tern.mailbox.MessageService;
import dev.tern.testing.RawImapClient;
import dev.tern.testing.RunningServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import static dev.tern.testing.RawImapClient.last;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Commands over more messages than one transaction changes (MailboxService.MESSAGES_PER_TRANSACTION):
 * STORE, FETCH that sets \Seen, and EXPUNGE run in pieces, each with its own MODSEQ, yet the
 * session that ran them hears nothing twice and the others hear everything once.
 */
class ImapManyMessagesTest {

    static final int COUNT = 2 * MailboxService.MESSAGES_PER_TRANSACTION + 100;

    @TempDir
    Path dir;
    RunningServer tern;

    @BeforeEach
    void start() throws Exception {
        tern = new RunningServer(dir, "[imap]\nallow_plaintext_auth = true\n", "imap = [\"127.0.0.1:0\"]\n", null);
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addUser("alice@example.test", "many-pw");
        long account = tern.services().directory().user("alice@example.test").orElseThrow().id();
        long inbox = tern.services().mailboxes().mailbox(account, "INBOX").orElseThrow().id();
        MessageService messages = tern.services().mailboxes().messageService();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            CompletableFuture.allOf(IntStream.rangeClosed(1, COUNT).mapToObj(n -> CompletableFuture.runAsync(() ->
                    messages.append(inbox, ("Subject: " + n + "\r\n\r\nbody " + n + "\r\n").getBytes(StandardCharsets.UTF_8),
                            Flags.NONE, Instant.now()), pool)).toArray(CompletableFuture[]::new)).get();
        } finally {
            pool.shutdownNow();
        }
    }

    @AfterEach
    void stop() {
        tern.close();
    }

    private RawImapClient selected(String tag) {
        RawImapClient c = RawImapClient.loggedIn(tern.port("imap"), "alice@example.test", "many-pw");
        assertThat(c.command(tag, "SELECT INBOX")).contains("* " + COUNT + " EXISTS");
        return c;
    }

    private static long count(List<String> lines, String suffix) {
        return lines.stream().filter(l -> l.startsWith("* ") && l.contains(suffix)).count();
    }

    @Test
    void storeFetchAndExpungeOverManyMessagesAreReportedOnceToEverySession() {
        try (RawImapClient a = selected("s1"); RawImapClient b = selected("s2")) {
            assertThat(a.command("a1", "STORE 1:* +FLAGS.SILENT (\\Flagged)")).containsExactly("a1 OK STORE completed");
            assertThat(a.command("a2", "NOOP")).containsExactly("a2 OK NOOP completed");
            List<String> heard = b.command("b1", "NOOP");
            assertThat(count(heard, " FLAGS (\\Flagged)")).isEqualTo(COUNT);

            // FETCH BODY[] sets \Seen on every message it returns: again in pieces, and own.
            List<String> fetched = a.command("a3", "FETCH 1:* (BODY[])");
            assertThat(last(fetched)).isEqualTo("a3 OK FETCH completed");
            assertThat(count(fetched, " FETCH (")).isEqualTo(COUNT);
            assertThat(a.command("a4", "NOOP")).containsExactly("a4 OK NOOP completed");
            assertThat(count(b.command("b2", "NOOP"), "\\Seen")).isEqualTo(COUNT);

            assertThat(last(a.command("a5", "STORE 1:* +FLAGS.SILENT (\\Deleted)"))).isEqualTo("a5 OK STORE completed");
            List<String> expunged = a.command("a6", "EXPUNGE");
            assertThat(expunged).hasSize(COUNT + 1).allMatch(l -> l.equals("* 1 EXPUNGE") || l.equals("a6 OK EXPUNGE completed"));
            assertThat(a.command("a7", "NOOP")).containsExactly("a7 OK NOOP completed");
            List<String> gone = b.command("b3", "NOOP");
            assertThat(count(gone, " EXPUNGE")).isEqualTo(COUNT);
            assertThat(a.command("a8", "STATUS INBOX (MESSAGES)")).contains("* STATUS \"INBOX\" (MESSAGES 0)");
        }
    }
}
