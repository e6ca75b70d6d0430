package dev.tern.imap.server;

import dev.tern.testing.RawImapClient;
import dev.tern.testing.RunningServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.tern.testing.RawImapClient.last;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A session whose selected mailbox another session deletes is told BYE and disconnected at its
 * next chance to speak; one whose mailbox is renamed goes on with it under the new name; one that
 * deletes its own selected mailbox goes back to the authenticated state.
 */
class ImapSelectedMailboxGoneTest {

    static final String BYE = "* BYE Selected mailbox was deleted, have to disconnect.";
    static final String MESSAGE = "Subject: hello\r\n\r\nbody\r\n";

    @TempDir
    Path dir;
    RunningServer tern;
    RawImapClient a;
    RawImapClient b;

    @BeforeEach
    void start() {
        tern = new RunningServer(dir, """
                [imap]
                allow_plaintext_auth = true
                """, "imap = [\"127.0.0.1:0\"]\n", null);
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addUser("alice@example.test", "alice-pw");
        a = client();
        b = client();
        assertThat(last(b.command("c", "CREATE Work"))).startsWith("c OK");
        assertThat(last(b.command("p", "APPEND Work {" + MESSAGE.length() + "+}\r\n" + MESSAGE))).startsWith("p OK");
        assertThat(last(a.command("s", "SELECT Work"))).startsWith("s OK [READ-WRITE]");
    }

    private RawImapClient client() {
        RawImapClient c = new RawImapClient(tern.port("imap"));
        assertThat(c.readLine()).startsWith("* OK");
        assertThat(last(c.command("l", "LOGIN alice@example.test alice-pw"))).startsWith("l OK");
        return c;
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
        tern.close();
    }

    @Test
    void deletedByAnotherSessionEndsTheSessionAtItsNextCommand() {
        assertThat(last(b.command("d", "DELETE Work"))).isEqualTo("d OK DELETE completed");
        a.send("n NOOP");
        assertThat(a.readLine()).isEqualTo(BYE);
        assertThat(a.readLine()).isNull();   // closed, and the command got no tagged answer
    }

    @Test
    void deletedWhileIdlingIsToldAtOnce() {
        a.send("i IDLE");
        assertThat(a.readLine()).startsWith("+ ");
        assertThat(last(b.command("d", "DELETE Work"))).isEqualTo("d OK DELETE completed");
        // The deletion expunged the message first; an idling client may hear of that before the BYE.
        String line = a.readLine();
        if (line.equals("* 1 EXPUNGE")) {
            line = a.readLine();
        }
        assertThat(line).isEqualTo(BYE);
        assertThat(a.readLine()).isNull();
    }

    @Test
    void aSessionWithAnotherMailboxSelectedIsNotDisturbed() {
        assertThat(last(b.command("c2", "CREATE Other"))).startsWith("c2 OK");
        assertThat(last(b.command("s", "SELECT INBOX"))).startsWith("s OK");
        assertThat(last(a.command("d", "DELETE Other"))).isEqualTo("d OK DELETE completed");
        assertThat(last(b.command("n", "NOOP"))).isEqualTo("n OK NOOP completed");
        assertThat(last(a.command("f", "FETCH 1 FLAGS"))).startsWith("f OK");
    }

    @Test
    void renamedByAnotherSessionIsFollowed() {
        assertThat(last(b.command("r", "RENAME Work Archive/Work2"))).isEqualTo("r OK RENAME completed");
        List<String> fetch = a.command("f", "UID FETCH 1 (FLAGS)");
        assertThat(fetch.get(0)).startsWith("* 1 FETCH (UID 1 FLAGS");
        assertThat(last(fetch)).startsWith("f OK");
        // New mail under the new name reaches the session that selected the old one.
        assertThat(last(b.command("p", "APPEND Archive/Work2 {" + MESSAGE.length() + "+}\r\n" + MESSAGE)))
                .startsWith("p OK [APPENDUID");
        // "* 2 RECENT" may come too: this session claims the new message as \Recent off the event
        // loop, and whether that is done before the NOOP answers is a matter of timing (docs/imap.md).
        assertThat(a.command("n", "NOOP")).filteredOn(l -> !l.endsWith(" RECENT"))
                .containsExactly("* 2 EXISTS", "n OK NOOP completed");
        assertThat(last(a.command("st", "STORE 2 +FLAGS (\\Seen)"))).startsWith("st OK");
        assertThat(b.command("x", "EXAMINE Archive/Work2")).anyMatch(l -> l.equals("* 2 EXISTS"));
        assertThat(b.command("y", "FETCH 2 FLAGS").get(0)).contains("\\Seen");
        // And a delete of the renamed mailbox still ends the session.
        assertThat(last(b.command("z", "CLOSE"))).startsWith("z OK");
        assertThat(last(b.command("d", "DELETE Archive/Work2"))).isEqualTo("d OK DELETE completed");
        a.send("n2 NOOP");
        assertThat(a.readLine()).isEqualTo(BYE);
    }

    @Test
    void deletingTheOwnSelectedMailboxOnlyEndsTheSelection() {
        List<String> delete = a.command("d", "DELETE Work");
        assertThat(delete).containsExactly("* OK [CLOSED] the selected mailbox was deleted", "d OK DELETE completed");
        assertThat(last(a.command("f", "FETCH 1 FLAGS"))).isEqualTo("f BAD select a mailbox first");
        assertThat(last(a.command("n", "NOOP"))).isEqualTo("n OK NOOP completed");
    }
}
