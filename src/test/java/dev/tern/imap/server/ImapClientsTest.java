package dev.tern.imap.server;

import dev.tern.testing.RunningServer;
import dev.tern.testing.TestCertificates;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.SubjectTerm;
import org.eclipse.angus.mail.imap.AppendUID;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Real IMAP clients against a running server: Angus Mail's IMAP provider (folders, search, flags,
 * move, append, IDLE push) over implicit TLS and STARTTLS, Python's imaplib, and mail sent over
 * SMTP read over IMAP and POP3.
 */
class ImapClientsTest {

    static final String PASSWORD = "imap-secret-pw";

    @TempDir
    Path dir;
    RunningServer tern;

    @BeforeEach
    void start() {
        tern = new RunningServer(dir, "", """
                imap = ["127.0.0.1:0"]
                imaps = ["127.0.0.1:0"]
                pop3s = ["127.0.0.1:0"]
                """, null);
        tern.services().directory().addDomain("example.test");
        tern.services().directory().addUser("alice@example.test", PASSWORD);
    }

    @AfterEach
    void stop() {
        tern.close();
    }

    private Properties tlsProperties(String protocol, String listener) {
        Properties p = new Properties();
        p.put("mail." + protocol + ".host", "127.0.0.1");
        p.put("mail." + protocol + ".port", String.valueOf(tern.port(listener)));
        p.put("mail." + protocol + ".ssl.socketFactory",
                TestCertificates.trusting(tern.server().tls().certificate()).getSocketFactory());
        p.put("mail." + protocol + ".ssl.checkserveridentity", "false");
        p.put("mail." + protocol + ".timeout", "20000");
        return p;
    }

    private Store imaps() throws Exception {
        Store store = Session.getInstance(tlsProperties("imaps", "imaps")).getStore("imaps");
        store.connect("alice@example.test", PASSWORD);
        return store;
    }

