package dev.tern.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {

    private static final Path FILE = Path.of("/etc/tern/tern.toml");

    private static TernConfig parse(String text) {
        return ConfigLoader.parse(FILE, text);
    }

    @Test
    void emptyFileGivesDefaults() {
        TernConfig c = parse("hostname = \"mx.example.test\"\n");
        assertThat(c.hostname()).isEqualTo("mx.example.test");
        assertThat(c.dataDir()).isEqualTo(Path.of("/etc/tern/data"));
        assertThat(c.listeners()).isEmpty();
        assertThat(c.smtp()).isEqualTo(SmtpLimits.defaults());
        assertThat(c.recipientDelimiter()).isEqualTo("+");
    }

    @Test
    void globalSieveScriptsLiveUnderTheDataDirectoryUnlessSet() {
        assertThat(parse("hostname = \"mx.example.test\"\n").sieve().globalDir())
                .isEqualTo(Path.of("/etc/tern/data/sieve/global"));
        assertThat(parse("hostname = \"mx.example.test\"\n[sieve]\nglobal_dir = \"sieve.d\"\n").sieve().globalDir())
                .as("relative to the config file").isEqualTo(Path.of("/etc/tern/sieve.d"));
        assertThatThrownBy(() -> parse("hostname = \"mx.example.test\"\n[sieve]\nglobal = \"x\"\n"))
                .hasMessageContaining("global");
    }

    @Test
    void milterAddressesInPostfixAndSendmailForms() {
        MilterSettings none = parse("hostname = \"mx.example.test\"\n").milter();
        assertThat(none.enabled()).isFalse();
        assertThat(none.appliesTo("smtp")).isFalse();
        MilterSettings m = parse("hostname = \"mx.example.test\"\n[milter]\nservers = [\"inet:127.0.0.1:8891\", "
                + "\"inet:11332@localhost\", \"inet:[::1]:8893\", \"unix:/run/opendkim/opendkim.sock\", "
                + "\"local:/run/clamav/clamav-milter.ctl\"]\non_failure = \"accept\"\ncommand_timeout = \"10s\"\n").milter();
        assertThat(m.servers()).extracting(MilterSettings.Endpoint::host).containsExactly("127.0.0.1", "localhost", "::1",
                null, null);
        assertThat(m.servers()).extracting(MilterSettings.Endpoint::port).containsExactly(8891, 11332, 8893, 0, 0);
        assertThat(m.servers().get(3).socket()).isEqualTo(Path.of("/run/opendkim/opendkim.sock"));
        assertThat(m.onFailure()).isEqualTo(MilterSettings.OnFailure.ACCEPT);
        assertThat(m.commandTimeout()).isEqualTo(java.time.Duration.ofSeconds(10));
        assertThat(m.appliesTo("smtp")).isTrue();
        assertThat(m.appliesTo("submissions")).isTrue();
        assertThat(m.appliesTo("lmtp")).isFalse();
        assertThat(parse("hostname = \"mx.example.test\"\n[milter]\nservers = [\"inet:127.0.0.1:8891\"]\n"
                + "listeners = [\"submission\"]\n").milter().appliesTo("smtp")).isFalse();

        assertThatThrownBy(() -> parse("hostname = \"mx.example.test\"\n[milter]\nservers = [\"127.0.0.1:8891\"]\n"))
                .hasMessageContaining("milter.servers").hasMessageContaining("inet:HOST:PORT");
        assertThatThrownBy(() -> parse("hostname = \"mx.example.test\"\n[milter]\nservers = [\"inet:127.0.0.1:http\"]\n"))
                .hasMessageContaining("milter.servers").hasMessageContaining("not a port number");
        assertThatThrownBy(() -> parse("hostname = \"mx.example.test\"\n[milter]\nservers = [\"unix:run/x.sock\"]\n"))
                .hasMessageContaining("absolute path");
        assertThatThrownBy(() -> parse("hostname = \"mx.example.test\"\n[milter]\nlisteners = [\"imap\"]\n"))
                .hasMessageContaining("milter.listeners").hasMessageContaining("not an SMTP listener");
        assertThatThrownBy(() -> parse("hostname = \"mx.example.test\"\n[milter]\non_failure = \"quarantine\"\n"))
                .hasMessageContaining("milter.on_failure");
        assertThatThrownBy(() -> parse("hostname = \"mx.example.test\"\n[milter]\nserver = [\"inet:1.2.3.4:1\"]\n"))
                .hasMessageContaining("milter.server");
    }

    @Test
    void theMtaStsPolicyIsPublishedWhereAnHttpsListenerServesIt() {
        String https = "hostname = \"mx.example.test\"\n[listeners]\nautoconfigs = [\"0.0.0.0:443\"]\n";
        assertThat(parse(https).mtaStsPolicy())
                .isEqualTo("version: STSv1\r\nmode: testing\r\nmx: mx.example.test\r\nmax_age: 604800\r\n");
        assertThat(parse(https + "[mta_sts]\nmode = \"enforce\"\nmax_age = \"30d\"\n").mtaStsPolicy())
                .isEqualTo("version: STSv1\r\nmode: enforce\r\nmx: mx.example.test\r\nmax_age: 2592000\r\n");
        assertThat(parse(https + "[mta_sts]\nmode = \"none\"\n").mtaStsPolicy())
                .isEqualTo("version: STSv1\r\nmode: none\r\nmax_age: 604800\r\n");
        // Off, or nothing to serve it over HTTPS: no policy, and no records.
        assertThat(parse(https + "[mta_sts]\nmode = \"off\"\n").mtaStsPolicy()).isNull();
        assertThat(parse("hostname = \"mx.example.test\"\n").mtaStsPolicy()).isNull();
        assertThatThrownBy(() -> parse("[mta_sts]\nmode = \"strict\"\n")).hasMessageStartingWith("mta_sts.mode: expected");
        assertThatThrownBy(() -> parse("[mta_sts]\nmax_age = \"1h\"\n")).hasMessageStartingWith("mta_sts.max_age: must be");
        assertThatThrownBy(() -> parse("[mta_sts]\nmax_age = \"400d\"\n")).hasMessageStartingWith("mta_sts.max_age: must be");
    }

    @Test
    void acmeTakesTheCertificateFromACaThatChecksNamesOnTheHttpListener() {
        String base = "hostname = \"Mail.Example.org\"\n[listeners]\nautoconfig = [\"0.0.0.0:80\"]\n";
        assertThat(parse(base).acme()).isNull();
        AcmeSettings le = parse(base + "[acme]\ndirectory = \"letsencrypt\"\n").acme();
        assertThat(le.directory()).hasToString("https://acme-v02.api.letsencrypt.org/directory");
        assertThat(le.names()).containsExactly("mail.example.org");
        assertThat(le.renewBefore()).isEqualTo(java.time.Duration.ofDays(30));
        assertThat(le.email()).isNull();
        assertThat(le.domainNames()).isTrue();
        assertThat(parse(base + "[acme]\ndirectory = \"letsencrypt\"\ndomain_names = false\n").acme().domainNames()).isFalse();
        AcmeSettings own = parse(base + "[acme]\ndirectory = \"https://ca.example.net/acme/dir\"\nemail = \"ops@example.org\"\n"
                + "names = [\"mail.example.org.\", \"MTA-STS.example.org\", \"mail.example.org\"]\nrenew_before = \"20d\"\n"
                + "ca_file = \"ca.pem\"\n").acme();
        assertThat(own.names()).containsExactly("mail.example.org", "mta-sts.example.org");
        assertThat(own.renewBefore()).isEqualTo(java.time.Duration.ofDays(20));
        assertThat(own.caFile().getFileName()).hasToString("ca.pem");
        assertThat(parse(base + "[acme]\ndirectory = \"letsencrypt-staging\"\n").acme().directory().getHost())
                .isEqualTo("acme-staging-v02.api.letsencrypt.org");

        assertThatThrownBy(() -> parse(base + "[acme]\nemail = \"ops@example.org\"\n"))
                .hasMessageStartingWith("acme.directory: missing");
        assertThatThrownBy(() -> parse(base + "[acme]\ndirectory = \"http://ca.example.net/dir\"\n"))
                .hasMessageStartingWith("acme.directory: expected an https:// URL");
        assertThatThrownBy(() -> parse(base + "[acme]\ndirectory = \"letsencrypt\"\nnames = [\"*.example.org\"]\n"))
                .hasMessageContaining("acme.names: \"*.example.org\": a wildcard needs the dns-01 challenge");
        assertThatThrownBy(() -> parse(base + "[acme]\ndirectory = \"letsencrypt\"\nnames = []\n"))
                .hasMessageStartingWith("acme.names: at least one name");
        assertThatThrownBy(() -> parse(base + "[acme]\ndirectory = \"letsencrypt\"\nemail = \"not an address\"\n"))
                .hasMessageStartingWith("acme.email: \"not an address\" is not an address");
        assertThatThrownBy(() -> parse(base + "[acme]\ndirectory = \"letsencrypt\"\nrenew_before = \"1h\"\n"))
                .hasMessageStartingWith("acme.renew_before: at least 1d");
        assertThatThrownBy(() -> parse("hostname = \"localhost\"\n[listeners]\nautoconfig = [\"0.0.0.0:80\"]\n"
                + "[acme]\ndirectory = \"letsencrypt\"\n"))
                .hasMessage("acme.names (by default the hostname): \"localhost\" is not a DNS name with a dot, "
                        + "such as mail.example.org");
        // One source of the certificate, and a listener for the CA's checks.
        assertThatThrownBy(() -> parse(base + "[tls]\ncert = \"c.pem\"\nkey = \"k.pem\"\n[acme]\ndirectory = \"letsencrypt\"\n"))
                .hasMessageStartingWith("acme: the certificate comes either from the files of [tls] or from ACME");
        assertThatThrownBy(() -> parse("hostname = \"mail.example.org\"\n[acme]\ndirectory = \"letsencrypt\"\n"))
                .hasMessageContaining("add autoconfig = [\"0.0.0.0:80\"] to [listeners]");
    }

    @Test
    void freeSpaceReserveFollowsTheLargestMessageUnlessSet() {
        assertThat(parse("[smtp]\nmax_message_size = \"10MB\"\n").smtp().minFreeSpace()).isEqualTo(15L * 1024 * 1024);
        assertThat(parse("[smtp]\nmin_free_space = \"2G\"\n").smtp().minFreeSpace()).isEqualTo(2L << 30);
        assertThat(parse("[smtp]\nmin_free_space = \"0\"\n").smtp().minFreeSpace()).isZero();
        assertThat(parse("[smtp]\nmin_free_space = 0\n").smtp().minFreeSpace()).isZero();
        assertThatThrownBy(() -> parse("[smtp]\nmin_free_space = \"plenty\"\n"))
                .hasMessageStartingWith("smtp.min_free_space: expected a size");
        assertThatThrownBy(() -> parse("[smtp]\nmin_free_space = -5\n"))
                .hasMessageStartingWith("smtp.min_free_space:");
        assertThatThrownBy(() -> parse("[smtp]\nmin_free_space = \"99999999999999999999G\"\n"))
                .hasMessage("smtp.min_free_space: \"99999999999999999999G\" is too large");
        assertThatThrownBy(() -> parse("[smtp]\nmax_message_size = \"9999999999G\"\n"))
                .hasMessageEndingWith("is too large");
    }

    @Test
    void starterConfigIsValidAndMatchesDefaults() {
        TernConfig c = parse(StarterConfig.text("mx.example.test", "0.0.0.0:25"));
        assertThat(c.listener("smtp")).containsExactly(new ListenAddress("0.0.0.0", 25));
        assertThat(c.smtp()).isEqualTo(SmtpLimits.defaults());
    }

    @Test
    void readsListenersAndLimits() {
        TernConfig c = parse("""
                hostname = "mx.example.test"
                data_dir = "/var/lib/tern"
                [listeners]
                smtp = ["127.0.0.1:2525", "[::1]:2525"]
                [smtp]
                max_message_size = "10MB"
                max_recipients = 200
                command_timeout = "30s"
                data_timeout = "2m"
                vrfy = true
                """);
        assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/tern"));
        assertThat(c.listener("smtp")).containsExactly(new ListenAddress("127.0.0.1", 2525), new ListenAddress("::1", 2525));
        assertThat(c.smtp().maxMessageSize()).isEqualTo(10L * 1024 * 1024);
        assertThat(c.smtp().maxRecipients()).isEqualTo(200);
        assertThat(c.smtp().commandTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.smtp().dataTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.smtp().vrfy()).isTrue();
    }

    @Test
    void lmtpMayListenOnAUnixSocket() {
        TernConfig c = parse("""
                [listeners]
                lmtp = ["unix:/run/tern/../tern/lmtp", "127.0.0.1:24"]
                [lmtp]
                socket_mode = "0620"
                """);
        assertThat(c.listener("lmtp")).containsExactly(ListenAddress.unix(Path.of("/run/tern/lmtp")),
                new ListenAddress("127.0.0.1", 24));
        assertThat(c.listener("lmtp").get(0).toString()).isEqualTo("unix:/run/tern/lmtp");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(c.lmtp().socketMode())).isEqualTo("rw--w----");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(parse("").lmtp().socketMode()))
                .isEqualTo("rw-rw----");

        assertThatThrownBy(() -> parse("[listeners]\nsmtp = [\"unix:/run/tern/smtp\"]\n"))
                .hasMessage("listeners.smtp: \"unix:/run/tern/smtp\": only the lmtp listener may listen on a Unix "
                        + "socket; give \"address:port\" here");
        assertThatThrownBy(() -> parse("[listeners]\nlmtp = [\"unix:run/lmtp\"]\n"))
                .hasMessage("listeners.lmtp: \"unix:run/lmtp\": the socket's path must be absolute, as in "
                        + "\"unix:/run/tern/lmtp\"");
        assertThatThrownBy(() -> parse("[listeners]\nlmtp = [\"unix:/" + "x".repeat(120) + "\"]\n"))
                .hasMessageStartingWith("listeners.lmtp: ").hasMessageEndingWith("a Unix socket's path may have at most 107 octets");
        assertThatThrownBy(() -> parse("[listeners]\nlmtp = [\"unix:/\"]\n"))
                .hasMessage("listeners.lmtp: \"unix:/\" names no file");
        assertThatThrownBy(() -> parse("[lmtp]\nsocket_mode = \"rw-rw----\"\n"))
                .hasMessage("lmtp.socket_mode: \"rw-rw----\" is not a file mode in octal such as \"0660\"");
        assertThatThrownBy(() -> parse("[lmtp]\nsocket_mode = \"4660\"\n"))
                .hasMessageStartingWith("lmtp.socket_mode: \"4660\" is not a file mode");
        assertThatThrownBy(() -> parse("[lmtp]\nsocket_mode = \"0460\"\n"))
                .hasMessageStartingWith("lmtp.socket_mode: \"0460\" leaves the owner without write permission");
    }

    @Test
    void errorsNameTheKey() {
        assertThatThrownBy(() -> parse("[smtp]\nmax_recipients = \"many\"\n"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("smtp.max_recipients:");
        assertThatThrownBy(() -> parse("[smtp]\nmax_recipients = 10\n"))
                .hasMessageContaining("smtp.max_recipients").hasMessageContaining("at least 100");
        assertThatThrownBy(() -> parse("[smtp]\ncommand_timeout = 5\n"))
                .hasMessageStartingWith("smtp.command_timeout:");
        assertThatThrownBy(() -> parse("[smtp]\nmax_message_size = 50\n"))
                .hasMessage("smtp.max_message_size: must be at least 64KB (RFC 5321 §4.5.3.1.7), got 50 bytes");
        assertThatThrownBy(() -> parse("[smtp]\nmax_message_size = \"lots\"\n"))
                .hasMessageStartingWith("smtp.max_message_size:");
        assertThatThrownBy(() -> parse("[listeners]\nsmtp = [\"0.0.0.0\"]\n"))
                .hasMessageStartingWith("listeners.smtp:").hasMessageContaining("address:port");
        assertThatThrownBy(() -> parse("[listeners]\nsmtp = [\"0.0.0.0:99999\"]\n"))
                .hasMessageStartingWith("listeners.smtp:").hasMessageContaining("port");
        assertThatThrownBy(() -> parse("[listeners]\nsmtp = [\"::1:25\"]\n"))
                .hasMessageContaining("brackets");
        assertThatThrownBy(() -> parse("hostname = \"not a name\"\n"))
                .hasMessageStartingWith("hostname:");
        assertThatThrownBy(() -> parse("postmaster = \"nobody\"\n")).hasMessageStartingWith("postmaster:");
        assertThatThrownBy(() -> parse("[delivery]\nrecipient_delimiter = \"++\"\n"))
                .hasMessageStartingWith("delivery.recipient_delimiter:");
    }

    @Test
    void unknownKeysAndListenersAreReported() {
        assertThatThrownBy(() -> parse("[smtp]\nmax_recipent = 100\n"))
                .hasMessage("smtp.max_recipent: unknown setting (check its spelling and its [section])");
        assertThatThrownBy(() -> parse("hostnam = \"x\"\n")).hasMessageStartingWith("hostnam: unknown setting");
        assertThatThrownBy(() -> parse("[listeners]\nsmpt = [\"0.0.0.0:25\"]\n"))
                .hasMessageStartingWith("listeners.smpt: unknown listener");
    }

    @Test
    void pop3ListenersAndSettingsAreRead() {
        TernConfig c = parse("[pop3]\nallow_plaintext_auth = true\nmax_connections_per_ip = 5\n"
                + "[listeners]\npop3 = [\"127.0.0.1:110\"]\npop3s = [\"[::1]:995\"]\n");
        assertThat(c.listener("pop3")).containsExactly(new ListenAddress("127.0.0.1", 110));
        assertThat(c.listener("pop3s")).containsExactly(new ListenAddress("::1", 995));
        assertThat(c.pop3()).isEqualTo(new Pop3Settings(true, 1000, 5));
        assertThat(parse("").pop3()).isEqualTo(Pop3Settings.defaults());
        assertThat(Pop3Settings.defaults().allowPlaintextAuth()).isFalse();
        assertThatThrownBy(() -> parse("[pop3]\nallow_plaintext = true\n"))
                .hasMessageStartingWith("pop3.allow_plaintext: unknown setting");
        assertThatThrownBy(() -> parse("[listeners]\nimap4 = [\"0.0.0.0:143\"]\n"))
                .hasMessageContaining("pop3, pop3s, imap, imaps");
    }

    @Test
    void imapListenersAndSettingsAreRead() {
        TernConfig c = parse("[imap]\nmax_literal = \"10MB\"\nidle_timeout = \"45m\"\nmax_connections_per_ip = 8\n"
                + "[listeners]\nimap = [\"127.0.0.1:143\"]\nimaps = [\"[::1]:993\"]\n");
        assertThat(c.listener("imap")).containsExactly(new ListenAddress("127.0.0.1", 143));
        assertThat(c.listener("imaps")).containsExactly(new ListenAddress("::1", 993));
        assertThat(c.imap()).isEqualTo(new ImapSettings(false, 64 * 1024, 10L * 1024 * 1024,
                java.time.Duration.ofMinutes(45), 10_000, 8));
        assertThat(parse("").imap()).isEqualTo(ImapSettings.defaults());
        assertThat(ImapSettings.defaults().idleTimeout()).isEqualTo(java.time.Duration.ofMinutes(30));
        assertThatThrownBy(() -> parse("[imap]\nidle_timeout = \"5m\"\n"))
                .hasMessageStartingWith("imap.idle_timeout: at least 30 minutes");
        assertThatThrownBy(() -> parse("[imap]\nmax_line = 1000\n"))
                .hasMessageStartingWith("imap.max_line: at least 8192");
    }

    @Test
    void submissionChecksTheFromHeaderUnlessSwitchedOff() {
        assertThat(parse("").submission()).isEqualTo(SubmissionSettings.defaults());
        assertThat(SubmissionSettings.defaults().checkFromHeader()).isTrue();
        assertThat(parse(StarterConfig.text("mx.example.test", "0.0.0.0:25")).submission())
                .isEqualTo(SubmissionSettings.defaults());
        assertThat(parse("[submission]\ncheck_from_header = false\n").submission().checkFromHeader()).isFalse();
        assertThatThrownBy(() -> parse("[submission]\ncheck_from_header = \"yes\"\n"))
                .hasMessageStartingWith("submission.check_from_header: expected true or false");
    }

    @Test
    void tlsAndSubmission() {
        TernConfig none = parse("");
        assertThat(none.tls().isConfigured()).isFalse();
        assertThat(none.submission().hideClientIp()).isFalse();
        TernConfig c = parse("""
                [listeners]
                submission = ["0.0.0.0:587"]
                submissions = ["0.0.0.0:465"]
                [tls]
                cert = "certs/chain.pem"
                key = "/etc/ssl/private/tern.key"
                [submission]
                hide_client_ip = true
                """);
        assertThat(c.listener("submission")).containsExactly(new ListenAddress("0.0.0.0", 587));
        assertThat(c.listener("submissions")).containsExactly(new ListenAddress("0.0.0.0", 465));
        assertThat(c.tls().cert()).isEqualTo(Path.of("/etc/tern/certs/chain.pem"));
        assertThat(c.tls().key()).isEqualTo(Path.of("/etc/ssl/private/tern.key"));
        assertThat(c.submission().hideClientIp()).isTrue();
        assertThatThrownBy(() -> parse("[tls]\ncert = \"a.pem\"\n")).hasMessageStartingWith("tls.key: missing");
        assertThatThrownBy(() -> parse("[tls]\nkey = \"a.pem\"\n")).hasMessageStartingWith("tls.cert: missing");
        assertThatThrownBy(() -> parse("[tls]\ncertificate = \"a.pem\"\n"))
                .hasMessageStartingWith("tls.certificate: unknown setting");
        assertThatThrownBy(() -> parse("[submission]\nhide_client_ip = \"yes\"\n"))
                .hasMessageStartingWith("submission.hide_client_ip:");
    }

    @Test
    void accountsAreWarnedAtNinetyAndAHundredPercentOfTheirQuotaUnlessToldOtherwise() {
        assertThat(parse("hostname = \"mx.example.test\"\n").quota().warnAt()).containsExactly(90, 100);
        assertThat(parse("[quota]\nwarn_at = [75, 95]\n").quota().warnAt()).containsExactly(75, 95);
        assertThat(parse("[quota]\nwarn_at = []\n").quota().warnAt()).isEmpty();
        assertThatThrownBy(() -> parse("[quota]\nwarn_at = [95, 90]\n")).hasMessageStartingWith("quota.warn_at: percentages must be in ascending order");
        assertThatThrownBy(() -> parse("[quota]\nwarn_at = [120]\n")).hasMessageStartingWith("quota.warn_at: every entry must be a whole percentage");
        assertThatThrownBy(() -> parse("[quota]\nwarn_at = \"90%\"\n")).hasMessageStartingWith("quota.warn_at: expected a list");
    }

    @Test
    void trashAndJunkKeepMessagesThirtyDaysUnlessToldOtherwise() {
        assertThat(parse("hostname = \"mx.example.test\"\n").retention())
                .isEqualTo(new RetentionSettings(Duration.ofDays(30), Duration.ofDays(30)));
        assertThat(parse("[retention]\ntrash = \"0\"\njunk = \"7d\"\n").retention())
                .isEqualTo(new RetentionSettings(Duration.ZERO, Duration.ofDays(7)));
        assertThatThrownBy(() -> parse("[retention]\ntrash = \"10m\"\n"))
                .hasMessageStartingWith("retention.trash: at least \"1h\"");
        assertThatThrownBy(() -> parse("[retention]\njunk = 30\n")).hasMessageStartingWith("retention.junk: expected a duration");
        assertThatThrownBy(() -> parse("[retention]\nspam = \"1d\"\n")).hasMessageContaining("retention.spam");
    }

    @Test
    void theSuppressionListTakesHardBouncesForThirtyDaysUnlessToldOtherwise() {
        assertThat(parse("hostname = \"mx.example.test\"\n").suppression())
                .isEqualTo(new SuppressionSettings(true, Duration.ofDays(30)));
        assertThat(parse("[suppression]\nhard_bounces = false\nkeep_for = \"0\"\n").suppression())
                .isEqualTo(new SuppressionSettings(false, Duration.ZERO));
        assertThat(parse("[suppression]\nkeep_for = \"90d\"\n").suppression().keepFor()).isEqualTo(Duration.ofDays(90));
        assertThatThrownBy(() -> parse("[suppression]\nkeep_for = \"forever\"\n"))
                .hasMessageStartingWith("suppression.keep_for: expected a duration");
        assertThatThrownBy(() -> parse("[suppression]\nhard_bounces = \"yes\"\n"))
                .hasMessageStartingWith("suppression.hard_bounces:");
        assertThatThrownBy(() -> parse("[suppression]\nenabled = true\n"))
                .hasMessageStartingWith("suppression.enabled: unknown setting");
    }

    @Test
    void trackingRetentionDefaultsToThirtyDaysAndMustBeAnHourAtLeast() {
        assertThat(parse("hostname = \"mx.example.test\"\n").tracking().retention()).isEqualTo(Duration.ofDays(30));
        assertThat(parse("[tracking]\nretention = \"7d\"\n").tracking().retention()).isEqualTo(Duration.ofDays(7));
        assertThatThrownBy(() -> parse("[tracking]\nretention = \"10m\"\n"))
                .hasMessageStartingWith("tracking.retention: must be at least 1h");
        assertThatThrownBy(() -> parse("[tracking]\nretention = 30\n"))
                .hasMessageStartingWith("tracking.retention: expected a duration");
        assertThatThrownBy(() -> parse("[tracking]\nretain = \"30d\"\n"))
                .hasMessageStartingWith("tracking.retain: unknown setting");
    }

    @Test
    void syntaxErrorsSayTheFileIsNotToml() {
        assertThatThrownBy(() -> parse("hostname = \n")).hasMessageContaining("not valid TOML");
    }

    @Test
    void missingFileSaysHowToCreateOne() {
        assertThatThrownBy(() -> ConfigLoader.load(Path.of("/nonexistent/tern.toml")))
                .hasMessageContaining("no such file").hasMessageContaining("tern init");
    }
}
