package dev.tern.imap.server;

import dev.tern.testing.RawImapClient;
import dev.tern.testing.RunningServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.tern.testing.RawImapClient.last;
import static org.assertj.core.api.Assertions.assertThat;

/** FETCH PREVIEW (RFC 8970): the start of what a person reads, from plain text, HTML, encodings and charsets. */
class ImapPreviewTest {

    @TempDir
    Path dir;
    RunningServer tern;

    @BeforeEach
    void start() {
        tern = RunningServer.plainImap(dir, "pw", "alice@example.test");
    }

    @AfterEach
    void stop() {
        tern.close();
    }

    private static void append(RawImapClient c, String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        assertThat(last(c.command("ap", "APPEND INBOX {" + bytes.length + "+}\r\n" + message))).startsWith("ap OK");
    }

    @Test
    void previewsComeFromTheFirstTextAPersonReads() {
        try (RawImapClient c = RawImapClient.loggedIn(tern.port("imap"), "alice@example.test", "pw")) {
            assertThat(c.command("k", "CAPABILITY").get(0)).contains(" PREVIEW");
            append(c, "Subject: plain\r\n\r\nHello Bob,\r\n\r\n  the  report is\r\nattached.\r\n");
            append(c, "Subject: alternative\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n"
                    + "--b\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                    + "Gr=FC=DFe aus Z=FCrich\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>ignored</p>\r\n--b--\r\n");
            append(c, "Subject: html\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n"
                    + "Content-Transfer-Encoding: base64\r\n\r\n"
                    + java.util.Base64.getMimeEncoder().encodeToString(("<html><head><style>p {color: red}</style>"
                    + "<title>T</title></head><body><!-- hidden --><p>Fish &amp; chips&nbsp;&#8364;5 &lt;today&gt;</p>"
                    + "<script>var x = 1;</script></body></html>").getBytes(StandardCharsets.UTF_8)) + "\r\n");
            append(c, "Subject: picture\r\nMIME-Version: 1.0\r\nContent-Type: image/png\r\n"
                    + "Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n");
            append(c, "Subject: long\r\n\r\n" + "word ".repeat(100) + "\r\n");
            append(c, "Subject: attached text\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n"
                    + "--m\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=a.txt\r\n\r\nnot this\r\n"
                    + "--m\r\nContent-Type: text/html\r\n\r\n<b>but this</b>\r\n--m--\r\n");
            c.command("s", "SELECT INBOX");

            List<String> out = c.command("f1", "FETCH 1:6 (PREVIEW)");
            // Non-ASCII text goes as a literal of its UTF-8 octets (a quoted string is ASCII without UTF8=ACCEPT).
            assertThat(out).contains("* 1 FETCH (PREVIEW \"Hello Bob, the report is attached.\")",
                    "* 2 FETCH (PREVIEW {19}\r\nGr\u00fc\u00dfe aus Z\u00fcrich)",
                    "* 4 FETCH (PREVIEW \"\")",
                    "* 6 FETCH (PREVIEW \"but this\")", "f1 OK FETCH completed");
            assertThat(out.stream().filter(l -> l.startsWith("* 3 FETCH")).findFirst().orElseThrow())
                    .contains("Fish & chips \u20ac5 <today>").doesNotContain("color").doesNotContain("var x")
                    .doesNotContain("hidden");
            String longOne = out.stream().filter(l -> l.startsWith("* 5 FETCH")).findFirst().orElseThrow();
            assertThat(longOne).isEqualTo("* 5 FETCH (PREVIEW \"" + ("word ".repeat(40)).strip() + "\")");

            // LAZY is taken; PREVIEW does not mark the message read.
            assertThat(c.command("f2", "FETCH 1 (PREVIEW (LAZY) FLAGS)").get(0))
                    .isEqualTo("* 1 FETCH (PREVIEW \"Hello Bob, the report is attached.\" FLAGS (\\Recent))");
            assertThat(last(c.command("f3", "FETCH 1 (PREVIEW (EAGER))"))).startsWith("f3 BAD");
        }
    }

    @Test
    void pythonImaplibReadsThePreview() throws Exception {
        try (RawImapClient c = RawImapClient.loggedIn(tern.port("imap"), "alice@example.test", "pw")) {
            append(c, "Subject: for python\r\n\r\nA short note.\r\n");
        }
        String script = """
                import imaplib, sys
                m = imaplib.IMAP4('127.0.0.1', int(sys.argv[1]), timeout=20)
                m.login('alice@example.test', 'pw')
                m.select('INBOX', readonly=True)
                typ, data = m.fetch('1', '(PREVIEW)')
                print(typ, data[0].decode())
                m.logout()
                """;
        Process proc = new ProcessBuilder(List.of("python3", "-c", script, String.valueOf(tern.port("imap"))))
                .redirectErrorStream(true).start();
        assertThat(proc.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(out).as(out).contains("OK 1 (PREVIEW \"A short note.\")");
    }
}