    private void sendOverSmtp(String subject, String text) throws Exception {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(tern.smtpPort()));
        p.put("mail.smtp.localhost", "client.example");
        MimeMessage m = new MimeMessage(Session.getInstance(p));
        m.setFrom(new InternetAddress("sender@example.org"));
        m.setRecipients(Message.RecipientType.TO, "alice@example.test");
        m.setSubject(subject, "UTF-8");
        m.setText(text, "UTF-8");
        Transport.send(m);
    }

    private void awaitInbox(String subject) {
        await().atMost(Duration.ofSeconds(10)).until(() -> tern.inbox("alice@example.test").stream()
                .anyMatch(s -> tern.content(s).contains("Subject: " + subject)));
    }

    @Test
    void angusMailFoldersAppendSearchFlagsAndMove() throws Exception {
        Store store = imaps();
        try {
            List<String> names = new ArrayList<>();
            for (Folder f : store.getDefaultFolder().list("*")) {
                names.add(f.getFullName());
            }
            assertThat(names).contains("INBOX", "Sent", "Drafts", "Trash", "Junk", "Archive");

            Folder projects = store.getFolder("Projects");
            assertThat(projects.create(Folder.HOLDS_MESSAGES)).isTrue();
            assertThat(store.getFolder("Projects").exists()).isTrue();

            IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            Session session = Session.getInstance(new Properties());
            MimeMessage first = new MimeMessage(session);
            first.setFrom(new InternetAddress("bob@example.org"));
            first.setSubject("Quarterly report");
            first.setText("Numbers are up.");
            MimeMessage second = new MimeMessage(session);
            second.setFrom(new InternetAddress("carol@example.org"));
            second.setSubject("Lunch?");
            second.setText("Noon at the usual place.");
            AppendUID[] uids = inbox.appendUIDMessages(new Message[]{first, second});
            assertThat(uids).hasSize(2);
            assertThat(uids[1].uid).isEqualTo(uids[0].uid + 1);

            assertThat(inbox.getMessageCount()).isEqualTo(2);
            Message[] found = inbox.search(new SubjectTerm("lunch"));
            assertThat(found).hasSize(1);
            assertThat(found[0].getSubject()).isEqualTo("Lunch?");
            assertThat(((String) found[0].getContent()).trim()).isEqualTo("Noon at the usual place.");
            assertThat(found[0].isSet(Flags.Flag.SEEN)).isTrue();

            inbox.getMessage(1).setFlag(Flags.Flag.FLAGGED, true);
            Flags custom = new Flags("$Important");
            inbox.getMessage(1).setFlags(custom, true);
            assertThat(inbox.getMessage(1).getFlags().contains(Flags.Flag.FLAGGED)).isTrue();
            assertThat(inbox.getMessage(1).getFlags().contains("$Important")).isTrue();

            inbox.moveMessages(new Message[]{inbox.getMessage(1)}, projects);
            // Angus keeps expunged messages in its count until the folder is reopened.
            inbox.close(false);
            inbox.open(Folder.READ_WRITE);
            assertThat(inbox.getMessageCount()).isEqualTo(1);
            projects.open(Folder.READ_ONLY);
            assertThat(projects.getMessageCount()).isEqualTo(1);
            Message moved = projects.getMessage(1);
            assertThat(moved.getSubject()).isEqualTo("Quarterly report");
            assertThat(moved.isSet(Flags.Flag.FLAGGED)).isTrue();
            assertThat(((UIDFolder) projects).getUID(moved)).isEqualTo(1);
            projects.close(false);
            inbox.close(false);
        } finally {
            store.close();
        }
    }

    @Test
    void messageAppendedToSentKeepsFlagsAndInternalDate() throws Exception {
        Date sentAt = new Date(1_700_000_000_000L);
        Store store = imaps();
        try {
            Folder sent = store.getFolder("Sent");
            MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
            m.setFrom(new InternetAddress("alice@example.test"));
            m.setSubject("Sent from my client");
            m.setText("Hello there.");
            m.setFlags(new Flags(Flags.Flag.SEEN), true);
            m.setFlag(Flags.Flag.ANSWERED, true);
            m.saveChanges();
            // Angus sends the message's received date, when set, as APPEND's date-time.
            MimeMessage dated = new MimeMessage(m) {
                @Override
                public Date getReceivedDate() {
                    return sentAt;
                }
            };
            dated.setFlags(m.getFlags(), true);
            sent.appendMessages(new Message[]{dated});
            sent.open(Folder.READ_ONLY);
            Message back = sent.getMessage(1);
            assertThat(back.isSet(Flags.Flag.SEEN)).isTrue();
            assertThat(back.isSet(Flags.Flag.ANSWERED)).isTrue();
            assertThat(back.getReceivedDate()).isEqualTo(sentAt);
            assertThat(back.getSubject()).isEqualTo("Sent from my client");
            sent.close(false);
        } finally {
            store.close();
        }
    }

    @Test
    void idleClientHearsOfMailDeliveredOverSmtp() throws Exception {
        Store store = imaps();
        try {
            IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            assertThat(inbox.getMessageCount()).isZero();
            CompletableFuture<Integer> arrived = new CompletableFuture<>();
            inbox.addMessageCountListener(new jakarta.mail.event.MessageCountAdapter() {
                @Override
                public void messagesAdded(jakarta.mail.event.MessageCountEvent e) {
                    arrived.complete(e.getMessages().length);
                }
            });
            CompletableFuture<Void> idling = CompletableFuture.runAsync(() -> {
                try {
                    inbox.idle(true);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // IDLE starts asynchronously; mail keeps coming until the client has heard of some.
            for (int i = 0; i < 20 && !arrived.isDone(); i++) {
                sendOverSmtp("Pushed " + i, "Delivered while idling.");
                try {
                    arrived.get(1, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException notYet) {
                    // try another message
                }
            }
            assertThat(arrived.get(10, TimeUnit.SECONDS)).isPositive();
            idling.get(10, TimeUnit.SECONDS);
            assertThat(inbox.getMessage(inbox.getMessageCount()).getSubject()).startsWith("Pushed ");
            inbox.close(false);
        } finally {
            store.close();
        }
    }

    @Test
    void angusMailUsesStartTlsOnTheImapPort() throws Exception {
        sendOverSmtp("Over STARTTLS", "text");
        awaitInbox("Over STARTTLS");
        Properties p = tlsProperties("imap", "imap");
        p.put("mail.imap.starttls.enable", "true");
        p.put("mail.imap.starttls.required", "true");
        Store store = Session.getInstance(p).getStore("imap");
        store.connect("alice@example.test", PASSWORD);
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            assertThat(inbox.getMessage(1).getSubject()).isEqualTo("Over STARTTLS");
            inbox.close(false);
        } finally {
            store.close();
        }
    }

    @Test
    void mailSentOverSmtpIsReadOverImapAndOverPop3() throws Exception {
        sendOverSmtp("One message, two protocols", "Read me twice.\n");
        awaitInbox("One message, two protocols");
        Store imap = imaps();
        try {
            Folder inbox = imap.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            Message m = inbox.getMessage(1);
            assertThat(m.getSubject()).isEqualTo("One message, two protocols");
            assertThat(m.getHeader("Delivered-To")).containsExactly("alice@example.test");
            assertThat(((String) m.getContent()).replace("\r\n", "\n")).isEqualTo("Read me twice.\n");
            assertThat(m.getSize()).isEqualTo(tern.content(tern.inbox("alice@example.test").get(0))
                    .getBytes(StandardCharsets.UTF_8).length);
            inbox.close(false);
        } finally {
            imap.close();
        }
        Store pop3 = Session.getInstance(tlsProperties("pop3s", "pop3s")).getStore("pop3s");
        pop3.connect("alice@example.test", PASSWORD);
        try {
            Folder inbox = pop3.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            assertThat(inbox.getMessage(1).getSubject()).isEqualTo("One message, two protocols");
            inbox.close(false);
        } finally {
            pop3.close();
        }
    }

    @Test
    void pythonImaplibReadsSearchesAndFlags() throws Exception {
        sendOverSmtp("From Python's view", "Hello imaplib\n");
        awaitInbox("From Python's view");
        String script = """
                import imaplib, ssl, sys
                ctx = ssl.create_default_context()
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
                m = imaplib.IMAP4('127.0.0.1', int(sys.argv[1]), timeout=20)
                assert 'STARTTLS' in m.capabilities, m.capabilities
                assert 'LOGINDISABLED' in m.capabilities, m.capabilities
                m.starttls(ssl_context=ctx)
                m.login('alice@example.test', sys.argv[2])
                typ, data = m.list()
                assert typ == 'OK', data
                print('folders', len(data))
                typ, data = m.select('INBOX')
                print('exists', data[0].decode())
                typ, data = m.search(None, 'SUBJECT', '"view"')
                print('found', data[0].decode())
                typ, data = m.fetch('1', '(BODY.PEEK[HEADER.FIELDS (SUBJECT)] FLAGS)')
                print('header', data[0][1].decode().strip())
                typ, data = m.store('1', '+FLAGS', '(\\\\Flagged)')
                print('store', data[0].decode())
                typ, data = m.uid('FETCH', '1:*', '(UID RFC822.SIZE)')
                print('uid', data[0].decode())
                typ, data = m.create('"From Python"')
                print('create', typ)
                typ, data = m.copy('1', '"From Python"')
                print('copy', typ, data[0].decode())
                m.close()
                m.logout()
                """;
        Process proc = new ProcessBuilder(List.of("python3", "-c", script, String.valueOf(tern.port("imap")),
                PASSWORD)).redirectErrorStream(true).start();
        assertThat(proc.waitFor(60, TimeUnit.SECONDS)).as("python3 finished").isTrue();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(proc.exitValue()).as("python3 output:%n%s", out).isZero();
        assertThat(out).contains("folders 6", "exists 1", "found 1", "header Subject: From Python's view",
                "store 1 (UID 1 FLAGS (\\Flagged \\Recent))", "create OK", "copy OK [COPYUID");
    }

    @Test
    void mailClientsReadTheAccountsQuota() throws Exception {
        tern.services().directory().setQuota("alice@example.test", 10L * 1024 * 1024);
        sendOverSmtp("Counted against the quota", "x".repeat(50_000) + "\n");
        awaitInbox("Counted against the quota");
        long used = tern.services().mailboxes().usage(tern.services().directory().user("alice@example.test")
                .orElseThrow().id());
        assertThat(used).isGreaterThan(50_000);

        // Angus Mail: what a Java client (and Thunderbird, by the same commands) shows as "x of y used".
        Store store = imaps();
        try {
            jakarta.mail.Quota[] quotas = ((org.eclipse.angus.mail.imap.IMAPStore) store).getQuota("INBOX");
            assertThat(quotas).hasSize(1);
            assertThat(quotas[0].quotaRoot).isEmpty();
            assertThat(quotas[0].resources).hasSize(1);
            assertThat(quotas[0].resources[0].name).isEqualTo("STORAGE");
            assertThat(quotas[0].resources[0].usage).isEqualTo(used / 1024);
            assertThat(quotas[0].resources[0].limit).isEqualTo(10 * 1024);
        } finally {
            store.close();
        }

        String out = pythonImaplib("""
                typ, data = m.capability()
                assert b' QUOTA ' in data[0] and b' QUOTA=RES-STORAGE' in data[0], data
                typ, data = m.getquotaroot('INBOX')
                print('quotaroot', typ, data)
                typ, data = m.getquota('""')
                print('quota', typ, data)
                typ, data = m.setquota('""', '(STORAGE 1)')
                print('setquota', typ, data)
                """);
        assertThat(out).as(out).contains("quotaroot OK [[b'\"INBOX\" \"\"'], [b'\"\" (STORAGE " + used / 1024 + " 10240)']]",
                "quota OK [b'\"\" (STORAGE " + used / 1024 + " 10240)']");
        // SETQUOTA is the administrator's.
        assertThat(out).contains("setquota NO [b\"[NOPERM] quotas are set by the server's administrator\"]");
    }

    @Test
    void aMailClientResynchronizesQuicklyAfterBeingAway() throws Exception {
        for (String subject : List.of("one", "two", "three", "four")) {
            sendOverSmtp(subject, subject + "\n");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> tern.inbox("alice@example.test").size() == 4);

        Store store = imaps();
        try {
            IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            long uidValidity = inbox.getUIDValidity();
            long modSeq = inbox.getHighestModSeq();
            inbox.close(false);

            // While the client is away, another one flags message 3 and deletes message 2.
            Store elsewhere = imaps();
            try {
                Folder f = elsewhere.getFolder("INBOX");
                f.open(Folder.READ_WRITE);
                ((UIDFolder) f).getMessageByUID(3).setFlag(Flags.Flag.FLAGGED, true);
                ((UIDFolder) f).getMessageByUID(2).setFlag(Flags.Flag.DELETED, true);
                f.close(true);
            } finally {
                elsewhere.close();
            }

            // Angus Mail's QRESYNC open (ENABLE QRESYNC, SELECT ... (QRESYNC ...)) reports both.
            IMAPFolder again = (IMAPFolder) store.getFolder("INBOX");
            List<jakarta.mail.event.MailEvent> events = again.open(Folder.READ_WRITE,
                    new org.eclipse.angus.mail.imap.ResyncData(uidValidity, modSeq));
            List<Long> vanished = new ArrayList<>();
            List<Long> changed = new ArrayList<>();
            for (jakarta.mail.event.MailEvent e : events) {
                if (e instanceof org.eclipse.angus.mail.imap.MessageVanishedEvent v) {
                    for (long uid : v.getUIDs()) {
                        vanished.add(uid);
                    }
                } else if (e instanceof jakarta.mail.event.MessageChangedEvent c) {
                    Message m = c.getMessage();
                    assertThat(m.isSet(Flags.Flag.FLAGGED)).isTrue();
                    changed.add(again.getUID(m));
                }
            }
            assertThat(vanished).containsExactly(2L);
            assertThat(changed).containsExactly(3L);
            assertThat(again.getMessageCount()).isEqualTo(3);
            assertThat(again.getHighestModSeq()).isGreaterThan(modSeq);
            again.close(false);
        } finally {
            store.close();
        }
    }

    @Test
    void angusMailReadsOverACompressedConnection() throws Exception {
        String body = "a body that compresses well. ".repeat(4000);
        sendOverSmtp("Squeezed", body + "\n");
        awaitInbox("Squeezed");
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.tern.imap");
        var log = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        log.start();
        logger.addAppender(log);
        Properties p = tlsProperties("imaps", "imaps");
        p.put("mail.imaps.compress.enable", "true");
        Store store = Session.getInstance(p).getStore("imaps");
        store.connect("alice@example.test", PASSWORD);
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            Message m = inbox.search(new SubjectTerm("Squeezed"))[0];
            assertThat(((String) m.getContent()).strip()).isEqualTo(body.strip());
            inbox.close(false);
        } finally {
            store.close();
            logger.detachAppender(log);
        }
        // Angus Mail asked for COMPRESS=DEFLATE, and the session ran compressed.
        assertThat(log.list).anyMatch(e -> e.getFormattedMessage().endsWith("DEFLATE compression on"));
    }

    @Test
    void mailClientsSortAndThreadOnTheServer() throws Exception {
        sendOverSmtp("Re: beta", "b\n");
        sendOverSmtp("alpha", "a\n");
        sendOverSmtp("[list] Fwd: gamma", "c\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> tern.inbox("alice@example.test").size() == 3);

        Store store = imaps();
        try {
            IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            List<String> subjects = new ArrayList<>();
            for (Message m : inbox.getSortedMessages(new org.eclipse.angus.mail.imap.SortTerm[] {
                    org.eclipse.angus.mail.imap.SortTerm.REVERSE, org.eclipse.angus.mail.imap.SortTerm.SUBJECT})) {
                subjects.add(m.getSubject());
            }
            assertThat(subjects).containsExactly("[list] Fwd: gamma", "Re: beta", "alpha");
            inbox.close(false);
        } finally {
            store.close();
        }

        String out = pythonImaplib("""
                m.select('INBOX', readonly=True)
                typ, data = m.sort('(SUBJECT)', 'UTF-8', 'ALL')
                print('sort', typ, data[0].decode())
                typ, data = m.uid('SORT', '(REVERSE ARRIVAL)', 'UTF-8', 'ALL')
                print('uid sort', typ, data[0].decode())
                typ, data = m.thread('ORDEREDSUBJECT', 'UTF-8', 'ALL')
                print('thread', typ, data[0].decode())
                """);
        assertThat(out).as(out).contains("sort OK 2 1 3", "uid sort OK 3 2 1", "thread OK (1)(2)(3)");
    }

    @Test
    void pythonImaplibIsToldNoForAnUnsupportedCharset() throws Exception {
        // imaplib raises on BAD but hands back NO with its text: a refused charset is a NO.
        String out = pythonImaplib("""
                m.select('INBOX')
                print('search', m.search('X-UNKNOWN', 'ALL'))
                print('sort', m.sort('(DATE)', 'X-UNKNOWN', 'ALL'))
                print('thread', m.thread('REFERENCES', 'X-UNKNOWN', 'ALL'))
                """);
        String refused = "('NO', [b'[BADCHARSET (UTF-8 US-ASCII)] search in UTF-8'])";
        assertThat(out).as(out).contains("search " + refused, "sort " + refused, "thread " + refused);
    }

    @Test
    void pythonImaplibIsToldWhenBinaryCannotDecodeAPart() throws Exception {
        String out = pythonImaplib("""
                def append(encoding, body):
                    m.append('INBOX', None, None, b'Subject: cte\\r\\nContent-Type: text/plain\\r\\n'
                             + b'Content-Transfer-Encoding: ' + encoding + b'\\r\\n\\r\\n' + body)
                append(b'x-uuencode', b'begin 644 x\\r\\n')
                append(b'quoted-printable', b'=ZZ=4\\r\\nabc=\\r\\n')
                m.select('INBOX')
                print('unknown', m.fetch('1', '(BINARY.PEEK[1])'))
                typ, data = m.fetch('2', '(BINARY.PEEK[1])')
                print('qp', typ, repr(data[0][1]))
                """);
        assertThat(out).as(out).contains("unknown ('NO', [b'[UNKNOWN-CTE] a part asked for has a Content-Transfer-Encoding",
                "qp OK b'=ZZ=4\\r\\nabc'");
    }

    /**
     * What Python's imaplib prints running {@code commands} (Python, with {@code m} the
     * connection) after STARTTLS and LOGIN as alice on the imap listener, then LOGOUT.
     */
    private String pythonImaplib(String commands) throws Exception {
        String script = """
                import imaplib, ssl, sys
                ctx = ssl.create_default_context()
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
                m = imaplib.IMAP4('127.0.0.1', int(sys.argv[1]), timeout=20)
                m.starttls(ssl_context=ctx)
                m.login('alice@example.test', sys.argv[2])
                """ + commands + "m.logout()\n";
        Process proc = new ProcessBuilder(List.of("python3", "-c", script, String.valueOf(tern.port("imap")),
                PASSWORD)).redirectErrorStream(true).start();
        assertThat(proc.waitFor(60, TimeUnit.SECONDS)).as("python3 finished").isTrue();
        return new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
