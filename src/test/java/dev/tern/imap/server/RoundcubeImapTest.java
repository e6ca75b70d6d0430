package dev.tern.imap.server;

import dev.tern.mailbox.Flags;
import dev.tern.store.Rows;
import dev.tern.testing.ClientRun;
import dev.tern.testing.RunningServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Roundcube's IMAP library ({@code rcube_imap_generic}, what the webmail most Dovecot installations
 * serve uses for every mailbox operation) against a running server over IMAPS, run by PHP:
 * folders with their special uses, STATUS, SORT and THREAD, searches, headers, body structure and
 * part bodies, flags, COPY and MOVE, APPEND, folders created, renamed and deleted under modified
 * UTF-7 names, subscriptions, EXPUNGE of one message; and what its ACL plugin does to share a
 * folder with another account. The scripts are {@code src/test/resources/roundcube/imap-session.php}
 * and {@code acl-session.php}; .ci/run installs PHP and unpacks the
 * library from Debian's {@code roundcube-core} (its web server and database are not needed) and
 * names it in {@code ROUNDCUBE_LIB}. Skipped only where either is missing.
 */
class RoundcubeImapTest {

    static final String PASSWORD = "roundcube-secret-pw";
    static final String USER = "alice@example.test";
    static final Path PHP = Path.of("/usr/bin/php");

    @TempDir
    Path dir;
    RunningServer tern;
    Path library;

    @BeforeEach
    void start() throws Exception {
        String lib = System.getenv().getOrDefault("ROUNDCUBE_LIB", "/usr/share/roundcube/program/lib/Roundcube");
        library = Path.of(lib);
        assumeTrue(Files.isExecutable(PHP), "php is not installed (apt-get install php-cli php-mbstring php-intl)");
        assumeTrue(Files.isRegularFile(library.resolve("rcube_imap_generic.php")),
                "Roundcube's library is not at " + library + " (set ROUNDCUBE_LIB; .ci/run unpacks it)");
        tern = RunningServer.withAccount(dir.resolve("server"), "imaps = [\"127.0.0.1:0\"]\n", USER, PASSWORD);
    }

    @AfterEach
    void stop() {
        if (tern != null) {
            tern.close();
        }
    }

    private void deliver(int n, String content) {
        tern.submit("bob@example.org", content, USER);
        await().atMost(Duration.ofSeconds(10)).until(() -> tern.inbox(USER).size() == n);
    }

    /** What the script printed, by step name. */
    private Map<String, String> runSession() throws Exception {
        return runSession("imap-session.php", Map.of());
    }

    private Map<String, String> runSession(String name, Map<String, String> env) throws Exception {
        Path script = Path.of(RoundcubeImapTest.class.getResource("/roundcube/" + name).toURI());
        ProcessBuilder php = new ProcessBuilder(PHP.toString(), script.toString()).directory(dir.toFile());
        php.environment().put("ROUNDCUBE_LIB", library.toString());
        php.environment().put("PORT", String.valueOf(tern.port("imaps")));
        php.environment().put("USER", USER);
        php.environment().put("PASS", PASSWORD);
        php.environment().putAll(env);
        ClientRun.Result r = ClientRun.run(php, dir.resolve("php.out"), Duration.ofSeconds(120));
        assertThat(r.status()).as("exit status of the PHP script; output:%n%s", r.output()).isZero();
        Map<String, String> steps = new LinkedHashMap<>();
        r.output().lines().filter(l -> l.contains(": ")).forEach(l -> steps.put(l.substring(0, l.indexOf(": ")),
                l.substring(l.indexOf(": ") + 2)));
        assertThat(r.output()).as(r.output()).doesNotContain("error: Array", "PHP Warning", "PHP Fatal");
        return steps;
    }

    private static String message(String from, String subject, String id, String references, String body) {
        return "From: " + from + "\r\nTo: " + USER + "\r\nSubject: " + subject + "\r\nMessage-ID: <" + id + ">\r\n"
                + (references == null ? "" : "In-Reply-To: <" + references + ">\r\nReferences: <" + references + ">\r\n")
                + "Date: Tue, 1 Dec 2026 10:0" + id.charAt(0) + ":00 +0000\r\n" + body;
    }

