package dev.tern.imap.server;

import dev.tern.testing.RunningServer;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.imap.ACL;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.Rights;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Shared mailboxes through real clients: Angus Mail's ACL API (what a Java client, and Thunderbird
 * by the same commands, uses to share a folder and find the shared ones through NAMESPACE), and
 * Python's imaplib.
 */
class SharedMailboxClientsTest {

    @TempDir
    Path dir;
    RunningServer tern;
    Session session;

    @BeforeEach
    void start() {
        tern = new RunningServer(dir, "[imap]\nallow_plaintext_auth = true\n", "imap = [\"127.0.0.1:0\"]\n", null);
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addUser("alice@example.test", "alice pw");
        tern.services().directory().addUser("bob@example.test", "bob pw");
        Properties p = new Properties();
        p.put("mail.imap.connectiontimeout", "10000");
        p.put("mail.imap.timeout", "20000");
        session = Session.getInstance(p);
    }

    @AfterEach
    void stop() {
        tern.close();
    }

    private Store connect(String user, String password) throws MessagingException {
        Store store = session.getStore("imap");
        store.connect("127.0.0.1", tern.port("imap"), user, password);
        return store;
    }

    private MimeMessage message(String subject) throws MessagingException {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("carol@example.org"));
        m.setSubject(subject);
        m.setText("for the team\n");
        return m;
    }

    @Test
    void angusMailSharesAFolderAndTheOtherUserFindsItThroughTheSharedNamespace() throws Exception {
        Store alice = connect("alice@example.test", "alice pw");
        Store bob = connect("bob@example.test", "bob pw");
        try {
            IMAPFolder team = (IMAPFolder) alice.getFolder("Team");
            assertThat(team.create(Folder.HOLDS_MESSAGES)).isTrue();
            team.appendMessages(new Message[]{message("Quarterly plan")});
            team.addACL(new ACL("bob@example.test", new Rights("lrs")));
            assertThat(Arrays.stream(team.getACL()).map(a -> a.getName() + "=" + a.getRights()))
                    .containsExactly("alice@example.test=" + new Rights("lrswipkxteacd"),
                            "bob@example.test=" + new Rights("lrs"));
            team.addRights(new ACL("bob@example.test", new Rights("w")));
            team.removeRights(new ACL("bob@example.test", new Rights("w")));
            assertThat(team.listRights("bob@example.test")).hasSizeGreaterThan(10);

            // The "other users" namespace of RFC 2342, as Dovecot announces its shared mailboxes.
            assertThat(bob.getSharedNamespaces()).isEmpty();
            Folder[] shared = bob.getUserNamespaces("alice@example.test");
            assertThat(shared).extracting(Folder::getFullName).containsExactly("Shared/alice@example.test");
            List<String> names = Arrays.stream(shared[0].list("*")).map(Folder::getFullName).toList();
            assertThat(names).contains("Shared/alice@example.test/Team");

            IMAPFolder seen = (IMAPFolder) bob.getFolder("Shared/alice@example.test/Team");
            Rights mine = seen.myRights();
            assertThat(mine.contains(Rights.Right.READ)).isTrue();
            assertThat(mine.contains(Rights.Right.KEEP_SEEN)).isTrue();
            assertThat(mine.contains(Rights.Right.INSERT)).isFalse();
            seen.open(Folder.READ_WRITE);
            assertThat(seen.getMessage(1).getSubject()).isEqualTo("Quarterly plan");
            assertThat(seen.getPermanentFlags().contains(Flags.Flag.SEEN)).isTrue();
            assertThat(seen.getPermanentFlags().contains(Flags.Flag.FLAGGED)).isFalse();
            seen.getMessage(1).getContent();
            assertThat(seen.getMessage(1).isSet(Flags.Flag.SEEN)).isTrue();
            assertThatThrownBy(() -> seen.appendMessages(new Message[]{message("from bob")}))
                    .isInstanceOf(MessagingException.class).hasMessageContaining("NOPERM");
            seen.close(false);

            team.removeACL("bob@example.test");
            assertThat(bob.getFolder("Shared/alice@example.test/Team").exists()).isFalse();
        } finally {
            alice.close();
            bob.close();
        }
    }

    @Test
    void pythonImaplibSetsAndReadsTheListAndTheOtherUserFilesIntoTheMailbox() throws Exception {
        String script = """
                import imaplib, sys
                port = int(sys.argv[1])
                a = imaplib.IMAP4('127.0.0.1', port, timeout=20)
                a.login('alice@example.test', 'alice pw')
                print('create', a.create('Team')[0])
                print('setacl', a.setacl('Team', 'bob@example.test', 'lrsi')[0])
                typ, data = a.getacl('Team')
                print('getacl', typ, data[0].decode())
                typ, data = a.myrights('Team')
                print('myrights', typ, data[0].decode())
                b = imaplib.IMAP4('127.0.0.1', port, timeout=20)
                b.login('bob@example.test', 'bob pw')
                typ, data = b.namespace()
                print('namespace', data[0].decode())
                typ, data = b.append('Shared/alice@example.test/Team', '(\\\\Seen \\\\Flagged)', None,
                                     b'Subject: filed by bob\\r\\n\\r\\nhello\\r\\n')
                print('append', typ)
                typ, data = b.myrights('Shared/alice@example.test/Team')
                print('bob rights', data[0].decode())
                typ, data = b.deleteacl('Shared/alice@example.test/Team', 'bob@example.test')
                print('bob deleteacl', typ)
                a.select('Team')
                typ, data = a.fetch('1', '(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])')
                print('alice sees', data[0][0].decode(), data[0][1].decode().strip())
                a.logout()
                b.logout()
                """;
        Process proc = new ProcessBuilder(List.of("python3", "-c", script, String.valueOf(tern.port("imap"))))
                .redirectErrorStream(true).start();
        assertThat(proc.waitFor(60, TimeUnit.SECONDS)).as("python3 finished").isTrue();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(proc.exitValue()).as("python3 output:%n%s", out).isZero();
        assertThat(out).as(out).contains("create OK", "setacl OK",
                "getacl OK \"Team\" alice@example.test lrswipkxteacd bob@example.test lrsi",
                "myrights OK \"Team\" lrswipkxteacd",
                "namespace ((\"\" \"/\")) ((\"Shared/\" \"/\")) NIL",
                "append OK",
                "bob rights \"Shared/alice@example.test/Team\" lrsi",
                "bob deleteacl NO",
                // \Flagged needs w, which bob lacks: only \Seen was kept.
                "alice sees 1 (FLAGS (\\Seen \\Recent) BODY[HEADER.FIELDS (SUBJECT)] {25} Subject: filed by bob");
    }
}
