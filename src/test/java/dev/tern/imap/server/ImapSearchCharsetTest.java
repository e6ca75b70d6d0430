package dev.tern.imap.server;

import dev.tern.testing.ClientRun;
import dev.tern.testing.RunningServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SEARCH in charsets other than UTF-8, as Python's imaplib sends them (the search string a literal
 * in that charset): ISO-8859-1 for a header, KOI8-R and Shift_JIS for a body; a charset nobody
 * knows is NO [BADCHARSET].
 */
class ImapSearchCharsetTest {

    static final String USER = "anna@example.test";

    @TempDir
    Path dir;
    RunningServer tern;

    @BeforeEach
    void start() {
        tern = RunningServer.plainImap(dir, "pw", USER);
    }

    @AfterEach
    void stop() {
        tern.close();
    }

    private void deliver(String subjectHeader, String bodyCharset, String body) {
        String encoded = Base64.getMimeEncoder().encodeToString(body.getBytes(Charset.forName(bodyCharset)));
        int before = tern.inbox(USER).size();
        tern.submit("jane@example.org", "Subject: " + subjectHeader + "\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=" + bodyCharset + "\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + encoded + "\r\n", USER);
        await().atMost(Duration.ofSeconds(10)).until(() -> tern.inbox(USER).size() == before + 1);
    }

    @Test
    void searchStringsInOtherCharsetsAreDecodedFromThem() throws Exception {
        deliver("=?ISO-8859-1?Q?caf=E9_cr=E8me?=", "KOI8-R", "Привет, мир");
        deliver("plain", "Shift_JIS", "こんにちは世界");
        Path script = dir.resolve("search.py");
        Files.writeString(script, """
                import imaplib, sys
                m = imaplib.IMAP4('127.0.0.1', int(sys.argv[1]))
                m.login('anna@example.test', 'pw')
                m.select()
                m.literal = 'crème'.encode('latin-1'); print('latin1', m.search('ISO-8859-1', 'SUBJECT')[1])
                m.literal = 'мир'.encode('koi8-r'); print('koi8r', m.search('KOI8-R', 'BODY')[1])
                m.literal = '世界'.encode('shift_jis'); print('sjis', m.search('Shift_JIS', 'TEXT')[1])
                m.literal = 'crème'.encode('latin-1'); print('none', m.search('ISO-8859-1', 'BODY')[1])
                print('refused', m.search('X-NO-SUCH-CHARSET', 'ALL'))
                m.logout()
                """);
        ClientRun.Result r = ClientRun.run(new ProcessBuilder("python3", script.toString(),
                String.valueOf(tern.port("imap"))), dir.resolve("python.out"), Duration.ofSeconds(60));
        assertThat(r.status()).as(r.output()).isZero();
        assertThat(r.output()).contains("latin1 [b'1']", "koi8r [b'1']", "sjis [b'2']", "none [b'']")
                .contains("refused ('NO', [b'[BADCHARSET (UTF-8 US-ASCII)] search in UTF-8'])");
    }
}