    @Test
    void theWebmailsImapLibraryWorksThroughAMailbox() throws Exception {
        deliver(1, message("Zed <zed@example.org>", "Weekly report", "1@example.org", null,
                "\r\nFirst report.\r\n"));
        deliver(2, message("Amy <amy@example.org>", "Re: Weekly report", "2@example.org", "1@example.org",
                "\r\nThanks.\r\n"));
        deliver(3, message("=?UTF-8?Q?Zo=C3=AB?= <zoe@example.org>", "=?UTF-8?Q?Gr=C3=BC=C3=9Fe?= and a file",
                "3@example.org", null, "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
                        + "--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                        + "Gr=C3=BC=C3=9Fe aus Z=C3=BCrich\r\n"
                        + "--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"plan.pdf\"\r\n"
                        + "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQgcGxhbg==\r\n--b--\r\n"));
        deliver(4, message("Bob <bob@example.org>", "Lunch", "4@example.org", null, "\r\nNoon?\r\n"));

        Map<String, String> steps = runSession();

        assertThat(steps.get("folders")).isEqualTo("INBOX,Archive,Drafts,Junk,Sent,Trash");
        assertThat(steps.get("special")).isEqualTo("Archive,Drafts,Junk,Sent,Trash");
        assertThat(steps.get("status")).isEqualTo("4,4,5");
        assertThat(steps.get("exists")).isEqualTo("4");
        // Base subjects "Grüße and a file", "Lunch", "Weekly report" (twice: Re: is not part of it).
        assertThat(steps.get("sort_subject")).isEqualTo("3,4,1,2");
        assertThat(steps.get("sort_from_desc")).isEqualTo("3,1,4,2");
        assertThat(steps.get("threads")).isEqualTo("3");
        assertThat(steps.get("unseen")).isEqualTo("1,2,3,4");
        assertThat(steps.get("search")).isEqualTo("1,2");
        assertThat(steps.get("header 3")).isEqualTo("Grüße and a file,multipart/mixed,sized");
        assertThat(steps.get("header 4")).isEqualTo("Lunch,,sized");    // no Content-Type field: none given
        assertThat(steps.get("structure")).isEqualTo("mixed,application,pdf,plan.pdf");
        assertThat(steps.get("text")).isEqualTo("'Grüße aus Zürich'");
        assertThat(steps.get("attachment")).isEqualTo("'%PDF-1.4 plan'");
        for (String step : new String[]{"flag", "unflag", "copy", "move", "create", "created", "rename", "subscribe",
                "subscribed", "delete", "expunge"}) {
            assertThat(steps.get(step)).as(step).isEqualTo("true");
        }
        assertThat(steps.get("append")).as("the APPENDUID's UID").isEqualTo("'1'");
        assertThat(steps.get("left")).isEqualTo("2");
        assertThat(steps.get("error")).isEqualTo("''");

        // What the server holds afterwards.
        assertThat(tern.inbox(USER)).extracting(Rows.Message::uid).containsExactly(1L, 3L);
        assertThat(Flags.fromStored(tern.inbox(USER).get(0).systemFlags(), null).names()).isEmpty();
        assertThat(tern.mailbox(USER, "Archive")).singleElement()
                .satisfies(m -> assertThat(tern.content(m)).contains("plan.pdf"));
        assertThat(tern.mailbox(USER, "Trash")).singleElement().satisfies(m -> {
            assertThat(tern.content(m)).contains("Subject: Re: Weekly report");
            assertThat(Flags.fromStored(m.systemFlags(), m.keywords()).names()).containsExactly("\\Flagged");
        });
        assertThat(tern.mailbox(USER, "Drafts")).singleElement().satisfies(m ->
                assertThat(Flags.fromStored(m.systemFlags(), m.keywords()).names()).containsExactly("\\Seen", "\\Draft"));
        long account = tern.services().directory().user(USER).orElseThrow().id();
        assertThat(tern.services().mailboxes().mailboxes(account)).extracting(Rows.Mailbox::name)
                .doesNotContain("Projekte/Zürich", "Projekte/Bern");
    }

    /** What Roundcube's ACL plugin and folder list do with a folder shared between two accounts. */
    @Test
    void theWebmailsAclCallsShareAFolderThatTheOtherUserFindsAndFilesInto() throws Exception {
        tern.services().directory().addUser("bob@example.test", "bob-secret-pw");
        Map<String, String> steps = runSession("acl-session.php",
                Map.of("USER2", "bob@example.test", "PASS2", "bob-secret-pw"));

        assertThat(steps.get("acl capability")).isEqualTo("true");
        assertThat(steps.get("create")).isEqualTo("true");
        assertThat(steps.get("setacl")).isEqualTo("true");
        assertThat(steps.get("getacl")).isEqualTo(USER + "=lrswipkxteacd,bob@example.test=lrswi");
        assertThat(steps.get("listrights granted")).isEqualTo("");
        assertThat(steps.get("listrights optional")).isEqualTo("l,r,s,w,i,p,k,x,t,e,a,c,d");
        assertThat(steps.get("owner myrights")).isEqualTo("l,r,s,w,i,p,k,x,t,e,a,c,d");
        assertThat(steps.get("metadata capability")).isEqualTo("true");
        assertThat(steps.get("setmetadata")).isEqualTo("true");
        assertThat(steps.get("getmetadata")).isEqualTo("The team's folder,mine");
        assertThat(steps.get("other namespace")).isEqualTo("Shared/,/");
        assertThat(steps.get("folders")).isEqualTo("INBOX,Archive,Drafts,Junk,Sent,Trash,Shared,Shared/" + USER + ","
                + "Shared/" + USER + "/Team");
        assertThat(steps.get("myrights")).isEqualTo("l,r,s,w,i");
        assertThat(steps.get("append")).isEqualTo("true");
        assertThat(steps.get("select")).isEqualTo("true");
        assertThat(steps.get("exists")).isEqualTo("1");
        assertThat(steps.get("own acl")).as("bob may not read the list").isEqualTo("'NULL'");
        assertThat(steps.get("other getmetadata")).as("the shared entry, not alice's own")
                .isEqualTo("'{\"Shared\\\\/alice@example.test\\\\/Team\":{\"\\\\/shared\\\\/comment\":\"The team\\'s folder\"}}'");
        assertThat(tern.mailbox(USER, "Team")).singleElement()
                .satisfies(m -> assertThat(tern.content(m)).contains("Subject: from the webmail"));
    }
}
